// The version 1 project-file loader: JSON shape → Project. Structural errors only (missing
// fields, wrong types, unknown names); validate_project() checks the values afterwards.
#include <fmt/format.h>

#include "timeline/json_fields.hpp"
#include "timeline/project_file_loaders.hpp"

// Unwraps a Result into `var` or returns its error from the enclosing function.
#define CLINVID_TRY(var, expr)                                    \
  auto var##_result = (expr);                                     \
  if (!var##_result) return tl::unexpected(var##_result.error()); \
  auto var = std::move(*var##_result)

namespace clinvid::timeline::detail {
namespace {

std::string item_path(const std::string& array_path, std::size_t i) {
  return fmt::format("{}[{}]", array_path, i);
}

// A name read from `key` and parsed by `parse` (e.g. parse_track_kind), located on failure.
// An empty fallback makes the field required.
template <class Parse>
auto named(const Fields& f, std::string_view key, Parse parse, std::string_view fallback)
    -> decltype(parse(std::string_view())) {
  auto s = fallback.empty() ? f.string(key) : f.string_or(key, std::string(fallback));
  if (!s) return tl::unexpected(s.error());
  auto v = parse(*s);
  if (!v) return fail(Errc::corrupt, f.path(key) + ": " + v.error().detail);
  return v;
}

Result<NormRect> rect(const Fields& parent, std::string_view key) {
  CLINVID_TRY(f, parent.object(key));
  CLINVID_TRY(x, f.number("x"));
  CLINVID_TRY(y, f.number("y"));
  CLINVID_TRY(w, f.number("w"));
  CLINVID_TRY(h, f.number("h"));
  return NormRect{x, y, w, h};
}

Result<std::vector<RegionKeyframe>> regions(const Fields& parent) {
  CLINVID_TRY(array, parent.array_or_empty("keyframes"));
  std::vector<RegionKeyframe> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    CLINVID_TRY(f, Fields::of((*array)[i], item_path(parent.path("keyframes"), i)));
    CLINVID_TRY(time, f.time("time"));
    CLINVID_TRY(region, rect(f, "region"));
    out.push_back({time, region});
  }
  return out;
}

Result<Layout> layout(const Fields& f) {
  Layout l;
  CLINVID_TRY(kind, named(f, "kind", parse_layout_kind, "single"));
  CLINVID_TRY(corner, named(f, "pip_corner", parse_corner, "bottom_right"));
  CLINVID_TRY(size, f.number_or("pip_size", l.pip_size));
  l.kind = kind;
  l.pip_corner = corner;
  l.pip_size = size;
  return l;
}

Result<Annotation> annotation(const Fields& f) {
  Annotation a;
  CLINVID_TRY(id, f.string("id"));
  CLINVID_TRY(kind, named(f, "kind", parse_annotation_kind, ""));
  CLINVID_TRY(text, f.string_or("text", ""));
  CLINVID_TRY(colour, f.colour_or("colour", a.colour));
  CLINVID_TRY(width, f.number_or("width_px", a.width_px));
  CLINVID_TRY(label_size, f.number_or("label_size_px", a.label_size_px));
  CLINVID_TRY(from, f.optional_time("show_from"));
  CLINVID_TRY(until, f.optional_time("show_until"));
  CLINVID_TRY(array, f.array_or_empty("keyframes"));
  a.id = id;
  a.kind = kind;
  a.text = text;
  a.colour = colour;
  a.width_px = width;
  a.label_size_px = label_size;
  a.show_from = from;
  a.show_until = until;
  for (std::size_t i = 0; i < array->size(); ++i) {
    CLINVID_TRY(k, Fields::of((*array)[i], item_path(f.path("keyframes"), i)));
    CLINVID_TRY(time, k.time("time"));
    CLINVID_TRY(points, k.array_or_empty("points"));
    PointsKeyframe kf{time, {}};
    for (std::size_t p = 0; p < points->size(); ++p) {
      CLINVID_TRY(pf, Fields::of((*points)[p], item_path(k.path("points"), p)));
      CLINVID_TRY(x, pf.number("x"));
      CLINVID_TRY(y, pf.number("y"));
      kf.points.push_back({x, y});
    }
    a.keyframes.push_back(std::move(kf));
  }
  return a;
}

Result<Clip> clip(const Fields& f) {
  Clip c;
  CLINVID_TRY(id, f.string("id"));
  CLINVID_TRY(recording, f.string("recording_id"));
  CLINVID_TRY(stream, f.integer("stream"));
  CLINVID_TRY(in, f.time("in"));
  CLINVID_TRY(out, f.time("out"));
  CLINVID_TRY(start, f.time("start"));
  CLINVID_TRY(speed, f.rational("speed"));
  CLINVID_TRY(freeze, f.optional_time("freeze_at"));
  CLINVID_TRY(opacity, f.number_or("opacity", 1.0));
  CLINVID_TRY(gain, f.number_or("gain_db", 0.0));
  if (stream < 0 || stream > 1'000'000) {
    return fail(Errc::corrupt,
                f.path("stream") + ": " + std::to_string(stream) + " is not a stream index");
  }
  c.id = id;
  c.source = {recording, static_cast<int>(stream)};
  c.source_in = in;
  c.source_out = out;
  c.start = start;
  c.speed = speed;
  c.freeze_at = freeze;
  c.opacity = opacity;
  c.gain_db = gain;
  if (f.has("source_size")) {
    CLINVID_TRY(size, f.object("source_size"));
    CLINVID_TRY(w, size.integer("width"));
    CLINVID_TRY(h, size.integer("height"));
    if (w < 0 || h < 0 || w > 65535 || h > 65535) {
      return fail(Errc::corrupt, f.path("source_size") + ": " + std::to_string(w) + "x" +
                                     std::to_string(h) + " is not a frame size");
    }
    c.source_width_px = static_cast<std::uint32_t>(w);
    c.source_height_px = static_cast<std::uint32_t>(h);
  }
  if (f.has("placement")) {
    CLINVID_TRY(pl, f.object("placement"));
    if (pl.has("rect")) {
      CLINVID_TRY(r, rect(pl, "rect"));
      c.placement = {PlacementKind::rect, 0, r};
    } else {
      CLINVID_TRY(slot, pl.integer("slot"));
      if (slot < 0 || slot > 64) {
        return fail(Errc::out_of_range,
                    pl.path("slot") + ": " + std::to_string(slot) + " is outside 0..3");
      }
      c.placement = {PlacementKind::slot, static_cast<int>(slot), {0, 0, 1, 1}};
    }
  }
  CLINVID_TRY(faces, f.array_or_empty("faces"));
  for (std::size_t i = 0; i < faces->size(); ++i) {
    CLINVID_TRY(ff, Fields::of((*faces)[i], item_path(f.path("faces"), i)));
    CLINVID_TRY(fid, ff.string("id"));
    CLINVID_TRY(keyframes, regions(ff));
    c.faces.push_back({fid, keyframes});
  }
  CLINVID_TRY(redactions, f.array_or_empty("redactions"));
  for (std::size_t i = 0; i < redactions->size(); ++i) {
    CLINVID_TRY(rf, Fields::of((*redactions)[i], item_path(f.path("redactions"), i)));
    Redaction r;
    CLINVID_TRY(rid, rf.string("id"));
    CLINVID_TRY(shape, named(rf, "shape", parse_redaction_shape, ""));
    CLINVID_TRY(mode, named(rf, "mode", parse_redaction_mode, ""));
    CLINVID_TRY(strength, rf.number_or("strength_px", r.strength_px));
    CLINVID_TRY(colour, rf.colour_or("colour", r.colour));
    CLINVID_TRY(keyframes, regions(rf));
    r.id = rid;
    r.shape = shape;
    r.mode = mode;
    r.strength_px = strength;
    r.colour = colour;
    r.keyframes = keyframes;
    c.redactions.push_back(std::move(r));
  }
  CLINVID_TRY(annotations, f.array_or_empty("annotations"));
  for (std::size_t i = 0; i < annotations->size(); ++i) {
    CLINVID_TRY(af, Fields::of((*annotations)[i], item_path(f.path("annotations"), i)));
    CLINVID_TRY(a, annotation(af));
    c.annotations.push_back(std::move(a));
  }
  return c;
}

Result<TextItem> text(const Fields& f) {
  TextItem x;
  CLINVID_TRY(id, f.string("id"));
  CLINVID_TRY(body, f.string("text"));
  CLINVID_TRY(subtitle, f.string_or("subtitle", ""));
  CLINVID_TRY(start, f.time("start"));
  CLINVID_TRY(duration, f.time("duration"));
  CLINVID_TRY(position, named(f, "position", parse_text_position, "title"));
  CLINVID_TRY(backdrop, named(f, "backdrop", parse_text_backdrop, "none"));
  CLINVID_TRY(size, f.number_or("size", x.size));
  CLINVID_TRY(colour, f.colour_or("colour", x.colour));
  CLINVID_TRY(background, f.colour_or("background", x.background));
  x.id = id;
  x.text = body;
  x.subtitle = subtitle;
  x.start = start;
  x.duration = duration;
  x.position = position;
  x.backdrop = backdrop;
  x.size = size;
  x.colour = colour;
  x.background = background;
  return x;
}

Result<Track> track(const Fields& f) {
  Track t;
  CLINVID_TRY(id, f.string("id"));
  CLINVID_TRY(kind, named(f, "kind", parse_track_kind, ""));
  CLINVID_TRY(name, f.string_or("name", ""));
  t.id = id;
  t.kind = kind;
  t.name = name;
  CLINVID_TRY(items, f.array_or_empty("items"));
  for (std::size_t i = 0; i < items->size(); ++i) {
    CLINVID_TRY(item, Fields::of((*items)[i], item_path(f.path("items"), i)));
    CLINVID_TRY(type, item.string("type"));
    if (type == "clip") {
      CLINVID_TRY(c, clip(item));
      t.clips.push_back(std::move(c));
    } else if (type == "text") {
      CLINVID_TRY(x, text(item));
      t.texts.push_back(std::move(x));
    } else {
      return fail(Errc::corrupt,
                  item.path("type") + ": unknown item type '" + type + "' (clip or text)");
    }
  }
  CLINVID_TRY(transitions, f.array_or_empty("transitions"));
  for (std::size_t i = 0; i < transitions->size(); ++i) {
    CLINVID_TRY(tf, Fields::of((*transitions)[i], item_path(f.path("transitions"), i)));
    CLINVID_TRY(tid, tf.string("id"));
    CLINVID_TRY(tkind, named(tf, "kind", parse_transition_kind, ""));
    CLINVID_TRY(from, tf.string("from"));
    CLINVID_TRY(to, tf.string("to"));
    CLINVID_TRY(duration, tf.time("duration"));
    t.transitions.push_back({tid, tkind, from, to, duration});
  }
  CLINVID_TRY(layouts, f.array_or_empty("layouts"));
  for (std::size_t i = 0; i < layouts->size(); ++i) {
    CLINVID_TRY(lf, Fields::of((*layouts)[i], item_path(f.path("layouts"), i)));
    CLINVID_TRY(lid, lf.string("id"));
    CLINVID_TRY(start, lf.time("start"));
    CLINVID_TRY(duration, lf.time("duration"));
    CLINVID_TRY(lo, lf.object("layout"));
    CLINVID_TRY(l, layout(lo));
    t.layouts.push_back({lid, start, duration, l});
  }
  return t;
}

}  // namespace

Result<Project> load_project_v1(const Json& doc) {
  Project p;
  CLINVID_TRY(top, Fields::of(doc, "$"));
  CLINVID_TRY(next_id, top.integer_or("next_id", 1));
  if (next_id < 1) return fail(Errc::corrupt, "$.next_id: must be 1 or more");
  p.next_id = static_cast<std::uint64_t>(next_id);

  CLINVID_TRY(output, top.object("output"));
  CLINVID_TRY(width, output.integer("width"));
  CLINVID_TRY(height, output.integer("height"));
  if (width < 0 || height < 0 || width > 65535 || height > 65535) {
    return fail(Errc::out_of_range, "$.output: " + std::to_string(width) + "x" +
                                        std::to_string(height) + " is not a frame size");
  }
  CLINVID_TRY(rate, output.rational("frame_rate"));
  CLINVID_TRY(colour, output.string_or("colour", "bt709"));
  CLINVID_TRY(background, output.colour_or("background", p.format.background));
  p.format = {static_cast<std::uint32_t>(width), static_cast<std::uint32_t>(height), rate, colour,
              background};

  if (top.has("metadata")) {
    CLINVID_TRY(meta, top.object("metadata"));
    CLINVID_TRY(title, meta.string_or("title", ""));
    CLINVID_TRY(author, meta.string_or("author", ""));
    CLINVID_TRY(reference, meta.string_or("consent_reference", ""));
    CLINVID_TRY(purpose, named(meta, "purpose", consent::parse_purpose, "teaching"));
    p.metadata = {title, author, reference, purpose};
  }
  if (top.has("layout")) {
    CLINVID_TRY(lo, top.object("layout"));
    CLINVID_TRY(l, layout(lo));
    p.layout = l;
  }
  CLINVID_TRY(tracks, top.array_or_empty("tracks"));
  for (std::size_t i = 0; i < tracks->size(); ++i) {
    CLINVID_TRY(tf, Fields::of((*tracks)[i], item_path("$.tracks", i)));
    CLINVID_TRY(t, track(tf));
    p.tracks.push_back(std::move(t));
  }
  CLINVID_TRY(markers, top.array_or_empty("markers"));
  for (std::size_t i = 0; i < markers->size(); ++i) {
    CLINVID_TRY(mf, Fields::of((*markers)[i], item_path("$.markers", i)));
    CLINVID_TRY(mid, mf.string("id"));
    CLINVID_TRY(kind, named(mf, "kind", parse_marker_kind, "marker"));
    CLINVID_TRY(time, mf.time("time"));
    CLINVID_TRY(label, mf.string_or("label", ""));
    p.markers.push_back({mid, kind, time, label});
  }
  // A hand-edited file may carry ids past the counter; never hand one out twice.
  auto bump = [&](const std::string& id) {
    std::size_t digits = id.find_first_of("0123456789");
    if (digits == std::string::npos) return;
    std::uint64_t n = 0;
    for (std::size_t i = digits; i < id.size(); ++i) {
      if (id[i] < '0' || id[i] > '9' || n > UINT64_MAX / 20) return;
      n = n * 10 + static_cast<std::uint64_t>(id[i] - '0');
    }
    if (n >= p.next_id) p.next_id = n + 1;
  };
  for (const auto& t : p.tracks) {
    bump(t.id);
    for (const auto& c : t.clips) {
      bump(c.id);
      for (const auto& x : c.faces) bump(x.id);
      for (const auto& x : c.redactions) bump(x.id);
      for (const auto& x : c.annotations) bump(x.id);
    }
    for (const auto& x : t.texts) bump(x.id);
    for (const auto& x : t.transitions) bump(x.id);
    for (const auto& x : t.layouts) bump(x.id);
  }
  for (const auto& m : p.markers) bump(m.id);
  return p;
}

}  // namespace clinvid::timeline::detail

#undef CLINVID_TRY
