// The compositor's behaviour, on every backend: layouts, scaling convention, opacity, fills,
// redaction, text, shapes, and the errors for malformed compositions.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "render_test_util.hpp"

namespace clinvid::render::testing {
namespace {

constexpr Rgba8 kRed{200, 40, 40, 255};
constexpr Rgba8 kBlue{40, 60, 200, 255};
constexpr Rgba8 kBlack{0, 0, 0, 255};

class CompositorTest : public ::testing::TestWithParam<Backend> {
 protected:
  Compositor& compositor(std::uint32_t w = 320, std::uint32_t h = 180) {
    if (!compositor_ || w != w_ || h != h_) {
      compositor_ = make_compositor(GetParam(), w, h);
      w_ = w;
      h_ = h;
    }
    return *compositor_;
  }
  bool available() {
    if (GetParam() != Backend::vulkan) return true;
    return make_compositor(Backend::vulkan, 16, 16).has_value();
  }
  void SetUp() override {
    if (!available()) GTEST_SKIP() << "no Vulkan device";
  }

  std::optional<Compositor> compositor_;
  std::uint32_t w_ = 0, h_ = 0;
};

Composition canvas(std::uint32_t w = 320, std::uint32_t h = 180) {
  Composition c;
  c.width = w;
  c.height = h;
  c.background = kBlack;
  return c;
}

void expect_colour(const Frame& f, int x, int y, Rgba8 colour, int tolerance = 0) {
  const YuvRef v = bt709_limited(colour);
  EXPECT_NEAR(sample(f, 0, x, y), v.y, tolerance) << "Y at " << x << "," << y;
  EXPECT_NEAR(sample(f, 1, x / 2, y / 2), v.cb, tolerance) << "Cb at " << x << "," << y;
  EXPECT_NEAR(sample(f, 2, x / 2, y / 2), v.cr, tolerance) << "Cr at " << x << "," << y;
}

TEST_P(CompositorTest, SideBySidePlacesTheRightPixels) {
  const Frame a = flat_i420(160, 90, kRed);
  const Frame b = flat_i420(385, 289, kBlue);  // odd size, scaled down
  const std::vector<ConstFrameView> inputs{a.view(), b.view()};
  Composition comp = canvas();
  comp.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {0, 45, 160, 90}, 1});
  comp.layers.emplace_back(VideoLayer{1, {0, 0, 1, 1}, {160, 45, 160, 90}, 1});
  const Frame out = compose(compositor(), comp, inputs);
  // y = 45 and 135 snap to the even rows 46 and 136 (chroma alignment).
  for (int y : {0, 45, 136, 179}) {  // letterbox bars
    for (int x : {0, 159, 160, 319}) expect_colour(out, x, y, kBlack);
  }
  for (int y : {46, 90, 135}) {
    for (int x : {0, 100, 159}) expect_colour(out, x, y, kRed);
    for (int x : {160, 250, 319}) expect_colour(out, x, y, kBlue);
  }
  // Every row: the edge between the halves is exactly at x = 160.
  for (int y = 46; y < 136; y += 7) {
    EXPECT_EQ(sample(out, 0, 159, y), bt709_limited(kRed).y);
    EXPECT_EQ(sample(out, 0, 160, y), bt709_limited(kBlue).y);
  }
}

TEST_P(CompositorTest, OddDestinationsSnapToEvenPixels) {
  const Frame a = flat_i420(64, 64, kRed);
  const std::vector<ConstFrameView> inputs{a.view()};
  Composition comp = canvas();
  comp.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {20.9F, 31.2F, 99.0F, 40.6F}, 1});
  const Frame out = compose(compositor(), comp, inputs);
  // x: 20.9 -> 20, 119.9 -> 120; y: 31.2 -> 32, 71.8 -> 72.
  expect_colour(out, 19, 50, kBlack);
  expect_colour(out, 20, 50, kRed);
  expect_colour(out, 119, 50, kRed);
  expect_colour(out, 120, 50, kBlack);
  expect_colour(out, 60, 31, kBlack);
  expect_colour(out, 60, 32, kRed);
  expect_colour(out, 60, 71, kRed);
  expect_colour(out, 60, 72, kBlack);
}

