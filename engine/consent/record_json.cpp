// JSON for consent records ("clinvid.consent/1"): strict, every error naming its pointer.
#include "consent/json_fields.hpp"
#include "consent/record.hpp"

namespace clinvid::consent {
namespace {

using detail::check_fields;
using detail::corrupt_at;
using detail::get_date;
using detail::get_enum;
using detail::get_optional_date;
using detail::get_string;
using detail::get_string_or;
using detail::pointer;

Json person_json(const Person& p) {
  return Json{{"name", p.name}, {"role", p.role}};
}

Result<Person> person_from(const Json& doc, const std::string& where) {
  if (auto ok = check_fields(doc, where, {"name", "role"}); !ok) return tl::unexpected(ok.error());
  auto name = get_string(doc, "name", where);
  if (!name) return tl::unexpected(name.error());
  auto role = get_string_or(doc, "role", where);
  if (!role) return tl::unexpected(role.error());
  return Person{*name, *role};
}

Result<std::optional<Person>> optional_person(const Json& doc, std::string_view key,
                                              std::string_view where) {
  if (!doc.contains(key)) return std::optional<Person>();
  auto person = person_from(doc.at(key), pointer(where, key));
  if (!person) return tl::unexpected(person.error());
  return std::optional<Person>(*person);
}

Result<std::vector<Purpose>> purpose_list(const Json& doc, const std::string& where) {
  return detail::enum_list<Purpose>(doc, where, &parse_purpose);
}

Status read_purposes(const Json& doc, ConsentRecord& r) {
  if (!doc.contains("purposes")) return corrupt_at("/purposes", "required field is missing");
  const Json& list = doc.at("purposes");
  if (!list.is_array()) return corrupt_at("/purposes", "expected an array");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = pointer("/purposes", i);
    if (auto ok = check_fields(list[i], where, {"purpose", "grant"}); !ok) return ok;
    auto purpose = get_enum<Purpose>(list[i], "purpose", where, &parse_purpose);
    if (!purpose) return tl::unexpected(purpose.error());
    auto grant = get_enum<Grant>(list[i], "grant", where, &parse_grant);
    if (!grant) return tl::unexpected(grant.error());
    r.purposes.push_back({*purpose, *grant});
  }
  return {};
}

Status read_capacity(const Json& doc, ConsentRecord& r) {
  if (!doc.contains("capacity")) return corrupt_at("/capacity", "required field is missing");
  const Json& c = doc.at("capacity");
  if (auto ok = check_fields(c, "/capacity", {"outcome", "assessed_by", "assessed_on", "notes"});
      !ok) {
    return ok;
  }
  auto outcome = get_enum<Capacity>(c, "outcome", "/capacity", &parse_capacity);
  if (!outcome) return tl::unexpected(outcome.error());
  auto by = optional_person(c, "assessed_by", "/capacity");
  if (!by) return tl::unexpected(by.error());
  auto on = get_optional_date(c, "assessed_on", "/capacity");
  if (!on) return tl::unexpected(on.error());
  auto notes = get_string_or(c, "notes", "/capacity");
  if (!notes) return tl::unexpected(notes.error());
  r.capacity = {*outcome, *by, *on, *notes};
  return {};
}

Status read_withdrawals(const Json& doc, ConsentRecord& r) {
  if (!doc.contains("withdrawals")) return {};
  const Json& list = doc.at("withdrawals");
  if (!list.is_array()) return corrupt_at("/withdrawals", "expected an array");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = pointer("/withdrawals", i);
    if (auto ok =
            check_fields(list[i], where, {"withdrawn_on", "purposes", "recorded_by", "notes"});
        !ok) {
      return ok;
    }
    Withdrawal w;
    auto on = get_date(list[i], "withdrawn_on", where);
    if (!on) return tl::unexpected(on.error());
    w.withdrawn_on = *on;
    if (!list[i].contains("purposes")) {
      return corrupt_at(where + "/purposes", "required field is missing");
    }
    auto purposes = purpose_list(list[i].at("purposes"), where + "/purposes");
    if (!purposes) return tl::unexpected(purposes.error());
    w.purposes = *purposes;
    if (!list[i].contains("recorded_by")) {
      return corrupt_at(where + "/recorded_by", "required field is missing");
    }
    auto by = person_from(list[i].at("recorded_by"), where + "/recorded_by");
    if (!by) return tl::unexpected(by.error());
    w.recorded_by = *by;
    auto notes = get_string_or(list[i], "notes", where);
    if (!notes) return tl::unexpected(notes.error());
    w.notes = *notes;
    r.withdrawals.push_back(std::move(w));
  }
  return {};
}

