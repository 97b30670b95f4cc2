// Opening, creating and unlocking an archive; users; the consent gate; audit verification.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <system_error>

#include "archive/archive_impl.hpp"
#include "core/paths.hpp"

namespace clinvid::archive {
namespace {

constexpr std::uint64_t kQuickCheckAboveBytes = 256ull << 20;

std::string role_name(consent::Role role) {
  return std::string(consent::to_string(role));
}

Result<std::string> meta_value(Db& db, std::string_view key) {
  auto stmt = db.prepare("SELECT value FROM meta WHERE key = ?1");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, key);
  auto row = stmt->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return fail(Errc::corrupt, "the catalogue has no '" + std::string(key) + "'");
  return stmt->col_text(0);
}

Status put_meta(Db& db, std::string_view key, std::string_view value) {
  auto stmt = db.prepare("INSERT INTO meta(key, value) VALUES(?1, ?2)");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, key).bind(2, value);
  return stmt->run();
}

// Refuses anything that is not an SQLite file before SQLite is let near it.
Status check_header(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(Errc::io, "cannot read " + file.string());
  char magic[16] = {};
  in.read(magic, sizeof magic);
  if (in.gcount() != 16 ||
      std::string_view(magic, 16) != std::string_view("SQLite format 3\0", 16)) {
    return fail(Errc::corrupt, "the catalogue " + file.string() +
                                   " is damaged (not an SQLite database); it was not changed. "
                                   "Restore it from a backup.");
  }
  return {};
}

Status set_pragmas(Db& db) {
  // busy_timeout first: everything after may wait for another process.
  return db.exec(
      "PRAGMA busy_timeout = 15000; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;"
      " PRAGMA synchronous = FULL; PRAGMA journal_mode = WAL;");
}

Status check_integrity(Db& db, const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  const bool quick = !ec && size > kQuickCheckAboveBytes;
  auto stmt = db.prepare(quick ? "PRAGMA quick_check(5)" : "PRAGMA integrity_check(5)");
  const std::string advice =
      "; it was not changed. Restore it from a backup (the media in media/ are untouched).";
  if (!stmt) {
    return fail(Errc::corrupt, "the catalogue " + file.string() + " is damaged (" +
                                   stmt.error().detail + ")" + advice);
  }
  std::string problems;
  for (;;) {
    auto row = stmt->step();
    if (!row) {
      return fail(Errc::corrupt, "the catalogue " + file.string() + " is damaged (" +
                                     row.error().detail + ")" + advice);
    }
    if (!*row) break;
    const std::string line = stmt->col_text(0);
    if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
  }
  if (!problems.empty()) {
    return fail(Errc::corrupt, "the catalogue " + file.string() + " is damaged (" +
                                   (quick ? "quick_check" : "integrity_check") + ": " + problems +
                                   ")" + advice);
  }
  return {};
}

}  // namespace

consent::Date today_utc() {
  const auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day ymd(days);
  return consent::Date::make(static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                             static_cast<unsigned>(ymd.day()))
      .value();
}

std::string now_utc() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto days = std::chrono::floor<std::chrono::days>(now);
  const std::chrono::year_month_day ymd(days);
  const std::chrono::hh_mm_ss hms(now - days);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return text;
}

Result<std::string> normalise_nhs_number(std::string_view text) {
  std::string digits;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ' ' && c != '-') {
      return fail(Errc::invalid_argument, "an NHS number has only digits, spaces and dashes");
    }
  }
  if (digits.size() != 10) {
    return fail(Errc::invalid_argument,
                "an NHS number has 10 digits (got " + std::to_string(digits.size()) + ")");
  }
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (digits[static_cast<std::size_t>(i)] - '0') * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  if (check == 10 || check != digits[9] - '0') {
    return fail(Errc::invalid_argument, "the NHS number fails its modulus-11 check digit");
  }
  return digits;
}

std::string_view to_string(RecordingStatus status) noexcept {
  switch (status) {
    case RecordingStatus::pending: return "pending";
    case RecordingStatus::active: return "active";
    case RecordingStatus::erased: return "erased";
    case RecordingStatus::invalid: break;
  }
  return "invalid";
}

std::string join_json(const std::vector<std::string>& values) {
  return Json(values).dump();
}

