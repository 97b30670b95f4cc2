// Governance scenarios: the default policy against situations taken from the guidance.
// Each row names the guidance point it checks (abbreviations as in the policy's
// "references": GMC-REC = GMC, Making and using visual and audio recordings of patients,
// 2011/2013, by paragraph). docs/governance.md maps guidance -> rule -> scenario.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "consent/evaluate.hpp"
#include "consent_fixtures.hpp"

namespace clinvid::consent {
namespace {

using testing::Form;
using testing::Req;
using E = Effect;
using K = RecordingKind;
using L = Laterality;
using O = Operation;
using P = Purpose;
using R = Role;

struct Scenario {
  const char* name;
  Request request;
  Effect effect;
  const char* rule_id;
  const char* reason_has;  // a phrase the user-facing reason must contain
  Role signoff_role = Role::invalid;
};

const Form adult_written;  // clinical record, identifiable, written, signed 2025-06-01
const Form child_parent =
    Form().by_parent().exceptional("cleft lip: pre-operative record for surgical planning");

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> table = {
      // --- Consent per purpose (GMC-REC principles, 13, 24) -------------------------------
      // GMC-REC 13: consent to make a recording that is part of care.
      {"adult-photo-written-consent", Req().op(O::record).consent(adult_written), E::allow,
       "consent-identifiable", "consented to identifiable use"},
      // GMC-REC 13: no consent, no recording of the body surface.
      {"adult-photo-no-consent", Req().op(O::record), E::refuse, "no-consent",
       "No consent is recorded"},
      // GMC-REC 24: oral consent is acceptable when recorded (and here witnessed).
      {"adult-verbal-teaching",
       Req()
           .purpose(P::teaching)
           .role(R::educator)
           .consent(Form().verbal().grant(P::teaching, Grant::identifiable)),
       E::allow, "consent-identifiable", "identifiable use"},
      // GMC-REC principles: not beyond the scope of the original consent.
      {"purpose-not-on-form", Req().op(O::export_).purpose(P::publication).consent(adult_written),
       E::refuse, "no-consent", "for this purpose"},
      // GMC-REC principles: never against the patient's wishes.
      {"purpose-refused",
       Req().op(O::export_).purpose(P::teaching).consent(Form().grant(P::teaching, Grant::refused)),
       E::refuse, "consent-refused", "refused this purpose"},

      // --- Implicit consent: internal, endoscopic, imaging (GMC-REC 10-12, 17) ------------
      // GMC-REC 10: endoscopic images, implicit in consent to the procedure.
      {"endoscopy-record-no-form", Req().op(O::record).kind(K::endoscopic).site("colon"), E::allow,
       "implicit-clinical-record", "implicit in consent to the procedure"},
      // GMC-REC 10: X-rays.
      {"xray-view-no-form", Req().kind(K::xray).site("hand", L::left), E::allow,
       "implicit-clinical-record", "implicit"},
      // GMC-REC 12: secondary use only once anonymised.
      {"laparoscopy-identifiable-teaching",
       Req().op(O::export_).purpose(P::teaching).kind(K::laparoscopic).site("gallbladder"),
       E::refuse, "no-consent", "No consent"},
      // GMC-REC 12: anonymised -> no further consent needed.
      {"laparoscopy-anonymised-teaching",
       Req()
           .op(O::export_)
           .purpose(P::teaching)
           .kind(K::laparoscopic)
           .site("gallbladder")
           .anonymised(),
       E::allow, "implicit-anonymised-secondary", "without further consent"},
      // GMC-REC 11: anonymised use "including in the public domain".
      {"ultrasound-anonymised-publication",
       Req()
           .op(O::disclose)
           .purpose(P::publication)
           .kind(K::ultrasound)
           .site("kidney", L::right)
           .anonymised(),
       E::allow, "implicit-anonymised-secondary", "publication"},
      // GMC-REC 17: anonymised recordings for research.
      {"pathology-anonymised-research",
       Req()
           .op(O::export_)
           .purpose(P::research)
           .role(R::researcher)
           .kind(K::pathology)
           .site("liver")
           .anonymised(),
       E::allow, "implicit-anonymised-secondary", "research"},
      // GMC-REC 24: making a recording *for* teaching needs consent, whatever the kind.
      {"endoscopy-recorded-for-teaching",
       Req().op(O::record).purpose(P::teaching).kind(K::endoscopic).site("stomach"), E::refuse,
       "no-consent", "No consent"},
      // GMC-REC principles: an explicit refusal outweighs the anonymised-use allowance.
      {"laparoscopy-anonymised-but-refused",
       Req()
           .op(O::export_)
           .purpose(P::teaching)
           .kind(K::laparoscopic)
           .site("appendix")
           .anonymised()
           .consent(Form().grant(P::teaching, Grant::refused)),
       E::refuse, "consent-refused", "never used against"},
      // CLINVID (stricter than GMC-REC 17): external recordings need a grant per purpose.
      {"external-anonymised-teaching-no-grant",
       Req().op(O::export_).purpose(P::teaching).anonymised().consent(adult_written), E::refuse,
       "no-consent", "for that purpose"},

      // --- Anonymised-only grants (GMC-REC 14, 17, 24) ------------------------------------
      {"anonymised-only-export-identifiable",
       Req()
           .op(O::export_)
           .purpose(P::teaching)
           .role(R::educator)
           .consent(Form().grant(P::teaching, Grant::anonymised_only)),
       E::refuse, "anonymised-only-leaves-anonymised", "anonymise the recording"},
      {"anonymised-only-export-anonymised",
       Req()
           .op(O::export_)
           .purpose(P::teaching)
           .role(R::educator)
           .anonymised()
           .consent(Form().grant(P::teaching, Grant::anonymised_only)),
       E::allow, "consent-anonymised-only", "leaves the archive only anonymised"},
      // A film, still or montage for the purpose is made only from anonymised material.
      {"anonymised-only-derive-identifiable",
       Req()
           .op(O::derive)
           .purpose(P::teaching)
           .role(R::educator)
           .consent(Form().grant(P::teaching, Grant::anonymised_only)),
       E::refuse, "anonymised-only-leaves-anonymised", "made into a film"},
      {"anonymised-only-derive-anonymised",
       Req()
           .op(O::derive)
           .purpose(P::teaching)
           .role(R::educator)
           .anonymised()
           .consent(Form().grant(P::teaching, Grant::anonymised_only)),
       E::allow, "consent-anonymised-only", "prepared here"},
      // Preparing (viewing, redacting) the identifiable original inside the archive.
      {"anonymised-only-prepare-inside",
       Req()
           .op(O::edit)
           .purpose(P::teaching)
           .role(R::educator)
           .consent(Form().grant(P::teaching, Grant::anonymised_only)),
       E::allow, "consent-anonymised-only", "prepared here"},

      // --- Intimate sites (IMI-CONSENT, NHSE-INTIMATE-2020; CLINVID) ----------------------
      {"intimate-adult-verbal",
       Req().op(O::record).site("vulva").consent(Form().verbal().sites({"vulva"})), E::refuse,
       "intimate-explicit-written", "explicit written consent"},
      {"intimate-adult-written-site-named",
       Req().op(O::record).site("breast", L::left).consent(Form().sites({"breast"})), E::allow,
       "consent-identifiable", "identifiable use"},
      {"intimate-adult-site-not-named",
       Req().op(O::record).site("buttock", L::bilateral).consent(Form().sites({"back"})), E::refuse,
       "intimate-explicit-written", "names the body site"},
      {"intimate-adult-purpose-not-granted",
       Req()
           .op(O::export_)
           .purpose(P::teaching)
           .role(R::educator)
           .site("penis")
           .consent(Form().sites({"penis"})),
       E::refuse, "intimate-explicit-written", "for this purpose"},

      // --- Under-18 intimate images: never (POCA-1978 s1; NHSE-INTIMATE-2020) -------------
      {"under18-intimate-with-parental-consent",
       Req()
           .op(O::record)
           .age(16)
           .site("breast", L::right)
           .consent(Form(child_parent).sites({"breast"})),
       E::refuse, "under18-intimate", "never made"},
      {"under18-intimate-court-order",
       Req()
           .op(O::record)
           .age(12)
           .site("perineum")
           .purpose(P::safeguarding_medico_legal)
           .legal(LegalBasis::court_order),
       E::refuse, "under18-intimate", "whatever the consent or purpose"},
      {"under18-intimate-erase-by-ig",
       Req().op(O::erase).age(12).site("anus").role(R::information_governance_officer), E::allow,
       "erase-by-ig-officer", "may erase"},
      // Age is taken on the day of the recording: a 17-year-old's image stays a child's.
      {"recorded-at-17-viewed-at-19",
       Req()
           .age(17)
           .recorded("2023-06-02")
           .site("scrotum")
           .consent(Form().dated("2023-06-01").sites({"scrotum"})),
       E::refuse, "under18-intimate", "under 18 on the day of the recording"},

      // --- Children (GMC-REC 34-35; GMC-0-18; GILLICK) ------------------------------------
      {"child-parent-written-exceptional", Req().op(O::record).age(4).consent(child_parent),
       E::allow, "consent-identifiable", "identifiable use"},
      {"child-verbal-consent", Req().op(O::record).age(9).consent(Form(child_parent).verbal()),
       E::refuse, "child-written-consent", "need written consent"},
      {"child-no-exceptional-circumstances", Req().op(O::record).age(9).consent(Form().by_parent()),
       E::refuse, "child-exceptional-circumstances", "circumstances"},
      {"child-competent-own-consent",
       Req().op(O::record).age(15).consent(
           Form().assessed(Capacity::has_capacity).exceptional("burns follow-up")),
       E::allow, "consent-identifiable", "identifiable use"},
      {"child-own-consent-not-assessed",
       Req().op(O::record).age(15).consent(Form().exceptional("burns follow-up")), E::refuse,
       "child-own-consent-needs-competence", "competent"},
      {"child-under16-best-interests",
       Req()
           .op(O::record)
           .age(12)
           .capacity(Capacity::lacks_capacity)
           .consent(Form().best_interests().exceptional("pressure ulcer monitoring")),
       E::refuse, "child-under16-parental-route", "parental responsibility"},
      {"child-endoscopy-no-form", Req().op(O::record).age(6).kind(K::endoscopic).site("oesophagus"),
       E::allow, "implicit-clinical-record", "implicit"},
      {"date-of-birth-unknown", Req().op(O::record).no_date_of_birth().consent(adult_written),
       E::refuse, "age-unknown", "date of birth"},

      // --- Adults who lack capacity (GMC-REC 28-33; MCA-2005) -----------------------------
      {"lacks-capacity-no-route", Req().op(O::record).capacity(Capacity::lacks_capacity), E::refuse,
       "lacks-capacity-no-route", "best-interests route"},
      {"best-interests-clinical-record",
       Req().op(O::record).capacity(Capacity::lacks_capacity).consent(Form().best_interests()),
       E::allow, "consent-identifiable", "identifiable use"},
      {"best-interests-identifiable-publication",
       Req()
           .op(O::disclose)
           .purpose(P::publication)
           .capacity(Capacity::lacks_capacity)
           .consent(Form().best_interests().grant(P::publication, Grant::identifiable)),
       E::refuse, "best-interests-no-identifiable-publication", "not in their best interests"},
      {"best-interests-research",
       Req()
           .op(O::export_)
           .purpose(P::research)
           .role(R::researcher)
           .capacity(Capacity::lacks_capacity)
           .consent(Form().best_interests().grant(P::research, Grant::identifiable)),
       E::refuse, "best-interests-research-route", "research route"},
      {"regained-capacity-teaching",
       Req()
           .op(O::export_)
           .purpose(P::teaching)
           .capacity(Capacity::has_capacity)
           .consent(Form().best_interests().grant(P::teaching, Grant::identifiable)),
       E::refuse, "regained-capacity-ask-patient", "Ask the patient"},
      {"legal-proxy-clinical-record",
       Req().op(O::record).capacity(Capacity::lacks_capacity).consent(Form().proxy()), E::allow,
       "consent-identifiable", "identifiable use"},
      {"parent-consent-for-adult", Req().op(O::record).age(30).consent(Form().by_parent()),
       E::refuse, "parent-consent-for-adult", "cannot consent for an adult"},

      // --- Withdrawal, expiry, dates (GMC-REC 25, 35; IMI-CONSENT) ------------------------
      {"withdrawn-teaching",
       Req()
           .op(O::export_)
           .purpose(P::teaching)
           .on("2025-09-01")
           .consent(Form()
                        .grant(P::teaching, Grant::identifiable)
                        .withdraw("2025-08-01", {P::teaching})),
       E::refuse, "consent-withdrawn", "withdrawn consent"},
      {"withdrawn-on-the-day",
       Req()
           .op(O::view)
           .purpose(P::teaching)
           .on("2025-08-01")
           .consent(Form()
                        .grant(P::teaching, Grant::identifiable)
                        .withdraw("2025-08-01", {P::teaching})),
       E::refuse, "consent-withdrawn", "from the date of withdrawal"},
      {"use-before-withdrawal",
       Req()
           .op(O::view)
           .purpose(P::teaching)
           .on("2025-07-31")
           .consent(Form()
                        .grant(P::teaching, Grant::identifiable)
                        .withdraw("2025-08-01", {P::teaching})),
       E::allow, "consent-identifiable", "identifiable use"},
      {"withdrawal-leaves-other-purposes",
       Req()
           .on("2025-09-01")
           .consent(Form()
                        .grant(P::teaching, Grant::identifiable)
                        .withdraw("2025-08-01", {P::teaching})),
       E::allow, "consent-identifiable", "identifiable use"},
      {"consent-expired",
       Req()
           .op(O::export_)
           .purpose(P::teaching)
           .on("2026-06-02")
           .consent(Form().grant(P::teaching, Grant::identifiable).expires("2026-06-01")),
       E::refuse, "consent-expired", "expired"},
      {"consent-dated-after-recording", Req().op(O::record).consent(Form().dated("2025-06-03")),
       E::refuse, "consent-not-yet-given", "dated after"},

      // --- Disclosure (GMC-REC 15-16; GMC-CONF) ------------------------------------------
      {"clinician-disclose-court-order",
       Req().op(O::disclose).purpose(P::safeguarding_medico_legal).legal(LegalBasis::court_order),
       E::needs_signoff, "disclose-legal-basis-needs-ig", "information-governance officer",
       R::information_governance_officer},
      {"ig-disclose-court-order",
       Req()
           .op(O::disclose)
           .purpose(P::safeguarding_medico_legal)
           .role(R::information_governance_officer)
           .legal(LegalBasis::court_order),
       E::allow, "disclose-legal-basis-ig", "directed by a court"},
      {"ig-disclose-by-law-after-withdrawal",
       Req()
           .op(O::disclose)
           .purpose(P::clinical_record)
           .role(R::information_governance_officer)
           .legal(LegalBasis::required_by_law)
           .on("2025-09-01")
           .consent(Form().withdraw("2025-08-01", {P::clinical_record})),
       E::allow, "disclose-legal-basis-ig", "required by law"},
      {"clinician-disclose-public-interest-signed-off",
       Req()
           .op(O::disclose)
           .purpose(P::safeguarding_medico_legal)
           .legal(LegalBasis::public_interest)
           .signoff(R::information_governance_officer),
       E::allow, "disclose-legal-basis-signed-off", "signed off"},
      {"clinician-disclose-no-basis", Req().op(O::disclose).purpose(P::safeguarding_medico_legal),
       E::refuse, "no-consent", "No consent"},
      {"ig-disclose-no-basis",
       Req()
           .op(O::disclose)
           .purpose(P::safeguarding_medico_legal)
           .role(R::information_governance_officer),
       E::refuse, "no-consent", "No consent"},
      {"clinician-disclose-to-journal-with-consent",
       Req()
           .op(O::disclose)
           .purpose(P::publication)
           .consent(Form().grant(P::publication, Grant::identifiable)),
       E::allow, "consent-identifiable", "identifiable use"},
      {"adult-intimate-court-order-by-ig",
       Req()
           .op(O::disclose)
           .site("vulva")
           .purpose(P::safeguarding_medico_legal)
           .role(R::information_governance_officer)
           .legal(LegalBasis::court_order),
       E::allow, "disclose-legal-basis-ig", "court"},

      // --- Roles and supervision (CLINVID) ------------------------------------------------
      {"trainee-export",
       Req()
           .op(O::export_)
           .purpose(P::teaching)
           .role(R::trainee)
           .consent(Form().grant(P::teaching, Grant::identifiable)),
       E::needs_signoff, "trainee-needs-clinician-signoff", "supervising clinician", R::clinician},
      {"trainee-export-signed-off",
       Req()
           .op(O::export_)
           .purpose(P::teaching)
           .role(R::trainee)
           .signoff(R::clinician)
           .consent(Form().grant(P::teaching, Grant::identifiable)),
       E::allow, "consent-identifiable", "identifiable use"},
      // Nobody is asked to sign off what would be refused anyway.
      {"trainee-export-refused-purpose",
       Req()
           .op(O::export_)
           .purpose(P::teaching)
           .role(R::trainee)
           .consent(Form().grant(P::teaching, Grant::refused)),
       E::refuse, "consent-refused", "refused"},
      {"assistant-practitioner-disclose",
       Req()
           .op(O::disclose)
           .purpose(P::publication)
           .role(R::assistant_practitioner)
           .consent(Form().grant(P::publication, Grant::identifiable)),
       E::needs_signoff, "assistant-practitioner-needs-photographer-signoff",
       "registered clinical photographer", R::photographer},
      {"trainee-record-in-scope", Req().op(O::record).role(R::trainee).consent(adult_written),
       E::allow, "consent-identifiable", "identifiable use"},
      {"clinician-erase", Req().op(O::erase), E::needs_signoff, "erase-needs-ig-signoff",
       "decides on erasure", R::information_governance_officer},
      {"clinician-erase-signed-off", Req().op(O::erase).signoff(R::information_governance_officer),
       E::allow, "erase-signed-off-by-ig", "signed off"},
      {"trainee-erase", Req().op(O::erase).role(R::trainee), E::needs_signoff,
       "erase-needs-ig-signoff", "waits for their sign-off", R::information_governance_officer},
      {"auditor-view-media", Req().role(R::auditor).consent(adult_written), E::refuse,
       "auditor-no-media", "may not view"},
      {"auditor-erase", Req().op(O::erase).role(R::auditor), E::refuse, "auditor-no-media",
       "erase"},
      {"auditor-reads-audit", Req().op(O::audit_review).role(R::auditor), E::allow,
       "audit-review-by-auditors", "audit trail"},
      {"clinician-reads-audit", Req().op(O::audit_review), E::refuse, "audit-review-others",
       "Only auditors"},
      {"ig-views-withdrawn",
       Req()
           .role(R::information_governance_officer)
           .on("2025-09-01")
           .consent(Form().withdraw("2025-08-01", {P::clinical_record})),
       E::allow, "ig-officer-view", "withdrawal"},
      {"ig-export",
       Req().op(O::export_).role(R::information_governance_officer).consent(adult_written),
       E::refuse, "role-scope-ig-officer", "do not make, edit or export"},
      {"educator-clinical-record", Req().role(R::educator).consent(adult_written), E::refuse,
       "role-scope-educator", "teaching and publication only"},
      {"researcher-teaching",
       Req()
           .op(O::record)
           .purpose(P::teaching)
           .role(R::researcher)
           .consent(Form().grant(P::teaching, Grant::identifiable)),
       E::refuse, "role-scope-researcher", "research and its publication"},

      // --- Safeguarding / medico-legal (GMC-0-18 63-66) -----------------------------------
      {"safeguarding-court-order-child",
       Req()
           .op(O::record)
           .age(7)
           .site("upper_arm", L::left)
           .purpose(P::safeguarding_medico_legal)
           .role(R::photographer)
           .legal(LegalBasis::court_order),
       E::allow, "safeguarding-court-order", "court has authorised"},
      {"safeguarding-child-no-consent-no-order",
       Req().op(O::record).age(7).site("upper_arm", L::left).purpose(P::safeguarding_medico_legal),
       E::refuse, "child-written-consent", "written consent"},
      {"safeguarding-adult-with-consent",
       Req()
           .op(O::record)
           .site("forearm", L::right)
           .purpose(P::safeguarding_medico_legal)
           .consent(Form().grant(P::safeguarding_medico_legal, Grant::identifiable)),
       E::allow, "consent-identifiable", "identifiable use"},
  };
  return table;
}

class Governance : public ::testing::TestWithParam<std::size_t> {
 protected:
  static const Policy& policy() {
    static const Policy p = default_policy().value();
    return p;
  }
};

TEST_P(Governance, DefaultPolicyDecides) {
  const Scenario& s = scenarios()[GetParam()];
  SCOPED_TRACE(s.name);
  const auto decision = evaluate(policy(), s.request);
  ASSERT_TRUE(decision) << decision.error().message();
  EXPECT_EQ(to_string(decision->effect), to_string(s.effect));
  EXPECT_EQ(decision->rule_id, s.rule_id) << decision->reason;
  EXPECT_NE(decision->reason.find(s.reason_has), std::string::npos) << decision->reason;
  EXPECT_EQ(decision->signoff_role, s.signoff_role);
  EXPECT_TRUE(decision->audit_required);
  EXPECT_EQ(decision->policy, "clinvid-default@1.1.0");
  EXPECT_FALSE(decision->guidance.empty());
  // Deterministic: the same request gives the same decision.
  const auto again = evaluate(policy(), s.request).value();
  EXPECT_EQ(again.rule_id, decision->rule_id);
  EXPECT_EQ(again.effect, decision->effect);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Governance,
                         ::testing::Range<std::size_t>(0, scenarios().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& param_info) {
                           std::string name = scenarios()[param_info.param].name;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

TEST(GovernanceTable, IsLargeAndNamesAreUnique) {
  EXPECT_GE(scenarios().size(), 40u);
  std::set<std::string> names;
  for (const Scenario& s : scenarios()) EXPECT_TRUE(names.insert(s.name).second) << s.name;
}

// Every rule of the default policy decides at least one scenario, so no rule is untested
// and none is dead (shadowed by the rules before it).
TEST(GovernanceTable, EveryDefaultRuleIsExercised) {
  std::set<std::string> decided;
  for (const Scenario& s : scenarios()) decided.insert(s.rule_id);
  const Policy policy = default_policy().value();
  for (const Rule& rule : policy.rules) {
    EXPECT_TRUE(decided.count(rule.id)) << "no scenario reaches rule " << rule.id;
  }
}

}  // namespace
}  // namespace clinvid::consent
