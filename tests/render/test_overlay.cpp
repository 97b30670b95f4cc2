// OverlayRasteriser: text layout (alignment, wrapping, empty text, cache), fonts, shapes
// (stroke geometry, arrow heads, angle arcs and labels) and the RGBA preview drawing.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "render/overlay.hpp"

namespace clinvid::render::testing {
namespace {

OverlayRasteriser& rasteriser() {
  static OverlayRasteriser r = OverlayRasteriser::create().value();
  return r;
}

TextLayer text_layer(std::string text, float max_width = 0, TextAlign align = TextAlign::left) {
  TextLayer t;
  t.text = std::move(text);
  t.anchor = {100, 40};
  t.align = align;
  t.size_px = 24;
  t.max_width_px = max_width;
  return t;
}

int ink_count(const CoverageMask& m) {
  int n = 0;
  for (auto c : m.coverage) n += c > 0;
  return n;
}

float segment_distance(float px, float py, PointF a, PointF b) {
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float t = std::clamp(((px - a.x) * dx + (py - a.y) * dy) / (dx * dx + dy * dy), 0.0F, 1.0F);
  return std::hypot(px - (a.x + t * dx), py - (a.y + t * dy));
}

TEST(OverlayText, InkLiesInsideTheLaidOutBoxAtTheAnchor) {
  const TextLayer t = text_layer("Consent ref ABC");
  const CoverageMask m = rasteriser().text(t).value();
  ASSERT_FALSE(m.empty());
  EXPECT_GT(ink_count(m), 100);
  EXPECT_EQ(m.line_count, 1U);
  EXPECT_FLOAT_EQ(m.box.x, 100);
  EXPECT_FLOAT_EQ(m.box.y, 40);
  EXPECT_GT(m.box.w, 24 * 5);  // 15 characters of a 24 px font
  EXPECT_GE(m.box.h, 24);
  // Glyphs may overhang the advance box by a pixel or two, not more.
  EXPECT_GE(m.x_px, static_cast<int>(m.box.x) - 2);
  EXPECT_GE(m.y_px, static_cast<int>(m.box.y));
  EXPECT_LE(m.x_px + static_cast<int>(m.width_px), static_cast<int>(m.box.x + m.box.w) + 2);
  EXPECT_LE(m.y_px + static_cast<int>(m.height_px), static_cast<int>(m.box.y + m.box.h));
}

TEST(OverlayText, AlignmentPutsTheAnchorOnTheRightEdge) {
  const CoverageMask left = rasteriser().text(text_layer("Lower third")).value();
  const CoverageMask centre =
      rasteriser().text(text_layer("Lower third", 0, TextAlign::centre)).value();
  const CoverageMask right =
      rasteriser().text(text_layer("Lower third", 0, TextAlign::right)).value();
  EXPECT_FLOAT_EQ(left.box.x, 100);
  EXPECT_NEAR(centre.box.x + centre.box.w / 2, 100, 1);
  EXPECT_FLOAT_EQ(right.box.x + right.box.w, 100);
  EXPECT_EQ(left.coverage, right.coverage);  // the same raster, shifted
  EXPECT_EQ(left.x_px - right.x_px, static_cast<int>(left.box.w));
}

TEST(OverlayText, WiderMaxWidthMakesFewerLines) {
  const std::string words = "Left knee flexion at heel strike, trial three of five";
  const std::uint32_t narrow = rasteriser().text(text_layer(words, 120)).value().line_count;
  const std::uint32_t medium = rasteriser().text(text_layer(words, 300)).value().line_count;
  const std::uint32_t wide = rasteriser().text(text_layer(words, 5000)).value().line_count;
  EXPECT_GT(narrow, medium);
  EXPECT_GT(medium, wide);
  EXPECT_EQ(wide, 1U);
  const CoverageMask m = rasteriser().text(text_layer(words, 120)).value();
  EXPECT_LE(m.box.w, 120);  // every wrapped line fits
  EXPECT_EQ(rasteriser().text(text_layer("one\ntwo\n\nfour")).value().line_count, 4U);
  // A word longer than the limit is broken between characters rather than overflowing.
  const CoverageMask longword =
      rasteriser().text(text_layer("Pneumonoultramicroscopic", 60)).value();
  EXPECT_GT(longword.line_count, 2U);
  EXPECT_LE(longword.box.w, 60);
}

TEST(OverlayText, EmptyTextDrawsNothing) {
  TextLayer t = text_layer("");
  t.background = {0, 0, 0, 200};
  const CoverageMask m = rasteriser().text(t).value();
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.box.w, 0);
  EXPECT_EQ(m.line_count, 0U);
  // Only spaces: a box (for a background) but no ink.
  const CoverageMask spaces = rasteriser().text(text_layer("   ")).value();
  EXPECT_TRUE(spaces.empty());
}

TEST(OverlayText, MalformedInputIsRefusedOrReplaced) {
  TextLayer t = text_layer("x");
  t.anchor.x = std::nanf("");
  EXPECT_EQ(rasteriser().text(t).error().code, Errc::invalid_argument);
  t = text_layer("x");
  t.size_px = 0;
  EXPECT_EQ(rasteriser().text(t).error().code, Errc::invalid_argument);
  t = text_layer("x");
  t.align = TextAlign::invalid;
  EXPECT_EQ(rasteriser().text(t).error().code, Errc::invalid_argument);
  t = text_layer("x", -5);
  EXPECT_EQ(rasteriser().text(t).error().code, Errc::invalid_argument);
  // Broken UTF-8 is shown as replacement characters, never read past the end.
  const CoverageMask broken = rasteriser().text(text_layer("ab\xC3")).value();
  const CoverageMask truncated = rasteriser().text(text_layer("ab\xF0\x9F")).value();
  EXPECT_GT(broken.box.w, rasteriser().text(text_layer("ab")).value().box.w);
  EXPECT_FALSE(truncated.empty());
  const CoverageMask accented = rasteriser().text(text_layer("37.2\xC2\xB0 caf\xC3\xA9")).value();
  EXPECT_FALSE(accented.empty());
}

TEST(OverlayText, HugeTextIsRefusedNotAllocated) {
  TextLayer t = text_layer(std::string(2000, 'W'));
  t.size_px = 1000;
  auto m = rasteriser().text(t);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, Errc::invalid_argument);
  EXPECT_NE(m.error().detail.find("8192 x 4096"), std::string::npos);
}

