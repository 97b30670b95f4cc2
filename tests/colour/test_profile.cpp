// Calibration profiles: JSON round trip, files, the frame hash, and malformed documents whose
// errors say where they are broken.
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>

#include "colour/calibrate.hpp"
#include "colour/profile.hpp"
#include "synthetic_cases.hpp"

namespace clinvid::colour::testing {
namespace {

const CalibrationProfile& sample_profile() {
  static const CalibrationProfile profile = [] {
    const RenderedCase& rc = rendered(synthetic_cases(1)[3]);  // led_log
    CalibrationOptions o;
    o.camera_id = "theatre-2/cam-a";
    o.created_utc = "2025-01-31T12:34:56Z";
    return calibrate_frame(rc.frame.view(), o).value();
  }();
  return profile;
}

void expect_same(const CalibrationProfile& a, const CalibrationProfile& b) {
  EXPECT_EQ(a.camera_id, b.camera_id);
  EXPECT_EQ(a.created_utc, b.created_utc);
  EXPECT_EQ(a.reference, b.reference);
  EXPECT_EQ(a.chart_frame_sha256, b.chart_frame_sha256);
  EXPECT_EQ(a.detection_method, b.detection_method);
  EXPECT_EQ(a.detection_confidence, b.detection_confidence);
  EXPECT_EQ(a.mirrored, b.mirrored);
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(a.corners[k].x, b.corners[k].x);
    EXPECT_EQ(a.corners[k].y, b.corners[k].y);
  }
  EXPECT_EQ(a.correction.linearisation.kind, b.correction.linearisation.kind);
  EXPECT_EQ(a.correction.linearisation.curve, b.correction.linearisation.curve);
  EXPECT_EQ(a.correction.linearisation.coefficients, b.correction.linearisation.coefficients);
  EXPECT_EQ(a.correction.white_balance, b.correction.white_balance);
  EXPECT_EQ(a.correction.model.kind, b.correction.model.kind);
  EXPECT_EQ(a.correction.model.m, b.correction.model.m);
  EXPECT_EQ(a.fit.mean, b.fit.mean);
  EXPECT_EQ(a.fit.max, b.fit.max);
  EXPECT_EQ(a.fit.per_patch, b.fit.per_patch);
  ASSERT_EQ(a.leave_one_out.has_value(), b.leave_one_out.has_value());
  if (a.leave_one_out) {
    EXPECT_EQ(a.leave_one_out->per_patch, b.leave_one_out->per_patch);
  }
  EXPECT_EQ(a.patches_used, b.patches_used);
}

TEST(Profile, JsonRoundTripIsExact) {
  const CalibrationProfile& p = sample_profile();
  const Json json = profile_to_json(p);
  EXPECT_EQ(json.at("schema"), "clinvid.calibration/1");
  auto parsed = parse_json(json.dump(2));
  ASSERT_TRUE(parsed.has_value());
  auto back = profile_from_json(*parsed);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  expect_same(p, *back);
}

TEST(Profile, FileRoundTripAndMissingFile) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("clinvid-colour-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "cam-a.calibration.json";
  ASSERT_TRUE(save_profile(path, sample_profile()));
  auto loaded = load_profile(path);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  expect_same(sample_profile(), *loaded);
  auto missing = load_profile(dir / "nope.json");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Errc::not_found);
  std::filesystem::remove_all(dir);
}

TEST(Profile, LeaveOneOutMayBeAbsent) {
  CalibrationProfile p = sample_profile();
  p.leave_one_out.reset();
  auto back = profile_from_json(profile_to_json(p));
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_FALSE(back->leave_one_out.has_value());
}

struct Breakage {
  std::string what;
  std::function<void(Json&)> edit;
  Errc code;
  std::string where;  // must appear in the error detail
};

