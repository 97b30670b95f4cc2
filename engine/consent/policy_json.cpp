// Reading and writing "clinvid.policy/1" documents. Every error names its JSON pointer.
#include <algorithm>
#include <cctype>

#include "consent/enum_names.hpp"
#include "consent/json_fields.hpp"
#include "consent/policy.hpp"

namespace clinvid::consent {
namespace {

using detail::check_fields;
using detail::corrupt_at;
using detail::pointer;

constexpr detail::EnumName<Effect> kEffects[] = {
    {Effect::allow, "allow"},
    {Effect::refuse, "refuse"},
    {Effect::needs_signoff, "needs_signoff"},
};

constexpr ConditionInfo kConditionInfo[] = {
    {"operation",
     "the operation asked for (record, view, edit, derive, export, disclose, erase, "
     "audit_review)"},
    {"purpose", "the purpose the operation serves"},
    {"role", "the role of the user asking"},
    {"recording_kind", "what kind of recording it is (external_photo, endoscopic, xray, ...)"},
    {"implicit_consent_kind",
     "true when the kind is one GMC recordings para 10 lists: "
     "endoscopic, laparoscopic, internal_organ, pathology, "
     "organ_function, ultrasound, xray"},
    {"intimate_site", "true when any body site filmed is intimate"},
    {"body_site", "any body site filmed is one of these ids"},
    {"age_known", "true when the patient's date of birth is known"},
    {"age_under_years",
     "the patient's age on the day of the recording is below this number "
     "(false when the age is unknown)"},
    {"capacity", "the patient's capacity now (presumed, has_capacity, lacks_capacity)"},
    {"consent",
     "where consent for the requested purpose stands on the day of the request: none "
     "(no record), not_yet_given, withdrawn, expired, not_asked, refused, "
     "anonymised_only, identifiable"},
    {"consent_mode", "written or verbal (false when there is no record)"},
    {"consent_giver",
     "who consented: patient, parent_guardian, legal_proxy, best_interests "
     "(false when there is no record)"},
    {"consent_capacity", "the capacity assessment recorded on the consent form"},
    {"sites_on_consent", "true when every body site filmed is named on the consent form"},
    {"exceptional_circumstances_recorded",
     "true when the form records the exceptional "
     "circumstances"},
    {"identifiability", "whether the item used is identifiable or anonymised"},
    {"legal_basis",
     "the legal basis stated for disclosure (none, court_order, "
     "required_by_law, public_interest)"},
    {"signoff_by", "the role of the user who signed the request off (false when none)"},
};

struct NoParser {};

// Visits every condition in documentation order: f(name, member, parser). `C` is
// Conditions or const Conditions.
template <class C, class F>
Status for_each_condition(C& c, F&& f) {
  Status s;
  auto step = [&](std::string_view name, auto& member, auto parser) {
    if (s) s = f(name, member, parser);
  };
  step("operation", c.operation, &parse_operation);
  step("purpose", c.purpose, &parse_purpose);
  step("role", c.role, &parse_role);
  step("recording_kind", c.recording_kind, &parse_recording_kind);
  step("implicit_consent_kind", c.implicit_consent_kind, NoParser{});
  step("intimate_site", c.intimate_site, NoParser{});
  step("body_site", c.body_site, NoParser{});
  step("age_known", c.age_known, NoParser{});
  step("age_under_years", c.age_under_years, NoParser{});
  step("capacity", c.capacity, &parse_capacity);
  step("consent", c.consent, &parse_consent_state);
  step("consent_mode", c.consent_mode, &parse_consent_mode);
  step("consent_giver", c.consent_giver, &parse_consent_giver);
  step("consent_capacity", c.consent_capacity, &parse_capacity);
  step("sites_on_consent", c.sites_on_consent, NoParser{});
  step("exceptional_circumstances_recorded", c.exceptional_circumstances_recorded, NoParser{});
  step("identifiability", c.identifiability, &parse_identifiability);
  step("legal_basis", c.legal_basis, &parse_legal_basis);
  step("signoff_by", c.signoff_by, &parse_role);
  return s;
}

Result<std::vector<std::string>> site_list(const Json& value, const std::string& where) {
  if (!value.is_array() || value.empty()) {
    return corrupt_at(where, "expected a non-empty array of body-site ids");
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string at = pointer(where, i);
    if (!value[i].is_string()) return corrupt_at(at, "expected a string");
    const std::string id = value[i].get<std::string>();
    if (!find_body_site(id)) return corrupt_at(at, "unknown body site '" + id + "'");
    if (std::find(out.begin(), out.end(), id) != out.end()) return corrupt_at(at, "listed twice");
    out.push_back(id);
  }
  return out;
}

Result<Conditions> parse_conditions(const Json& doc, const std::string& where) {
  if (auto ok = detail::require_object(doc, where); !ok) return tl::unexpected(ok.error());
  for (const auto& [key, value] : doc.items()) {
    const bool known = std::any_of(std::begin(kConditionInfo), std::end(kConditionInfo),
                                   [&](const ConditionInfo& c) { return c.name == key; });
    if (!known) {
      std::string names;
      for (const ConditionInfo& c : kConditionInfo) {
        names += (names.empty() ? "" : ", ") + std::string(c.name);
      }
      return corrupt_at(pointer(where, key), "unknown condition (known: " + names + ")");
    }
  }
  Conditions c;
  auto status =
      for_each_condition(c, [&](std::string_view name, auto& member, auto parser) -> Status {
        if (!doc.contains(name)) return {};
        const Json& value = doc.at(name);
        const std::string at = pointer(where, name);
        using Member = std::remove_reference_t<decltype(member)>;
        if constexpr (std::is_same_v<Member, std::optional<bool>>) {
          if (!value.is_boolean()) return corrupt_at(at, "expected true or false");
          member = value.get<bool>();
        } else if constexpr (std::is_same_v<Member, std::optional<int>>) {
          if (!value.is_number_integer() || value.get<int>() < 1 || value.get<int>() > 130) {
            return corrupt_at(at, "expected an age in whole years, 1 to 130");
          }
          member = value.get<int>();
        } else if constexpr (std::is_same_v<Member, std::optional<std::vector<std::string>>>) {
          auto sites = site_list(value, at);
          if (!sites) return tl::unexpected(sites.error());
          member = *sites;
        } else {
          auto list = detail::enum_list(value, at, parser);
          if (!list) return tl::unexpected(list.error());
          member = *list;
        }
        return {};
      });
  if (!status) return tl::unexpected(status.error());
  return c;
}

Json conditions_json(const Conditions& c) {
  Json doc = Json::object();
  (void)for_each_condition(c, [&](std::string_view name, const auto& member, auto) -> Status {
    if (!member) return {};
    using Member = std::remove_cvref_t<decltype(member)>;
    if constexpr (std::is_same_v<Member, std::optional<bool>> ||
                  std::is_same_v<Member, std::optional<int>> ||
                  std::is_same_v<Member, std::optional<std::vector<std::string>>>) {
      doc[std::string(name)] = *member;
    } else {
      Json list = Json::array();
      for (const auto& value : *member) list.push_back(to_string(value));
      doc[std::string(name)] = list;
    }
    return {};
  });
  return doc;
}

bool valid_rule_id(std::string_view id) {
  if (id.empty() || id.size() > 64 || !std::islower(static_cast<unsigned char>(id[0]))) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
  });
}