std::vector<std::string> json_strings(const std::string& text) {
  std::vector<std::string> out;
  auto doc = parse_json(text);
  if (!doc || !doc->is_array()) return out;
  for (const Json& v : *doc) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

// ---- Impl helpers

Status Archive::Impl::require_unlocked() const {
  if (!vault) return fail(Errc::permission_denied, "the archive is locked: unlock it as a user");
  return {};
}

AuditEntry Archive::Impl::entry(std::string_view action, std::string_view target,
                                std::string_view outcome, std::string_view reason) const {
  AuditEntry e;
  e.at = now_utc();
  e.user = user.name;
  e.role = user.role == consent::Role::invalid ? "" : role_name(user.role);
  e.action = action;
  e.target = target;
  e.outcome = outcome;
  e.reason = reason;
  return e;
}

Result<std::int64_t> Archive::Impl::audit_in(AuditEntry e) {
  AuditSigner signer;
  signer.archive_id = archive_id;
  if (!signing_secret.empty()) signer.secret_key = &signing_secret;
  return append_audit(db, std::move(e), signer);
}

Status Archive::Impl::commit(Transaction& tx) {
  if (auto ok = tx.commit(); !ok) return ok;
  return write_audit_head(dir, db);
}

Status Archive::Impl::audit(AuditEntry e) {
  auto tx = Transaction::begin(db);
  if (!tx) return tl::unexpected(tx.error());
  if (auto seq = audit_in(std::move(e)); !seq) return tl::unexpected(seq.error());
  return commit(*tx);
}

Result<Stmt*> Archive::Impl::cached(std::string_view sql) {
  auto it = statements.find(sql);
  if (it == statements.end()) {
    auto stmt = db.prepare(sql);
    if (!stmt) return tl::unexpected(stmt.error());
    it = statements.emplace(std::string(sql), std::move(*stmt)).first;
  }
  it->second.reset();
  return &it->second;
}

// ---- Archive

Archive::Archive(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Archive::~Archive() = default;
Archive::Archive(Archive&&) noexcept = default;
Archive& Archive::operator=(Archive&&) noexcept = default;

Result<Archive> Archive::create(const std::filesystem::path& dir, std::string_view user,
                                consent::Role role, const crypto::SecretBytes& passphrase,
                                KdfStrength strength) {
  if (user.empty()) return fail(Errc::invalid_argument, "the first user needs a name");
  if (role == consent::Role::invalid) return fail(Errc::invalid_argument, "invalid role");
  if (passphrase.empty()) return fail(Errc::invalid_argument, "the passphrase is empty");
  const std::filesystem::path file = dir / kCatalogueFile;
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    return fail(Errc::invalid_argument, "an archive already exists at " + dir.string());
  }
  if (auto ok = paths::ensure_directory(dir); !ok) return tl::unexpected(ok.error());
  if (auto ok = paths::ensure_directory(dir / kMediaDir); !ok) return tl::unexpected(ok.error());

  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  auto db = Db::open(file, OpenMode::create);
  if (!db) return tl::unexpected(db.error());
  impl->db = std::move(*db);
  if (auto ok = set_pragmas(impl->db); !ok) return tl::unexpected(ok.error());
  if (auto ok = migrate(impl->db); !ok) return tl::unexpected(ok.error());
  auto policy = consent::default_policy();
  if (!policy) return tl::unexpected(policy.error());
  impl->policy = std::move(*policy);

  crypto::SecretBytes archive_key = random_secret(kArchiveKeySize);
  auto wrap = wrap_for_passphrase(archive_key, passphrase, kdf_params(strength), user);
  if (!wrap) return tl::unexpected(wrap.error());
  impl->vault.emplace(std::move(archive_key));
  SigningKeyPair signing = generate_signing_key();
  impl->archive_id = Uuid::random().to_string();
  impl->user = UserInfo{std::string(user), role, now_utc()};

  auto tx = Transaction::begin(impl->db);
  if (!tx) return tl::unexpected(tx.error());
  const auto sealed_signing =
      impl->vault->seal(KeyUse::signing_key, signing.secret_key.bytes(), "audit-signing-key");
  if (auto ok = put_meta(impl->db, "archive_id", impl->archive_id); !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = put_meta(impl->db, "signing_public_key", to_hex(signing.public_key)); !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = put_meta(impl->db, "signing_secret_sealed", to_hex(sealed_signing)); !ok) {
    return tl::unexpected(ok.error());
  }
  {
    auto stmt = impl->db.prepare(
        "INSERT INTO users(name, role, created_at, kdf_salt, kdf_ops, kdf_mem,"
        " sealed_archive_key) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, user)
        .bind(2, role_name(role))
        .bind(3, impl->user.created_at)
        .bind(4, std::span<const std::uint8_t>(wrap->salt))
        .bind(5, static_cast<std::int64_t>(wrap->params.ops))
        .bind(6, static_cast<std::int64_t>(wrap->params.mem_bytes))
        .bind(7, std::span<const std::uint8_t>(wrap->sealed));
    if (auto ok = stmt->run(); !ok) return tl::unexpected(ok.error());
  }
  impl->signing_secret = std::move(signing.secret_key);
  AuditEntry e = impl->entry("archive_init", impl->archive_id, "done",
                             "archive created; first user " + std::string(user));
  e.detail = {
      {"schema_version", kSchemaVersion},
      {"policy", impl->policy.policy_id + "@" + impl->policy.version},
      {"kdf", strength == KdfStrength::fast ? "argon2id-min (tests)" : "argon2id-moderate"}};
  if (auto seq = impl->audit_in(std::move(e)); !seq) return tl::unexpected(seq.error());
  if (auto ok = impl->commit(*tx); !ok) return tl::unexpected(ok.error());
  return Archive(std::move(impl));
}

Result<Archive> Archive::open(const std::filesystem::path& dir) {
  const std::filesystem::path file = dir / kCatalogueFile;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return fail(Errc::not_found,
                "no archive at " + dir.string() + " (create one with 'clinvid archive init')");
  }
  if (auto ok = check_header(file); !ok) return tl::unexpected(ok.error());
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  auto db = Db::open(file, OpenMode::must_exist);
  if (!db) return tl::unexpected(db.error());
  impl->db = std::move(*db);
  // Check before anything writes: journal_mode, migrations and the audit all write.
  if (auto ok = impl->db.exec("PRAGMA busy_timeout = 15000"); !ok)
    return tl::unexpected(ok.error());
  if (auto ok = check_integrity(impl->db, file); !ok) return tl::unexpected(ok.error());
  auto version = schema_version(impl->db);
  if (!version) return tl::unexpected(version.error());
  if (*version == 0) {
    return fail(Errc::corrupt, file.string() + " is an SQLite file but not a clinvid catalogue");
  }
  if (auto ok = set_pragmas(impl->db); !ok) return tl::unexpected(ok.error());
  if (auto ok = migrate(impl->db); !ok) return tl::unexpected(ok.error());
  auto id = meta_value(impl->db, "archive_id");
  if (!id) return tl::unexpected(id.error());
  impl->archive_id = *id;
  auto policy = consent::default_policy();
  if (!policy) return tl::unexpected(policy.error());
  impl->policy = std::move(*policy);
  return Archive(std::move(impl));
}

Status Archive::unlock(std::string_view user, const crypto::SecretBytes& passphrase) {
  auto& I = *impl_;
  auto stmt = I.db.prepare(
      "SELECT role, created_at, kdf_salt, kdf_ops, kdf_mem, sealed_archive_key FROM users"
      " WHERE name = ?1");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, user);
  auto row = stmt->step();
  if (!row) return tl::unexpected(row.error());
  auto refuse_login = [&](Errc code, std::string reason) -> Status {
    AuditEntry e = I.entry("login", user, "refuse", reason);
    e.user = user;
    e.role = "";
    (void)I.audit(std::move(e));
    return fail(code, reason);
  };
  if (!*row) return refuse_login(Errc::not_found, "no user '" + std::string(user) + "'");
  auto role = consent::parse_role(stmt->col_text(0));
  if (!role) return fail(Errc::corrupt, "user " + std::string(user) + " has an unknown role");
  PassphraseWrap wrap;
  wrap.salt = stmt->col_blob(2);
  wrap.params.ops = static_cast<std::uint64_t>(stmt->col_int(3));
  wrap.params.mem_bytes = static_cast<std::uint64_t>(stmt->col_int(4));
  wrap.sealed = stmt->col_blob(5);
  const std::string created_at = stmt->col_text(1);
  stmt = Stmt();
  auto key = unwrap_with_passphrase(wrap, passphrase, user);
  if (!key) {
    if (key.error().code == Errc::crypto) return refuse_login(Errc::crypto, key.error().detail);
    return tl::unexpected(key.error());
  }
  Vault vault(std::move(*key));
  auto sealed_hex = meta_value(I.db, "signing_secret_sealed");
  if (!sealed_hex) return tl::unexpected(sealed_hex.error());
  auto sealed = from_hex(*sealed_hex);
  if (!sealed) return fail(Errc::corrupt, "sealed signing key is not hex");
  auto signing = vault.open(KeyUse::signing_key, *sealed, "audit-signing-key");
  if (!signing)
    return fail(Errc::corrupt, "the audit signing key does not open: " + signing.error().detail);
  I.vault.emplace(std::move(vault));
  I.signing_secret = std::move(*signing);
  I.user = UserInfo{std::string(user), *role, created_at};
  return {};
}