Status read_signature_and_extras(const Json& doc, ConsentRecord& r) {
  if (doc.contains("signature")) {
    const Json& s = doc.at("signature");
    if (auto ok = check_fields(s, "/signature", {"media_ref", "sha256"}); !ok) return ok;
    auto ref = get_string(s, "media_ref", "/signature");
    if (!ref) return tl::unexpected(ref.error());
    auto hash = get_string(s, "sha256", "/signature");
    if (!hash) return tl::unexpected(hash.error());
    r.signature = SignatureRef{*ref, *hash};
  }
  if (doc.contains("best_interests")) {
    const Json& b = doc.at("best_interests");
    if (auto ok = check_fields(b, "/best_interests", {"decision_maker", "reasons"}); !ok) return ok;
    if (!b.contains("decision_maker")) {
      return corrupt_at("/best_interests/decision_maker", "required field is missing");
    }
    auto maker = person_from(b.at("decision_maker"), "/best_interests/decision_maker");
    if (!maker) return tl::unexpected(maker.error());
    auto reasons = get_string(b, "reasons", "/best_interests");
    if (!reasons) return tl::unexpected(reasons.error());
    r.best_interests = BestInterestsDecision{*maker, *reasons};
  }
  if (doc.contains("body_sites")) {
    const Json& sites = doc.at("body_sites");
    if (!sites.is_array()) return corrupt_at("/body_sites", "expected an array of site ids");
    for (std::size_t i = 0; i < sites.size(); ++i) {
      if (!sites[i].is_string()) return corrupt_at(pointer("/body_sites", i), "expected a string");
      r.body_sites.push_back(sites[i].get<std::string>());
    }
  }
  return {};
}

}  // namespace

Json to_json(const ConsentRecord& r) {
  Json doc = Json::object();
  doc["format"] = kConsentFormat;
  doc["id"] = r.id.to_string();
  doc["patient_ref"] = r.patient_ref;
  doc["case_ref"] = r.case_ref;
  Json purposes = Json::array();
  for (const PurposeConsent& p : r.purposes) {
    purposes.push_back({{"purpose", to_string(p.purpose)}, {"grant", to_string(p.grant)}});
  }
  doc["purposes"] = purposes;
  doc["body_sites"] = r.body_sites;
  doc["storage_explained"] = r.storage_explained;
  doc["giver"] = to_string(r.giver);
  if (r.giver_person) doc["giver_person"] = person_json(*r.giver_person);
  if (r.best_interests) {
    doc["best_interests"] = {{"decision_maker", person_json(r.best_interests->decision_maker)},
                             {"reasons", r.best_interests->reasons}};
  }
  Json capacity = {{"outcome", to_string(r.capacity.outcome)}, {"notes", r.capacity.notes}};
  if (r.capacity.assessed_by) capacity["assessed_by"] = person_json(*r.capacity.assessed_by);
  if (r.capacity.assessed_on) capacity["assessed_on"] = to_json(*r.capacity.assessed_on);
  doc["capacity"] = capacity;
  doc["mode"] = to_string(r.mode);
  if (r.signature) {
    doc["signature"] = {{"media_ref", r.signature->media_ref}, {"sha256", r.signature->sha256_hex}};
  }
  if (r.witness) doc["witness"] = person_json(*r.witness);
  doc["taken_by"] = person_json(r.taken_by);
  doc["consented_on"] = to_json(r.consented_on);
  if (r.expires_on) doc["expires_on"] = to_json(*r.expires_on);
  doc["comments"] = r.comments;
  doc["exceptional_circumstances"] = r.exceptional_circumstances;
  Json withdrawals = Json::array();
  for (const Withdrawal& w : r.withdrawals) {
    Json purposes_withdrawn = Json::array();
    for (const Purpose p : w.purposes) purposes_withdrawn.push_back(to_string(p));
    withdrawals.push_back({{"withdrawn_on", to_json(w.withdrawn_on)},
                           {"purposes", purposes_withdrawn},
                           {"recorded_by", person_json(w.recorded_by)},
                           {"notes", w.notes}});
  }
  doc["withdrawals"] = withdrawals;
  return doc;
}