Result<std::string> nonempty_string(const Json& doc, std::string_view key,
                                    const std::string& where) {
  auto text = detail::get_string(doc, key, where);
  if (!text) return text;
  if (text->empty()) return corrupt_at(pointer(where, key), "must not be empty");
  return text;
}

Result<Rule> parse_rule(const Json& doc, const std::string& where) {
  if (auto ok = check_fields(doc, where,
                             {"id", "text", "guidance", "notes", "when", "unless", "effect",
                              "signoff_role", "locked"});
      !ok) {
    return tl::unexpected(ok.error());
  }
  Rule rule;
  auto id = nonempty_string(doc, "id", where);
  if (!id) return tl::unexpected(id.error());
  if (!valid_rule_id(*id)) {
    return corrupt_at(where + "/id", "'" + *id +
                                         "': use lower-case letters, digits and '-', "
                                         "starting with a letter, at most 64");
  }
  rule.id = *id;
  auto text = nonempty_string(doc, "text", where);
  if (!text) return tl::unexpected(text.error());
  rule.text = *text;
  auto guidance = nonempty_string(doc, "guidance", where);
  if (!guidance) return tl::unexpected(guidance.error());
  rule.guidance = *guidance;
  auto notes = detail::get_string_or(doc, "notes", where);
  if (!notes) return tl::unexpected(notes.error());
  rule.notes = *notes;
  if (!doc.contains("when")) return corrupt_at(where + "/when", "required field is missing");
  auto when = parse_conditions(doc.at("when"), where + "/when");
  if (!when) return tl::unexpected(when.error());
  rule.when = *when;
  if (doc.contains("unless")) {
    auto unless = parse_conditions(doc.at("unless"), where + "/unless");
    if (!unless) return tl::unexpected(unless.error());
    rule.unless = *unless;
  }
  auto effect = detail::get_enum<Effect>(doc, "effect", where, &parse_effect);
  if (!effect) return tl::unexpected(effect.error());
  rule.effect = *effect;
  if (rule.effect == Effect::needs_signoff) {
    auto role = detail::get_enum<Role>(doc, "signoff_role", where, &parse_role);
    if (!role) return tl::unexpected(role.error());
    rule.signoff_role = *role;
    const auto& accepted = rule.unless ? rule.unless->signoff_by : std::nullopt;
    if (!accepted ||
        std::find(accepted->begin(), accepted->end(), rule.signoff_role) == accepted->end()) {
      return corrupt_at(where + "/unless",
                        "a needs_signoff rule must list its signoff_role in unless.signoff_by, "
                        "or no sign-off could ever satisfy it");
    }
  } else if (doc.contains("signoff_role")) {
    return corrupt_at(where + "/signoff_role", "only for effect needs_signoff");
  }
  auto locked = json_get_or<bool>(doc, "locked", where, false);
  if (!locked) return tl::unexpected(locked.error());
  rule.locked = *locked;
  return rule;
}

