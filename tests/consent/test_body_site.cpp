#include <set>
#include <string>

#include <gtest/gtest.h>

#include "consent/body_site.hpp"

namespace clinvid::consent {
namespace {

// SNOMED CT identifiers end in a Verhoeff check digit, preceded by the two-digit partition
// ("00" for a concept in the short format). This catches transcription slips; it cannot
// prove an id names the right structure, which is why doubtful ids are left empty.
bool verhoeff_ok(std::string_view digits) {
  static constexpr int d[10][10] = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
                                    {2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
                                    {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
                                    {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
                                    {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
  static constexpr int p[8][10] = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
                                   {5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
                                   {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
                                   {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}};
  int c = 0;
  std::size_t i = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, ++i) {
    if (*it < '0' || *it > '9') return false;
    c = d[c][p[i % 8][*it - '0']];
  }
  return c == 0;
}

bool valid_concept_id(std::string_view id) {
  return id.size() >= 6 && id.size() <= 18 && id.substr(id.size() - 3, 2) == "00" &&
         verhoeff_ok(id);
}

TEST(BodySites, VerhoeffCheckMatchesKnownIds) {
  EXPECT_TRUE(valid_concept_id("404684003"));   // clinical finding
  EXPECT_TRUE(valid_concept_id("138875005"));   // SNOMED CT root concept
  EXPECT_FALSE(valid_concept_id("404684004"));  // one digit off
  EXPECT_FALSE(valid_concept_id("404648003"));  // two digits swapped
}

TEST(BodySites, TaxonomyIsWellFormed) {
  const auto sites = body_sites();
  EXPECT_GE(sites.size(), 60u);
  std::set<std::string_view> ids;
  std::set<std::string_view> codes;
  for (const BodySite& site : sites) {
    SCOPED_TRACE(site.id);
    EXPECT_TRUE(ids.insert(site.id).second) << "duplicate id";
    EXPECT_FALSE(site.label.empty());
    EXPECT_NE(site.region, BodyRegion::invalid);
    EXPECT_NE(site.pairing, Pairing::invalid);
    EXPECT_NE(site.intimacy, Intimacy::invalid);
    for (const char c : site.id) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_');
    if (!site.snomed_ct.empty()) {
      EXPECT_TRUE(valid_concept_id(site.snomed_ct)) << site.snomed_ct;
      EXPECT_TRUE(codes.insert(site.snomed_ct).second) << "code used twice";
    }
  }
  for (const Laterality side : {Laterality::left, Laterality::right, Laterality::bilateral}) {
    EXPECT_TRUE(valid_concept_id(snomed_laterality(side)));
  }
  EXPECT_TRUE(snomed_laterality(Laterality::not_applicable).empty());
}

TEST(BodySites, IntimateSitesFollowGuidance) {
  std::set<std::string_view> intimate;
  for (const BodySite& site : body_sites()) {
    if (site.intimacy == Intimacy::intimate) intimate.insert(site.id);
  }
  const std::set<std::string_view> expected = {"breast",   "nipple", "buttock", "pubic_region",
                                               "vulva",    "penis",  "scrotum", "testis",
                                               "perineum", "anus",   "cervix",  "vagina"};
  EXPECT_EQ(intimate, expected);
  EXPECT_TRUE(is_intimate("vulva"));
  EXPECT_FALSE(is_intimate("groin"));
  EXPECT_FALSE(is_intimate("rectum"));  // reached by endoscopy: an internal structure
  EXPECT_FALSE(is_intimate("no_such_site"));
}

TEST(BodySites, LookupAndLaterality) {
  const BodySite hand = find_body_site("hand").value();
  EXPECT_EQ(hand.snomed_ct, "85562004");
  EXPECT_EQ(hand.pairing, Pairing::paired);
  EXPECT_EQ(hand.region, BodyRegion::upper_limb);
  const auto missing = find_body_site("elbw");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_NE(missing.error().detail.find("elbw"), std::string::npos);

  EXPECT_TRUE(validate(SiteRef{"hand", Laterality::left}));
  EXPECT_TRUE(validate(SiteRef{"face", Laterality::not_applicable}));
  EXPECT_TRUE(validate(SiteRef{"breast", Laterality::bilateral}));
  EXPECT_FALSE(validate(SiteRef{"hand", Laterality::not_applicable}));
  EXPECT_FALSE(validate(SiteRef{"face", Laterality::left}));
  EXPECT_FALSE(validate(SiteRef{"hand", Laterality::invalid}));
  EXPECT_EQ(validate(SiteRef{"paw", Laterality::left}).error().code, Errc::invalid_argument);
  EXPECT_EQ(parse_laterality("bilateral").value(), Laterality::bilateral);
}

TEST(RecordingKinds, ImplicitConsentKindsAreGmcParagraph10) {
  std::set<RecordingKind> implicit;
  for (const RecordingKind kind : all_recording_kinds()) {
    EXPECT_EQ(parse_recording_kind(to_string(kind)).value(), kind);
    if (implicit_consent_kind(kind)) implicit.insert(kind);
  }
  const std::set<RecordingKind> gmc10 = {RecordingKind::internal_organ,
                                         RecordingKind::pathology,
                                         RecordingKind::laparoscopic,
                                         RecordingKind::endoscopic,
                                         RecordingKind::organ_function,
                                         RecordingKind::ultrasound,
                                         RecordingKind::xray};
  EXPECT_EQ(implicit, gmc10);
  EXPECT_FALSE(implicit_consent_kind(RecordingKind::invalid));
}

}  // namespace
}  // namespace clinvid::consent