bool Archive::unlocked() const noexcept {
  return impl_->vault.has_value();
}
const UserInfo& Archive::user() const {
  return impl_->user;
}
const std::filesystem::path& Archive::dir() const noexcept {
  return impl_->dir;
}
const consent::Policy& Archive::policy() const noexcept {
  return impl_->policy;
}
void Archive::set_policy(consent::Policy policy) {
  impl_->policy = std::move(policy);
}

Status Archive::add_user(std::string_view name, consent::Role role,
                         const crypto::SecretBytes& passphrase, KdfStrength strength) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return ok;
  if (name.empty() || name.size() > 64)
    return fail(Errc::invalid_argument, "user name: 1 to 64 characters");
  if (role == consent::Role::invalid) return fail(Errc::invalid_argument, "invalid role");
  if (I.user.role != consent::Role::information_governance_officer) {
    const std::string reason =
        "Only the information-governance officer adds users and gives them access to the "
        "archive key.";
    AuditEntry e = I.entry("user_add", name, "refuse", reason);
    e.rule = "user-admin-by-ig-officer";
    if (auto ok = I.audit(std::move(e)); !ok) return ok;
    return fail(Errc::permission_denied, "refused by rule user-admin-by-ig-officer: " + reason);
  }
  auto wrap = wrap_for_passphrase(I.vault->archive_key(), passphrase, kdf_params(strength), name);
  if (!wrap) return tl::unexpected(wrap.error());
  auto tx = Transaction::begin(I.db);
  if (!tx) return tl::unexpected(tx.error());
  auto stmt = I.db.prepare(
      "INSERT INTO users(name, role, created_at, kdf_salt, kdf_ops, kdf_mem, sealed_archive_key)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, name)
      .bind(2, role_name(role))
      .bind(3, now_utc())
      .bind(4, std::span<const std::uint8_t>(wrap->salt))
      .bind(5, static_cast<std::int64_t>(wrap->params.ops))
      .bind(6, static_cast<std::int64_t>(wrap->params.mem_bytes))
      .bind(7, std::span<const std::uint8_t>(wrap->sealed));
  if (auto ok = stmt->run(); !ok) {
    if (ok.error().code == Errc::invalid_argument) {
      return fail(Errc::invalid_argument, "a user named '" + std::string(name) + "' exists");
    }
    return ok;
  }
  AuditEntry e = I.entry("user_add", name, "done", "user added with role " + role_name(role));
  e.detail = {{"role", role_name(role)}};
  if (auto seq = I.audit_in(std::move(e)); !seq) return tl::unexpected(seq.error());
  return I.commit(*tx);
}

