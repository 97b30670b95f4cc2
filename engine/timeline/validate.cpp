#include "timeline/validate.hpp"

#include <set>
#include <string>

#include <fmt/format.h>

#include "core/id.hpp"
#include "timeline/params.hpp"

namespace clinvid::timeline {
namespace {

Status bad(std::string_view path, std::string what) {
  return fail(Errc::invalid_argument, std::string(path) + ": " + what);
}
Status range(std::string_view path, std::string what) {
  return fail(Errc::out_of_range, std::string(path) + ": " + what);
}

std::string at(std::string_view path, std::string_view field) {
  return std::string(path) + "." + std::string(field);
}
std::string idx(std::string_view path, std::string_view field, std::size_t i) {
  return fmt::format("{}.{}[{}]", path, field, i);
}

Status check_param(std::span<const ParamSpec> table, std::string_view id, double value,
                   std::string_view path) {
  const ParamSpec* spec = find_param(table, id);
  if (spec == nullptr) return fail(Errc::internal, "no parameter spec for " + std::string(id));
  if (!(value >= spec->min && value <= spec->max)) {
    return range(at(path, id),
                 fmt::format("{} is outside {}..{} {}", value, spec->min, spec->max, spec->unit));
  }
  return {};
}

Status check_unit(double v, std::string_view path) {
  if (!(v >= 0 && v <= 1)) return range(path, fmt::format("{} is outside 0..1", v));
  return {};
}

constexpr double kEps = 1e-9;

Status check_rect(const NormRect& r, std::string_view path) {
  for (auto [v, name] :
       {std::pair{r.x, "x"}, std::pair{r.y, "y"}, std::pair{r.w, "w"}, std::pair{r.h, "h"}}) {
    if (auto s = check_unit(v, at(path, name)); !s) return s;
  }
  if (r.w <= 0 || r.h <= 0) return range(path, "width and height must be positive");
  if (r.x + r.w > 1 + kEps || r.y + r.h > 1 + kEps) {
    return range(path,
                 fmt::format("extends past the frame (x+w={}, y+h={})", r.x + r.w, r.y + r.h));
  }
  return {};
}

template <class Keyframe>
Status check_keyframe_order(const std::vector<Keyframe>& keyframes, std::string_view path) {
  if (keyframes.empty()) return bad(at(path, "keyframes"), "at least one keyframe is required");
  for (std::size_t i = 1; i < keyframes.size(); ++i) {
    if (!(keyframes[i - 1].time < keyframes[i].time)) {
      return bad(idx(path, "keyframes", i) + ".time",
                 "keyframe times must increase (" + keyframes[i].time.to_string() + " after " +
                     keyframes[i - 1].time.to_string() + ")");
    }
  }
  return {};
}

Status check_regions(const std::vector<RegionKeyframe>& keyframes, std::string_view path) {
  if (auto s = check_keyframe_order(keyframes, path); !s) return s;
  for (std::size_t i = 0; i < keyframes.size(); ++i) {
    if (auto s = check_rect(keyframes[i].region, idx(path, "keyframes", i) + ".region"); !s) {
      return s;
    }
  }
  return {};
}

std::size_t required_points(AnnotationKind kind) {
  switch (kind) {
    case AnnotationKind::arrow:
    case AnnotationKind::line: return 2;
    case AnnotationKind::angle: return 3;
    case AnnotationKind::text: return 1;
    case AnnotationKind::freehand:
    case AnnotationKind::invalid: break;
  }
  return 0;
}

Status check_annotation(const Annotation& a, std::string_view path) {
  if (a.kind == AnnotationKind::invalid) return bad(at(path, "kind"), "kind is not set");
  if (auto s = check_param(annotation_params(), "width_px", a.width_px, path); !s) return s;
  if (auto s = check_param(annotation_params(), "label_size_px", a.label_size_px, path); !s) {
    return s;
  }
  if (a.kind == AnnotationKind::text && a.text.empty()) {
    return bad(at(path, "text"), "a text annotation needs text");
  }
  if (a.show_from && a.show_until && !(*a.show_from < *a.show_until)) {
    return bad(at(path, "show_until"), "must be after show_from");
  }
  if (auto s = check_keyframe_order(a.keyframes, path); !s) return s;
  const std::size_t need = required_points(a.kind);
  for (std::size_t i = 0; i < a.keyframes.size(); ++i) {
    const auto kpath = idx(path, "keyframes", i) + ".points";
    const auto& pts = a.keyframes[i].points;
    if (need != 0 && pts.size() != need) {
      return bad(kpath, fmt::format("a {} needs {} point(s), got {}", to_string(a.kind), need,
                                    pts.size()));
    }
    if (need == 0 && pts.size() < 2) return bad(kpath, "a freehand stroke needs 2 or more points");
    if (pts.size() != a.keyframes[0].points.size()) {
      return bad(kpath, "every keyframe needs the same number of points as the first");
    }
    for (std::size_t p = 0; p < pts.size(); ++p) {
      const auto ppath = fmt::format("{}[{}]", kpath, p);
      if (auto s = check_unit(pts[p].x, ppath + ".x"); !s) return s;
      if (auto s = check_unit(pts[p].y, ppath + ".y"); !s) return s;
    }
  }
  return {};
}

Status check_redaction(const Redaction& r, std::string_view path) {
  if (r.shape == render::RedactionShape::invalid) return bad(at(path, "shape"), "shape is not set");
  if (r.mode == render::RedactionMode::invalid) return bad(at(path, "mode"), "mode is not set");
  if (r.mode != render::RedactionMode::solid) {
    if (auto s = check_param(redaction_params(), "strength_px", r.strength_px, path); !s) return s;
  }
  return check_regions(r.keyframes, path);
}

Status check_clip(const Clip& c, const Track& track, std::string_view path) {
  if (!Uuid::parse(c.source.recording_id)) {
    return bad(at(path, "recording_id"), "'" + c.source.recording_id + "' is not a recording UUID");
  }
  if (c.source.stream < 0) return range(at(path, "stream"), "must be 0 or more");
  if (c.start < Time()) return range(at(path, "start"), c.start.to_string() + " is negative");
  if (c.source_in < Time()) {
    return range(at(path, "in"), c.source_in.to_string() + " is negative");
  }
  if (!(c.source_in < c.source_out)) {
    return bad(at(path, "out"), "out point " + c.source_out.to_string() +
                                    " is not after in point " + c.source_in.to_string());
  }
  if (c.speed < kMinSpeed || c.speed > kMaxSpeed) {
    return range(at(path, "speed"), rational_text(c.speed) + " is outside " +
                                        rational_text(kMinSpeed) + ".." + rational_text(kMaxSpeed));
  }
  if (c.freeze_at) {
    if (track.kind == TrackKind::audio) {
      return bad(at(path, "freeze_at"), "audio clips cannot freeze");
    }
    if (*c.freeze_at < c.source_in || !(*c.freeze_at < c.source_out)) {
      return range(at(path, "freeze_at"), c.freeze_at->to_string() + " is outside the clip's [" +
                                              c.source_in.to_string() + ", " +
                                              c.source_out.to_string() + ")");
    }
  }
  if (auto s = check_unit(c.opacity, at(path, "opacity")); !s) return s;
  if (!(c.gain_db >= -60 && c.gain_db <= 24)) {
    return range(at(path, "gain_db"), fmt::format("{} is outside -60..24 dB", c.gain_db));
  }
  if (track.kind == TrackKind::video) {
    if (c.source_width_px == 0 || c.source_height_px == 0) {
      return bad(at(path, "source_size"), "a video clip needs the recording's frame size");
    }
    if (c.placement.kind == PlacementKind::slot && (c.placement.slot < 0 || c.placement.slot > 3)) {
      return range(at(path, "placement.slot"), fmt::format("{} is outside 0..3", c.placement.slot));
    }
    if (c.placement.kind == PlacementKind::rect) {
      if (auto s = check_rect(c.placement.rect, at(path, "placement.rect")); !s) return s;
    }
    if (c.placement.kind == PlacementKind::invalid) {
      return bad(at(path, "placement"), "placement is not set");
    }
  } else if (!c.faces.empty() || !c.redactions.empty() || !c.annotations.empty()) {
    return bad(path, "only video clips carry faces, redactions and annotations");
  }
  for (std::size_t i = 0; i < c.faces.size(); ++i) {
    if (auto s = check_regions(c.faces[i].keyframes, idx(path, "faces", i)); !s) return s;
  }
  for (std::size_t i = 0; i < c.redactions.size(); ++i) {
    if (auto s = check_redaction(c.redactions[i], idx(path, "redactions", i)); !s) return s;
  }
  for (std::size_t i = 0; i < c.annotations.size(); ++i) {
    if (auto s = check_annotation(c.annotations[i], idx(path, "annotations", i)); !s) return s;
  }
  if (auto end = clip_end(c); !end) return range(path, end.error().detail);
  return {};
}

Status check_text(const TextItem& x, std::string_view path) {
  if (x.text.empty()) return bad(at(path, "text"), "text is empty");
  if (x.start < Time()) return range(at(path, "start"), x.start.to_string() + " is negative");
  if (!(Time() < x.duration)) {
    return range(at(path, "duration"), x.duration.to_string() + " is not positive");
  }
  if (x.position == TextPosition::invalid) return bad(at(path, "position"), "position is not set");
  if (x.backdrop == TextBackdrop::invalid) return bad(at(path, "backdrop"), "backdrop is not set");
  return check_param(text_params(), "size", x.size, path);
}

Status check_layout(const Layout& l, std::string_view path) {
  if (l.kind == LayoutKind::invalid) return bad(at(path, "kind"), "layout is not set");
  // Checked for every kind, so switching a section to picture-in-picture later cannot surface
  // a bad value saved long before.
  if (l.kind == LayoutKind::picture_in_picture && l.pip_corner == Corner::invalid) {
    return bad(at(path, "pip_corner"), "corner is not set");
  }
  if (!(l.pip_size >= 0.05 && l.pip_size <= 0.6)) {
    return range(at(path, "pip_size"), fmt::format("{} is outside 0.05..0.6", l.pip_size));
  }
  return {};
}

Status check_transitions(const Track& track, std::string_view path) {
  std::set<std::string> outgoing, incoming;
  for (std::size_t i = 0; i < track.transitions.size(); ++i) {
    const auto& tr = track.transitions[i];
    const auto tpath = idx(path, "transitions", i);
    if (tr.kind == TransitionKind::invalid) return bad(at(tpath, "kind"), "kind is not set");
    const Clip* from = nullptr;
    const Clip* to = nullptr;
    for (const auto& c : track.clips) {
      if (c.id == tr.from_clip) from = &c;
      if (c.id == tr.to_clip) to = &c;
    }
    if (from == nullptr)
      return bad(at(tpath, "from"), "unknown clip '" + tr.from_clip + "' on this track");
    if (to == nullptr)
      return bad(at(tpath, "to"), "unknown clip '" + tr.to_clip + "' on this track");
    if (!outgoing.insert(tr.from_clip).second || !incoming.insert(tr.to_clip).second) {
      return bad(tpath, "a clip has at most one transition on each side");
    }
    auto from_end = clip_end(*from);
    if (!from_end) return range(tpath, from_end.error().detail);
    if (!(*from_end == to->start)) {
      return bad(tpath, "clips " + from->id + " and " + to->id + " are not adjacent (" +
                            from_end->to_string() + " vs " + to->start.to_string() + ")");
    }
    if (tr.duration < Time() || (tr.kind != TransitionKind::cut && !(Time() < tr.duration))) {
      return range(at(tpath, "duration"), tr.duration.to_string() + " must be positive");
    }
    auto half = multiply(tr.duration, Rational::make(1, 2).value());
    auto dfrom = clip_duration(*from);
    auto dto = clip_duration(*to);
    if (!half || !dfrom || !dto) return range(tpath, "duration overflows");
    if (*dfrom < *half || *dto < *half) {
      return range(at(tpath, "duration"),
                   "half of " + tr.duration.to_string() + " is longer than one of the clips");
    }
    if (tr.kind == TransitionKind::cross_fade) {
      auto handle = multiply(*half, to->speed);
      if (!handle || to->source_in < *handle) {
        return range(at(tpath, "duration"), "clip " + to->id + " has no " + half->to_string() +
                                                " of source before its in point to fade from");
      }
    }
  }
  return {};
}

Status check_track(const Track& track, std::string_view path) {
  if (track.kind == TrackKind::invalid) return bad(at(path, "kind"), "kind is not set");
  const bool holds_clips = track.kind == TrackKind::video || track.kind == TrackKind::audio;
  if (holds_clips && !track.texts.empty()) {
    return bad(path, std::string(to_string(track.kind)) + " tracks hold clips, not text");
  }
  if (!holds_clips && !track.clips.empty()) {
    return bad(path, std::string(to_string(track.kind)) + " tracks hold text, not clips");
  }
  if (track.kind != TrackKind::video && !track.layouts.empty()) {
    return bad(at(path, "layouts"), "only video tracks have layouts");
  }
  if (!holds_clips && !track.transitions.empty()) {
    return bad(at(path, "transitions"), "only clip tracks have transitions");
  }
  for (std::size_t i = 0; i < track.clips.size(); ++i) {
    const auto cpath = idx(path, "items", i);
    if (auto s = check_clip(track.clips[i], track, cpath); !s) return s;
    if (i > 0) {
      const auto& prev = track.clips[i - 1];
      const auto& cur = track.clips[i];
      if (cur.start < prev.start) {
        return bad(at(cpath, "start"), "items must be in timeline order");
      }
      auto prev_end = clip_end(prev);
      if (!prev_end) return range(cpath, prev_end.error().detail);
      if (cur.start < *prev_end) {
        return bad(cpath, "clip " + cur.id + " starting at " + cur.start.to_string() +
                              " overlaps clip " + prev.id + " which ends at " +
                              prev_end->to_string());
      }
    }
  }
  for (std::size_t i = 0; i < track.texts.size(); ++i) {
    const auto xpath = idx(path, "items", i);
    if (auto s = check_text(track.texts[i], xpath); !s) return s;
    if (i > 0 && track.texts[i].start < track.texts[i - 1].start) {
      return bad(at(xpath, "start"), "items must be in timeline order");
    }
  }
  for (std::size_t i = 0; i < track.layouts.size(); ++i) {
    const auto& s = track.layouts[i];
    const auto lpath = idx(path, "layouts", i);
    if (s.start < Time()) return range(at(lpath, "start"), "is negative");
    if (!(Time() < s.duration)) return range(at(lpath, "duration"), "must be positive");
    if (auto st = check_layout(s.layout, lpath); !st) return st;
    if (i > 0) {
      auto prev_end = add(track.layouts[i - 1].start, track.layouts[i - 1].duration);
      if (!prev_end || s.start < *prev_end) {
        return bad(lpath, "layout sections must be in order and must not overlap");
      }
    }
  }
  return check_transitions(track, path);
}

Status check_ids(const Project& p) {
  std::set<std::string> seen;
  auto claim = [&](const std::string& id, const std::string& path) -> Status {
    if (id.empty()) return bad(path + ".id", "id is empty");
    if (!seen.insert(id).second) return bad(path + ".id", "duplicate id '" + id + "'");
    return {};
  };
  for (std::size_t t = 0; t < p.tracks.size(); ++t) {
    const auto& track = p.tracks[t];
    const auto tpath = idx("$", "tracks", t);
    if (auto s = claim(track.id, tpath); !s) return s;
    for (std::size_t i = 0; i < track.clips.size(); ++i) {
      const auto& c = track.clips[i];
      const auto cpath = idx(tpath, "items", i);
      if (auto s = claim(c.id, cpath); !s) return s;
      for (std::size_t k = 0; k < c.faces.size(); ++k) {
        if (auto s = claim(c.faces[k].id, idx(cpath, "faces", k)); !s) return s;
      }
      for (std::size_t k = 0; k < c.redactions.size(); ++k) {
        if (auto s = claim(c.redactions[k].id, idx(cpath, "redactions", k)); !s) return s;
      }
      for (std::size_t k = 0; k < c.annotations.size(); ++k) {
        if (auto s = claim(c.annotations[k].id, idx(cpath, "annotations", k)); !s) return s;
      }
    }
    for (std::size_t i = 0; i < track.texts.size(); ++i) {
      if (auto s = claim(track.texts[i].id, idx(tpath, "items", i)); !s) return s;
    }
    for (std::size_t i = 0; i < track.transitions.size(); ++i) {
      if (auto s = claim(track.transitions[i].id, idx(tpath, "transitions", i)); !s) return s;
    }
    for (std::size_t i = 0; i < track.layouts.size(); ++i) {
      if (auto s = claim(track.layouts[i].id, idx(tpath, "layouts", i)); !s) return s;
    }
  }
  for (std::size_t i = 0; i < p.markers.size(); ++i) {
    if (auto s = claim(p.markers[i].id, idx("$", "markers", i)); !s) return s;
  }
  return {};
}

}  // namespace

Status validate_project(const Project& p) {
  const auto& f = p.format;
  if (f.width_px < 16 || f.width_px > 8192 || f.width_px % 2 != 0) {
    return range("$.output.width", fmt::format("{} is not an even number in 16..8192", f.width_px));
  }
  if (f.height_px < 16 || f.height_px > 8192 || f.height_px % 2 != 0) {
    return range("$.output.height",
                 fmt::format("{} is not an even number in 16..8192", f.height_px));
  }
  if (f.frame_rate < Rational() || f.frame_rate > Rational::make(240, 1).value()) {
    return range("$.output.frame_rate", rational_text(f.frame_rate) + " is outside 1..240");
  }
  if (f.colour != "bt709" && f.colour != "bt601" && f.colour != "bt2020") {
    return bad("$.output.colour", "'" + f.colour + "' is not one of bt709, bt601, bt2020");
  }
  if (p.metadata.purpose == consent::Purpose::invalid) {
    return bad("$.metadata.purpose", "purpose is not set");
  }
  if (auto s = check_layout(p.layout, "$.layout"); !s) return s;
  if (auto s = check_ids(p); !s) return s;
  for (std::size_t t = 0; t < p.tracks.size(); ++t) {
    if (auto s = check_track(p.tracks[t], idx("$", "tracks", t)); !s) return s;
  }
  for (std::size_t i = 0; i < p.markers.size(); ++i) {
    const auto mpath = idx("$", "markers", i);
    if (p.markers[i].kind == MarkerKind::invalid) return bad(at(mpath, "kind"), "kind is not set");
    if (p.markers[i].time < Time()) return range(at(mpath, "time"), "is negative");
  }
  return {};
}

}  // namespace clinvid::timeline
