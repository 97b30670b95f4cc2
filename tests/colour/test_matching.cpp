// Camera matching: cameras that differ in sensor, light, exposure and curve, calibrated to the
// same reference, agree with each other on the chart.
#include <cstdio>

#include <gtest/gtest.h>

#include "colour/ciede2000.hpp"
#include "colour/matching.hpp"
#include "synthetic_cases.hpp"

namespace clinvid::colour::testing {
namespace {

TEST(Matching, CamerasCalibratedToOneReferenceMatchEachOther) {
  // Three cameras in one session, each filming the chart from its own place.
  std::vector<SyntheticCase> rigs = {synthetic_cases(21)[1], synthetic_cases(22)[2],
                                     synthetic_cases(23)[3]};
  rigs[0].name = "cam-a";
  rigs[1].name = "cam-b";
  rigs[2].name = "cam-c";
  std::vector<CameraFrame> frames;
  for (const SyntheticCase& rig : rigs) frames.push_back({rig.name, rendered(rig).frame.view()});
  CalibrationOptions options;
  options.created_utc = "2025-01-01T00:00:00Z";
  auto cameras = calibrate_cameras(frames, options);
  ASSERT_TRUE(cameras.has_value()) << cameras.error().message();
  ASSERT_EQ(cameras->size(), 3U);
  EXPECT_EQ((*cameras)[1].profile.camera_id, "cam-b");
  auto report = match_report(*cameras);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  ASSERT_EQ(report->pairs.size(), 3U);
  for (const CameraPairMatch& m : report->pairs) {
    std::printf("%s vs %s: dE00 mean %.2f max %.2f\n", m.camera_a.c_str(), m.camera_b.c_str(),
                m.delta_e00_mean, m.delta_e00_max);
    EXPECT_LE(m.delta_e00_mean, 1.0) << m.camera_a << " vs " << m.camera_b;
  }
  EXPECT_LE(report->worst_mean, 1.0);

  // Before calibration the same cameras disagree by far more: the test is not trivial.
  double raw = 0.0;
  for (std::size_t i = 0; i < kPatchCount; ++i) {
    const auto lab = [&](std::size_t cam) {
      const Vec3 e = (*cameras)[cam].chart.patches[i].rgb;
      return linear_srgb_to_lab_d50({srgb_decode(e[0]), srgb_decode(e[1]), srgb_decode(e[2])});
    };
    raw += delta_e00(lab(0), lab(1)) / kPatchCount;
  }
  EXPECT_GT(raw, 5.0);
}

TEST(Matching, NeedsTwoCamerasOnOneReference) {
  const RenderedCase& rc = rendered(synthetic_cases(21)[0]);
  CalibrationOptions options;
  options.created_utc = "2025-01-01T00:00:00Z";
  options.validation = Validation::none;
  auto one = calibrate_cameras({{"solo", rc.frame.view()}}, options);
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(match_report(*one).error().code, Errc::invalid_argument);
  auto two = *one;
  two.push_back(two.front());
  two.back().profile.reference = ReferenceSet::colorchecker24_before_2014;
  EXPECT_EQ(match_report(two).error().code, Errc::invalid_argument);
  // A camera that sees no chart is named in the error.
  SceneSpec empty;
  empty.chart = false;
  const SyntheticImage img = render_scene(empty, make_camera({}));
  const Frame frame = to_rgba_frame(img.rgb);
  auto missing = calibrate_cameras({{"solo", rc.frame.view()}, {"cam-x", frame.view()}}, options);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_NE(missing.error().detail.find("cam-x"), std::string::npos);
}

}  // namespace
}  // namespace clinvid::colour::testing