Result<std::vector<UserInfo>> Archive::list_users() {
  auto stmt = impl_->db.prepare("SELECT name, role, created_at FROM users ORDER BY name");
  if (!stmt) return tl::unexpected(stmt.error());
  std::vector<UserInfo> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    UserInfo u;
    u.name = stmt->col_text(0);
    u.role = consent::parse_role(stmt->col_text(1)).value_or(consent::Role::invalid);
    u.created_at = stmt->col_text(2);
    out.push_back(std::move(u));
  }
  return out;
}

// ---- the consent gate

Result<consent::Decision> Archive::authorize(const GateRequest& request) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return tl::unexpected(ok.error());
  consent::Request r;
  r.operation = request.operation;
  r.purpose = request.purpose;
  r.role = I.user.role;
  r.identifiability = request.identifiability;
  r.legal_basis = request.legal_basis;
  if (request.signed_off_by != nullptr) {
    const Archive& other = *request.signed_off_by;
    std::error_code ec;
    if (!other.unlocked() || !std::filesystem::equivalent(other.dir(), I.dir, ec)) {
      return fail(Errc::invalid_argument,
                  "the sign-off must come from a user unlocked on this archive");
    }
    if (other.user().name == I.user.name) {
      return fail(Errc::invalid_argument, "a user cannot sign off their own request");
    }
    r.signoff_by = other.user().role;
  }
  r.on = request.on.value_or(today_utc());
  r.recorded_on = request.recorded_on.value_or(r.on);
  std::string target;
  std::optional<std::string> consent_id = request.consent_id;
  std::string patient_id = request.patient_id;
  r.recording_kind = request.kind;
  r.sites = request.sites;
  if (request.recording_id) {
    auto rec = I.load_recording(*request.recording_id);
    if (!rec) return tl::unexpected(rec.error());
    if (rec->status == RecordingStatus::erased) {
      return fail(Errc::not_found, "recording " + rec->id + " was erased");
    }
    target = rec->id;
    patient_id = rec->patient_id;
    if (!rec->consent_id.empty()) consent_id = rec->consent_id;
    r.recording_kind = rec->kind;
    r.sites = rec->sites;
    r.recorded_on = rec->recorded_on;
  } else {
    target = patient_id;
  }
  auto patient = I.load_patient(patient_id);
  if (!patient) return tl::unexpected(patient.error());
  r.patient_ref = patient->id;
  r.date_of_birth = patient->identity.date_of_birth;
  r.capacity = consent::Capacity::presumed;
  if (consent_id && !consent_id->empty()) {
    auto form = I.load_consent(*consent_id);
    if (!form) return tl::unexpected(form.error());
    if (form->patient_ref != patient->id) {
      return fail(Errc::invalid_argument,
                  "consent " + *consent_id + " is for another patient than " + patient->id);
    }
    if (form->capacity.outcome != consent::Capacity::invalid) r.capacity = form->capacity.outcome;
    r.consent = std::move(*form);
  }
  if (r.date_of_birth && consent::age_in_years(*r.date_of_birth, r.on) < 18 &&
      r.capacity == consent::Capacity::presumed && !r.consent) {
    r.capacity = consent::Capacity::lacks_capacity;  // a child's capacity is never presumed
  }

  auto decision = consent::evaluate(I.policy, r);
  const std::string action(consent::to_string(request.operation));
  if (!decision) {
    AuditEntry e = I.entry(action, target, "invalid_request", decision.error().detail);
    e.detail = {{"purpose", consent::to_string(request.purpose)}};
    if (auto ok = I.audit(std::move(e)); !ok) return tl::unexpected(ok.error());
    return tl::unexpected(decision.error());
  }
  AuditEntry e = I.entry(action, target, consent::to_string(decision->effect), decision->reason);
  e.rule = decision->rule_id;
  e.detail = {{"purpose", consent::to_string(request.purpose)},
              {"patient", patient->id},
              {"consent", consent_id.value_or("")},
              {"policy", decision->policy},
              {"identifiability", consent::to_string(request.identifiability)},
              {"legal_basis", consent::to_string(request.legal_basis)},
              {"request", request.detail}};
  if (decision->effect == consent::Effect::needs_signoff) {
    e.detail["signoff_role"] = consent::to_string(decision->signoff_role);
  }
  if (request.signed_off_by != nullptr) {
    e.detail["signed_off_by"] = {{"user", request.signed_off_by->user().name},
                                 {"role", consent::to_string(request.signed_off_by->user().role)}};
  }
  if (auto ok = I.audit(std::move(e)); !ok) return tl::unexpected(ok.error());
  return decision;
}

