#include "timeline/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "timeline/layout.hpp"

namespace clinvid::timeline {
namespace {

const Rational kHalf = Rational::make(1, 2).value();

struct Drawn {
  const Clip* clip = nullptr;
  Time source_time;
  render::RectF dest;
};

float f(double v) {
  return static_cast<float>(v);
}

// (t − a) / span as a fraction, clamped to 0..1. Display precision: it weights an opacity.
float fraction(const Time& t, const Time& a, const Time& span) {
  const double s = span.seconds();
  if (s <= 0) return 1.0F;
  return f(std::clamp((t.seconds() - a.seconds()) / s, 0.0, 1.0));
}

render::PointF map_point(const NormPoint& p, const render::RectF& dest) {
  return {dest.x + f(p.x) * dest.w, dest.y + f(p.y) * dest.h};
}

render::RectF map_rect(const NormRect& r, const render::RectF& dest) {
  return {dest.x + f(r.x) * dest.w, dest.y + f(r.y) * dest.h, f(r.w) * dest.w, f(r.h) * dest.h};
}

std::uint8_t alpha_of(float fraction01) {
  return static_cast<std::uint8_t>(std::lround(std::clamp(fraction01, 0.0F, 1.0F) * 255.0F));
}

int input_for(FramePlan& plan, SourceRequest request) {
  for (std::size_t i = 0; i < plan.inputs.size(); ++i) {
    if (plan.inputs[i] == request) return static_cast<int>(i);
  }
  plan.inputs.push_back(std::move(request));
  return static_cast<int>(plan.inputs.size() - 1);
}

// One clip of a video track at t: its layer, its redactions, and a dip's fill.
Status draw_clip(const Project& p, const Track& track, const Clip& c, const Time& t,
                 float transition_opacity, float dip_alpha, FramePlan& plan,
                 std::vector<Drawn>& drawn) {
  auto source = source_time_at(c, t);
  if (!source) return with_context(source.error(), "clip " + c.id);
  auto dest = clip_dest_rect(p, track, c, t);
  if (!dest) return tl::unexpected(dest.error());
  auto& layers = plan.composition.layers;
  render::VideoLayer v;
  v.input = input_for(plan, {c.source.recording_id, c.source.stream, *source});
  v.dest = *dest;
  v.opacity = f(c.opacity) * transition_opacity;
  layers.emplace_back(v);
  for (const auto& r : c.redactions) {
    render::RedactionLayer layer;
    layer.shape = r.shape;
    layer.mode = r.mode;
    layer.region = map_rect(region_at(r.keyframes, *source), *dest);
    layer.clip = *dest;
    layer.strength = f(r.strength_px);
    layer.colour = r.colour;
    layers.emplace_back(layer);
  }
  if (dip_alpha > 0) layers.emplace_back(render::FillLayer{*dest, {0, 0, 0, alpha_of(dip_alpha)}});
  drawn.push_back({&c, *source, *dest});
  return {};
}

Status draw_video_track(const Project& p, const Track& track, const Time& t, FramePlan& plan,
                        std::vector<Drawn>& drawn) {
  for (const auto& c : track.clips) {
    auto end = clip_end(c);
    if (!end) return with_context(end.error(), "clip " + c.id);
    Time visible_from = c.start;
    Time visible_until = *end;
    float opacity = 1.0F;
    float dip = 0.0F;
    for (const auto& tr : track.transitions) {
      if (tr.kind == TransitionKind::cut) continue;
      auto half = multiply(tr.duration, kHalf);
      if (!half) return tl::unexpected(half.error());
      if (tr.to_clip == c.id) {
        auto from = subtract(c.start, *half);  // the cut is at c.start
        if (!from) return tl::unexpected(from.error());
        if (tr.kind == TransitionKind::cross_fade) {
          visible_from = *from;
          if (*from <= t && t < add(c.start, *half).value_or(c.start)) {
            opacity = fraction(t, *from, tr.duration);
          }
        } else if (c.start <= t && t < add(c.start, *half).value_or(c.start)) {
          dip = 1.0F - fraction(t, c.start, *half);
        }
      }
      if (tr.from_clip == c.id) {
        auto from = subtract(*end, *half);
        if (!from) return tl::unexpected(from.error());
        if (tr.kind == TransitionKind::cross_fade) {
          visible_until = add(*end, *half).value_or(*end);
        } else if (*from <= t && t < *end) {
          dip = std::max(dip, fraction(t, *from, *half));
        }
      }
    }
    if (t < visible_from || !(t < visible_until)) continue;
    if (auto s = draw_clip(p, track, c, t, opacity, dip, plan, drawn); !s) return s;
  }
  return {};
}

void draw_annotations(const Drawn& d, std::vector<render::Layer>& layers) {
  for (const auto& a : d.clip->annotations) {
    if (a.show_from && d.source_time < *a.show_from) continue;
    if (a.show_until && !(d.source_time < *a.show_until)) continue;
    const auto pts = points_at(a.keyframes, d.source_time);
    if (pts.empty()) continue;
    if (a.kind == AnnotationKind::text) {
      render::TextLayer text;
      text.text = a.text;
      text.anchor = map_point(pts[0], d.dest);
      text.align = render::TextAlign::left;
      text.size_px = f(a.label_size_px);
      text.colour = a.colour;
      layers.emplace_back(std::move(text));
      continue;
    }
    render::ShapeLayer shape;
    switch (a.kind) {
      case AnnotationKind::arrow: shape.kind = render::ShapeKind::arrow; break;
      case AnnotationKind::line: shape.kind = render::ShapeKind::line; break;
      case AnnotationKind::angle: shape.kind = render::ShapeKind::angle; break;
      case AnnotationKind::freehand: shape.kind = render::ShapeKind::polyline; break;
      case AnnotationKind::text:
      case AnnotationKind::invalid: continue;
    }
    for (const auto& pt : pts) shape.points.push_back(map_point(pt, d.dest));
    shape.width_px = f(a.width_px);
    shape.colour = a.colour;
    shape.label_size_px = f(a.label_size_px);
    shape.label = a.text;
    if (a.kind == AnnotationKind::angle && pts.size() == 3) {
      shape.label = angle_label(
          angle_degrees(pts[0], pts[1], pts[2], d.clip->source_width_px, d.clip->source_height_px));
    }
    layers.emplace_back(std::move(shape));
  }
}

// Lines the renderer will draw: explicit lines, each wrapped at `max_width_px` assuming an
// average advance of half an em (a layout estimate; the renderer does the real wrapping).
int estimate_lines(const std::string& text, float size_px, float max_width_px) {
  int lines = 0;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    auto end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::size_t chars = 0;
    for (std::size_t i = begin; i < end; ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80U) ++chars;  // UTF-8 lead bytes
    }
    const float width = static_cast<float>(chars) * size_px * 0.5F;
    lines += max_width_px > 0 ? std::max(1, static_cast<int>(std::ceil(width / max_width_px))) : 1;
    begin = end + 1;
  }
  return lines;
}

