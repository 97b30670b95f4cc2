#include "timeline/model.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

namespace clinvid::timeline {
namespace {

__extension__ typedef __int128 i128;

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E v) {
  for (const auto& [value, name] : table) {
    if (value == v) return name;
  }
  return "invalid";
}

template <class E, std::size_t N>
Result<E> parse_name(const std::array<std::pair<E, std::string_view>, N>& table,
                     std::string_view what, std::string_view s) {
  for (const auto& [value, name] : table) {
    if (name == s) return value;
  }
  std::string allowed;
  for (const auto& [value, name] : table) {
    if (!allowed.empty()) allowed += ", ";
    allowed += name;
  }
  return fail(Errc::invalid_argument, "unknown " + std::string(what) + " '" + std::string(s) +
                                          "' (one of " + allowed + ")");
}

constexpr std::array kTrackKinds{std::pair{TrackKind::video, std::string_view("video")},
                                 std::pair{TrackKind::overlay, std::string_view("overlay")},
                                 std::pair{TrackKind::caption, std::string_view("caption")},
                                 std::pair{TrackKind::audio, std::string_view("audio")}};
constexpr std::array kTransitionKinds{
    std::pair{TransitionKind::cut, std::string_view("cut")},
    std::pair{TransitionKind::cross_fade, std::string_view("cross_fade")},
    std::pair{TransitionKind::dip_to_black, std::string_view("dip_to_black")}};
constexpr std::array kLayoutKinds{
    std::pair{LayoutKind::single, std::string_view("single")},
    std::pair{LayoutKind::side_by_side, std::string_view("side_by_side")},
    std::pair{LayoutKind::grid_2x2, std::string_view("grid_2x2")},
    std::pair{LayoutKind::picture_in_picture, std::string_view("picture_in_picture")}};
constexpr std::array kCorners{std::pair{Corner::top_left, std::string_view("top_left")},
                              std::pair{Corner::top_right, std::string_view("top_right")},
                              std::pair{Corner::bottom_left, std::string_view("bottom_left")},
                              std::pair{Corner::bottom_right, std::string_view("bottom_right")}};
constexpr std::array kPlacementKinds{std::pair{PlacementKind::slot, std::string_view("slot")},
                                     std::pair{PlacementKind::rect, std::string_view("rect")}};
constexpr std::array kTextPositions{
    std::pair{TextPosition::title, std::string_view("title")},
    std::pair{TextPosition::lower_third, std::string_view("lower_third")},
    std::pair{TextPosition::top, std::string_view("top")},
    std::pair{TextPosition::caption, std::string_view("caption")}};
constexpr std::array kTextBackdrops{
    std::pair{TextBackdrop::none, std::string_view("none")},
    std::pair{TextBackdrop::box, std::string_view("box")},
    std::pair{TextBackdrop::full_canvas, std::string_view("full_canvas")}};
constexpr std::array kAnnotationKinds{
    std::pair{AnnotationKind::arrow, std::string_view("arrow")},
    std::pair{AnnotationKind::line, std::string_view("line")},
    std::pair{AnnotationKind::angle, std::string_view("angle")},
    std::pair{AnnotationKind::text, std::string_view("text")},
    std::pair{AnnotationKind::freehand, std::string_view("freehand")}};
constexpr std::array kMarkerKinds{std::pair{MarkerKind::marker, std::string_view("marker")},
                                  std::pair{MarkerKind::chapter, std::string_view("chapter")}};
constexpr std::array kShapes{
    std::pair{render::RedactionShape::rectangle, std::string_view("rectangle")},
    std::pair{render::RedactionShape::ellipse, std::string_view("ellipse")}};
constexpr std::array kModes{
    std::pair{render::RedactionMode::blur, std::string_view("blur")},
    std::pair{render::RedactionMode::pixelate, std::string_view("pixelate")},
    std::pair{render::RedactionMode::solid, std::string_view("solid")}};

// Fraction of the way from a to b at t, clamped to 0..1 (display precision suffices here:
// the result only weights an interpolation).
double progress(const Time& a, const Time& b, const Time& t) {
  const double span = b.seconds() - a.seconds();
  if (span <= 0) return 0;
  return std::clamp((t.seconds() - a.seconds()) / span, 0.0, 1.0);
}

double lerp(double a, double b, double f) {
  return a + (b - a) * f;
}

}  // namespace

