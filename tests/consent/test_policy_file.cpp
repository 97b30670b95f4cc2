#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "consent/evaluate.hpp"
#include "consent/policy.hpp"
#include "consent_fixtures.hpp"
#include "core/id.hpp"

namespace clinvid::consent {
namespace {

const std::filesystem::path kPolicyPath =
    std::filesystem::path(CLINVID_SOURCE_DIR) / "assets/policy/default-policy.json";

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Json default_doc() {
  return parse_json(default_policy_json()).value();
}

std::string error_of(const Json& doc) {
  const auto policy = parse_policy(doc);
  return policy ? std::string("(no error)") : policy.error().detail;
}

Json rule_json(std::string id, Json when, std::string effect) {
  return {{"id", std::move(id)},
          {"text", "test rule"},
          {"guidance", "test"},
          {"when", std::move(when)},
          {"effect", std::move(effect)}};
}

// Writes `doc` to a temporary file and loads it as an organisation's policy.
Result<Policy> load(const Json& doc) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("clinvid-policy-" + Uuid::random().to_string() + ".json");
  std::ofstream(path) << doc.dump(2);
  auto policy = load_policy_file(path);
  std::filesystem::remove(path);
  return policy;
}

TEST(DefaultPolicy, EmbeddedCopyIsTheAssetFile) {
  const std::string on_disk = slurp(kPolicyPath);
  ASSERT_FALSE(on_disk.empty()) << kPolicyPath;
  EXPECT_EQ(default_policy_json(), on_disk);
}

TEST(DefaultPolicy, ParsesAndIsComplete) {
  const auto parsed = default_policy();
  ASSERT_TRUE(parsed) << parsed.error().message();
  const Policy& p = *parsed;
  EXPECT_EQ(p.policy_id, "clinvid-default");
  EXPECT_GE(p.rules.size(), 30u);
  EXPECT_EQ(p.retention.size(), all_purposes().size());
  for (const Purpose purpose : all_purposes()) EXPECT_NE(retention_for(p, purpose), nullptr);
  std::set<std::string> locked;
  for (const Rule& rule : p.rules) {
    if (!rule.locked) continue;
    locked.insert(rule.id);
    EXPECT_EQ(rule.effect, Effect::refuse) << rule.id << ": the floor is made of refusals";
  }
  for (const char* id : {"under18-intimate", "intimate-explicit-written", "consent-withdrawn",
                         "consent-expired", "consent-refused", "no-consent", "auditor-no-media",
                         "child-written-consent", "child-exceptional-circumstances"}) {
    EXPECT_TRUE(locked.count(id)) << id;
  }
  // The file passes its own floor.
  EXPECT_TRUE(check_locked_rules(p, p));
  EXPECT_TRUE(load_policy_file(kPolicyPath)) << load_policy_file(kPolicyPath).error().message();
}

TEST(DefaultPolicy, JsonRoundTrips) {
  const Policy p = default_policy().value();
  const auto back = parse_policy(to_json(p));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, p);
}

// The governance document must name every rule and every condition, so it cannot drift
// from the policy it explains.
TEST(DefaultPolicy, GovernanceDocumentCoversEveryRuleAndCondition) {
  const std::string doc = slurp(std::filesystem::path(CLINVID_SOURCE_DIR) / "docs/governance.md");
  ASSERT_FALSE(doc.empty());
  const Policy policy = default_policy().value();
  for (const Rule& rule : policy.rules) {
    EXPECT_NE(doc.find("`" + rule.id + "`"), std::string::npos) << rule.id;
  }
  for (const ConditionInfo& c : condition_names()) {
    EXPECT_NE(doc.find("`" + std::string(c.name) + "`"), std::string::npos) << c.name;
  }
}

