// Patients (identifiers sealed, found by keyed hash) and consent forms (sealed).
#include <algorithm>
#include <cctype>

#include "archive/archive_impl.hpp"

namespace clinvid::archive {
namespace {

// Names are compared as the clinic types them: case, accents aside, and spacing ignored.
std::string normalise_name(std::string_view name) {
  std::string out;
  bool space = false;
  for (const char c : name) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string random_patient_id() {
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstvwxyz23456789";  // no look-alikes
  std::array<std::uint8_t, 12> bytes{};
  random_bytes(std::span<std::uint8_t>(bytes));
  std::string id = "P-";
  for (const std::uint8_t b : bytes) id.push_back(kAlphabet[b % (sizeof kAlphabet - 1)]);
  return id;
}

Json identity_json(const PatientIdentity& identity) {
  Json doc = {{"name", identity.name}, {"nhs_number", identity.nhs_number}};
  if (identity.date_of_birth) doc["date_of_birth"] = identity.date_of_birth->to_string();
  return doc;
}

}  // namespace

Result<Patient> Archive::Impl::load_patient(std::string_view id) {
  if (auto ok = require_unlocked(); !ok) return tl::unexpected(ok.error());
  auto stmt = db.prepare("SELECT sealed_identity, created_at FROM patients WHERE id = ?1");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, id);
  auto row = stmt->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return fail(Errc::not_found, "no patient " + std::string(id));
  auto plain = vault->open(KeyUse::identifiers, stmt->col_blob(0), "patient:" + std::string(id));
  if (!plain)
    return fail(Errc::corrupt, "patient " + std::string(id) + ": identifiers do not open");
  auto doc = parse_json(plain->chars());
  if (!doc) return tl::unexpected(doc.error());
  Patient p;
  p.id = id;
  p.created_at = stmt->col_text(1);
  p.identity.name = doc->value("name", "");
  p.identity.nhs_number = doc->value("nhs_number", "");
  if (doc->contains("date_of_birth")) {
    auto dob = consent::Date::parse((*doc)["date_of_birth"].get<std::string>());
    if (!dob) return tl::unexpected(dob.error());
    p.identity.date_of_birth = *dob;
  }
  return p;
}

Result<std::string> Archive::add_patient(const PatientIdentity& identity) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return tl::unexpected(ok.error());
  if (I.user.role == consent::Role::auditor) {
    const std::string reason =
        "Auditors review the audit trail only; they do not register patients.";
    AuditEntry e = I.entry("patient_add", "", "refuse", reason);
    e.rule = "auditor-no-media";
    if (auto ok = I.audit(std::move(e)); !ok) return tl::unexpected(ok.error());
    return fail(Errc::permission_denied, "refused by rule auditor-no-media: " + reason);
  }
  PatientIdentity clean = identity;
  clean.name = normalise_name(identity.name).empty() ? "" : identity.name;
  if (clean.name.empty()) return fail(Errc::invalid_argument, "the patient's name is required");
  if (!identity.nhs_number.empty()) {
    auto digits = normalise_nhs_number(identity.nhs_number);
    if (!digits) return tl::unexpected(digits.error());
    clean.nhs_number = *digits;
  }
  if (clean.date_of_birth && *clean.date_of_birth > today_utc()) {
    return fail(Errc::invalid_argument, "the date of birth is in the future");
  }
  const std::string id = random_patient_id();
  auto tx = Transaction::begin(I.db);
  if (!tx) return tl::unexpected(tx.error());
  auto stmt = I.db.prepare(
      "INSERT INTO patients(id, sealed_identity, nhs_hash, name_hash, dob_hash, created_at)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  if (!stmt) return tl::unexpected(stmt.error());
  const auto sealed =
      I.vault->seal(KeyUse::identifiers, identity_json(clean).dump(), "patient:" + id);
  const Digest name_hash = I.vault->lookup_hash("name", normalise_name(clean.name));
  stmt->bind(1, id).bind(2, std::span<const std::uint8_t>(sealed));
  Digest nhs_hash{};
  if (!clean.nhs_number.empty()) {
    nhs_hash = I.vault->lookup_hash("nhs", clean.nhs_number);
    stmt->bind(3, std::span<const std::uint8_t>(nhs_hash));
  } else {
    stmt->bind_null(3);
  }
  stmt->bind(4, std::span<const std::uint8_t>(name_hash));
  Digest dob_hash{};
  if (clean.date_of_birth) {
    dob_hash = I.vault->lookup_hash("dob", clean.date_of_birth->to_string());
    stmt->bind(5, std::span<const std::uint8_t>(dob_hash));
  } else {
    stmt->bind_null(5);
  }
  stmt->bind(6, now_utc());
  if (auto ok = stmt->run(); !ok) {
    if (ok.error().code == Errc::invalid_argument) {
      return fail(Errc::invalid_argument, "a patient with this NHS number is already registered");
    }
    return tl::unexpected(ok.error());
  }
  // The audit names the pseudonym only, never the identifiers.
  if (auto seq = I.audit_in(I.entry("patient_add", id, "done", "patient registered")); !seq) {
    return tl::unexpected(seq.error());
  }
  if (auto ok = I.commit(*tx); !ok) return tl::unexpected(ok.error());
  return id;
}

Result<std::vector<Patient>> Archive::find_patients(const PatientQuery& query) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return tl::unexpected(ok.error());
  if (!query.name && !query.nhs_number && !query.date_of_birth) {
    return fail(Errc::invalid_argument, "give a name, an NHS number or a date of birth");
  }
  if (I.user.role == consent::Role::auditor) {
    const std::string reason =
        "Auditors review the audit trail only; they do not look up patients.";
    AuditEntry e = I.entry("patient_find", "", "refuse", reason);
    e.rule = "auditor-no-media";
    if (auto ok = I.audit(std::move(e)); !ok) return tl::unexpected(ok.error());
    return fail(Errc::permission_denied, "refused by rule auditor-no-media: " + reason);
  }
  std::string sql = "SELECT id FROM patients WHERE 1 = 1";
  std::vector<Digest> binds;
  if (query.nhs_number) {
    auto digits = normalise_nhs_number(*query.nhs_number);
    if (!digits) return tl::unexpected(digits.error());
    sql += " AND nhs_hash = ?" + std::to_string(binds.size() + 1);
    binds.push_back(I.vault->lookup_hash("nhs", *digits));
  }
  if (query.name) {
    sql += " AND name_hash = ?" + std::to_string(binds.size() + 1);
    binds.push_back(I.vault->lookup_hash("name", normalise_name(*query.name)));
  }
  if (query.date_of_birth) {
    sql += " AND dob_hash = ?" + std::to_string(binds.size() + 1);
    binds.push_back(I.vault->lookup_hash("dob", query.date_of_birth->to_string()));
  }
  sql += " ORDER BY created_at, id";
  std::vector<std::string> ids;
  {
    auto stmt = I.db.prepare(sql);
    if (!stmt) return tl::unexpected(stmt.error());
    for (std::size_t i = 0; i < binds.size(); ++i) {
      stmt->bind(static_cast<int>(i + 1), std::span<const std::uint8_t>(binds[i]));
    }
    for (;;) {
      auto row = stmt->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      ids.push_back(stmt->col_text(0));
    }
  }
  std::vector<Patient> out;
  for (const std::string& id : ids) {
    auto p = I.load_patient(id);
    if (!p) return tl::unexpected(p.error());
    out.push_back(std::move(*p));
  }
  AuditEntry e = I.entry("patient_find", "", "done",
                         "patient identifiers looked up; " + std::to_string(out.size()) + " found");
  std::vector<std::string> fields;
  if (query.name) fields.emplace_back("name");
  if (query.nhs_number) fields.emplace_back("nhs_number");
  if (query.date_of_birth) fields.emplace_back("date_of_birth");
  e.detail = {{"by", fields}, {"found", ids}};
  if (auto ok = I.audit(std::move(e)); !ok) return tl::unexpected(ok.error());
  return out;
}