void draw_text(const Project& p, const TextItem& x, bool caption_track,
               std::vector<render::Layer>& layers) {
  const float w = static_cast<float>(p.format.width_px);
  const float h = static_cast<float>(p.format.height_px);
  const float size = f(x.size) * h;
  const float line = size * 1.2F;
  if (x.backdrop == TextBackdrop::full_canvas) {
    layers.emplace_back(render::FillLayer{{0, 0, w, h}, x.background});
  }
  render::TextLayer text;
  text.text = x.text;
  text.size_px = size;
  text.colour = x.colour;
  if (x.backdrop == TextBackdrop::box) {
    text.background = x.background;
    text.padding_px = size * 0.3F;
  }
  const TextPosition position = caption_track ? TextPosition::caption : x.position;
  switch (position) {
    case TextPosition::caption: {
      text.align = render::TextAlign::centre;
      text.max_width_px = w * 0.8F;
      text.background = x.background.a > 0 ? x.background : render::Rgba8{0, 0, 0, 160};
      text.padding_px = size * 0.25F;
      const int lines = estimate_lines(x.text, size, text.max_width_px);
      text.anchor = {w / 2, h * 0.92F - static_cast<float>(lines) * line};
      break;
    }
    case TextPosition::lower_third:
      text.align = render::TextAlign::left;
      text.max_width_px = w * 0.6F;
      text.anchor = {w * 0.05F, h * 0.72F};
      break;
    case TextPosition::top:
      text.align = render::TextAlign::centre;
      text.max_width_px = w * 0.9F;
      text.anchor = {w / 2, h * 0.06F};
      break;
    case TextPosition::title:
    case TextPosition::invalid: {
      text.align = render::TextAlign::centre;
      text.max_width_px = w * 0.9F;
      const int lines = estimate_lines(x.text, size, text.max_width_px);
      const float block = static_cast<float>(lines) * line + (x.subtitle.empty() ? 0 : line);
      text.anchor = {w / 2, (h - block) / 2};
      break;
    }
  }
  const render::PointF below{
      text.anchor.x,
      text.anchor.y + static_cast<float>(estimate_lines(x.text, size, text.max_width_px)) * line};
  const auto align = text.align;
  const float max_width = text.max_width_px;
  layers.emplace_back(std::move(text));
  if (!x.subtitle.empty()) {
    render::TextLayer sub;
    sub.text = x.subtitle;
    sub.size_px = size * 0.55F;
    sub.colour = x.colour;
    sub.align = align;
    sub.max_width_px = max_width;
    sub.anchor = {below.x, below.y + size * 0.3F};
    layers.emplace_back(std::move(sub));
  }
}

}  // namespace