Status parse_retention(const Json& doc, Policy& policy) {
  if (!doc.contains("retention")) return corrupt_at("/retention", "required field is missing");
  const Json& table = doc.at("retention");
  if (auto ok = detail::require_object(table, "/retention"); !ok) return ok;
  for (const auto& [key, value] : table.items()) {
    if (!parse_purpose(key)) return corrupt_at(pointer("/retention", key), "unknown purpose");
  }
  for (const Purpose purpose : all_purposes()) {
    const std::string where = pointer("/retention", to_string(purpose));
    if (!table.contains(to_string(purpose))) {
      return corrupt_at(where, "required: every purpose needs a retention period");
    }
    const Json& entry = table.at(to_string(purpose));
    if (auto ok =
            check_fields(entry, where, {"years", "days", "until_age_years", "text", "guidance"});
        !ok) {
      return ok;
    }
    Retention r;
    r.purpose = purpose;
    auto years = json_get_or<int>(entry, "years", where, 0);
    if (!years) return tl::unexpected(years.error());
    auto days = json_get_or<int>(entry, "days", where, 0);
    if (!days) return tl::unexpected(days.error());
    if (*years < 0 || *years > 200) return corrupt_at(where + "/years", "expected 0 to 200");
    if (*days < 0 || *days > 73000) return corrupt_at(where + "/days", "expected 0 to 73000");
    if (*years == 0 && *days == 0) return corrupt_at(where, "give a period in years or days");
    r.years = *years;
    r.days = *days;
    if (entry.contains("until_age_years")) {
      auto age = json_get<int>(entry, "until_age_years", where);
      if (!age) return tl::unexpected(age.error());
      if (*age < 1 || *age > 130)
        return corrupt_at(where + "/until_age_years", "expected 1 to 130");
      r.until_age_years = *age;
    }
    auto text = nonempty_string(entry, "text", where);
    if (!text) return tl::unexpected(text.error());
    r.text = *text;
    auto guidance = detail::get_string_or(entry, "guidance", where);
    if (!guidance) return tl::unexpected(guidance.error());
    r.guidance = *guidance;
    policy.retention.push_back(std::move(r));
  }
  return {};
}

Status parse_header(const Json& doc, Policy& policy) {
  struct Field {
    std::string_view key;
    std::string* out;
  };
  for (const Field& f : {Field{"policy_id", &policy.policy_id}, Field{"version", &policy.version},
                         Field{"title", &policy.title}, Field{"owner", &policy.owner}}) {
    auto text = nonempty_string(doc, f.key, "");
    if (!text) return tl::unexpected(text.error());
    *f.out = *text;
  }
  auto notes = detail::get_string_or(doc, "notes", "");
  if (!notes) return tl::unexpected(notes.error());
  policy.notes = *notes;
  auto effective = detail::get_date(doc, "effective_from", "");
  if (!effective) return tl::unexpected(effective.error());
  policy.effective_from = *effective;
  if (doc.contains("references")) {
    const Json& refs = doc.at("references");
    if (auto ok = detail::require_object(refs, "/references"); !ok) return ok;
    for (const auto& [key, value] : refs.items()) {
      if (!value.is_string()) return corrupt_at(pointer("/references", key), "expected a string");
      policy.references[key] = value.get<std::string>();
    }
  }
  if (!doc.contains("default")) return corrupt_at("/default", "required field is missing");
  const Json& fallback = doc.at("default");
  if (auto ok = check_fields(fallback, "/default", {"id", "text"}); !ok) return ok;
  auto id = nonempty_string(fallback, "id", "/default");
  if (!id) return tl::unexpected(id.error());
  if (!valid_rule_id(*id)) return corrupt_at("/default/id", "not a valid rule id");
  policy.default_id = *id;
  auto text = nonempty_string(fallback, "text", "/default");
  if (!text) return tl::unexpected(text.error());
  policy.default_text = *text;
  return {};
}

}  // namespace