std::string Project::new_id(std::string_view prefix) {
  return std::string(prefix) + std::to_string(next_id++);
}

Track* find_track(Project& project, std::string_view track_id) {
  for (auto& t : project.tracks) {
    if (t.id == track_id) return &t;
  }
  return nullptr;
}

const Track* find_track(const Project& project, std::string_view track_id) {
  for (const auto& t : project.tracks) {
    if (t.id == track_id) return &t;
  }
  return nullptr;
}

ClipRef find_clip(Project& project, std::string_view clip_id) {
  for (auto& t : project.tracks) {
    for (auto& c : t.clips) {
      if (c.id == clip_id) return {&t, &c};
    }
  }
  return {};
}

ConstClipRef find_clip(const Project& project, std::string_view clip_id) {
  for (const auto& t : project.tracks) {
    for (const auto& c : t.clips) {
      if (c.id == clip_id) return {&t, &c};
    }
  }
  return {};
}

Result<Time> multiply(const Time& t, Rational factor) {
  const i128 num = static_cast<i128>(t.timebase().num()) * factor.num();
  const i128 den = static_cast<i128>(t.timebase().den()) * factor.den();
  // Reduce before narrowing: the product usually shares factors (1/30 × 2 = 1/15).
  i128 a = num, b = den;
  while (b != 0) {
    const i128 r = a % b;
    a = b;
    b = r;
  }
  const i128 rn = num / a;
  const i128 rd = den / a;
  constexpr i128 kMax = std::numeric_limits<std::int64_t>::max();
  if (rn > kMax || rd > kMax) {
    return fail(Errc::out_of_range,
                "time " + t.to_string() + " × " + factor.to_string() + " overflows int64");
  }
  auto tb = Rational::make(static_cast<std::int64_t>(rn), static_cast<std::int64_t>(rd));
  if (!tb) return tl::unexpected(tb.error());
  return Time(t.value(), *tb);
}

Result<Time> clip_duration(const Clip& clip) {
  auto span = subtract(clip.source_out, clip.source_in);
  if (!span) return span;
  return multiply(*span, clip.speed.inverse());
}

Result<Time> clip_end(const Clip& clip) {
  auto d = clip_duration(clip);
  if (!d) return d;
  return add(clip.start, *d);
}

Result<Time> source_time_at(const Clip& clip, const Time& t) {
  if (clip.freeze_at) return *clip.freeze_at;
  auto offset = subtract(t, clip.start);
  if (!offset) return offset;
  auto scaled = multiply(*offset, clip.speed);
  if (!scaled) return scaled;
  return add(clip.source_in, *scaled);
}

Result<Time> text_end(const TextItem& item) {
  return add(item.start, item.duration);
}

Result<Time> project_duration(const Project& project) {
  Time end;
  for (const auto& track : project.tracks) {
    for (const auto& c : track.clips) {
      auto e = clip_end(c);
      if (!e) return with_context(e.error(), "clip " + c.id);
      end = std::max(end, *e);
    }
    for (const auto& x : track.texts) {
      auto e = text_end(x);
      if (!e) return with_context(e.error(), "text " + x.id);
      end = std::max(end, *e);
    }
  }
  return end;
}

std::string rational_text(Rational r) {
  return r.den() == 1 ? std::to_string(r.num()) : r.to_string();
}