TEST(Profile, MalformedProfilesSayWhere) {
  const std::vector<Breakage> cases = {
      {"missing field", [](Json& j) { j.erase("camera_id"); }, Errc::corrupt,
       "/camera_id: required field is missing"},
      {"wrong type", [](Json& j) { j["camera_id"] = 7; }, Errc::corrupt, "/camera_id"},
      {"bad time", [](Json& j) { j["created_utc"] = "yesterday"; }, Errc::corrupt, "/created_utc"},
      {"bad hash", [](Json& j) { j["chart_frame_sha256"] = "XYZ"; }, Errc::corrupt,
       "/chart_frame_sha256"},
      {"unknown reference", [](Json& j) { j["reference_set"] = "macbeth1976"; }, Errc::corrupt,
       "/reference_set"},
      {"corner count", [](Json& j) { j["detection"]["corners"].erase(0); }, Errc::corrupt,
       "/detection/corners"},
      {"unknown linearisation", [](Json& j) { j["linearisation"]["kind"] = "magic"; },
       Errc::corrupt, "/linearisation/kind"},
      {"short coefficient row", [](Json& j) { j["linearisation"]["coefficients"][2].erase(0); },
       Errc::corrupt, "/linearisation/coefficients/2"},
      {"white balance", [](Json& j) { j["white_balance"][1] = "one"; }, Errc::corrupt,
       "/white_balance/1"},
      {"unknown model", [](Json& j) { j["model"]["kind"] = "neural"; }, Errc::corrupt,
       "/model/kind"},
      {"matrix row", [](Json& j) { j["model"]["matrix"][1].push_back(0.5); }, Errc::corrupt,
       "/model/matrix/1"},
      {"per patch entry", [](Json& j) { j["report"]["fit"]["per_patch"][3] = nullptr; },
       Errc::corrupt, "/report/fit/per_patch/3"},
      {"patches used", [](Json& j) { j["report"]["patches_used"][5] = 1; }, Errc::corrupt,
       "/report/patches_used/5"},
      {"output", [](Json& j) { j["output"] = "rec2020"; }, Errc::corrupt, "/output"},
      {"unknown schema", [](Json& j) { j["schema"] = "clinvid.calibration/9"; }, Errc::unsupported,
       "/schema"},
      {"not an object", [](Json& j) { j = Json::array(); }, Errc::corrupt, "expected an object"},
  };
  for (const Breakage& b : cases) {
    Json json = profile_to_json(sample_profile());
    b.edit(json);
    auto r = profile_from_json(json);
    ASSERT_FALSE(r.has_value()) << b.what;
    EXPECT_EQ(r.error().code, b.code) << b.what << ": " << r.error().message();
    EXPECT_NE(r.error().detail.find(b.where), std::string::npos)
        << b.what << ": " << r.error().message();
  }
}

TEST(Profile, BrokenJsonFileReportsTheOffset) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("clinvid-colour-broken-" + std::to_string(::getpid()) + ".json");
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("{\"schema\": \"clinvid.calibration/1\", ", f);
    std::fclose(f);
  }
  auto r = load_profile(path);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::corrupt);
  EXPECT_NE(r.error().detail.find("byte"), std::string::npos) << r.error().detail;
  std::filesystem::remove(path);
}

TEST(FrameHash, KnownValueAndStrideIndependence) {
  // "RGBA 2x1\n" followed by 8 bytes 0..7: SHA-256 computed independently (Python hashlib).
  Frame frame = Frame::allocate(PixelFormat::rgba, 2, 1).value();
  for (std::uint8_t i = 0; i < 8; ++i) frame.view().planes[0][i] = i;
  auto h = frame_sha256(frame.view());
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(*h, "d53a13e559a7fc924ed6565ebd0930b1c685f109e91da834defb1678f753d342");
  // The same picture with padded rows hashes the same.
  std::vector<std::uint8_t> padded(2 * 16, 0xEE);
  for (std::uint8_t i = 0; i < 8; ++i) padded[i] = i;
  ConstFrameView view{PixelFormat::rgba, 2, 1, {padded.data(), nullptr, nullptr}, {16, 0, 0}};
  EXPECT_EQ(frame_sha256(view).value(), *h);
  // One changed pixel changes it.
  frame.view().planes[0][5] = 99;
  EXPECT_NE(frame_sha256(frame.view()).value(), *h);
}

TEST(Time, NowIsIso8601Utc) {
  const std::string now = utc_now_iso8601();
  ASSERT_EQ(now.size(), 20U);
  EXPECT_EQ(now[4], '-');
  EXPECT_EQ(now[10], 'T');
  EXPECT_EQ(now[19], 'Z');
  CalibrationProfile p = sample_profile();
  p.created_utc = now;
  EXPECT_TRUE(profile_from_json(profile_to_json(p)).has_value());
}

}  // namespace
}  // namespace clinvid::colour::testing