TEST_P(CompositorTest, ScalingFollowsTheStatedSamplePositions) {
  // A horizontal luma ramp, 64 px wide, shown 2x wider and cropped to its right half.
  Frame ramp = flat_i420(64, 8, {128, 128, 128, 255});
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 64; ++x) {
      ramp.view().planes[0][static_cast<std::size_t>(y) * ramp.view().strides[0] +
                            static_cast<std::size_t>(x)] = static_cast<std::uint8_t>(16 + 3 * x);
    }
  }
  const std::vector<ConstFrameView> inputs{ramp.view()};
  Composition comp = canvas(320, 180);
  comp.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {0, 0, 128, 16}, 1});
  comp.layers.emplace_back(VideoLayer{0, {0.5F, 0, 0.5F, 1}, {0, 20, 128, 16}, 1});
  const Frame out = compose(compositor(), comp, inputs);
  for (int x = 0; x < 128; ++x) {
    // u = (x + 0.5) * 64/128 - 0.5, clamped to the edge pixels.
    const double u = std::clamp((x + 0.5) * 0.5 - 0.5, 0.0, 63.0);
    EXPECT_NEAR(sample(out, 0, x, 5), 16 + 3 * u, 0.5 + 0.01) << x;
    const double uc = std::clamp(32 + (x + 0.5) * 0.25 - 0.5, 0.0, 63.0);
    EXPECT_NEAR(sample(out, 0, x, 25), 16 + 3 * uc, 0.5 + 0.01) << x;
  }
}

TEST_P(CompositorTest, HalfOpacityIsTheMean) {
  const Frame a = flat_i420(320, 180, kRed);
  const Frame b = flat_i420(320, 180, kBlue);
  const std::vector<ConstFrameView> inputs{a.view(), b.view()};
  Composition comp = canvas();
  comp.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {0, 0, 320, 180}, 1});
  comp.layers.emplace_back(VideoLayer{1, {0, 0, 1, 1}, {0, 0, 320, 180}, 0.5F});
  const Frame out = compose(compositor(), comp, inputs);
  const YuvRef ra = bt709_limited(kRed), rb = bt709_limited(kBlue);
  for (int y : {0, 90, 179}) {
    for (int x : {0, 161, 319}) {
      EXPECT_NEAR(sample(out, 0, x, y), (ra.y + rb.y) / 2.0, 1);
      EXPECT_NEAR(sample(out, 1, x / 2, y / 2), (ra.cb + rb.cb) / 2.0, 1);
      EXPECT_NEAR(sample(out, 2, x / 2, y / 2), (ra.cr + rb.cr) / 2.0, 1);
    }
  }
}

TEST_P(CompositorTest, FillAlphaAndDipToBlack) {
  const Frame a = flat_i420(320, 180, kRed);
  const std::vector<ConstFrameView> inputs{a.view()};
  Composition comp = canvas();
  comp.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {0, 0, 320, 180}, 1});
  comp.layers.emplace_back(FillLayer{{0, 0, 320, 180}, {0, 0, 0, 0}});  // dip, start
  expect_colour(compose(compositor(), comp, inputs), 100, 100, kRed);
  std::get<FillLayer>(comp.layers[1]).colour.a = 255;  // dip, bottom
  const Frame black = compose(compositor(), comp, inputs);
  for (int x : {0, 150, 319}) expect_colour(black, x, 179, kBlack);
  std::get<FillLayer>(comp.layers[1]).colour = {255, 255, 255, 64};  // a white wash, 25%
  const Frame washed = compose(compositor(), comp, inputs);
  const YuvRef red = bt709_limited(kRed), white = bt709_limited({255, 255, 255, 255});
  EXPECT_NEAR(sample(washed, 0, 10, 10), red.y + (white.y - red.y) * 64.0 / 255.0, 0.51);
  EXPECT_NEAR(sample(washed, 2, 5, 5), red.cr + (white.cr - red.cr) * 64.0 / 255.0, 0.51);
}

struct RedactionCase {
  RedactionMode mode;
  float strength;
};

RedactionLayer redaction(RedactionMode mode, RedactionShape shape, float strength) {
  RedactionLayer r;
  r.shape = shape;
  r.mode = mode;
  r.region = {64, 40, 96, 80};
  r.clip = {0, 0, 320, 180};
  r.strength = strength;
  r.colour = {20, 200, 20, 255};
  return r;
}