TEST(OverlayText, RepeatedCaptionsComeFromTheCache) {
  OverlayRasteriser r = OverlayRasteriser::create().value();
  TextLayer t = text_layer("Frame 1 of a long caption");
  const CoverageMask first = r.text(t).value();
  EXPECT_EQ(r.text_cache_hits(), 0U);
  t.anchor = {10.4F, 300.6F};  // a different position: the same raster, moved
  const CoverageMask moved = r.text(t).value();
  EXPECT_EQ(r.text_cache_hits(), 1U);
  EXPECT_EQ(r.cached_text_count(), 1U);
  EXPECT_EQ(moved.coverage, first.coverage);
  EXPECT_EQ(moved.x_px - first.x_px, 10 - 100);
  EXPECT_EQ(moved.y_px - first.y_px, 301 - 40);
  for (int i = 0; i < 300; ++i) (void)r.text(text_layer("caption " + std::to_string(i))).value();
  EXPECT_LE(r.cached_text_count(), 128U);  // bounded
}

TEST(OverlayFont, MissingOrInvalidFontIsAClearError) {
  auto missing = OverlayRasteriser::create("/nonexistent/fonts/Nope.ttf");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_NE(missing.error().detail.find("/nonexistent/fonts/Nope.ttf"), std::string::npos);

  const auto path = std::filesystem::temp_directory_path() / "clinvid_render_not_a_font.ttf";
  std::ofstream(path) << "this is not a TrueType font";
  auto invalid = OverlayRasteriser::create(path.string());
  std::filesystem::remove(path);
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, Errc::unsupported);
  EXPECT_NE(invalid.error().detail.find("not a font"), std::string::npos);

  EXPECT_TRUE(OverlayRasteriser::create("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"));
}

