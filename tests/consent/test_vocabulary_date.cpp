#include <gtest/gtest.h>

#include "consent/date.hpp"
#include "consent/evaluate.hpp"
#include "consent/vocabulary.hpp"

namespace clinvid::consent {
namespace {

TEST(Vocabulary, EverySpellingRoundTrips) {
  for (const Purpose p : all_purposes()) EXPECT_EQ(parse_purpose(to_string(p)).value(), p);
  for (const Role r : all_roles()) EXPECT_EQ(parse_role(to_string(r)).value(), r);
  for (const Operation o : all_operations()) EXPECT_EQ(parse_operation(to_string(o)).value(), o);
  EXPECT_EQ(all_purposes().size(), 5u);
  EXPECT_EQ(all_roles().size(), 8u);
  EXPECT_EQ(to_string(Operation::export_), "export");
  EXPECT_EQ(to_string(Purpose::invalid), "invalid");
  EXPECT_EQ(label(Purpose::teaching), "Teaching (internal)");
  EXPECT_EQ(label(Role::information_governance_officer), "Information-governance officer");
}

TEST(Vocabulary, ParseErrorsListWhatIsAccepted) {
  const auto bad = parse_purpose("teachng");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_argument);
  EXPECT_NE(bad.error().detail.find("unknown purpose 'teachng'"), std::string::npos);
  EXPECT_NE(bad.error().detail.find("teaching"), std::string::npos);
  EXPECT_FALSE(parse_role("invalid"));  // the zero value is never a valid spelling
  EXPECT_FALSE(parse_legal_basis(""));
  EXPECT_EQ(parse_legal_basis("court_order").value(), LegalBasis::court_order);
  EXPECT_EQ(parse_capacity("lacks_capacity").value(), Capacity::lacks_capacity);
  EXPECT_EQ(parse_consent_giver("best_interests").value(), ConsentGiver::best_interests);
  EXPECT_EQ(parse_grant("anonymised_only").value(), Grant::anonymised_only);
  EXPECT_EQ(parse_identifiability("anonymised").value(), Identifiability::anonymised);
  EXPECT_EQ(parse_consent_mode("verbal").value(), ConsentMode::verbal);
  EXPECT_EQ(parse_consent_state("not_yet_given").value(), ConsentState::not_yet_given);
  EXPECT_EQ(parse_effect("needs_signoff").value(), Effect::needs_signoff);
}

TEST(Date, ParsesAndFormatsIsoDays) {
  const Date d = Date::parse("2024-02-29").value();
  EXPECT_EQ(d.year(), 2024);
  EXPECT_EQ(d.month(), 2u);
  EXPECT_EQ(d.day(), 29u);
  EXPECT_EQ(d.to_string(), "2024-02-29");
  EXPECT_EQ(Date::parse("1905-01-09").value().to_string(), "1905-01-09");
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-1-01", "24-01-01", "2024/01/01",
                          "2024-01-01T00:00", "1899-12-31", "", "２０２４-01-01"}) {
    EXPECT_FALSE(Date::parse(bad)) << bad;
  }
  EXPECT_EQ(Date::parse("2024-00-10").error().code, Errc::invalid_argument);
}

TEST(Date, ArithmeticAndOrder) {
  const Date leap = Date::parse("2024-02-29").value();
  EXPECT_EQ(leap.plus_years(1).to_string(), "2025-02-28");
  EXPECT_EQ(leap.plus_years(4).to_string(), "2028-02-29");
  EXPECT_EQ(leap.plus_days(1).to_string(), "2024-03-01");
  EXPECT_EQ(leap.plus_days(-60).to_string(), "2023-12-31");
  EXPECT_LT(Date::parse("2024-12-31").value(), Date::parse("2025-01-01").value());
  EXPECT_EQ(Date::parse("2025-01-01").value(), Date::make(2025, 1, 1).value());
}

TEST(Date, AgeInCompletedYears) {
  const Date born = Date::parse("2007-06-02").value();
  EXPECT_EQ(age_in_years(born, Date::parse("2025-06-01").value()), 17);
  EXPECT_EQ(age_in_years(born, Date::parse("2025-06-02").value()), 18);  // the birthday
  const Date leapling = Date::parse("2008-02-29").value();
  EXPECT_EQ(age_in_years(leapling, Date::parse("2026-02-28").value()), 17);
  EXPECT_EQ(age_in_years(leapling, Date::parse("2026-03-01").value()), 18);
  EXPECT_EQ(age_in_years(born, Date::parse("2007-01-01").value()), -1);
}

TEST(Date, JsonSaysWhere) {
  EXPECT_EQ(date_from_json(to_json(Date::parse("2025-06-01").value()), "/x").value(),
            Date::parse("2025-06-01").value());
  const auto bad = date_from_json("2025-02-30", "/withdrawals/0/withdrawn_on");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::corrupt);
  EXPECT_EQ(bad.error().detail.rfind("at /withdrawals/0/withdrawn_on: ", 0), 0u);
  EXPECT_FALSE(date_from_json(20250601, "/d"));
}

}  // namespace
}  // namespace clinvid::consent