Result<Patient> Archive::get_patient(std::string_view id) {
  auto& I = *impl_;
  auto p = I.load_patient(id);
  if (!p) return p;
  if (auto ok = I.audit(I.entry("patient_view", id, "done", "patient identifiers shown")); !ok) {
    return tl::unexpected(ok.error());
  }
  return p;
}

// ---- consent forms

Result<consent::ConsentRecord> Archive::Impl::load_consent(std::string_view id) {
  if (auto ok = require_unlocked(); !ok) return tl::unexpected(ok.error());
  auto stmt = db.prepare("SELECT sealed_record FROM consents WHERE id = ?1");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, id);
  auto row = stmt->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return fail(Errc::not_found, "no consent " + std::string(id));
  auto plain = vault->open(KeyUse::consent_forms, stmt->col_blob(0), "consent:" + std::string(id));
  if (!plain) return fail(Errc::corrupt, "consent " + std::string(id) + " does not open");
  auto doc = parse_json(plain->chars());
  if (!doc) return tl::unexpected(doc.error());
  return consent::consent_record_from_json(*doc);
}

Result<std::string> Archive::add_consent(consent::ConsentRecord record) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return tl::unexpected(ok.error());
  if (record.id.is_nil()) record.id = Uuid::random();
  if (auto ok = consent::validate(record); !ok) return tl::unexpected(ok.error());
  if (auto p = I.load_patient(record.patient_ref); !p) return tl::unexpected(p.error());
  if (I.user.role == consent::Role::auditor) {
    const std::string reason = "Auditors review the audit trail only; they do not record consent.";
    AuditEntry e = I.entry("consent_add", record.patient_ref, "refuse", reason);
    e.rule = "auditor-no-media";
    if (auto ok = I.audit(std::move(e)); !ok) return tl::unexpected(ok.error());
    return fail(Errc::permission_denied, "refused by rule auditor-no-media: " + reason);
  }
  const std::string id = record.id.to_string();
  auto tx = Transaction::begin(I.db);
  if (!tx) return tl::unexpected(tx.error());
  auto stmt = I.db.prepare(
      "INSERT INTO consents(id, patient_id, sealed_record, created_at, updated_at)"
      " VALUES(?1, ?2, ?3, ?4, ?4)");
  if (!stmt) return tl::unexpected(stmt.error());
  const auto sealed =
      I.vault->seal(KeyUse::consent_forms, consent::to_json(record).dump(), "consent:" + id);
  stmt->bind(1, id).bind(2, record.patient_ref).bind(3, std::span<const std::uint8_t>(sealed));
  stmt->bind(4, now_utc());
  if (auto ok = stmt->run(); !ok) {
    if (ok.error().code == Errc::invalid_argument) {
      return fail(Errc::invalid_argument, "a consent with id " + id + " exists");
    }
    return tl::unexpected(ok.error());
  }
  AuditEntry e = I.entry("consent_add", id, "done", "consent form recorded");
  Json purposes = Json::object();
  for (const auto& p : record.purposes) {
    purposes[std::string(consent::to_string(p.purpose))] = consent::to_string(p.grant);
  }
  e.detail = {{"patient", record.patient_ref},
              {"purposes", purposes},
              {"mode", consent::to_string(record.mode)},
              {"giver", consent::to_string(record.giver)},
              {"consented_on", record.consented_on.to_string()}};
  if (auto seq = I.audit_in(std::move(e)); !seq) return tl::unexpected(seq.error());
  if (auto ok = I.commit(*tx); !ok) return tl::unexpected(ok.error());
  return id;
}

