// Butterworth zero-phase low-pass, calibration (scale and plane homography), measurements.
#include <cmath>
#include <numbers>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/calibration.hpp"
#include "analysis/filter.hpp"
#include "analysis/measure.hpp"

namespace clinvid::analysis {
namespace {

constexpr double kPi = std::numbers::pi;

std::vector<double> sine(double frequency_hz, double sample_rate_hz, std::size_t n) {
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = std::sin(2.0 * kPi * frequency_hz * static_cast<double>(i) / sample_rate_hz);
  }
  return out;
}

// Amplitude of `x` at `frequency_hz` by projection onto sine and cosine over the middle half
// (away from the ends), and its phase relative to a sine.
struct Tone {
  double amplitude;
  double phase_rad;
};
Tone tone(const std::vector<double>& x, double frequency_hz, double sample_rate_hz) {
  double s = 0.0;
  double c = 0.0;
  const std::size_t a = x.size() / 4;
  const std::size_t b = 3 * x.size() / 4;
  for (std::size_t i = a; i < b; ++i) {
    const double t = 2.0 * kPi * frequency_hz * static_cast<double>(i) / sample_rate_hz;
    s += x[i] * std::sin(t);
    c += x[i] * std::cos(t);
  }
  const double n = static_cast<double>(b - a);
  return {2.0 * std::hypot(s, c) / n, std::atan2(c, s)};
}

// The zero-phase response the header promises: |H|^2 of the corrected 2nd-order design.
double expected_gain(double f, double fc, double fs) {
  const double k = std::tan(kPi * fc / fs) / std::pow(std::sqrt(2.0) - 1.0, 0.25);
  const double ratio = std::tan(kPi * f / fs) / k;
  return 1.0 / (1.0 + std::pow(ratio, 4.0));
}

TEST(Butterworth, PassesOneHertzAttenuatesTwentyWithZeroPhase) {
  const double fs = 100.0;
  const Rational rate = Rational::make(100, 1).value();
  const LowPassSpec spec{6.0};
  // 1 Hz and 20 Hz over 10 s (whole periods in the analysed middle half).
  auto low = lowpass_filtfilt(sine(1.0, fs, 1000), rate, spec);
  auto high = lowpass_filtfilt(sine(20.0, fs, 1000), rate, spec);
  auto at_cutoff = lowpass_filtfilt(sine(6.0, fs, 1000), rate, spec);
  ASSERT_TRUE(low && high && at_cutoff);
  const Tone l = tone(*low, 1.0, fs);
  const Tone h = tone(*high, 20.0, fs);
  const Tone c = tone(*at_cutoff, 6.0, fs);
  EXPECT_NEAR(l.amplitude, 1.0, 1e-3);
  EXPECT_NEAR(l.amplitude, expected_gain(1.0, 6.0, fs), 1e-3);
  // 20 Hz: 1 / (1 + (tan(0.2 pi) / (tan(0.06 pi) / 0.802))^4) = 0.0113, i.e. -38.9 dB.
  EXPECT_NEAR(h.amplitude, expected_gain(20.0, 6.0, fs), 1e-3);
  EXPECT_LT(h.amplitude, 0.02);
  // The cutoff is the -3 dB point of the two-pass filter.
  EXPECT_NEAR(c.amplitude, 1.0 / std::sqrt(2.0), 5e-3);
  // Zero phase: no shift at any frequency.
  EXPECT_NEAR(l.phase_rad, 0.0, 1e-3);
  EXPECT_NEAR(c.phase_rad, 0.0, 1e-3);
  // Sample by sample, the 1 Hz sine comes back unchanged, ends included (odd padding).
  const auto raw = sine(1.0, fs, 1000);
  double worst = 0.0;
  for (std::size_t i = 0; i < raw.size(); ++i)
    worst = std::max(worst, std::abs((*low)[i] - raw[i]));
  EXPECT_LT(worst, 0.01);
}

TEST(Butterworth, KeepsGapsAndRefusesImpossibleCutoffs) {
  const Rational rate = Rational::make(30, 1).value();
  std::vector<double> x = sine(1.0, 30.0, 90);
  x[40] = std::numeric_limits<double>::quiet_NaN();
  auto y = lowpass_filtfilt(x, rate, LowPassSpec{6.0});
  ASSERT_TRUE(y);
  EXPECT_TRUE(std::isnan((*y)[40]));
  EXPECT_TRUE(std::isfinite((*y)[39]));
  EXPECT_TRUE(std::isfinite((*y)[41]));
  // 15 Hz is the Nyquist frequency at 30 samples/s.
  auto refused = lowpass_filtfilt(x, rate, LowPassSpec{15.0});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::invalid_argument);
  EXPECT_NE(refused.error().detail.find("15 Hz must be positive and below the Nyquist"),
            std::string::npos);
  EXPECT_FALSE(lowpass_filtfilt(x, rate, LowPassSpec{0.0}));
  EXPECT_EQ(LowPassSpec{6.0}.describe(),
            "Butterworth 2nd order low-pass, zero-phase (filtfilt), -3 dB at 6 Hz");
}

