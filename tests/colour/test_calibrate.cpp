// Calibration accuracy on synthetic cameras: fit and leave-one-out dE00 per condition, the
// standardised frame measured again, exclusions, and the linearisation fits themselves.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>

#include "colour/calibrate.hpp"
#include "colour/ciede2000.hpp"
#include "colour/linearise.hpp"
#include "colour/standardise.hpp"
#include "synthetic_cases.hpp"

namespace clinvid::colour::testing {
namespace {

constexpr ReferenceSet kRef = ReferenceSet::colorchecker24_after_2014;

// The standardised frame, measured at the chart: mean dE00 and max dE00 against the reference
// as an sRGB display can show it (its 8-bit sRGB rendering, clipped like the output is).
std::pair<double, double> frame_delta_e(const RenderedCase& rc, const CalibrationProfile& profile) {
  Frame out = Frame::allocate(PixelFormat::rgba, rc.frame.width(), rc.frame.height()).value();
  EXPECT_TRUE(standardise_cpu(standardise_params(profile.correction), rc.frame.view(), out.view()));
  SampleOptions fixed;
  fixed.orientation = Orientation::as_given;
  auto measured = sample_chart(out.view(), profile.corners, fixed);
  EXPECT_TRUE(measured.has_value()) << measured.error().message();
  if (!measured) return {1e9, 1e9};
  double sum = 0.0;
  double worst = 0.0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < kPatchCount; ++i) {
    if (!profile.patches_used[i]) continue;
    const Vec3 e = measured->patches[i].rgb;
    const Vec3 lab =
        linear_srgb_to_lab_d50({srgb_decode(e[0]), srgb_decode(e[1]), srgb_decode(e[2])});
    const auto& s8 = builtin_reference(kRef).patches[i].srgb8;
    const Vec3 ref = linear_srgb_to_lab_d50(
        {srgb_decode(s8[0] / 255.0), srgb_decode(s8[1] / 255.0), srgb_decode(s8[2] / 255.0)});
    const double d = delta_e00(lab, ref);
    sum += d;
    worst = std::max(worst, d);
    ++n;
  }
  return {sum / static_cast<double>(n), worst};
}

CalibrationOptions fixed_options() {
  CalibrationOptions options;
  options.camera_id = "synthetic";
  options.created_utc = "2025-01-01T00:00:00Z";
  return options;
}

// One synthetic condition (seed 1) per test, so ctest runs them side by side. Prints the
// accuracy table the design notes quote.
class CalibrateCase : public ::testing::TestWithParam<std::size_t> {};

TEST_P(CalibrateCase, MeetsTheAccuracyTarget) {
  const SyntheticCase c = synthetic_cases(1).at(GetParam());
  const RenderedCase& rc = rendered(c);
  auto profile = calibrate_frame(rc.frame.view(), fixed_options());
  ASSERT_TRUE(profile.has_value()) << c.name << ": " << profile.error().message();
  ASSERT_TRUE(profile->leave_one_out.has_value());
  const auto [frame_mean, frame_max] = frame_delta_e(rc, *profile);
  std::string lin(to_string(profile->correction.linearisation.kind));
  if (profile->correction.linearisation.kind == LinearisationKind::standard) {
    lin += ":" + std::string(to_string(profile->correction.linearisation.curve));
  }
  std::printf("%-22s %-5s %-13s fit %.2f/%.2f  LOO %.2f/%.2f  frame %.2f/%.2f\n", c.name.c_str(),
              std::string(to_string(profile->detection_method)).c_str(), lin.c_str(),
              profile->fit.mean, profile->fit.max, profile->leave_one_out->mean,
              profile->leave_one_out->max, frame_mean, frame_max);
  EXPECT_LE(profile->fit.mean, 1.5);
  EXPECT_LE(profile->fit.max, 4.0);
  // The standardised frame itself, measured again: what a viewer gets.
  EXPECT_LE(frame_mean, 1.5);
  EXPECT_LE(frame_max, 4.0);
  // Leave-one-out: reported, no better than the fit on average, and usable.
  const DeltaEStats& loo = *profile->leave_one_out;
  EXPECT_GE(loo.mean, 0.8 * profile->fit.mean);
  EXPECT_LE(loo.mean, 2.5);
  for (std::size_t i = 0; i < kPatchCount; ++i) {
    EXPECT_TRUE(std::isfinite(loo.per_patch[i]));
    EXPECT_GE(loo.per_patch[i], 0.0);
  }
  EXPECT_EQ(profile->chart_frame_sha256.size(), 64U);
}

INSTANTIATE_TEST_SUITE_P(
    Conditions, CalibrateCase, ::testing::Range<std::size_t>(0, synthetic_cases(1).size()),
    [](const ::testing::TestParamInfo<std::size_t>& param_info) {
      std::string name = synthetic_cases(1)[param_info.param].name;
      std::replace_if(
          name.begin(), name.end(),
          [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) == 0; }, '_');
      return name;
    });