TEST(PolicyFile, ErrorsNameTheJsonPointer) {
  auto with = [](const char* pointer, const Json& value) {
    Json doc = default_doc();
    doc[Json::json_pointer(pointer)] = value;
    return error_of(doc);
  };
  EXPECT_EQ(with("/colour", "red"), "at /colour: unknown field");
  EXPECT_EQ(with("/rules/0/priority", 1), "at /rules/0/priority: unknown field");
  EXPECT_EQ(
      with("/rules/2/when/patient_age", 5)
          .rfind("at /rules/2/when/patient_age: unknown condition (known: operation, purpose,", 0),
      0u);
  EXPECT_EQ(with("/rules/0/when/role/1", "janitor")
                .rfind("at /rules/0/when/role/1: unknown role 'janitor' (expected one of: ", 0),
            0u);
  EXPECT_EQ(with("/rules/6/when/intimate_site", "yes"),
            "at /rules/6/when/intimate_site: expected true or false");
  EXPECT_EQ(with("/rules/6/when/age_under_years", 0),
            "at /rules/6/when/age_under_years: expected an age in whole years, 1 to 130");
  EXPECT_EQ(with("/rules/0/when/operation", "view"),
            "at /rules/0/when/operation: expected a non-empty array of strings");
  EXPECT_EQ(with("/rules/0/when/operation", Json::array({"view", "view"})),
            "at /rules/0/when/operation/1: listed twice");
  EXPECT_EQ(with("/rules/0/effect", "maybe").rfind("at /rules/0/effect: unknown effect 'maybe'", 0),
            0u);
  EXPECT_EQ(with("/rules/1/id", "audit-review-by-auditors"),
            "at /rules/1/id: duplicate rule id 'audit-review-by-auditors' (first at /rules/0)");
  EXPECT_EQ(with("/rules/1/id", "Bad Id").rfind("at /rules/1/id: 'Bad Id': use lower-case", 0), 0u);
  EXPECT_EQ(with("/rules/1/text", ""), "at /rules/1/text: must not be empty");
  EXPECT_EQ(with("/rules/0/when/body_site", Json::array({"elbw"})),
            "at /rules/0/when/body_site/0: unknown body site 'elbw'");
  EXPECT_EQ(with("/rules/0/signoff_role", "clinician"),
            "at /rules/0/signoff_role: only for effect needs_signoff");
  EXPECT_EQ(with("/effective_from", "01/01/2025"),
            "at /effective_from: expected a date as YYYY-MM-DD, got '01/01/2025'");
  EXPECT_EQ(with("/effective_from", "2025-02-30"), "at /effective_from: no such date 2025-2-30");
  EXPECT_EQ(with("/retention/teaching/years", -1),
            "at /retention/teaching/years: expected 0 to 200");
  EXPECT_EQ(with("/retention/hobby", Json::object()), "at /retention/hobby: unknown purpose");
  EXPECT_EQ(with("/rules", Json::array()), "at /rules: expected a non-empty array");
  EXPECT_EQ(with("/default/text", 3), "at /default/text: expected string, got number");
}

TEST(PolicyFile, StructuralRules) {
  Json doc = default_doc();
  doc["retention"].erase("research");
  EXPECT_EQ(error_of(doc),
            "at /retention/research: required: every purpose needs a retention period");

  doc = default_doc();
  doc["format"] = "clinvid.policy/2";
  EXPECT_EQ(parse_policy(doc).error().code, Errc::unsupported);

  // A needs_signoff rule must say who signs off, and accept that sign-off in `unless`;
  // otherwise nothing could ever satisfy it.
  doc = default_doc();
  Json rule = rule_json("x-signoff", {{"role", {"educator"}}}, "needs_signoff");
  doc["rules"].push_back(rule);
  EXPECT_EQ(error_of(doc), "at /rules/38/signoff_role: required field is missing");
  rule["signoff_role"] = "clinician";
  doc["rules"][38] = rule;
  EXPECT_EQ(error_of(doc).rfind("at /rules/38/unless: a needs_signoff rule must list", 0), 0u);
  rule["unless"] = {{"signoff_by", {"clinician"}}};
  doc["rules"][38] = rule;
  EXPECT_TRUE(parse_policy(doc));

  EXPECT_EQ(parse_policy_text("{\"format\": ").error().code, Errc::corrupt);
}