Result<AuditReport> Archive::verify_audit() {
  return verify_audit_chain(impl_->db, impl_->dir);
}

Status Archive::export_audit(const std::function<void(const std::string&)>& line) {
  auto& I = *impl_;
  if (auto ok = I.require_unlocked(); !ok) return ok;
  // audit_review is about the trail, not a patient: the policy decides it by role alone.
  consent::Request r;
  r.operation = consent::Operation::audit_review;
  r.role = I.user.role;
  r.on = today_utc();
  r.recorded_on = r.on;
  r.patient_ref = "audit";
  r.capacity = consent::Capacity::presumed;
  r.recording_kind = consent::RecordingKind::pathology;
  r.identifiability = consent::Identifiability::anonymised;
  auto decision = consent::evaluate(I.policy, r);
  if (!decision) return tl::unexpected(decision.error());
  AuditEntry e =
      I.entry("audit_export", I.archive_id, consent::to_string(decision->effect), decision->reason);
  e.rule = decision->rule_id;
  if (auto ok = I.audit(std::move(e)); !ok) return ok;
  if (decision->effect != consent::Effect::allow) {
    return fail(Errc::permission_denied,
                "refused by rule " + decision->rule_id + ": " + decision->reason);
  }
  auto report = verify_audit_chain(I.db, I.dir);
  if (!report) return tl::unexpected(report.error());
  auto rows = read_audit(I.db);
  if (!rows) return tl::unexpected(rows.error());
  auto pk = meta_value(I.db, "signing_public_key");
  if (!pk) return tl::unexpected(pk.error());
  line(Json{{"format", "clinvid.audit-export/1"},
            {"archive_id", I.archive_id},
            {"exported_at", now_utc()},
            {"exported_by", I.user.name},
            {"signing_public_key", *pk},
            {"rows", rows->size()},
            {"head_hash", report->head_hash_hex},
            {"chain_verified", report->ok},
            {"problems", report->problems}}
           .dump());
  for (const AuditEntry& row : *rows) line(to_json(row).dump());
  return {};
}

}  // namespace clinvid::archive