TEST(Calibration, ScaleFromAKnownLength) {
  auto c = Calibration::from_length({100.0, 300.0}, {300.0, 300.0}, 1.0);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->kind(), CalibrationKind::scale);
  EXPECT_DOUBLE_EQ(c->metres_per_pixel(), 0.005);
  EXPECT_EQ(c->unit(), "m");
  const Point2 w = c->to_world({200.0, 100.0});
  EXPECT_NEAR(w.x, 0.5, 1e-12);
  EXPECT_NEAR(w.y, 1.0, 1e-12);  // 200 px above the first point: y up
  const Point2 back = c->to_image(w);
  EXPECT_NEAR(back.x, 200.0, 1e-9);
  EXPECT_NEAR(back.y, 100.0, 1e-9);
  EXPECT_NEAR(distance(c->to_world({0, 0}), c->to_world({30, 40})), 0.25, 1e-12);
  EXPECT_FALSE(c->to_world(kNoPoint).finite());

  EXPECT_EQ(Calibration::from_length({1, 1}, {1.5, 1}, 1.0).error().code, Errc::invalid_argument);
  EXPECT_EQ(Calibration::from_length({1, 1}, {100, 1}, 0.0).error().code, Errc::invalid_argument);
  EXPECT_EQ(Calibration::from_length({1, 1}, {100, 1}, -2.0).error().code, Errc::invalid_argument);
  EXPECT_FALSE(Calibration::from_length(kNoPoint, {100, 1}, 1.0));
  const Calibration none;
  EXPECT_EQ(none.kind(), CalibrationKind::pixels);
  EXPECT_EQ(none.unit(), "px");
  EXPECT_EQ(none.to_world({3, 4}), (Point2{3, -4}));
}

TEST(Calibration, PerspectivePlaneMapsBackWithinOneMillimetre) {
  // A camera looking obliquely at a 4 m x 2 m floor area: a true projective map (not affine).
  const double h[9] = {120.0, 35.0, 80.0, -8.0, -60.0, 400.0, 0.02, 0.12, 1.0};
  const auto project = [&](Point2 w) {
    const double d = h[6] * w.x + h[7] * w.y + h[8];
    return Point2{(h[0] * w.x + h[1] * w.y + h[2]) / d, (h[3] * w.x + h[4] * w.y + h[5]) / d};
  };
  const std::vector<Point2> world{{0, 0}, {4, 0}, {4, 2}, {0, 2}};
  std::vector<Point2> image;
  for (const Point2& w : world) image.push_back(project(w));
  auto c = Calibration::from_plane(image, world);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->kind(), CalibrationKind::plane);
  double worst_m = 0.0;
  for (double x = 0.0; x <= 4.0; x += 0.25) {
    for (double y = 0.0; y <= 2.0; y += 0.25) {
      const Point2 back = c->to_world(project({x, y}));
      worst_m = std::max(worst_m, std::hypot(back.x - x, back.y - y));
    }
  }
  EXPECT_LT(worst_m, 1e-3);
  // A metre stick lying across the floor at the far side measures a metre.
  EXPECT_NEAR(distance(c->to_world(project({1.0, 1.8})), c->to_world(project({2.0, 1.8}))), 1.0,
              1e-3);
  // With the image points rounded to whole pixels, as a user clicks them.
  std::vector<Point2> clicked;
  for (const Point2& p : image) clicked.push_back({std::round(p.x), std::round(p.y)});
  auto rounded = Calibration::from_plane(clicked, world);
  ASSERT_TRUE(rounded);
  EXPECT_NEAR(rounded->to_world(clicked[2]).x, 4.0, 1e-6);

  // Malformed input.
  EXPECT_FALSE(Calibration::from_plane(std::span(image).first(3), std::span(world).first(3)));
  std::vector<Point2> collinear{{0, 0}, {1, 1}, {2, 2}, {0, 5}};
  auto refused = Calibration::from_plane(collinear, world);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("image points 0, 1 and 2 are collinear"),
            std::string::npos);
}