Time frame_time(const Project& project, std::int64_t frame_index) {
  return Time::frames(frame_index, project.format.frame_rate);
}

std::int64_t frame_count(const Project& project) {
  auto end = project_duration(project);
  if (!end) return 0;
  auto frames = end->in(project.format.frame_rate.inverse(), Rounding::up);
  return frames ? *frames : 0;
}

Result<FramePlan> plan_frame(const Project& p, std::int64_t frame_index) {
  if (frame_index < 0) {
    return fail(Errc::invalid_argument,
                "plan_frame: frame index " + std::to_string(frame_index) + " is negative");
  }
  const Time t = frame_time(p, frame_index);
  FramePlan plan;
  plan.composition.width = p.format.width_px;
  plan.composition.height = p.format.height_px;
  plan.composition.background = p.format.background;
  std::vector<Drawn> drawn;
  for (const auto& track : p.tracks) {
    if (track.kind != TrackKind::video) continue;
    if (auto s = draw_video_track(p, track, t, plan, drawn); !s) {
      return with_context(s.error(), "plan_frame " + std::to_string(frame_index));
    }
  }
  for (const auto& d : drawn) draw_annotations(d, plan.composition.layers);
  for (const TrackKind kind : {TrackKind::overlay, TrackKind::caption}) {
    for (const auto& track : p.tracks) {
      if (track.kind != kind) continue;
      for (const auto& x : track.texts) {
        auto end = text_end(x);
        if (!end) return with_context(end.error(), "text " + x.id);
        if (t < x.start || !(t < *end)) continue;
        draw_text(p, x, kind == TrackKind::caption, plan.composition.layers);
      }
    }
  }
  return plan;
}

std::vector<AudioSegment> plan_audio(const Project& p) {
  std::vector<AudioSegment> out;
  for (const auto& track : p.tracks) {
    if (track.kind != TrackKind::audio) continue;
    for (const auto& c : track.clips) {
      auto d = clip_duration(c);
      if (!d) continue;  // validate_project rules this out
      out.push_back(
          {c.source.recording_id, c.source.stream, c.source_in, c.start, *d, c.speed, c.gain_db});
    }
  }
  return out;
}

double angle_degrees(NormPoint a, NormPoint vertex, NormPoint c, std::uint32_t width_px,
                     std::uint32_t height_px) {
  const double sx = width_px > 0 ? width_px : 1.0;
  const double sy = height_px > 0 ? height_px : 1.0;
  const double ax = (a.x - vertex.x) * sx, ay = (a.y - vertex.y) * sy;
  const double cx = (c.x - vertex.x) * sx, cy = (c.y - vertex.y) * sy;
  const double na = std::hypot(ax, ay), nc = std::hypot(cx, cy);
  if (na == 0 || nc == 0) return 0;
  const double cosine = std::clamp((ax * cx + ay * cy) / (na * nc), -1.0, 1.0);
  return std::acos(cosine) * 180.0 / std::numbers::pi;
}

std::string angle_label(double degrees) {
  return fmt::format("{:.1f}°", degrees);
}

}  // namespace clinvid::timeline