Result<ConsentRecord> consent_record_from_json(const Json& doc) {
  if (auto ok = check_fields(doc, "",
                             {"format",
                              "id",
                              "patient_ref",
                              "case_ref",
                              "purposes",
                              "body_sites",
                              "storage_explained",
                              "giver",
                              "giver_person",
                              "best_interests",
                              "capacity",
                              "mode",
                              "signature",
                              "witness",
                              "taken_by",
                              "consented_on",
                              "expires_on",
                              "comments",
                              "exceptional_circumstances",
                              "withdrawals"});
      !ok) {
    return tl::unexpected(ok.error());
  }
  auto format = get_string(doc, "format", "");
  if (!format) return tl::unexpected(format.error());
  if (*format != kConsentFormat) {
    return fail(Errc::unsupported,
                "at /format: '" + *format + "' is not " + std::string(kConsentFormat));
  }
  ConsentRecord r;
  auto id_text = get_string(doc, "id", "");
  if (!id_text) return tl::unexpected(id_text.error());
  auto id = Uuid::parse(*id_text);
  if (!id) return corrupt_at("/id", id.error().detail);
  r.id = *id;
  struct TextField {
    std::string_view key;
    std::string* field;
  };
  const TextField texts[] = {{"patient_ref", &r.patient_ref},
                             {"case_ref", &r.case_ref},
                             {"storage_explained", &r.storage_explained},
                             {"comments", &r.comments},
                             {"exceptional_circumstances", &r.exceptional_circumstances}};
  for (const TextField& t : texts) {
    // patient_ref is required; the others may be absent (empty).
    auto text = t.key == "patient_ref" ? get_string(doc, t.key, "") : get_string_or(doc, t.key, "");
    if (!text) return tl::unexpected(text.error());
    *t.field = *text;
  }
  if (auto ok = read_purposes(doc, r); !ok) return tl::unexpected(ok.error());
  auto giver = get_enum<ConsentGiver>(doc, "giver", "", &parse_consent_giver);
  if (!giver) return tl::unexpected(giver.error());
  r.giver = *giver;
  auto giver_person = optional_person(doc, "giver_person", "");
  if (!giver_person) return tl::unexpected(giver_person.error());
  r.giver_person = *giver_person;
  if (auto ok = read_capacity(doc, r); !ok) return tl::unexpected(ok.error());
  auto mode = get_enum<ConsentMode>(doc, "mode", "", &parse_consent_mode);
  if (!mode) return tl::unexpected(mode.error());
  r.mode = *mode;
  if (auto ok = read_signature_and_extras(doc, r); !ok) return tl::unexpected(ok.error());
  auto witness = optional_person(doc, "witness", "");
  if (!witness) return tl::unexpected(witness.error());
  r.witness = *witness;
  if (!doc.contains("taken_by")) return corrupt_at("/taken_by", "required field is missing");
  auto taken_by = person_from(doc.at("taken_by"), "/taken_by");
  if (!taken_by) return tl::unexpected(taken_by.error());
  r.taken_by = *taken_by;
  auto consented_on = get_date(doc, "consented_on", "");
  if (!consented_on) return tl::unexpected(consented_on.error());
  r.consented_on = *consented_on;
  auto expires_on = get_optional_date(doc, "expires_on", "");
  if (!expires_on) return tl::unexpected(expires_on.error());
  r.expires_on = *expires_on;
  if (auto ok = read_withdrawals(doc, r); !ok) return tl::unexpected(ok.error());
  if (auto ok = validate(r); !ok) return fail(Errc::corrupt, ok.error().detail);
  return r;
}

}  // namespace clinvid::consent