TEST(Calibration, JsonRoundTripAndLocatedErrors) {
  auto scale = Calibration::from_length({10, 20}, {190, 20}, 1.0).value();
  auto back = Calibration::from_json(scale.to_json(), "/views/0/calibration");
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->describe(), scale.describe());
  Json bad = scale.to_json();
  bad["image_points_px"][1] = Json::array({1, "x"});
  auto refused = Calibration::from_json(bad, "/views/0/calibration");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().detail,
            "at /views/0/calibration/image_points_px/1: expected [x, y] (two numbers)");
  bad = scale.to_json();
  bad["kind"] = "fisheye";
  EXPECT_NE(Calibration::from_json(bad, "/c").error().detail.find("at /c/kind: unknown"),
            std::string::npos);
}

TEST(Measure, AnglesAndSignConventions) {
  EXPECT_DOUBLE_EQ(distance({0, 0}, {3, 4}), 5.0);
  EXPECT_NEAR(angle_at_vertex_deg({1, 0}, {0, 0}, {0, 1}), 90.0, 1e-12);
  EXPECT_NEAR(angle_at_vertex_deg({1, 0}, {0, 0}, {-1, 0}), 180.0, 1e-12);
  EXPECT_NEAR(segment_angle_deg({0, 0}, {1, 1}, Reference::horizontal), 45.0, 1e-12);
  EXPECT_NEAR(segment_angle_deg({0, 0}, {1, -1}, Reference::vertical), 45.0, 1e-12);
  EXPECT_TRUE(std::isnan(segment_angle_deg({0, 0}, {1, 1}, Reference::invalid)));
  // Walking towards +x (y up): thigh forward 20 degrees, shank 10 degrees behind vertical.
  const double t = 20.0 * kPi / 180.0;
  const double s = -10.0 * kPi / 180.0;
  const Point2 hip{0.0, 1.0};
  const Point2 knee{0.45 * std::sin(t), 1.0 - 0.45 * std::cos(t)};
  const Point2 ankle{knee.x + 0.43 * std::sin(s), knee.y - 0.43 * std::cos(s)};
  EXPECT_NEAR(hip_flexion_deg(hip, knee, Progression::positive_x), 20.0, 1e-9);
  EXPECT_NEAR(knee_flexion_deg(hip, knee, ankle, Progression::positive_x), 30.0, 1e-9);
  // The same leg filmed walking towards -x (mirrored) gives the same clinical angles.
  const auto mirror = [](Point2 p) { return Point2{-p.x, p.y}; };
  EXPECT_NEAR(hip_flexion_deg(mirror(hip), mirror(knee), Progression::negative_x), 20.0, 1e-9);
  EXPECT_NEAR(knee_flexion_deg(mirror(hip), mirror(knee), mirror(ankle), Progression::negative_x),
              30.0, 1e-9);
  // Hyperextension is negative.
  const Point2 ankle_forward{knee.x + 0.43 * std::sin(t + 0.1), knee.y - 0.43 * std::cos(t + 0.1)};
  EXPECT_LT(knee_flexion_deg(hip, knee, ankle_forward, Progression::positive_x), 0.0);
  // Foot perpendicular to a vertical shank: 0; toes up 10 degrees: +10.
  const double up = 10.0 * kPi / 180.0;
  EXPECT_NEAR(ankle_dorsiflexion_deg({0, 0.5}, {0, 0.1}, {-0.05, 0}, {0.15, 0}), 0.0, 1e-9);
  EXPECT_NEAR(
      ankle_dorsiflexion_deg({0, 0.5}, {0, 0.1}, {0, 0}, {0.2 * std::cos(up), 0.2 * std::sin(up)}),
      10.0, 1e-9);
  EXPECT_TRUE(std::isnan(knee_flexion_deg(kNoPoint, knee, ankle, Progression::positive_x)));
}

}  // namespace
}  // namespace clinvid::analysis