Result<consent::ConsentRecord> Archive::get_consent(std::string_view id) {
  auto& I = *impl_;
  auto record = I.load_consent(id);
  if (!record) return record;
  if (auto ok = I.audit(I.entry("consent_view", id, "done", "consent form shown")); !ok) {
    return tl::unexpected(ok.error());
  }
  return record;
}

Result<std::vector<consent::FlaggedItem>> Archive::withdraw_consent(
    std::string_view id, consent::Withdrawal withdrawal) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return tl::unexpected(ok.error());
  if (I.user.role == consent::Role::auditor) {
    return fail(Errc::permission_denied,
                "refused by rule auditor-no-media: auditors do not "
                "change consent");
  }
  auto tx = Transaction::begin(I.db);
  if (!tx) return tl::unexpected(tx.error());
  auto record = I.load_consent(id);
  if (!record) return tl::unexpected(record.error());
  record->withdrawals.push_back(withdrawal);
  if (auto ok = consent::validate(*record); !ok) return tl::unexpected(ok.error());
  {
    auto stmt =
        I.db.prepare("UPDATE consents SET sealed_record = ?2, updated_at = ?3 WHERE id = ?1");
    if (!stmt) return tl::unexpected(stmt.error());
    const auto sealed = I.vault->seal(KeyUse::consent_forms, consent::to_json(*record).dump(),
                                      "consent:" + std::string(id));
    stmt->bind(1, id).bind(2, std::span<const std::uint8_t>(sealed)).bind(3, now_utc());
    if (auto ok = stmt->run(); !ok) return tl::unexpected(ok.error());
  }
  std::vector<std::string> purposes;
  for (const auto p : withdrawal.purposes) purposes.emplace_back(consent::to_string(p));
  AuditEntry e = I.entry("consent_withdraw", id, "done",
                         "consent withdrawn from " + withdrawal.withdrawn_on.to_string());
  e.detail = {{"purposes", purposes}, {"patient", record->patient_ref}};
  if (auto seq = I.audit_in(std::move(e)); !seq) return tl::unexpected(seq.error());

  // Everything made (by provenance) from recordings under this consent.
  std::vector<consent::DerivedItem> items;
  {
    auto stmt = I.db.prepare(
        "SELECT DISTINCT d.id, d.purposes FROM provenance p JOIN recordings s ON s.id = p.source_id"
        " JOIN recordings d ON d.id = p.derived_id WHERE s.consent_id = ?1 AND d.status != "
        "'erased'");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, id);
    for (;;) {
      auto row = stmt->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      consent::DerivedItem item;
      item.id = stmt->col_text(0);
      for (const std::string& p : json_strings(stmt->col_text(1))) {
        if (auto purpose = consent::parse_purpose(p)) item.purposes.push_back(*purpose);
      }
      items.push_back(std::move(item));
    }
  }
  const auto flagged = consent::derived_items_to_flag(withdrawal, items);
  for (const auto& item : flagged) {
    auto stmt = I.db.prepare("UPDATE recordings SET flagged = 1, flag_reason = ?2 WHERE id = ?1");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, item.id).bind(2, item.reason);
    if (auto ok = stmt->run(); !ok) return tl::unexpected(ok.error());
    AuditEntry flag = I.entry("flag_derived", item.id, "done", item.reason);
    flag.detail = {{"consent", std::string(id)}};
    if (auto seq = I.audit_in(std::move(flag)); !seq) return tl::unexpected(seq.error());
  }
  if (auto ok = I.commit(*tx); !ok) return tl::unexpected(ok.error());
  return flagged;
}

}  // namespace clinvid::archive
