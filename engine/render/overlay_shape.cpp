// Measurement annotations: anti-aliased strokes (distance to segments), arrow heads, angle
// arcs and their labels, rasterised into one CoverageMask.
#include <algorithm>
#include <cmath>
#include <optional>

#include "render/overlay_internal.hpp"
#include "render/parameters.hpp"

namespace clinvid::render {

namespace {

struct V2 {
  float x = 0, y = 0;
};
V2 operator+(V2 a, V2 b) {
  return {a.x + b.x, a.y + b.y};
}
V2 operator-(V2 a, V2 b) {
  return {a.x - b.x, a.y - b.y};
}
V2 operator*(V2 a, float s) {
  return {a.x * s, a.y * s};
}
float dot(V2 a, V2 b) {
  return a.x * b.x + a.y * b.y;
}
float length(V2 a) {
  return std::sqrt(dot(a, a));
}
V2 to_v2(PointF p) {
  return {p.x, p.y};
}
V2 normalised(V2 a) {
  const float l = length(a);
  return l > 0 ? a * (1.0F / l) : V2{};
}

float segment_distance(V2 p, V2 a, V2 b) {
  const V2 ab = b - a;
  const float len2 = dot(ab, ab);
  const float t = len2 > 0 ? std::clamp(dot(p - a, ab) / len2, 0.0F, 1.0F) : 0.0F;
  return length(p - (a + ab * t));
}

// Integer pixel bounds [x0, x1) x [y0, y1).
struct IBox {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

IBox box_around(V2 lo, V2 hi, float margin) {
  return {static_cast<int>(std::floor(lo.x - margin)), static_cast<int>(std::floor(lo.y - margin)),
          static_cast<int>(std::ceil(hi.x + margin)), static_cast<int>(std::ceil(hi.y + margin))};
}

// Calls f(x, y, centre) for every pixel of `box` that lies in `mask`, and keeps the largest
// coverage f returns (0..1).
template <class F>
void stamp(CoverageMask& mask, IBox box, F&& f) {
  const int x0 = std::max(box.x0, mask.x_px);
  const int y0 = std::max(box.y0, mask.y_px);
  const int x1 = std::min(box.x1, mask.x_px + static_cast<int>(mask.width_px));
  const int y1 = std::min(box.y1, mask.y_px + static_cast<int>(mask.height_px));
  for (int y = y0; y < y1; ++y) {
    std::uint8_t* row =
        mask.coverage.data() + static_cast<std::size_t>(y - mask.y_px) * mask.width_px;
    for (int x = x0; x < x1; ++x) {
      const V2 centre{static_cast<float>(x) + 0.5F, static_cast<float>(y) + 0.5F};
      const float c = f(centre);
      if (c <= 0) continue;
      const auto v = static_cast<std::uint8_t>(std::lround(std::min(c, 1.0F) * 255.0F));
      std::uint8_t& dst = row[x - mask.x_px];
      dst = std::max(dst, v);
    }
  }
}

void stamp_segment(CoverageMask& mask, V2 a, V2 b, float half_width) {
  const V2 lo{std::min(a.x, b.x), std::min(a.y, b.y)};
  const V2 hi{std::max(a.x, b.x), std::max(a.y, b.y)};
  stamp(mask, box_around(lo, hi, half_width + 1.0F),
        [&](V2 p) { return half_width + 0.5F - segment_distance(p, a, b); });
}

void stamp_triangle(CoverageMask& mask, V2 t0, V2 t1, V2 t2) {
  // Orient counter-clockwise in y-down coordinates so each edge's outward normal is known.
  const float area = (t1.x - t0.x) * (t2.y - t0.y) - (t1.y - t0.y) * (t2.x - t0.x);
  if (area == 0) return;
  if (area < 0) std::swap(t1, t2);
  const V2 pts[3] = {t0, t1, t2};
  V2 lo = t0, hi = t0;
  for (const V2& v : pts) {
    lo = {std::min(lo.x, v.x), std::min(lo.y, v.y)};
    hi = {std::max(hi.x, v.x), std::max(hi.y, v.y)};
  }
  stamp(mask, box_around(lo, hi, 1.0F), [&](V2 p) {
    float sd = -1e30F;
    for (int i = 0; i < 3; ++i) {
      const V2 a = pts[i];
      const V2 b = pts[(i + 1) % 3];
      const V2 n = normalised({b.y - a.y, -(b.x - a.x)});  // outward for this orientation
      sd = std::max(sd, dot(p - a, n));
    }
    return 0.5F - sd;
  });
}

struct Arc {
  V2 vertex;
  V2 ua, ub;  // unit arms
  V2 mid;     // unit bisector
  float cos_half = 1;
  float radius = 0;
};

std::optional<Arc> angle_arc(const ShapeLayer& layer) {
  if (layer.points.size() < 3) return std::nullopt;
  Arc arc;
  arc.vertex = to_v2(layer.points[1]);
  const V2 da = to_v2(layer.points[0]) - arc.vertex;
  const V2 db = to_v2(layer.points[2]) - arc.vertex;
  if (length(da) <= 0 || length(db) <= 0) return std::nullopt;
  arc.ua = normalised(da);
  arc.ub = normalised(db);
  V2 m = arc.ua + arc.ub;
  if (length(m) < 1e-4F) {  // a straight angle: the arc goes over the top
    m = {arc.ua.y, -arc.ua.x};
    if (m.y > 0) m = m * -1.0F;
  }
  arc.mid = normalised(m);
  arc.cos_half = dot(arc.mid, arc.ua);
  arc.radius = angle_arc_radius_px(layer);
  return arc;
}

// Where a label's centre goes.
V2 label_centre(const ShapeLayer& layer) {
  const float offset = layer.label_size_px * 0.6F + layer.width_px;
  if (layer.kind == ShapeKind::angle) {
    if (auto arc = angle_arc(layer)) return arc->vertex + arc->mid * (arc->radius + offset);
    return to_v2(layer.points[1]);
  }
  const std::size_t n = layer.kind == ShapeKind::polyline ? layer.points.size() : 2;
  float total = 0;
  for (std::size_t i = 1; i < n; ++i) {
    total += length(to_v2(layer.points[i]) - to_v2(layer.points[i - 1]));
  }
  float walked = 0;
  for (std::size_t i = 1; i < n; ++i) {
    const V2 a = to_v2(layer.points[i - 1]);
    const V2 b = to_v2(layer.points[i]);
    const float len = length(b - a);
    if (walked + len >= total * 0.5F && len > 0) {
      const V2 at = a + (b - a) * ((total * 0.5F - walked) / len);
      const V2 d = normalised(b - a);
      V2 normal{d.y, -d.x};
      if (normal.y > 0 || (normal.y == 0 && normal.x > 0)) normal = normal * -1.0F;
      return at + normal * offset;
    }
    walked += len;
  }
  return to_v2(layer.points[0]);
}

}  // namespace

Status validate_shape(const ShapeLayer& layer) {
  const int kind = static_cast<int>(layer.kind);
  if (kind < 1 || kind > 4) {
    return fail(Errc::invalid_argument,
                "shape layer: kind is not set (line, arrow, polyline or "
                "angle)");
  }
  const std::size_t need = layer.kind == ShapeKind::angle ? 3 : 2;
  if (layer.points.size() < need || layer.points.size() > kMaxShapePoints) {
    return fail(Errc::invalid_argument, "shape layer: has " + std::to_string(layer.points.size()) +
                                            " points, needs " + std::to_string(need) +
                                            (layer.kind == ShapeKind::polyline ? " or more" : ""));
  }
  for (std::size_t i = 0; i < layer.points.size(); ++i) {
    const PointF& p = layer.points[i];
    if (!std::isfinite(p.x) || !std::isfinite(p.y) || std::fabs(p.x) > kMaxCoordinatePx ||
        std::fabs(p.y) > kMaxCoordinatePx) {
      return fail(Errc::invalid_argument,
                  "shape layer: point " + std::to_string(i) + " is not finite or beyond 1e6 px");
    }
  }
  if (auto s = check_parameter(ParameterId::shape_width, static_cast<double>(layer.width_px),
                               "shape layer");
      !s) {
    return s;
  }
  if (!layer.label.empty()) {
    if (auto s = check_parameter(ParameterId::shape_label_size,
                                 static_cast<double>(layer.label_size_px), "shape layer");
        !s) {
      return s;
    }
    if (layer.label.size() > kMaxTextBytes) {
      return fail(Errc::invalid_argument, "shape layer: the label is longer than 64 KiB");
    }
  }
  return {};
}

float angle_arc_radius_px(const ShapeLayer& angle) noexcept {
  if (angle.points.size() < 3) return 0;
  const V2 v = to_v2(angle.points[1]);
  const float shorter =
      std::min(length(to_v2(angle.points[0]) - v), length(to_v2(angle.points[2]) - v));
  return std::min(std::clamp(shorter * 0.25F, 12.0F, 80.0F), shorter);
}

namespace detail {

void union_mask(CoverageMask& into, const CoverageMask& other) {
  if (other.empty()) return;
  if (into.empty()) {
    const RectF box = into.box;
    into = other;
    into.box = box;
    return;
  }
  const int x0 = std::min(into.x_px, other.x_px);
  const int y0 = std::min(into.y_px, other.y_px);
  const int x1 = std::max(into.x_px + static_cast<int>(into.width_px),
                          other.x_px + static_cast<int>(other.width_px));
  const int y1 = std::max(into.y_px + static_cast<int>(into.height_px),
                          other.y_px + static_cast<int>(other.height_px));
  CoverageMask out;
  out.x_px = x0;
  out.y_px = y0;
  out.width_px = static_cast<std::uint32_t>(x1 - x0);
  out.height_px = static_cast<std::uint32_t>(y1 - y0);
  out.coverage.assign(std::size_t{out.width_px} * out.height_px, 0);
  out.box = into.box;
  out.line_count = into.line_count;
  for (const CoverageMask* m : {static_cast<const CoverageMask*>(&into), &other}) {
    for (std::uint32_t r = 0; r < m->height_px; ++r) {
      const std::uint8_t* src = m->coverage.data() + std::size_t{r} * m->width_px;
      std::uint8_t* dst =
          out.coverage.data() +
          static_cast<std::size_t>(m->y_px - y0 + static_cast<int>(r)) * out.width_px +
          static_cast<std::size_t>(m->x_px - x0);
      for (std::uint32_t c = 0; c < m->width_px; ++c) dst[c] = std::max(dst[c], src[c]);
    }
  }
  into = std::move(out);
}

}  // namespace detail

CoverageMask OverlayRasteriser::shape(const ShapeLayer& layer, const RectF& clip_px) {
  CoverageMask mask;
  if (!validate_shape(layer)) return mask;
  const float hw = layer.width_px * 0.5F;
  const float head_len = std::max(3.0F * layer.width_px, 10.0F);

  V2 lo = to_v2(layer.points[0]);
  V2 hi = lo;
  for (const PointF& p : layer.points) {
    lo = {std::min(lo.x, p.x), std::min(lo.y, p.y)};
    hi = {std::max(hi.x, p.x), std::max(hi.y, p.y)};
  }
  IBox box = box_around(lo, hi, hw + head_len + 2.0F);

  CoverageMask label;
  if (!layer.label.empty()) {
    const V2 centre = label_centre(layer);
    TextLayer t;
    t.text = layer.label;
    t.anchor = {centre.x, centre.y};
    t.align = TextAlign::centre;
    t.size_px = layer.label_size_px;
    if (auto m = impl_->text(t); m && !m->empty()) {
      label = std::move(*m);
      const int shift = static_cast<int>(label.box.h * 0.5F);
      label.y_px -= shift;
      label.box.y -= static_cast<float>(shift);
      box.x0 = std::min(box.x0, label.x_px);
      box.y0 = std::min(box.y0, label.y_px);
      box.x1 = std::max(box.x1, label.x_px + static_cast<int>(label.width_px));
      box.y1 = std::max(box.y1, label.y_px + static_cast<int>(label.height_px));
    }
  }
  // Clip to the canvas (a clip beyond the coordinate limit is clamped to it before the
  // conversion to int).
  if (std::isfinite(clip_px.x) && std::isfinite(clip_px.y) && std::isfinite(clip_px.w) &&
      std::isfinite(clip_px.h)) {
    auto to_int = [](double v) {
      constexpr double kLimit = 4.0 * static_cast<double>(kMaxCoordinatePx);
      return static_cast<int>(std::clamp(v, -kLimit, kLimit));
    };
    box.x0 = std::max(box.x0, to_int(std::floor(clip_px.x)));
    box.y0 = std::max(box.y0, to_int(std::floor(clip_px.y)));
    box.x1 = std::min(
        box.x1, to_int(std::ceil(static_cast<double>(clip_px.x) + static_cast<double>(clip_px.w))));
    box.y1 = std::min(
        box.y1, to_int(std::ceil(static_cast<double>(clip_px.y) + static_cast<double>(clip_px.h))));
  }
  if (box.x1 <= box.x0 || box.y1 <= box.y0) return mask;
  mask.x_px = box.x0;
  mask.y_px = box.y0;
  mask.width_px = static_cast<std::uint32_t>(box.x1 - box.x0);
  mask.height_px = static_cast<std::uint32_t>(box.y1 - box.y0);
  mask.coverage.assign(std::size_t{mask.width_px} * mask.height_px, 0);

  const auto pt = [&](std::size_t i) { return to_v2(layer.points[i]); };
  switch (layer.kind) {
    case ShapeKind::line: stamp_segment(mask, pt(0), pt(1), hw); break;
    case ShapeKind::arrow: {
      const V2 d = normalised(pt(1) - pt(0));
      const float len = length(pt(1) - pt(0));
      const float head = std::min(head_len, len);
      const V2 base = pt(1) - d * head;
      if (len > head) stamp_segment(mask, pt(0), base, hw);
      const V2 n{-d.y, d.x};
      stamp_triangle(mask, pt(1), base + n * (head_len * 0.5F), base - n * (head_len * 0.5F));
      break;
    }
    case ShapeKind::polyline:
      for (std::size_t i = 1; i < layer.points.size(); ++i)
        stamp_segment(mask, pt(i - 1), pt(i), hw);
      break;
    case ShapeKind::angle: {
      stamp_segment(mask, pt(1), pt(0), hw);
      stamp_segment(mask, pt(1), pt(2), hw);
      if (auto arc = angle_arc(layer)) {
        const float ahw = std::max(0.75F, 0.3F * layer.width_px);
        const V2 e0 = arc->vertex + arc->ua * arc->radius;
        const V2 e1 = arc->vertex + arc->ub * arc->radius;
        const float reach = arc->radius + ahw + 1.0F;
        stamp(mask, box_around(arc->vertex, arc->vertex, reach), [&](V2 p) {
          const V2 w = p - arc->vertex;
          const float r = length(w);
          float d = 0;
          if (r > 0 && dot(w, arc->mid) >= arc->cos_half * r) {
            d = std::fabs(r - arc->radius);
          } else {
            d = std::min(length(p - e0), length(p - e1));
          }
          return ahw + 0.5F - d;
        });
      }
      break;
    }
    case ShapeKind::invalid: break;
  }
  if (!label.empty()) {
    // Clip the label to the mask (which is already clipped to the canvas).
    stamp(mask,
          {label.x_px, label.y_px, label.x_px + static_cast<int>(label.width_px),
           label.y_px + static_cast<int>(label.height_px)},
          [&](V2 p) {
            return static_cast<float>(label.at(static_cast<int>(p.x), static_cast<int>(p.y))) /
                   255.0F;
          });
    mask.box = label.box;
  }
  return mask;
}

std::size_t first_overlay_layer(const Composition& composition) noexcept {
  std::size_t first = 0;
  for (std::size_t i = 0; i < composition.layers.size(); ++i) {
    if (std::holds_alternative<VideoLayer>(composition.layers[i])) first = i + 1;
  }
  return first;
}

}  // namespace clinvid::render