TEST_P(CompositorTest, RedactionObscuresOnlyInsideItsRegion) {
  const Frame noise = noise_i420(320, 180, 7);
  const std::vector<ConstFrameView> inputs{noise.view()};
  Composition plain = canvas();
  plain.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {0, 0, 320, 180}, 1});
  const Frame before = compose(compositor(), plain, inputs);
  const double detail_before = laplacian_variance(before, 64, 40, 160, 120);
  const double sd_before = luma_stddev(before, 64, 40, 160, 120);
  ASSERT_GT(sd_before, 40);

  for (RedactionMode mode : {RedactionMode::blur, RedactionMode::pixelate, RedactionMode::solid}) {
    SCOPED_TRACE(static_cast<int>(mode));
    Composition comp = plain;
    comp.layers.emplace_back(redaction(mode, RedactionShape::rectangle, 16));
    const Frame after = compose(compositor(), comp, inputs);
    EXPECT_TRUE(identical_outside(before, after, 64, 40, 160, 120));
    if (mode == RedactionMode::blur) {
      EXPECT_LT(laplacian_variance(after, 72, 48, 152, 112), detail_before * 0.001);
      EXPECT_LT(luma_stddev(after, 64, 40, 160, 120), sd_before * 0.1);
    } else if (mode == RedactionMode::pixelate) {
      for (int by = 40; by < 120; by += 16) {  // every 16x16 block is one value
        for (int bx = 64; bx < 160; bx += 16) {
          EXPECT_EQ(luma_stddev(after, bx, by, bx + 16, by + 16), 0.0) << bx << "," << by;
        }
      }
    } else {
      for (int y = 40; y < 120; y += 9) {
        for (int x = 64; x < 160; x += 7) expect_colour(after, x, y, {20, 200, 20, 255});
      }
    }
  }
}

TEST_P(CompositorTest, RedactionNeverLeavesItsClip) {
  const Frame noise = noise_i420(320, 180, 8);
  const std::vector<ConstFrameView> inputs{noise.view()};
  Composition plain = canvas();
  plain.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {0, 0, 320, 180}, 1});
  const Frame before = compose(compositor(), plain, inputs);
  for (RedactionMode mode : {RedactionMode::blur, RedactionMode::pixelate, RedactionMode::solid}) {
    Composition comp = plain;
    RedactionLayer r = redaction(mode, RedactionShape::rectangle, 12);
    r.clip = {0, 0, 100, 180};  // the clip's cell ends at x = 100, inside the region
    comp.layers.emplace_back(r);
    const Frame after = compose(compositor(), comp, inputs);
    EXPECT_TRUE(identical_outside(before, after, 64, 40, 100, 120));
    EXPECT_NE(sample(after, 0, 80, 80), sample(before, 0, 80, 80));
  }
}

TEST_P(CompositorTest, EllipseLeavesTheCornersOfItsBox) {
  const Frame noise = noise_i420(320, 180, 9);
  const std::vector<ConstFrameView> inputs{noise.view()};
  Composition plain = canvas();
  plain.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {0, 0, 320, 180}, 1});
  const Frame before = compose(compositor(), plain, inputs);
  Composition comp = plain;
  comp.layers.emplace_back(redaction(RedactionMode::solid, RedactionShape::ellipse, 0));
  const Frame after = compose(compositor(), comp, inputs);
  EXPECT_TRUE(identical_outside(before, after, 64, 40, 160, 120));
  for (auto [x, y] : {std::pair{64, 40}, {159, 40}, {64, 119}, {159, 119}, {70, 45}}) {
    EXPECT_EQ(sample(after, 0, x, y), sample(before, 0, x, y)) << x << "," << y;
  }
  expect_colour(after, 112, 80, {20, 200, 20, 255});  // centre
  expect_colour(after, 66, 80, {20, 200, 20, 255});   // left extreme of the ellipse
}

TEST_P(CompositorTest, TextChangesPixelsOnlyWithinItsBox) {
  const Frame bg = flat_i420(320, 180, {60, 60, 60, 255});
  const std::vector<ConstFrameView> inputs{bg.view()};
  Composition plain = canvas();
  plain.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {0, 0, 320, 180}, 1});
  TextLayer t;
  t.text = "Consent ref ABC";
  t.anchor = {160, 70};
  t.align = TextAlign::centre;
  t.size_px = 28;
  Composition comp = plain;
  comp.layers.emplace_back(t);
  const Frame before = compose(compositor(), plain, inputs);
  const Frame after = compose(compositor(), comp, inputs);
  const CoverageMask m = compositor().rasteriser().text(t).value();
  ASSERT_FALSE(m.empty());
  EXPECT_TRUE(identical_outside(before, after, m.x_px, m.y_px,
                                m.x_px + static_cast<int>(m.width_px),
                                m.y_px + static_cast<int>(m.height_px)));
  int white = 0;
  for (int y = m.y_px; y < m.y_px + static_cast<int>(m.height_px); ++y) {
    for (int x = m.x_px; x < m.x_px + static_cast<int>(m.width_px); ++x) {
      white += sample(after, 0, x, y) == 235;
    }
  }
  EXPECT_GT(white, 100);
  // With a background box: the box plus padding changes, nothing beyond it.
  std::get<TextLayer>(comp.layers[1]).background = {0, 0, 0, 255};
  std::get<TextLayer>(comp.layers[1]).padding_px = 6;
  const Frame boxed = compose(compositor(), comp, inputs);
  const int bx0 = static_cast<int>(m.box.x) - 6, by0 = static_cast<int>(m.box.y) - 6;
  const int bx1 = static_cast<int>(m.box.x + m.box.w) + 6,
            by1 = static_cast<int>(m.box.y + m.box.h) + 6;
  EXPECT_TRUE(identical_outside(before, boxed, bx0 - 1, by0 - 1, bx1 + 1, by1 + 1));
  expect_colour(boxed, bx0 + 1, by0 + 1, kBlack);
  // Empty text draws nothing, background included.
  std::get<TextLayer>(comp.layers[1]).text.clear();
  EXPECT_EQ(diff(before, compose(compositor(), comp, inputs)).max, 0);
}

