// Text and measurement-annotation rasterisation, shared by the export compositor and the
// studio's preview so that the film shows exactly what the editor showed (DESIGN: overlays
// are drawn once).
//
// Everything is rasterised into a CoverageMask: 8-bit coverage of ONE colour, placed on the
// canvas at integer pixel positions. Blending a one-colour mask into I420 or RGBA is then
// cheap and identical on every backend.
//
// Conventions (canvas pixels, origin top-left, pixel (x, y) covers [x, x+1) x [y, y+1), its
// centre at (x + 0.5, y + 0.5)):
//  - Text: the font's pixel size is TextLayer::size_px (em height). Lines are spaced by the
//    face's line height; the first line's top is round(anchor.y) and its baseline is that plus
//    the face's ascender. Glyph pen positions are rounded to whole pixels (crisp text, and a
//    cached rasterisation is valid at any integer shift). Lines break at '\n' and, when
//    max_width_px > 0, greedily between words (a single word wider than the limit is broken
//    between characters). Spaces at a wrap point are dropped. Kerning is applied when the
//    face has it. Invalid UTF-8 shows as U+FFFD; characters the font lacks show as its
//    missing-glyph box.
//  - Shapes: a stroke's coverage is clamp(width/2 + 0.5 - d, 0, 1) with d the distance from
//    the pixel centre to the nearest segment (round caps and joins; overlapping segments do
//    not darken). An arrow's head is a filled triangle of length max(3 * width, 10) px whose
//    tip is points[1] and whose base is as wide as it is long. An angle's arc is centred on
//    the vertex, radius angle_arc_radius_px(), spanning the smaller angle between the two
//    arms (over the top for a straight angle), with a stroke of 0.6 * width (at least
//    1.5 px). Labels use the text rules above, in the shape's colour, centred (horizontally
//    and on the line box vertically) on a point d = label_size_px * 0.6 + width away: past
//    the arc on the bisector for an angle; from the point halfway along the path, on the
//    side of its normal that points up the canvas, for the others.
//
// Threading: an OverlayRasteriser is used by one thread at a time (FreeType faces are not
// thread-safe); make one per thread.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "core/result.hpp"
#include "render/composition.hpp"

namespace clinvid::render {

// Coverage of one colour over a rectangle of the canvas.
struct CoverageMask {
  int x_px = 0;  // canvas position of coverage[0]; may lie outside the canvas
  int y_px = 0;
  std::uint32_t width_px = 0;
  std::uint32_t height_px = 0;
  std::vector<std::uint8_t> coverage;  // row-major, width_px bytes per row, 0 = none, 255 = full
  // Text: the laid-out lines (line advance width x line count * line height), before any
  // padding: what a background box surrounds. Shapes: the label's box. w = h = 0 when none.
  RectF box;
  std::uint32_t line_count = 0;  // text only

  [[nodiscard]] bool empty() const noexcept { return width_px == 0 || height_px == 0; }
  [[nodiscard]] std::uint8_t at(int x, int y) const noexcept;  // canvas coordinates; 0 outside
};

// Limits a layer must respect (checked by validate_* and by the compositor), beyond the
// ranges of render/parameters.hpp.
inline constexpr std::size_t kMaxTextBytes = 64 * 1024;
// A text whose ink box would exceed this many pixels (8192 x 4096) is refused rather than
// rasterised: no caption needs more, and an unwrapped 64 KiB text at 1024 px would need GBs.
inline constexpr std::uint64_t kMaxTextMaskPixels = 8192ULL * 4096ULL;
inline constexpr std::size_t kMaxShapePoints = 100000;
// Coordinates beyond this magnitude are refused: they could only be a bug upstream, and
// rounding them to int would overflow.
inline constexpr float kMaxCoordinatePx = 1.0e6F;

// Checks a text/shape layer for non-finite or out-of-range values (Errc::invalid_argument,
// naming the field): the limits above and parameter_table()'s ranges.
[[nodiscard]] Status validate_text(const TextLayer& layer);
[[nodiscard]] Status validate_shape(const ShapeLayer& layer);

// The radius of an angle's arc: a quarter of the shorter arm, within [12, 80] px but never
// longer than the shorter arm.
[[nodiscard]] float angle_arc_radius_px(const ShapeLayer& angle) noexcept;

class OverlayRasteriser {
 public:
  // `font_path` empty: DejaVu Sans (kDefaultFontPath). Errc::not_found when the file is
  // missing, Errc::unsupported when FreeType cannot read it as a font.
  [[nodiscard]] static Result<OverlayRasteriser> create(std::string font_path = {});

  OverlayRasteriser(OverlayRasteriser&&) noexcept;
  OverlayRasteriser& operator=(OverlayRasteriser&&) noexcept;
  OverlayRasteriser(const OverlayRasteriser&) = delete;
  OverlayRasteriser& operator=(const OverlayRasteriser&) = delete;
  ~OverlayRasteriser();

  // The text's coverage and position (alignment, wrapping), and its box for a background.
  // The background and padding are not drawn into the mask: the caller fills
  // box expanded by padding_px with the background colour. Empty text gives an empty mask
  // (and box). Errc::invalid_argument: see validate_text, or the ink box exceeds
  // kMaxTextMaskPixels. Results are kept in an LRU cache keyed by everything but the anchor, so a
  // caption repeated over many frames is rasterised once.
  [[nodiscard]] Result<CoverageMask> text(const TextLayer& layer);

  // Anti-aliased annotation plus its label, clipped to `clip_px` (the canvas: the mask never
  // extends past it). An invalid layer (see validate_shape) gives an empty mask.
  [[nodiscard]] CoverageMask shape(const ShapeLayer& layer,
                                   const RectF& clip_px = {0, 0, 16384, 16384});

  // Text cache statistics, for tests and the studio's diagnostics.
  [[nodiscard]] std::size_t cached_text_count() const noexcept;
  [[nodiscard]] std::uint64_t text_cache_hits() const noexcept;

 private:
  struct Impl;
  explicit OverlayRasteriser(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

inline constexpr const char* kDefaultFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// Index of the first layer above the last VideoLayer (0 when there is none): the layers a
// preview draws over its own video textures.
[[nodiscard]] std::size_t first_overlay_layer(const Composition& composition) noexcept;

// Draws the non-video layers from `first_layer` on (fills, text with its background, shapes,
// and each redaction as its colour-tinted region with a hatched outline, so the editor sees
// where it is) onto `rgba_out`, which is first cleared to transparent. Straight (not
// premultiplied) alpha, "over" compositing. The composition's background and video layers
// are not drawn: the studio draws them itself. `rgba_out` must be RGBA of the composition's
// size. Errors as Compositor::compose for malformed layers.
[[nodiscard]] Status draw_overlays_rgba(OverlayRasteriser& rasteriser,
                                        const Composition& composition, const FrameView& rgba_out,
                                        std::size_t first_layer = 0);

}  // namespace clinvid::render