TEST(PolicyFile, OrganisationsMayTightenButNotLowerTheFloor) {
  // Adding a refusal anywhere is fine: e.g. no publication at all in this organisation.
  Json tighter = default_doc();
  tighter["rules"].insert(tighter["rules"].begin(),
                          rule_json("no-publication", {{"purpose", {"publication"}}}, "refuse"));
  tighter["policy_id"] = "st-elsewhere";
  const auto ok = load(tighter);
  ASSERT_TRUE(ok) << ok.error().message();
  const auto refused =
      evaluate(*ok, testing::Req()
                        .op(Operation::disclose)
                        .purpose(Purpose::publication)
                        .consent(testing::Form().grant(Purpose::publication, Grant::identifiable)));
  EXPECT_EQ(refused.value().rule_id, "no-publication");
  EXPECT_EQ(refused.value().policy, "st-elsewhere@1.1.0");

  // Rewording a locked rule's text is fine (translation, local terms).
  Json reworded = default_doc();
  for (Json& r : reworded["rules"]) {
    if (r["id"] == "no-consent") r["text"] = "Dim caniatâd: no consent recorded.";
  }
  EXPECT_TRUE(load(reworded));

  // Removing a locked rule is not.
  Json removed = default_doc();
  auto& rules = removed["rules"];
  rules.erase(std::remove_if(rules.begin(), rules.end(),
                             [](const Json& r) { return r["id"] == "under18-intimate"; }),
              rules.end());
  auto error = load(removed);
  ASSERT_FALSE(error);
  EXPECT_NE(error.error().detail.find("locked rule 'under18-intimate'"), std::string::npos);
  EXPECT_NE(error.error().detail.find("may not remove"), std::string::npos);

  // Nor is changing what it does.
  Json changed = default_doc();
  for (Json& r : changed["rules"]) {
    if (r["id"] == "under18-intimate") r["when"]["age_under_years"] = 16;
  }
  error = load(changed);
  ASSERT_FALSE(error);
  EXPECT_NE(error.error().detail.find("was changed"), std::string::npos);

  // Nor unlocking it.
  Json unlocked = default_doc();
  for (Json& r : unlocked["rules"]) {
    if (r["id"] == "consent-withdrawn") r["locked"] = false;
  }
  EXPECT_FALSE(load(unlocked));

  // Nor putting a new allow in front of it.
  Json shadowed = default_doc();
  shadowed["rules"].insert(shadowed["rules"].begin(),
                           rule_json("teach-anything", {{"purpose", {"teaching"}}}, "allow"));
  error = load(shadowed);
  ASSERT_FALSE(error);
  EXPECT_NE(error.error().detail.find("at /rules/0: rule 'teach-anything' (allow) is placed "
                                      "before locked rule 'auditor-no-media'"),
            std::string::npos)
      << error.error().detail;

  // A new allow after the floor is fine.
  Json after = default_doc();
  after["rules"].push_back(rule_json("teach-anything", {{"purpose", {"teaching"}}}, "allow"));
  EXPECT_TRUE(load(after));

  EXPECT_EQ(load_policy_file("/nonexistent/policy.json").error().code, Errc::not_found);
}

TEST(PolicyEngine, NoApplicableRuleRefuses) {
  Json doc = default_doc();
  doc["rules"] = Json::array({rule_json("only-audit", {{"operation", {"audit_review"}}}, "allow")});
  const Policy tiny = parse_policy(doc).value();
  const auto d = evaluate(tiny, testing::Req()).value();
  EXPECT_EQ(d.effect, Effect::refuse);
  EXPECT_EQ(d.rule_id, "default-refuse");
  EXPECT_TRUE(d.audit_required);
  EXPECT_NE(d.reason.find("refused"), std::string::npos);
}