TEST(OverlayShape, LinePixelsLieWithinHalfWidthOfTheSegment) {
  ShapeLayer s;
  s.kind = ShapeKind::line;
  s.points = {{40.3F, 50.0F}, {260.0F, 121.7F}};
  s.width_px = 6;
  const CoverageMask m = rasteriser().shape(s);
  ASSERT_FALSE(m.empty());
  int inked = 0;
  for (std::uint32_t y = 0; y < m.height_px; ++y) {
    for (std::uint32_t x = 0; x < m.width_px; ++x) {
      const int px = m.x_px + static_cast<int>(x), py = m.y_px + static_cast<int>(y);
      const float d = segment_distance(static_cast<float>(px) + 0.5F, static_cast<float>(py) + 0.5F,
                                       s.points[0], s.points[1]);
      const int c = m.at(px, py);
      if (c > 0) {
        ++inked;
        EXPECT_LE(d, s.width_px / 2 + 1) << px << "," << py;
      }
      if (d <= s.width_px / 2 - 0.5F) {
        EXPECT_EQ(c, 255) << px << "," << py;
      }
    }
  }
  // About length x width pixels.
  EXPECT_NEAR(inked, 230.0 * 7, 230.0 * 1.5);
  // Clipped to the canvas it is given.
  const CoverageMask clipped = rasteriser().shape(s, {0, 0, 100, 100});
  EXPECT_LE(clipped.x_px + static_cast<int>(clipped.width_px), 100);
  EXPECT_EQ(clipped.at(60, 57), m.at(60, 57));
}

TEST(OverlayShape, ArrowHasAHeadAtItsTip) {
  ShapeLayer line;
  line.kind = ShapeKind::line;
  line.points = {{20, 100}, {200, 100}};
  line.width_px = 4;
  ShapeLayer arrow = line;
  arrow.kind = ShapeKind::arrow;
  const CoverageMask l = rasteriser().shape(line);
  const CoverageMask a = rasteriser().shape(arrow);
  // Beside the shaft near the tip: head only (head length 12 px, half-width 6 px).
  EXPECT_EQ(l.at(195, 96), 0);
  EXPECT_GT(a.at(192, 96), 128);
  EXPECT_EQ(a.at(202, 100), 0);  // nothing beyond the tip
  EXPECT_EQ(a.at(100, 100), 255);
}

TEST(OverlayShape, AngleDrawsItsArcAndLabel) {
  ShapeLayer angle;
  angle.kind = ShapeKind::angle;
  angle.points = {{300, 100}, {100, 200}, {300, 260}};
  angle.width_px = 4;
  angle.label = "37.2\xC2\xB0";
  angle.label_size_px = 20;
  ShapeLayer arms = angle;  // the same polyline without the arc and label
  arms.kind = ShapeKind::polyline;
  arms.label.clear();
  const CoverageMask with = rasteriser().shape(angle);
  const CoverageMask without = rasteriser().shape(arms);
  const float r = angle_arc_radius_px(angle);
  EXPECT_GE(r, 12);
  EXPECT_LE(r, 80);
  // Walk the bisector: the arc crosses it at radius r, the polyline does not.
  const float ux = (200.0F / std::hypot(200.0F, 100.0F) + 200.0F / std::hypot(200.0F, 60.0F));
  const float uy = (-100.0F / std::hypot(200.0F, 100.0F) + 60.0F / std::hypot(200.0F, 60.0F));
  const float n = std::hypot(ux, uy);
  const auto bx = static_cast<int>(100 + ux / n * r);
  const auto by = static_cast<int>(200 + uy / n * r);
  EXPECT_GT(with.at(bx, by), 128) << bx << "," << by;
  EXPECT_EQ(without.at(bx, by), 0);
  // The label: a box beyond the arc on the bisector, with ink in it.
  ASSERT_GT(with.box.w, 0);
  const float lx = with.box.x + with.box.w / 2 - 100, ly = with.box.y + with.box.h / 2 - 200;
  EXPECT_GT(std::hypot(lx, ly), r);
  EXPECT_GT((lx * ux + ly * uy) / (n * std::hypot(lx, ly)), 0.95F);  // on the bisector
  int label_ink = 0;
  for (int y = static_cast<int>(with.box.y); y < static_cast<int>(with.box.y + with.box.h); ++y) {
    for (int x = static_cast<int>(with.box.x); x < static_cast<int>(with.box.x + with.box.w); ++x) {
      label_ink += with.at(x, y) > 0 && without.at(x, y) == 0;
    }
  }
  EXPECT_GT(label_ink, 30);
}