// Patch values straight from a synthetic camera (no image): every model and linearisation
// recovers an exactly linear camera, and the richer ones do at least as well.
TEST(Calibrate, EveryModelFitsAnIdealCamera) {
  CameraSpec spec;
  spec.seed = 11;
  spec.illuminant = Illuminant::fluorescent;
  spec.curve = CameraCurve::srgb;
  const SyntheticCamera camera = make_camera(spec);
  ChartDetection chart;
  chart.method = DetectionMethod::manual;
  for (std::size_t i = 0; i < kPatchCount; ++i) chart.patches[i].rgb = camera.patch_signal(i, kRef);
  for (const ModelKind model : {ModelKind::matrix, ModelKind::matrix_white_preserving,
                                ModelKind::affine, ModelKind::root_polynomial}) {
    CalibrationOptions o = fixed_options();
    o.model = model;
    o.linearisation = LinearisationChoice::srgb;
    auto p = calibrate(chart, o);
    ASSERT_TRUE(p.has_value()) << to_string(model) << ": " << p.error().message();
    // Cyan (patch 18) leaves the camera clipped at 0 in red: that one patch cannot be exact.
    EXPECT_LT(p->fit.mean, 0.35) << to_string(model);
    EXPECT_EQ(p->correction.model.kind, model);
  }
  // White balance alone cannot undo crosstalk, but it does neutralise the grey row.
  CalibrationOptions o = fixed_options();
  o.model = ModelKind::white_balance;
  o.linearisation = LinearisationChoice::srgb;
  auto wb = calibrate(chart, o);
  ASSERT_TRUE(wb.has_value());
  for (std::size_t i = kFirstNeutral; i < kFirstNeutral + kNeutralCount; ++i) {
    EXPECT_LT(wb->fit.per_patch[i], 2.0) << "neutral " << i + 1;
  }
  // A white-preserving matrix keeps neutrals neutral: its rows sum to 1.
  o.model = ModelKind::matrix_white_preserving;
  auto wp = calibrate(chart, o);
  ASSERT_TRUE(wp.has_value());
  for (const auto& row : wp->correction.model.m) EXPECT_NEAR(row[0] + row[1] + row[2], 1.0, 1e-9);
}

TEST(Calibrate, ClippedPatchesAreLeftOutAndReported) {
  const RenderedCase& rc = rendered(synthetic_cases(1)[0]);
  auto chart = detect_chart(rc.frame.view());
  ASSERT_TRUE(chart.has_value());
  chart->patches[18].rgb = {1.0, 1.0, 1.0};  // white blown out
  chart->patches[18].clipped_fraction = 0.9;
  chart->patches[11].rgb[0] = 0.99;  // orange yellow clipped in red
  auto p = calibrate(*chart, fixed_options());
  ASSERT_TRUE(p.has_value()) << p.error().message();
  EXPECT_FALSE(p->patches_used[18]);
  EXPECT_FALSE(p->patches_used[11]);
  EXPECT_TRUE(p->patches_used[0]);
  EXPECT_LE(p->fit.mean, 1.5);
  EXPECT_EQ(p->leave_one_out->per_patch[18], 0.0);
}

