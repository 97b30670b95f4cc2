#include "timeline/project_file.hpp"

#include <array>

#include "core/json.hpp"
#include "timeline/json_fields.hpp"
#include "timeline/project_file_loaders.hpp"
#include "timeline/validate.hpp"

namespace clinvid::timeline {
namespace {

using detail::colour_text;

Json time_json(const Time& t) {
  return t.to_string();
}

Json rect_json(const NormRect& r) {
  return Json{{"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}};
}

Json regions_json(const std::vector<RegionKeyframe>& keyframes) {
  Json out = Json::array();
  for (const auto& k : keyframes) {
    out.push_back(Json{{"time", time_json(k.time)}, {"region", rect_json(k.region)}});
  }
  return out;
}

Json layout_json(const Layout& l) {
  return Json{{"kind", to_string(l.kind)},
              {"pip_corner", to_string(l.pip_corner)},
              {"pip_size", l.pip_size}};
}

Json annotation_json(const Annotation& a) {
  Json keyframes = Json::array();
  for (const auto& k : a.keyframes) {
    Json points = Json::array();
    for (const auto& p : k.points) points.push_back(Json{{"x", p.x}, {"y", p.y}});
    keyframes.push_back(Json{{"time", time_json(k.time)}, {"points", points}});
  }
  Json out{{"id", a.id},
           {"kind", to_string(a.kind)},
           {"text", a.text},
           {"colour", colour_text(a.colour)},
           {"width_px", a.width_px},
           {"label_size_px", a.label_size_px},
           {"keyframes", keyframes}};
  if (a.show_from) out["show_from"] = time_json(*a.show_from);
  if (a.show_until) out["show_until"] = time_json(*a.show_until);
  return out;
}

Json clip_json(const Clip& c) {
  Json placement = c.placement.kind == PlacementKind::rect
                       ? Json{{"rect", rect_json(c.placement.rect)}}
                       : Json{{"slot", c.placement.slot}};
  Json faces = Json::array();
  for (const auto& f : c.faces) {
    faces.push_back(Json{{"id", f.id}, {"keyframes", regions_json(f.keyframes)}});
  }
  Json redactions = Json::array();
  for (const auto& r : c.redactions) {
    redactions.push_back(Json{{"id", r.id},
                              {"shape", to_string(r.shape)},
                              {"mode", to_string(r.mode)},
                              {"strength_px", r.strength_px},
                              {"colour", colour_text(r.colour)},
                              {"keyframes", regions_json(r.keyframes)}});
  }
  Json annotations = Json::array();
  for (const auto& a : c.annotations) annotations.push_back(annotation_json(a));
  Json out{{"type", "clip"},
           {"id", c.id},
           {"recording_id", c.source.recording_id},
           {"stream", c.source.stream},
           {"source_size", Json{{"width", c.source_width_px}, {"height", c.source_height_px}}},
           {"in", time_json(c.source_in)},
           {"out", time_json(c.source_out)},
           {"start", time_json(c.start)},
           {"speed", rational_text(c.speed)},
           {"opacity", c.opacity},
           {"placement", placement},
           {"gain_db", c.gain_db},
           {"faces", faces},
           {"redactions", redactions},
           {"annotations", annotations}};
  if (c.freeze_at) out["freeze_at"] = time_json(*c.freeze_at);
  return out;
}

Json text_json(const TextItem& x) {
  return Json{{"type", "text"},
              {"id", x.id},
              {"text", x.text},
              {"subtitle", x.subtitle},
              {"start", time_json(x.start)},
              {"duration", time_json(x.duration)},
              {"position", to_string(x.position)},
              {"backdrop", to_string(x.backdrop)},
              {"size", x.size},
              {"colour", colour_text(x.colour)},
              {"background", colour_text(x.background)}};
}

Json track_json(const Track& t) {
  Json items = Json::array();
  for (const auto& c : t.clips) items.push_back(clip_json(c));
  for (const auto& x : t.texts) items.push_back(text_json(x));
  Json transitions = Json::array();
  for (const auto& tr : t.transitions) {
    transitions.push_back(Json{{"id", tr.id},
                               {"kind", to_string(tr.kind)},
                               {"from", tr.from_clip},
                               {"to", tr.to_clip},
                               {"duration", time_json(tr.duration)}});
  }
  Json layouts = Json::array();
  for (const auto& l : t.layouts) {
    layouts.push_back(Json{{"id", l.id},
                           {"start", time_json(l.start)},
                           {"duration", time_json(l.duration)},
                           {"layout", layout_json(l.layout)}});
  }
  return Json{{"id", t.id},     {"kind", to_string(t.kind)},  {"name", t.name},
              {"items", items}, {"transitions", transitions}, {"layouts", layouts}};
}

// One loader per file version. v2 will add {2, load_v2} and make load_v1 feed an upgrade.
using Loader = Result<Project> (*)(const Json&);
constexpr std::array<std::pair<int, Loader>, 1> kLoaders{{{1, &detail::load_project_v1}}};

}  // namespace

std::string save_project(const Project& p) {
  Json markers = Json::array();
  for (const auto& m : p.markers) {
    markers.push_back(Json{{"id", m.id},
                           {"kind", to_string(m.kind)},
                           {"time", time_json(m.time)},
                           {"label", m.label}});
  }
  Json tracks = Json::array();
  for (const auto& t : p.tracks) tracks.push_back(track_json(t));
  const Json doc{{"format", kProjectFormat},
                 {"version", kProjectVersion},
                 {"next_id", p.next_id},
                 {"output", Json{{"width", p.format.width_px},
                                 {"height", p.format.height_px},
                                 {"frame_rate", rational_text(p.format.frame_rate)},
                                 {"colour", p.format.colour},
                                 {"background", colour_text(p.format.background)}}},
                 {"metadata", Json{{"title", p.metadata.title},
                                   {"author", p.metadata.author},
                                   {"consent_reference", p.metadata.consent_reference},
                                   {"purpose", consent::to_string(p.metadata.purpose)}}},
                 {"layout", layout_json(p.layout)},
                 {"tracks", tracks},
                 {"markers", markers}};
  return doc.dump(2) + "\n";
}

Result<Project> load_project(std::string_view json_text) {
  auto doc = parse_json(json_text);
  if (!doc) return with_context(doc.error(), "project file");
  auto top = detail::Fields::of(*doc, "$");
  if (!top) return tl::unexpected(top.error());
  auto format = top->string("format");
  if (!format) return tl::unexpected(format.error());
  if (*format != kProjectFormat) {
    return fail(Errc::corrupt, "$.format: '" + *format + "' is not a clinvid project (expected '" +
                                   std::string(kProjectFormat) + "')");
  }
  auto version = top->integer("version");
  if (!version) return tl::unexpected(version.error());
  for (const auto& [v, loader] : kLoaders) {
    if (v != *version) continue;
    auto project = loader(*doc);
    if (!project) return project;
    if (auto valid = validate_project(*project); !valid) return tl::unexpected(valid.error());
    return project;
  }
  return fail(Errc::unsupported, "$.version: project file version " + std::to_string(*version) +
                                     " is not supported by this build (it reads up to " +
                                     std::to_string(kProjectVersion) + ")");
}

}  // namespace clinvid::timeline
