// Every backend against the CPU reference on the same compositions (DESIGN invariant 6), and
// a timing printout of the export path on a 1080p side-by-side film frame (no assertion on
// time: CI machines vary).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include <gtest/gtest.h>

#include "gpu/context.hpp"
#include "render_test_util.hpp"

namespace clinvid::render::testing {
namespace {

// Everything at once: a cropped, scaled odd-size input, a cross-fade, fills, all redactions
// (one clipped, one ellipse on an odd canvas edge), text with a background, and shapes.
Composition rich(std::uint32_t w, std::uint32_t h) {
  Composition c;
  c.width = w;
  c.height = h;
  c.background = {10, 20, 30, 255};
  const float fw = static_cast<float>(w), fh = static_cast<float>(h);
  c.layers.emplace_back(FillLayer{{0, 0, fw / 2, fh}, {90, 90, 90, 255}});
  c.layers.emplace_back(VideoLayer{0, {0.1F, 0.05F, 0.7F, 0.8F}, {3, 17.5F, fw / 2, fh * 0.6F}, 1});
  c.layers.emplace_back(VideoLayer{1, {0, 0, 1, 1}, {fw / 2, 10, fw / 2, fh * 0.7F}, 1});
  c.layers.emplace_back(VideoLayer{2, {0, 0, 1, 1}, {fw / 2, 10, fw / 2, fh * 0.7F}, 0.37F});
  c.layers.emplace_back(
      VideoLayer{1, {0.2F, 0.2F, 0.3F, 0.3F}, {fw * 0.6F, fh * 0.55F, 77, 41}, 1});
  RedactionLayer blur;
  blur.shape = RedactionShape::rectangle;
  blur.mode = RedactionMode::blur;
  blur.region = {20, 30, 70, 50};
  blur.clip = {0, 0, fw / 2, fh};
  blur.strength = 5.5F;
  c.layers.emplace_back(blur);
  RedactionLayer pix = blur;
  pix.mode = RedactionMode::pixelate;
  pix.shape = RedactionShape::ellipse;
  pix.region = {fw - 61, fh - 47, 80, 60};  // over the canvas' odd edge
  pix.clip = {0, 0, fw, fh};
  pix.strength = 9;
  c.layers.emplace_back(pix);
  RedactionLayer solid = blur;
  solid.mode = RedactionMode::solid;
  solid.shape = RedactionShape::ellipse;
  solid.region = {fw / 2 - 30, 5, 50, 40};  // straddles the clip edge
  solid.colour = {250, 20, 120, 255};
  c.layers.emplace_back(solid);
  RedactionLayer blur_e = blur;
  blur_e.shape = RedactionShape::ellipse;
  blur_e.region = {fw / 2 + 10, fh * 0.3F, 60, 44};
  blur_e.clip = {fw / 2, 0, fw / 2, fh};
  blur_e.strength = 2;
  c.layers.emplace_back(blur_e);
  TextLayer title;
  title.text = "Gait study, patient 0042\nsession 3";
  title.anchor = {fw / 2, 6.3F};
  title.align = TextAlign::centre;
  title.size_px = 19.5F;
  title.background = {0, 0, 0, 160};
  title.padding_px = 3;
  c.layers.emplace_back(title);
  TextLayer caption = title;
  caption.text = "Consent ref ABC: teaching use only, not for publication";
  caption.anchor = {fw - 5, fh - 40};
  caption.align = TextAlign::right;
  caption.max_width_px = fw * 0.6F;
  caption.colour = {255, 230, 0, 220};
  caption.background = {};
  c.layers.emplace_back(caption);
  ShapeLayer angle;
  angle.kind = ShapeKind::angle;
  angle.points = {{40, fh - 20}, {90, fh - 60}, {150, fh - 30}};
  angle.width_px = 3;
  angle.label = "37.2\xC2\xB0";
  angle.label_size_px = 14;
  c.layers.emplace_back(angle);
  ShapeLayer arrow = angle;
  arrow.kind = ShapeKind::arrow;
  arrow.points = {{fw - 10, 15}, {fw * 0.7F, fh * 0.4F}};
  arrow.label = "12.4 cm";
  arrow.colour = {0, 255, 255, 200};
  c.layers.emplace_back(arrow);
  ShapeLayer freehand = angle;
  freehand.kind = ShapeKind::polyline;
  freehand.points.clear();
  for (int i = 0; i < 40; ++i) {
    freehand.points.push_back({30.0F + 4.0F * static_cast<float>(i),
                               fh * 0.5F + 12.0F * std::sin(static_cast<float>(i) * 0.4F)});
  }
  freehand.label.clear();
  freehand.width_px = 2.5F;
  c.layers.emplace_back(freehand);
  c.layers.emplace_back(FillLayer{{0, 0, fw, fh}, {0, 0, 0, 40}});  // a dip beginning
  return c;
}

void compare_with_reference(Backend backend, std::uint32_t w, std::uint32_t h) {
  auto test = make_compositor(backend, w, h);
  if (!test) GTEST_SKIP() << "no Vulkan device";
  auto reference = make_compositor(Backend::cpu_reference, w, h);
  ASSERT_TRUE(reference);
  const Frame a = noise_i420(385, 289, 1);
  const Frame b = checker_i420(w, h, 3);
  const Frame c = noise_i420(200, 120, 3);
  const std::vector<ConstFrameView> inputs{a.view(), b.view(), c.view()};
  const Composition comp = rich(w, h);
  const Frame ref = compose(*reference, comp, inputs);
  const Frame out = compose(*test, comp, inputs);
  const Diff d = diff(ref, out);
  std::printf("[ %s vs cpu_reference, %ux%u ] mean |diff| %.4f, max %d over %zu samples\n",
              std::string(to_string(backend)).c_str(), w, h, d.mean, d.max, d.count);
  EXPECT_LE(d.mean, 1.0);
  EXPECT_LE(d.max, kBackendMaxDiff);
  // The same compositor again (caches warm) gives the same frame.
  EXPECT_EQ(diff(out, compose(*test, comp, inputs)).max, 0);
}

TEST(Backends, FastCpuMatchesTheReference) {
  compare_with_reference(Backend::cpu, 320, 180);
}
TEST(Backends, FastCpuMatchesTheReferenceOnAnOddCanvas) {
  compare_with_reference(Backend::cpu, 321, 181);
}
TEST(Backends, VulkanMatchesTheReference) {
  compare_with_reference(Backend::vulkan, 320, 180);
}
TEST(Backends, VulkanMatchesTheReferenceOnAnOddCanvas) {
  compare_with_reference(Backend::vulkan, 321, 181);
}

// An exact 2:1 reduction (a source in a slot half its size, as in every side-by-side of
// equal recordings) takes the fast path's halving loop; it must agree with the reference
// exactly, at full opacity and blended.
TEST(Backends, FastCpuHalvingMatchesTheReferenceExactly) {
  auto fast = make_compositor(Backend::cpu, 320, 180);
  auto reference = make_compositor(Backend::cpu_reference, 320, 180);
  ASSERT_TRUE(fast && reference);
  const Frame a = noise_i420(320, 180, 7);
  const Frame b = checker_i420(320, 180, 1);
  const std::vector<ConstFrameView> inputs{a.view(), b.view()};
  Composition comp;
  comp.width = 320;
  comp.height = 180;
  comp.layers.push_back(VideoLayer{0, {0, 0, 1, 1}, {0, 44, 160, 90}, 1.0F});
  comp.layers.push_back(VideoLayer{1, {0, 0, 1, 1}, {160, 44, 160, 90}, 1.0F});
  comp.layers.push_back(VideoLayer{0, {0, 0, 1, 1}, {80, 44, 160, 90}, 0.4F});
  const Diff d = diff(compose(*reference, comp, inputs), compose(*fast, comp, inputs));
  EXPECT_EQ(d.max, 0) << "mean " << d.mean;
}

// Redaction edge cases: blocks and radii from the smallest to larger than the area, both
// shapes, regions cut by the clip and by the canvas edge.
void compare_redactions(Backend backend) {
  constexpr std::uint32_t kW = 161, kH = 97;
  auto test = make_compositor(backend, kW, kH);
  if (!test) GTEST_SKIP() << "no Vulkan device";
  auto reference = make_compositor(Backend::cpu_reference, kW, kH);
  ASSERT_TRUE(reference);
  // 162x98 placed 1:1 (edges snap to even pixels): an exact copy, so only the redactions
  // can differ.
  const Frame noise = noise_i420(kW + 1, kH + 1, 21);
  const std::vector<ConstFrameView> inputs{noise.view()};
  int cases = 0;
  for (RedactionMode mode : {RedactionMode::blur, RedactionMode::pixelate}) {
    for (float strength : {1.0F, 2.0F, 3.4F, 33.0F, 200.0F}) {
      if (mode == RedactionMode::pixelate && strength < 2) continue;
      for (RedactionShape shape : {RedactionShape::rectangle, RedactionShape::ellipse}) {
        Composition comp;
        comp.width = kW;
        comp.height = kH;
        comp.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {0, 0, kW + 1, kH + 1}, 1});
        RedactionLayer r;
        r.mode = mode;
        r.shape = shape;
        r.strength = strength;
        r.region = {101.3F, 11, 90, 70};  // past the odd right edge
        r.clip = {0, 0, kW, kH};
        comp.layers.emplace_back(r);
        r.region = {7, 5, 77, 81};
        r.clip = {20, 0, 41, 60};  // cuts the region on three sides
        comp.layers.emplace_back(r);
        const Frame ref = compose(*reference, comp, inputs);
        const Frame out = compose(*test, comp, inputs);
        const Diff d = diff(ref, out);
        EXPECT_EQ(d.max, 0) << "mode " << static_cast<int>(mode) << " strength " << strength
                            << " shape " << static_cast<int>(shape);
        ++cases;
      }
    }
  }
  EXPECT_EQ(cases, 18);
}

