#include <gtest/gtest.h>

#include "consent/record.hpp"
#include "consent_fixtures.hpp"

namespace clinvid::consent {
namespace {

using testing::day;
using testing::Form;

// Every optional part present: a verbal best-interests form, signed and witnessed, expiring,
// with a withdrawal.
ConsentRecord full_record() {
  ConsentRecord r = Form()
                        .best_interests()
                        .grant(Purpose::teaching, Grant::anonymised_only)
                        .grant(Purpose::publication, Grant::refused)
                        .sites({"hand", "forearm"})
                        .exceptional("none: adult")
                        .expires("2030-05-31")
                        .withdraw("2026-01-10", {Purpose::teaching});
  r.witness = Person{"H. Witness", "Healthcare assistant"};
  r.comments = "Patient's daughter present; agreed with the decision.";
  r.capacity.notes = "Post-operative delirium; reassess before any secondary use.";
  return r;
}

std::string error_of(const Json& doc) {
  const auto parsed = consent_record_from_json(doc);
  return parsed ? std::string("(no error)") : parsed.error().detail;
}

TEST(ConsentRecord, JsonRoundTrips) {
  for (const ConsentRecord& r :
       {full_record(), ConsentRecord(Form()), ConsentRecord(Form().verbal().by_parent())}) {
    ASSERT_TRUE(validate(r)) << validate(r).error().detail;
    const Json doc = to_json(r);
    EXPECT_EQ(doc["format"], "clinvid.consent/1");
    const auto back = consent_record_from_json(doc);
    ASSERT_TRUE(back) << back.error().detail;
    EXPECT_EQ(*back, r);
    // And through text, as the archive stores it.
    EXPECT_EQ(consent_record_from_json(parse_json(doc.dump()).value()).value(), r);
  }
}

TEST(ConsentRecord, StructuralErrorsNameThePointer) {
  const Json good = to_json(full_record());
  auto with = [&](const Json::json_pointer& at, const Json& value) {
    Json doc = good;
    doc[at] = value;
    return error_of(doc);
  };
  EXPECT_EQ(with(Json::json_pointer("/colour"), "red"), "at /colour: unknown field");
  EXPECT_EQ(with(Json::json_pointer("/purposes/1/purpose"), "teachng")
                .rfind("at /purposes/1/purpose: unknown purpose 'teachng'", 0),
            0u);
  EXPECT_EQ(with(Json::json_pointer("/consented_on"), "01/06/2025"),
            "at /consented_on: expected a date as YYYY-MM-DD, got '01/06/2025'");
  EXPECT_EQ(with(Json::json_pointer("/capacity/outcome"), 3),
            "at /capacity/outcome: expected a string, got number");
  EXPECT_EQ(with(Json::json_pointer("/withdrawals/0/purposes/0"), "research"),
            "at /withdrawals/0/purposes/0: purpose is not on the form");
  EXPECT_EQ(with(Json::json_pointer("/withdrawals/0/extra"), 1),
            "at /withdrawals/0/extra: unknown field");
  EXPECT_EQ(with(Json::json_pointer("/id"), "not-a-uuid").rfind("at /id: ", 0), 0u);
  EXPECT_EQ(with(Json::json_pointer("/body_sites/1"), "elbw"),
            "at /body_sites/1: unknown body site 'elbw'");

  Json missing = good;
  missing.erase("taken_by");
  EXPECT_EQ(error_of(missing), "at /taken_by: required field is missing");
  Json other_format = good;
  other_format["format"] = "clinvid.consent/2";
  EXPECT_EQ(consent_record_from_json(other_format).error().code, Errc::unsupported);
  EXPECT_EQ(consent_record_from_json(Json::array()).error().code, Errc::corrupt);
}

TEST(ConsentRecord, ValidationFollowsTheForm) {
  auto problem = [](const ConsentRecord& r) {
    const auto ok = validate(r);
    return ok ? std::string("(valid)") : ok.error().detail;
  };
  ConsentRecord r = Form();
  r.patient_ref = "943 476 5919";
  EXPECT_EQ(problem(r),
            "at /patient_ref: looks like an NHS number; use the pseudonymous patient reference");

  r = Form();
  r.signature.reset();
  EXPECT_EQ(problem(r), "at /signature: required for written consent");

  r = Form().verbal();
  r.witness.reset();
  EXPECT_EQ(problem(r), "at /witness: required for verbal consent");

  r = Form().best_interests();
  r.best_interests->decision_maker.name.clear();
  EXPECT_EQ(problem(r), "at /best_interests/decision_maker/name: required");

  r = Form().assessed(Capacity::lacks_capacity);  // giver is still the patient
  EXPECT_NE(problem(r).find("cannot give their own consent"), std::string::npos);

  r = Form().best_interests();
  r.capacity.outcome = Capacity::presumed;
  EXPECT_NE(problem(r).find("only to a patient assessed as lacking capacity"), std::string::npos);

  r = Form().by_parent();
  r.giver_person->role.clear();
  EXPECT_EQ(problem(r), "at /giver_person/role: required");

  r = Form().expires("2025-05-01");
  EXPECT_EQ(problem(r), "at /expires_on: before the consent date");

  r = Form().grant(Purpose::clinical_record, Grant::refused);
  r.purposes.push_back({Purpose::clinical_record, Grant::identifiable});
  EXPECT_EQ(problem(r), "at /purposes/1/purpose: listed twice");

  r = Form().withdraw("2025-01-01", {Purpose::clinical_record});
  EXPECT_EQ(problem(r), "at /withdrawals/0/withdrawn_on: before the consent date");

  r = Form();
  r.signature->sha256_hex = "ABC";
  EXPECT_EQ(problem(r), "at /signature/sha256: expected 64 lower-case hex digits");

  r = Form();
  r.id = Uuid();
  EXPECT_EQ(problem(r), "at /id: a nil UUID");
}

TEST(ConsentRecord, StateOnADay) {
  const ConsentRecord r = Form()
                              .grant(Purpose::teaching, Grant::identifiable)
                              .grant(Purpose::research, Grant::anonymised_only)
                              .grant(Purpose::publication, Grant::refused)
                              .expires("2027-12-31")
                              .withdraw("2026-03-01", {Purpose::teaching});
  EXPECT_EQ(consent_state(r, Purpose::teaching, day("2025-05-31")), ConsentState::not_yet_given);
  EXPECT_EQ(consent_state(r, Purpose::teaching, day("2025-06-01")), ConsentState::identifiable);
  EXPECT_EQ(consent_state(r, Purpose::teaching, day("2026-02-28")), ConsentState::identifiable);
  EXPECT_EQ(consent_state(r, Purpose::teaching, day("2026-03-01")), ConsentState::withdrawn);
  EXPECT_EQ(consent_state(r, Purpose::research, day("2026-03-01")), ConsentState::anonymised_only);
  EXPECT_EQ(consent_state(r, Purpose::research, day("2028-01-01")), ConsentState::expired);
  EXPECT_EQ(consent_state(r, Purpose::publication, day("2026-01-01")), ConsentState::refused);
  EXPECT_EQ(consent_state(r, Purpose::safeguarding_medico_legal, day("2026-01-01")),
            ConsentState::not_asked);
  EXPECT_EQ(grant_for(r, Purpose::research), Grant::anonymised_only);
  EXPECT_FALSE(grant_for(r, Purpose::safeguarding_medico_legal));
}

TEST(ConsentRecord, WithdrawalFlagsDerivedItems) {
  const Withdrawal w{day("2026-03-01"), {Purpose::teaching, Purpose::publication}, {"G", ""}, ""};
  const std::vector<DerivedItem> items = {
      {"film-teaching", {Purpose::teaching}},
      {"film-record", {Purpose::clinical_record}},
      {"film-both", {Purpose::clinical_record, Purpose::publication}},
      {"still-unknown", {}},
  };
  const auto flagged = derived_items_to_flag(w, items);
  ASSERT_EQ(flagged.size(), 3u);
  EXPECT_EQ(flagged[0].id, "film-teaching");
  EXPECT_EQ(flagged[0].withdrawn_purposes, std::vector<Purpose>{Purpose::teaching});
  EXPECT_NE(flagged[0].reason.find("withdrawn on 2026-03-01"), std::string::npos);
  EXPECT_EQ(flagged[1].id, "film-both");
  EXPECT_EQ(flagged[1].withdrawn_purposes, std::vector<Purpose>{Purpose::publication});
  EXPECT_EQ(flagged[2].id, "still-unknown");
  EXPECT_TRUE(flagged[2].withdrawn_purposes.empty());
  EXPECT_NE(flagged[2].reason.find("no purpose"), std::string::npos);
  EXPECT_TRUE(derived_items_to_flag(w, {}).empty());
}

}  // namespace
}  // namespace clinvid::consent