std::string_view to_string(Effect value) noexcept {
  return detail::name_of(kEffects, value);
}
Result<Effect> parse_effect(std::string_view text) {
  return detail::parse_name(kEffects, text, "effect");
}

std::span<const ConditionInfo> condition_names() noexcept {
  return kConditionInfo;
}

Result<Policy> parse_policy(const Json& doc) {
  if (auto ok = check_fields(doc, "",
                             {"format", "policy_id", "version", "title", "owner", "effective_from",
                              "notes", "references", "retention", "default", "rules"});
      !ok) {
    return tl::unexpected(ok.error());
  }
  auto format = detail::get_string(doc, "format", "");
  if (!format) return tl::unexpected(format.error());
  if (*format != kPolicyFormat) {
    return fail(Errc::unsupported,
                "at /format: '" + *format + "' is not " + std::string(kPolicyFormat));
  }
  Policy policy;
  if (auto ok = parse_header(doc, policy); !ok) return tl::unexpected(ok.error());
  if (auto ok = parse_retention(doc, policy); !ok) return tl::unexpected(ok.error());
  if (!doc.contains("rules")) return corrupt_at("/rules", "required field is missing");
  const Json& rules = doc.at("rules");
  if (!rules.is_array() || rules.empty()) return corrupt_at("/rules", "expected a non-empty array");
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const std::string where = pointer("/rules", i);
    auto rule = parse_rule(rules[i], where);
    if (!rule) return tl::unexpected(rule.error());
    for (std::size_t j = 0; j < policy.rules.size(); ++j) {
      if (policy.rules[j].id == rule->id) {
        return corrupt_at(where + "/id", "duplicate rule id '" + rule->id + "' (first at " +
                                             pointer("/rules", j) + ")");
      }
    }
    if (rule->id == policy.default_id) {
      return corrupt_at(where + "/id", "'" + rule->id + "' is the default refusal's id");
    }
    policy.rules.push_back(std::move(*rule));
  }
  return policy;
}

Result<Policy> parse_policy_text(std::string_view text) {
  auto doc = parse_json(text);
  if (!doc) return tl::unexpected(doc.error());
  return parse_policy(*doc);
}

Json to_json(const Policy& policy) {
  Json doc = Json::object();
  doc["format"] = kPolicyFormat;
  doc["policy_id"] = policy.policy_id;
  doc["version"] = policy.version;
  doc["title"] = policy.title;
  doc["owner"] = policy.owner;
  doc["effective_from"] = to_json(policy.effective_from);
  doc["notes"] = policy.notes;
  doc["references"] = policy.references;
  Json retention = Json::object();
  for (const Retention& r : policy.retention) {
    Json entry = {{"years", r.years}, {"days", r.days}, {"text", r.text}, {"guidance", r.guidance}};
    if (r.until_age_years) entry["until_age_years"] = *r.until_age_years;
    retention[std::string(to_string(r.purpose))] = entry;
  }
  doc["retention"] = retention;
  doc["default"] = {{"id", policy.default_id}, {"text", policy.default_text}};
  Json rules = Json::array();
  for (const Rule& rule : policy.rules) {
    Json entry = {{"id", rule.id},
                  {"text", rule.text},
                  {"guidance", rule.guidance},
                  {"notes", rule.notes},
                  {"when", conditions_json(rule.when)},
                  {"effect", to_string(rule.effect)},
                  {"locked", rule.locked}};
    if (rule.unless) entry["unless"] = conditions_json(*rule.unless);
    if (rule.effect == Effect::needs_signoff) entry["signoff_role"] = to_string(rule.signoff_role);
    rules.push_back(entry);
  }
  doc["rules"] = rules;
  return doc;
}

}  // namespace clinvid::consent