TEST(OverlayShape, InvalidShapesAreRefused) {
  ShapeLayer s;
  s.kind = ShapeKind::angle;
  s.points = {{0, 0}, {10, 10}};
  EXPECT_FALSE(validate_shape(s));
  EXPECT_TRUE(rasteriser().shape(s).empty());
  s.points.push_back({std::nanf(""), 3});
  EXPECT_NE(validate_shape(s).error().detail.find("point 2"), std::string::npos);
  s.points[2] = {20, 0};
  s.width_px = 0;
  EXPECT_FALSE(validate_shape(s));
  s.width_px = 2;
  EXPECT_TRUE(validate_shape(s));
  s.kind = ShapeKind::invalid;
  EXPECT_FALSE(validate_shape(s));
}

TEST(OverlayRgba, DrawsOverlaysAboveTheLastVideoLayer) {
  Composition comp;
  comp.width = 320;
  comp.height = 180;
  comp.layers.emplace_back(FillLayer{{0, 0, 320, 180}, {0, 0, 255, 255}});  // under the video
  comp.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {0, 0, 320, 180}, 1});
  TextLayer t = text_layer("Consent ref ABC");
  t.background = {0, 0, 0, 128};
  t.padding_px = 4;
  comp.layers.emplace_back(t);
  RedactionLayer red;
  red.shape = RedactionShape::rectangle;
  red.mode = RedactionMode::solid;
  red.region = {10, 120, 40, 40};
  red.clip = {0, 0, 320, 180};
  red.colour = {255, 0, 0, 255};
  comp.layers.emplace_back(red);
  EXPECT_EQ(first_overlay_layer(comp), 2U);

  Frame rgba = Frame::allocate(PixelFormat::rgba, 320, 180).value();
  ASSERT_TRUE(draw_overlays_rgba(rasteriser(), comp, rgba.view(), first_overlay_layer(comp)));
  auto px = [&](int x, int y) {
    return rgba.view().planes[0] + static_cast<std::size_t>(y) * rgba.view().strides[0] +
           static_cast<std::size_t>(x) * 4;
  };
  EXPECT_EQ(px(300, 10)[3], 0);    // nothing drawn: transparent (the blue fill is below video)
  EXPECT_EQ(px(30, 140)[0], 255);  // solid redaction: opaque red
  EXPECT_EQ(px(30, 140)[3], 255);
  const CoverageMask m = rasteriser().text(t).value();
  EXPECT_GE(px(static_cast<int>(m.box.x) - 2, static_cast<int>(m.box.y) - 2)[3], 128);  // padding
  int opaque_text = 0;
  for (int y = m.y_px; y < m.y_px + static_cast<int>(m.height_px); ++y) {
    for (int x = m.x_px; x < m.x_px + static_cast<int>(m.width_px); ++x) {
      opaque_text += m.at(x, y) == 255 && px(x, y)[0] == 255 && px(x, y)[3] == 255;
    }
  }
  EXPECT_GT(opaque_text, 50);

  Frame wrong = Frame::allocate(PixelFormat::bgra, 320, 180).value();
  EXPECT_EQ(draw_overlays_rgba(rasteriser(), comp, wrong.view()).error().code,
            Errc::invalid_argument);
}

}  // namespace
}  // namespace clinvid::render::testing