TEST(PolicyEngine, MalformedRequestsAreErrors) {
  const Policy p = default_policy().value();
  auto error = [&](const Request& r) {
    const auto d = evaluate(p, r);
    return d ? std::string("(decided ") + d->rule_id + ")" : d.error().detail;
  };
  using testing::Req;
  EXPECT_NE(error(Req().site("paw")).find("unknown body site 'paw'"), std::string::npos);
  EXPECT_NE(error(Req().site("hand")).find("paired"), std::string::npos);
  Request no_site = Req();
  no_site.sites.clear();
  EXPECT_NE(error(no_site).find("which body sites"), std::string::npos);
  Request other_patient = Req().consent(testing::Form());
  other_patient.patient_ref = "P-2002";
  EXPECT_NE(error(other_patient).find("another patient"), std::string::npos);
  Request before_birth = Req();
  before_birth.date_of_birth = testing::day("2025-07-01");
  EXPECT_NE(error(before_birth).find("before the date of birth"), std::string::npos);
  EXPECT_NE(error(Req().recorded("2025-06-03")).find("after the request date"), std::string::npos);
  Request unset = Req();
  unset.role = Role::invalid;
  EXPECT_EQ(evaluate(p, unset).error().code, Errc::invalid_argument);
  Request bad_form = Req().consent(testing::Form());
  bad_form.consent->signature.reset();
  EXPECT_NE(error(bad_form).find("required for written consent"), std::string::npos);
  // Erasure needs no purpose.
  Request erase = Req().op(Operation::erase).role(Role::information_governance_officer);
  erase.purpose = Purpose::invalid;
  EXPECT_EQ(error(erase), "(decided erase-by-ig-officer)");
}

TEST(PolicyEngine, FactsAndDecisionsForTheAuditRow) {
  const Request r = testing::Req().age(17).recorded("2025-06-02").site("hand", Laterality::left);
  const Facts f = derive_facts(r).value();
  EXPECT_EQ(f.age_years, 17);
  EXPECT_EQ(f.consent, ConsentState::none);
  EXPECT_FALSE(f.intimate_site);
  const Json facts = to_json(f);
  EXPECT_EQ(facts["consent"], "none");
  EXPECT_EQ(facts["age_years"], 17);
  EXPECT_EQ(facts["body_site"], Json::array({"hand"}));
  const Json decision = to_json(evaluate(default_policy().value(), r).value());
  EXPECT_EQ(decision["audit_required"], true);
  EXPECT_EQ(decision["effect"], "refuse");
  EXPECT_EQ(decision["policy"], "clinvid-default@1.1.0");
}

TEST(Retention, ReviewDates) {
  const Policy p = default_policy().value();
  using testing::day;
  EXPECT_EQ(retention_review_date(p, Purpose::clinical_record, day("2025-06-02"), day("1980-01-01"))
                .value(),
            day("2033-06-02"));
  // A child's record is kept until the 26th birthday when that is later.
  EXPECT_EQ(retention_review_date(p, Purpose::clinical_record, day("2025-06-02"), day("2020-01-15"))
                .value(),
            day("2046-01-15"));
  EXPECT_EQ(retention_review_date(p, Purpose::teaching, day("2025-06-02"), std::nullopt).value(),
            day("2030-06-02"));
  EXPECT_EQ(retention_review_date(p, Purpose::clinical_record, day("2025-06-02"), std::nullopt)
                .error()
                .code,
            Errc::invalid_argument);
  Policy none = p;
  none.retention.clear();
  EXPECT_EQ(
      retention_review_date(none, Purpose::teaching, day("2025-06-02"), std::nullopt).error().code,
      Errc::not_found);
}

}  // namespace
}  // namespace clinvid::consent