TEST(Backends, FastCpuRedactionsMatchTheReferenceExactly) {
  compare_redactions(Backend::cpu);
}
TEST(Backends, VulkanRedactionsMatchTheReferenceExactly) {
  compare_redactions(Backend::vulkan);
}

// The lead's export benchmark frame: two 1080p inputs side by side at 960x540, a title and a
// caption.
Composition side_by_side_1080p() {
  Composition comp;
  comp.width = 1920;
  comp.height = 1080;
  comp.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {0, 270, 960, 540}, 1});
  comp.layers.emplace_back(VideoLayer{1, {0, 0, 1, 1}, {960, 270, 960, 540}, 1});
  TextLayer title;
  title.text = "Knee replacement: before and after";
  title.anchor = {960, 60};
  title.align = TextAlign::centre;
  title.size_px = 64;
  comp.layers.emplace_back(title);
  TextLayer caption;
  caption.text = "Left: 6 weeks before surgery. Right: 12 weeks after.";
  caption.anchor = {960, 900};
  caption.align = TextAlign::centre;
  caption.size_px = 40;
  caption.background = {0, 0, 0, 160};
  caption.padding_px = 12;
  comp.layers.emplace_back(caption);
  return comp;
}

// Prints the wall time per frame of `backend` (single thread on the CPU backends) and, on
// Vulkan, the device time.
void time_1080p(Backend backend, int frames) {
  auto compositor = make_compositor(backend, 1920, 1080);
  if (!compositor) GTEST_SKIP() << "no Vulkan device";
  const Frame a = noise_i420(1920, 1080, 11);
  const Frame b = noise_i420(1920, 1080, 12);
  const std::vector<ConstFrameView> inputs{a.view(), b.view()};
  const Composition comp = side_by_side_1080p();
  Frame out = blank_i420(1920, 1080);
  ASSERT_TRUE(compositor->compose(comp, inputs, out.view()));  // warm the caches
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < frames; ++i) ASSERT_TRUE(compositor->compose(comp, inputs, out.view()));
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() /
      frames;
  const std::string device =
      backend == Backend::vulkan
          ? " (device " + std::to_string(static_cast<double>(compositor->last_gpu_ns()) / 1e6) +
                " ms, " + gpu::Context::shared().value()->info().name + ")"
          : " (one thread)";
  std::printf(
      "[ timing ] %s backend, 1920x1080 from two 1080p inputs at 960x540 + title + "
      "caption: %.2f ms/frame%s\n",
      std::string(to_string(backend)).c_str(), ms, device.c_str());
  ::testing::Test::RecordProperty(std::string(to_string(backend)) + "_1080p_side_by_side_ms",
                                  std::to_string(ms));
  EXPECT_EQ(sample(out, 0, 5, 5), 16);  // the background, so the frame was really composed
}

TEST(Backends, TimingOfA1080pSideBySideFrameOnTheCpu) {
  time_1080p(Backend::cpu, 10);
}
TEST(Backends, TimingOfA1080pSideBySideFrameOnVulkan) {
  time_1080p(Backend::vulkan, 1);
}

}  // namespace
}  // namespace clinvid::render::testing