TEST(Calibrate, TooFewUsablePatchesIsAnError) {
  ChartDetection chart;
  for (auto& patch : chart.patches) {
    patch.rgb = {1.0, 1.0, 1.0};
    patch.clipped_fraction = 1.0;
  }
  auto p = calibrate(chart, fixed_options());
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, Errc::invalid_argument);
}

TEST(Calibrate, NoChartInTheFrameIsNotFound) {
  SceneSpec scene;
  scene.chart = false;
  const SyntheticImage img = render_scene(scene, make_camera({}));
  const Frame frame = to_rgba_frame(img.rgb);
  auto p = calibrate_frame(frame.view(), fixed_options());
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, Errc::not_found);
}

TEST(Calibrate, ManualCornersGiveTheSameProfile) {
  const RenderedCase& rc = rendered(synthetic_cases(1)[1]);
  auto automatic = calibrate_frame(rc.frame.view(), fixed_options());
  auto manual = calibrate_frame_at(rc.frame.view(), rc.image.corners, fixed_options());
  ASSERT_TRUE(automatic.has_value());
  ASSERT_TRUE(manual.has_value()) << manual.error().message();
  EXPECT_EQ(manual->detection_method, DetectionMethod::manual);
  EXPECT_EQ(manual->chart_frame_sha256, automatic->chart_frame_sha256);
  EXPECT_NEAR(manual->fit.mean, automatic->fit.mean, 0.1);
}

// The fitted linearisations, on known curves: a pure power law is recovered exactly, an
// exponential inverts a log camera, and every fitted curve increases.
TEST(Linearise, FitsKnownCurves) {
  std::array<double, kNeutralCount> luminance{};
  for (std::size_t i = 0; i < kNeutralCount; ++i) {
    luminance[i] =
        lightness_to_luminance(builtin_reference(kRef).patches[kFirstNeutral + i].lab_d50[0]);
  }
  const std::array<bool, kNeutralCount> all = {true, true, true, true, true, true};
  auto signal_of = [&](auto&& encode) {
    std::array<Vec3, kNeutralCount> s{};
    for (std::size_t i = 0; i < kNeutralCount; ++i) {
      const double v = encode(0.8 * luminance[i]);
      s[i] = {v, v, v};
    }
    return s;
  };
  const auto gamma = signal_of([](double y) { return std::pow(y, 1 / 2.6); });
  auto power = fit_linearisation(LinearisationKind::power, gamma, luminance, all);
  ASSERT_TRUE(power.has_value()) << power.error().message();
  EXPECT_NEAR(power->coefficients[0][0], 2.6, 1e-6);
  EXPECT_NEAR(power->coefficients[1][4], 0.0, 1e-12);
  const auto log_curve =
      signal_of([](double y) { return 0.06 + 0.94 * std::log2(1.0 + 40.0 * y) / std::log2(41.0); });
  auto expo = fit_linearisation(LinearisationKind::exponential, log_curve, luminance, all);
  ASSERT_TRUE(expo.has_value()) << expo.error().message();
  const double ratio = expo->apply(0, log_curve[0][0]) / expo->apply(0, log_curve[5][0]);
  EXPECT_NEAR(ratio, luminance[0] / luminance[5], 1e-3 * ratio);
  auto poly = fit_linearisation(LinearisationKind::polynomial, gamma, luminance, all, 3);
  ASSERT_TRUE(poly.has_value());
  double previous = -1.0;
  for (int i = 0; i <= 100; ++i) {
    const double y = poly->apply(0, i / 100.0);
    EXPECT_GE(y, previous);
    previous = y;
  }
  // Non-monotonic neutrals cannot be linearised.
  auto bad = gamma;
  std::swap(bad[1], bad[4]);
  EXPECT_FALSE(fit_linearisation(LinearisationKind::power, bad, luminance, all).has_value());
}

}  // namespace
}  // namespace clinvid::colour::testing