TEST_P(CompositorTest, ShapesAreDrawnWhereTheyLie) {
  const Frame bg = flat_i420(320, 180, {60, 60, 60, 255});
  const std::vector<ConstFrameView> inputs{bg.view()};
  Composition plain = canvas();
  plain.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {0, 0, 320, 180}, 1});
  ShapeLayer line;
  line.kind = ShapeKind::line;
  line.points = {{40, 50}, {260, 120}};
  line.width_px = 6;
  Composition comp = plain;
  comp.layers.emplace_back(line);
  const Frame before = compose(compositor(), plain, inputs);
  const Frame after = compose(compositor(), comp, inputs);
  int changed = 0;
  for (int y = 0; y < 180; ++y) {
    for (int x = 0; x < 320; ++x) {
      if (sample(after, 0, x, y) == sample(before, 0, x, y)) continue;
      ++changed;
      const float px = static_cast<float>(x) + 0.5F, py = static_cast<float>(y) + 0.5F;
      const float t =
          std::clamp(((px - 40) * 220 + (py - 50) * 70) / (220.0F * 220 + 70 * 70), 0.0F, 1.0F);
      EXPECT_LE(std::hypot(px - (40 + 220 * t), py - (50 + 70 * t)), 4.0F) << x << "," << y;
    }
  }
  EXPECT_GT(changed, 1000);
  EXPECT_EQ(sample(after, 0, 150, 85), bt709_limited({255, 255, 0, 255}).y);  // on the segment
}

TEST_P(CompositorTest, LayersOffTheCanvasDrawNothing) {
  const Frame a = noise_i420(64, 48, 5);
  const std::vector<ConstFrameView> inputs{a.view()};
  const Composition empty = canvas();
  Composition comp = canvas();
  comp.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {-1.0e6F, 0, 500, 100}, 1});
  comp.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {320, 180, 500, 100}, 1});
  comp.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {10, 10, 0, 100}, 1});    // empty
  comp.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {10, 10, 100, 100}, 0});  // invisible
  comp.layers.emplace_back(FillLayer{{-50, -50, 40, 40}, kRed});
  RedactionLayer r = redaction(RedactionMode::blur, RedactionShape::ellipse, 30);
  r.region = {400, 10, 50, 50};
  comp.layers.emplace_back(r);
  r.region = {10, 10, 50, 50};
  r.clip = {100, 100, 50, 50};  // region and clip do not meet
  comp.layers.emplace_back(r);
  TextLayer t;
  t.text = "Far away";
  t.anchor = {9.0e5F, -9.0e5F};
  comp.layers.emplace_back(t);
  ShapeLayer s;
  s.kind = ShapeKind::arrow;
  s.points = {{-5000, -5000}, {-4000, 90000}};
  s.label = "12 cm";
  comp.layers.emplace_back(s);
  const Frame out = compose(compositor(), comp, inputs);
  EXPECT_EQ(diff(out, compose(compositor(), empty, inputs)).max, 0);
}