NormRect region_at(const std::vector<RegionKeyframe>& keyframes, const Time& time) {
  if (keyframes.empty()) return {};
  if (time <= keyframes.front().time) return keyframes.front().region;
  if (time >= keyframes.back().time) return keyframes.back().region;
  for (std::size_t i = 1; i < keyframes.size(); ++i) {
    if (time < keyframes[i].time) {
      const auto& a = keyframes[i - 1];
      const auto& b = keyframes[i];
      const double f = progress(a.time, b.time, time);
      return {lerp(a.region.x, b.region.x, f), lerp(a.region.y, b.region.y, f),
              lerp(a.region.w, b.region.w, f), lerp(a.region.h, b.region.h, f)};
    }
  }
  return keyframes.back().region;
}

std::vector<NormPoint> points_at(const std::vector<PointsKeyframe>& keyframes, const Time& time) {
  if (keyframes.empty()) return {};
  if (time <= keyframes.front().time) return keyframes.front().points;
  if (time >= keyframes.back().time) return keyframes.back().points;
  for (std::size_t i = 1; i < keyframes.size(); ++i) {
    if (time < keyframes[i].time) {
      const auto& a = keyframes[i - 1];
      const auto& b = keyframes[i];
      if (a.points.size() != b.points.size()) return a.points;  // validation forbids this
      const double f = progress(a.time, b.time, time);
      std::vector<NormPoint> out(a.points.size());
      for (std::size_t p = 0; p < out.size(); ++p) {
        out[p] = {lerp(a.points[p].x, b.points[p].x, f), lerp(a.points[p].y, b.points[p].y, f)};
      }
      return out;
    }
  }
  return keyframes.back().points;
}

std::string_view to_string(TrackKind v) noexcept {
  return name_of(kTrackKinds, v);
}
std::string_view to_string(TransitionKind v) noexcept {
  return name_of(kTransitionKinds, v);
}
std::string_view to_string(LayoutKind v) noexcept {
  return name_of(kLayoutKinds, v);
}
std::string_view to_string(Corner v) noexcept {
  return name_of(kCorners, v);
}
std::string_view to_string(PlacementKind v) noexcept {
  return name_of(kPlacementKinds, v);
}
std::string_view to_string(TextPosition v) noexcept {
  return name_of(kTextPositions, v);
}
std::string_view to_string(TextBackdrop v) noexcept {
  return name_of(kTextBackdrops, v);
}
std::string_view to_string(AnnotationKind v) noexcept {
  return name_of(kAnnotationKinds, v);
}
std::string_view to_string(MarkerKind v) noexcept {
  return name_of(kMarkerKinds, v);
}
std::string_view to_string(render::RedactionShape v) noexcept {
  return name_of(kShapes, v);
}
std::string_view to_string(render::RedactionMode v) noexcept {
  return name_of(kModes, v);
}

Result<TrackKind> parse_track_kind(std::string_view s) {
  return parse_name(kTrackKinds, "track kind", s);
}
Result<TransitionKind> parse_transition_kind(std::string_view s) {
  return parse_name(kTransitionKinds, "transition kind", s);
}
Result<LayoutKind> parse_layout_kind(std::string_view s) {
  return parse_name(kLayoutKinds, "layout", s);
}
Result<Corner> parse_corner(std::string_view s) {
  return parse_name(kCorners, "corner", s);
}
Result<PlacementKind> parse_placement_kind(std::string_view s) {
  return parse_name(kPlacementKinds, "placement", s);
}
Result<TextPosition> parse_text_position(std::string_view s) {
  return parse_name(kTextPositions, "text position", s);
}
Result<TextBackdrop> parse_text_backdrop(std::string_view s) {
  return parse_name(kTextBackdrops, "text backdrop", s);
}
Result<AnnotationKind> parse_annotation_kind(std::string_view s) {
  return parse_name(kAnnotationKinds, "annotation kind", s);
}
Result<MarkerKind> parse_marker_kind(std::string_view s) {
  return parse_name(kMarkerKinds, "marker kind", s);
}
Result<render::RedactionShape> parse_redaction_shape(std::string_view s) {
  return parse_name(kShapes, "redaction shape", s);
}
Result<render::RedactionMode> parse_redaction_mode(std::string_view s) {
  return parse_name(kModes, "redaction mode", s);
}

}  // namespace clinvid::timeline
