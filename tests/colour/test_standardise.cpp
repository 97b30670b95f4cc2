// The CPU reference of the standardisation shader against the double-precision correction,
// whole frames, and the baked 3D LUT against the model it was baked from.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "colour/calibrate.hpp"
#include "colour/ciede2000.hpp"
#include "colour/standardise.hpp"
#include "synthetic_cases.hpp"

namespace clinvid::colour::testing {
namespace {

// Profiles covering every linearisation kind and the richest model, each with the chart it
// was fitted to.
struct Calibrated {
  CalibrationProfile profile;
  ChartDetection chart;
};

std::vector<Calibrated> profiles() {
  std::vector<Calibrated> out;
  const auto cases = synthetic_cases(1);
  const std::vector<std::pair<std::size_t, LinearisationChoice>> picks = {
      {0, LinearisationChoice::srgb},       {1, LinearisationChoice::bt709},
      {2, LinearisationChoice::power},      {3, LinearisationChoice::exponential},
      {3, LinearisationChoice::polynomial}, {2, LinearisationChoice::bt1886}};
  for (const auto& [index, lin] : picks) {
    const RenderedCase& rc = rendered(cases[index]);
    CalibrationOptions o;
    o.linearisation = lin;
    o.validation = Validation::none;
    o.created_utc = "2025-01-01T00:00:00Z";
    out.push_back(
        {calibrate_frame(rc.frame.view(), o).value(), detect_chart(rc.frame.view()).value()});
  }
  return out;
}

const std::vector<Calibrated>& cached() {
  static const std::vector<Calibrated> p = profiles();
  return p;
}

TEST(Standardise, Float32ReferenceMatchesTheDoubleModel) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(0.0F, 1.0F);
  for (const auto& [p, chart] : cached()) {
    const StandardiseParams params = standardise_params(p.correction);
    double worst = 0.0;
    for (int i = 0; i < 5000; ++i) {
      const std::array<float, 3> v = {u(rng), u(rng), u(rng)};
      const auto got = standardise_pixel(params, v);
      const Vec3 lin = p.correction.to_linear_srgb({v[0], v[1], v[2]});
      for (std::size_t c = 0; c < 3; ++c) {
        const double want = srgb_encode(std::clamp(lin[c], 0.0, 1.0));
        worst = std::max(worst, std::abs(static_cast<double>(got[c]) - want));
      }
    }
    EXPECT_LT(worst, 2e-4) << to_string(p.correction.linearisation.kind);
  }
}

TEST(Standardise, FramesArePixelByPixelTheReference) {
  const RenderedCase& rc = rendered(synthetic_cases(1)[3]);
  const StandardiseParams params = standardise_params(cached()[3].profile.correction);
  Frame out = Frame::allocate(PixelFormat::rgba, rc.frame.width(), rc.frame.height()).value();
  ASSERT_TRUE(standardise_cpu(params, rc.frame.view(), out.view()));
  const ConstFrameView in = rc.frame.view();
  const ConstFrameView o = std::as_const(out).view();
  for (std::uint32_t y = 0; y < in.height; y += 37) {
    for (std::uint32_t x = 0; x < in.width; x += 41) {
      const std::uint8_t* s = in.planes[0] + y * in.strides[0] + x * 4;
      const std::uint8_t* d = o.planes[0] + y * o.strides[0] + x * 4;
      const auto want = standardise_pixel(params, {s[0] / 255.0F, s[1] / 255.0F, s[2] / 255.0F});
      for (std::size_t c = 0; c < 3; ++c) {
        EXPECT_EQ(d[c], static_cast<std::uint8_t>(std::floor(want[c] * 255.0F + 0.5F)));
      }
      EXPECT_EQ(d[3], s[3]);
    }
  }
  // In place gives the same bytes.
  Frame copy = Frame::allocate(PixelFormat::rgba, rc.frame.width(), rc.frame.height()).value();
  copy.bytes() = rc.frame.bytes();
  ASSERT_TRUE(standardise_cpu(params, copy.view(), copy.view()));
  EXPECT_EQ(copy.bytes(), out.bytes());
}

TEST(Standardise, RefusesMismatchedFrames) {
  const StandardiseParams params = standardise_params(cached()[0].profile.correction);
  Frame a = Frame::allocate(PixelFormat::rgba, 16, 8).value();
  Frame b = Frame::allocate(PixelFormat::rgba, 8, 8).value();
  Frame yuv = Frame::allocate(PixelFormat::i420, 16, 8).value();
  EXPECT_EQ(standardise_cpu(params, a.view(), b.view()).error().code, Errc::invalid_argument);
  EXPECT_EQ(standardise_cpu(params, yuv.view(), a.view()).error().code, Errc::unsupported);
}

TEST(Lut, AgreesWithTheModel) {
  for (const auto& [p, chart] : cached()) {
    auto lut = bake_lut(p.correction);
    ASSERT_TRUE(lut.has_value());
    EXPECT_EQ(lut->size, 33U);
    const StandardiseParams params = standardise_params(p.correction);
    // On the colours of the camera the profile was made for, in dE00 of the sRGB output.
    double worst_de = 0.0;
    double sum_de = 0.0;
    for (const PatchSample& patch : chart.patches) {
      const std::array<float, 3> v = {static_cast<float>(patch.rgb[0]),
                                      static_cast<float>(patch.rgb[1]),
                                      static_cast<float>(patch.rgb[2])};
      auto lab = [](const std::array<float, 3>& e) {
        return linear_srgb_to_lab_d50({srgb_decode(static_cast<double>(e[0])),
                                       srgb_decode(static_cast<double>(e[1])),
                                       srgb_decode(static_cast<double>(e[2]))});
      };
      const double de = delta_e00(lab(lut->lookup(v)), lab(standardise_pixel(params, v)));
      sum_de += de / kPatchCount;
      worst_de = std::max(worst_de, de);
    }
    // Trilinear steps of 1/32 in code value cut corners where the model bends hardest: dark,
    // saturated colours (a channel near a curve's toe, the root terms near 0).
    EXPECT_LT(sum_de, 0.6) << to_string(p.correction.linearisation.kind);
    EXPECT_LT(worst_de, 2.5) << to_string(p.correction.linearisation.kind);
    // Over the whole cube, in 8-bit code values.
    std::mt19937 rng(9);
    std::uniform_real_distribution<float> u(0.0F, 1.0F);
    // Over the cube, in 8-bit code values, where the output is not clipped: most of the
    // cube holds colours no camera produces from a real scene, which the model sends far out
    // of gamut (both then clip alike), and a trilinear cell across a clipping edge differs.
    std::vector<double> diffs;
    while (diffs.size() < 30000) {
      const std::array<float, 3> v = {u(rng), u(rng), u(rng)};
      const auto b = standardise_pixel(params, v);
      if (std::min({b[0], b[1], b[2]}) < 0.02F || std::max({b[0], b[1], b[2]}) > 0.98F) continue;
      const auto a = lut->lookup(v);
      for (std::size_t c = 0; c < 3; ++c) {
        diffs.push_back(255.0 * std::abs(static_cast<double>(a[c] - b[c])));
      }
    }
    std::sort(diffs.begin(), diffs.end());
    double sum = 0.0;
    for (const double d : diffs) sum += d;
    const double p50 = diffs[diffs.size() / 2];
    const double p99 = diffs[diffs.size() * 99 / 100];
    std::printf(
        "LUT 33^3 vs model (%s): unclipped cube mean %.2f, median %.2f, p99 %.2f, "
        "max %.1f codes; chart dE00 mean %.2f max %.2f\n",
        std::string(to_string(p.correction.linearisation.kind)).c_str(),
        sum / static_cast<double>(diffs.size()), p50, p99, diffs.back(), sum_de, worst_de);
    EXPECT_LT(sum / static_cast<double>(diffs.size()), 1.0);
    EXPECT_LT(p50, 0.5);
    EXPECT_LT(p99, 12.0);
    // Nodes are exact.
    const auto node = lut->lookup({0.5F, 0.25F, 0.75F});
    const auto model = standardise_pixel(params, {0.5F, 0.25F, 0.75F});
    for (std::size_t c = 0; c < 3; ++c) EXPECT_NEAR(node[c], model[c], 1e-6F);
  }
}

TEST(Lut, FramesAndCubeExport) {
  const CalibrationProfile& p = cached()[0].profile;
  auto lut = bake_lut(p.correction, 17);
  ASSERT_TRUE(lut.has_value());
  const RenderedCase& rc = rendered(synthetic_cases(1)[0]);
  Frame by_lut = Frame::allocate(PixelFormat::rgba, rc.frame.width(), rc.frame.height()).value();
  Frame by_model = Frame::allocate(PixelFormat::rgba, rc.frame.width(), rc.frame.height()).value();
  ASSERT_TRUE(apply_lut_cpu(*lut, rc.frame.view(), by_lut.view()));
  ASSERT_TRUE(standardise_cpu(standardise_params(p.correction), rc.frame.view(), by_model.view()));
  double sum = 0.0;
  for (std::size_t i = 0; i < by_lut.bytes().size(); ++i) {
    sum += std::abs(by_lut.bytes()[i] - by_model.bytes()[i]);
  }
  EXPECT_LT(sum / static_cast<double>(by_lut.bytes().size()), 0.5);
  const std::string cube = to_cube(*lut, "cam-a");
  EXPECT_EQ(cube.rfind("TITLE \"cam-a\"\nLUT_3D_SIZE 17\n", 0), 0U);
  EXPECT_EQ(std::count(cube.begin(), cube.end(), '\n'), 2 + 17 * 17 * 17);
  EXPECT_FALSE(bake_lut(p.correction, 1).has_value());
  Lut3d broken;
  broken.size = 4;
  EXPECT_FALSE(apply_lut_cpu(broken, rc.frame.view(), by_lut.view()));
}

}  // namespace
}  // namespace clinvid::colour::testing