TEST_P(CompositorTest, MalformedCompositionsAreErrors) {
  const Frame a = flat_i420(64, 64, kRed);
  const Frame nv12 = Frame::allocate(PixelFormat::nv12, 64, 64).value();
  std::vector<ConstFrameView> inputs{a.view()};
  Frame out = blank_i420(320, 180);
  auto error_of = [&](const Composition& comp) {
    auto s = compositor().compose(comp, inputs, out.view());
    EXPECT_FALSE(s.has_value());
    return s ? std::string() : s.error().message();
  };
  Composition comp = canvas();
  comp.layers.emplace_back(VideoLayer{2, {0, 0, 1, 1}, {0, 0, 10, 10}, 1});
  EXPECT_NE(error_of(comp).find("input 2 is out of range"), std::string::npos);
  comp.layers[0] = VideoLayer{-1, {0, 0, 1, 1}, {0, 0, 10, 10}, 1};
  EXPECT_NE(error_of(comp).find("out of range"), std::string::npos);
  comp.layers[0] = VideoLayer{0, {0, 0, 1, 1}, {std::nanf(""), 0, 10, 10}, 1};
  EXPECT_NE(error_of(comp).find("layer 0 (video)"), std::string::npos);
  comp.layers[0] = VideoLayer{0, {0, 0, 1, 1}, {0, 0, INFINITY, 10}, 1};
  EXPECT_NE(error_of(comp).find("finite"), std::string::npos);
  comp.layers[0] = VideoLayer{0, {0.5F, 0, 0.8F, 1}, {0, 0, 10, 10}, 1};
  EXPECT_NE(error_of(comp).find("source_crop"), std::string::npos);
  comp.layers[0] = VideoLayer{0, {0, 0, 1, 1}, {0, 0, 10, 10}, std::nanf("")};
  EXPECT_FALSE(error_of(comp).empty());

  inputs[0] = nv12.view();
  comp.layers[0] = VideoLayer{0, {0, 0, 1, 1}, {0, 0, 10, 10}, 1};
  EXPECT_NE(error_of(comp).find("NV12"), std::string::npos);
  inputs[0] = a.view();

  RedactionLayer r = redaction(RedactionMode::blur, RedactionShape::invalid, 4);
  comp.layers[0] = r;
  EXPECT_NE(error_of(comp).find("shape is not set"), std::string::npos);
  r.shape = RedactionShape::rectangle;
  r.mode = RedactionMode::invalid;
  comp.layers[0] = r;
  EXPECT_NE(error_of(comp).find("mode is not set"), std::string::npos);
  r.mode = RedactionMode::pixelate;
  r.strength = 0;
  comp.layers[0] = r;
  EXPECT_NE(error_of(comp).find("strength"), std::string::npos);
  r.strength = 4;
  r.clip.w = std::nanf("");
  comp.layers[0] = r;
  EXPECT_FALSE(error_of(comp).empty());

  TextLayer t;
  t.text = "x";
  t.size_px = std::nanf("");
  comp.layers[0] = t;
  EXPECT_NE(error_of(comp).find("layer 0 (text)"), std::string::npos);
  ShapeLayer s;
  s.kind = ShapeKind::line;
  s.points = {{0, 0}, {std::nanf(""), 1}};
  comp.layers[0] = s;
  EXPECT_NE(error_of(comp).find("point 1"), std::string::npos);
  comp.layers[0] = FillLayer{{0, 0, 10, -INFINITY}, kRed};
  EXPECT_FALSE(error_of(comp).empty());

  // Sizes: composition vs compositor, output format and size.
  Composition small = canvas(160, 90);
  EXPECT_NE(error_of(small).find("made for 320x180"), std::string::npos);
  Composition ok = canvas();
  Frame wrong_size = blank_i420(320, 178);
  EXPECT_EQ(compositor().compose(ok, inputs, wrong_size.view()).error().code,
            Errc::invalid_argument);
  Frame wrong_format = Frame::allocate(PixelFormat::nv12, 320, 180).value();
  EXPECT_EQ(compositor().compose(ok, inputs, wrong_format.view()).error().code,
            Errc::invalid_argument);
  EXPECT_TRUE(compositor().compose(ok, inputs, out.view()));
}

TEST(CompositorCreate, RefusesUnsetOptions) {
  EXPECT_EQ(Compositor::create({Backend::invalid, 320, 180, {}}).error().code,
            Errc::invalid_argument);
  EXPECT_EQ(Compositor::create({Backend::cpu, 0, 180, {}}).error().code, Errc::invalid_argument);
  auto bad_font = Compositor::create({Backend::cpu, 320, 180, "/no/such/font.ttf"});
  ASSERT_FALSE(bad_font);
  EXPECT_EQ(bad_font.error().code, Errc::not_found);
}

INSTANTIATE_TEST_SUITE_P(Backends, CompositorTest,
                         ::testing::Values(Backend::cpu_reference, Backend::cpu, Backend::vulkan),
                         [](const auto& param_info) {
                           return std::string(to_string(param_info.param));
                         });

}  // namespace
}  // namespace clinvid::render::testing
