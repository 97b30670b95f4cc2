// What one output frame of a film is made of: a job description, not an execution (Olive/MLT's
// split). engine/timeline evaluates a project at a time into a Composition; a Compositor (CPU
// reference or Vulkan compute) executes it on decoded source frames. The studio's preview and
// the export both execute the same description, so the film is what the editor showed.
//
// Units: every coordinate is in output pixels, origin at the top-left corner of the canvas,
// x to the right, y down; sizes in pixels; opacity and colour alpha 0..1 and 0..255.
// Layers are drawn in order, the first at the bottom.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace clinvid::render {

struct Rgba8 {
  std::uint8_t r = 0, g = 0, b = 0, a = 255;
  friend bool operator==(const Rgba8&, const Rgba8&) = default;
};

struct PointF {
  float x = 0, y = 0;
  friend bool operator==(const PointF&, const PointF&) = default;
};

struct RectF {
  float x = 0, y = 0, w = 0, h = 0;
  friend bool operator==(const RectF&, const RectF&) = default;
};

// A decoded source frame scaled into `dest`. `input` indexes the frames handed to the
// compositor with the composition (Plan::inputs in engine/timeline).
struct VideoLayer {
  int input = -1;
  RectF source_crop{0, 0, 1, 1};  // the part of the source used, as fractions of its size
  RectF dest;                     // where it lands, output pixels
  float opacity = 1.0F;           // cross-fades draw the incoming clip over the outgoing one
};

// A solid rectangle: backgrounds of layout cells, dip-to-black (full canvas, alpha rising).
struct FillLayer {
  RectF dest;
  Rgba8 colour;
};

enum class RedactionShape { invalid = 0, rectangle, ellipse };
enum class RedactionMode {
  invalid = 0,
  blur,      // strength = blur radius in output pixels
  pixelate,  // strength = block size in output pixels
  solid,     // colour; strength unused
};

// Anonymisation of what is already drawn beneath it, inside `region` and never outside
// `clip` (the rectangle of the clip the redaction belongs to).
struct RedactionLayer {
  RedactionShape shape = RedactionShape::invalid;
  RedactionMode mode = RedactionMode::invalid;
  RectF region;
  RectF clip;
  float strength = 0;
  Rgba8 colour{0, 0, 0, 255};
};

enum class TextAlign { invalid = 0, left, centre, right };

// Titles, lower thirds and captions. `anchor` is the top of the first line at the alignment
// edge (left edge for left, middle for centre, right edge for right). Lines wrap at
// max_width_px (0: no wrapping) and at '\n'. A background with alpha > 0 draws a box
// `padding_px` around the text.
struct TextLayer {
  std::string text;  // UTF-8
  PointF anchor;
  TextAlign align = TextAlign::left;
  float size_px = 48;  // the font's pixel size (em height)
  Rgba8 colour{255, 255, 255, 255};
  Rgba8 background{0, 0, 0, 0};
  float max_width_px = 0;
  float padding_px = 0;
};

enum class ShapeKind {
  invalid = 0,
  line,      // points[0] → points[1]
  arrow,     // a line with a head at points[1]
  polyline,  // freehand: every point in order
  angle,     // points[0] – points[1] (vertex) – points[2], with an arc at the vertex
};

// Measurement annotations. `label` (e.g. "37.2°", "12.4 cm") is drawn beside the shape:
// beside the vertex for an angle, at the midpoint otherwise.
struct ShapeLayer {
  ShapeKind kind = ShapeKind::invalid;
  std::vector<PointF> points;
  float width_px = 4;
  Rgba8 colour{255, 255, 0, 255};
  std::string label;
  float label_size_px = 32;
};

using Layer = std::variant<VideoLayer, FillLayer, RedactionLayer, TextLayer, ShapeLayer>;

struct Composition {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  Rgba8 background{0, 0, 0, 255};
  std::vector<Layer> layers;
};

}  // namespace clinvid::render
