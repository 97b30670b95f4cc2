#include "timeline/otio.hpp"

#include <fmt/format.h>

#include "core/json.hpp"

namespace clinvid::timeline {
namespace {

const Rational kHalf = Rational::make(1, 2).value();

Result<Json> rational_time(const Time& t, Rational rate) {
  auto frames = multiply(t, rate);  // t seconds × rate frames/second, exact
  if (!frames) return tl::unexpected(frames.error());
  return Json{
      {"OTIO_SCHEMA", "RationalTime.1"}, {"rate", rate.to_double()}, {"value", frames->seconds()}};
}

Result<Json> time_range(const Time& start, const Time& duration, Rational rate) {
  auto s = rational_time(start, rate);
  if (!s) return s;
  auto d = rational_time(duration, rate);
  if (!d) return d;
  return Json{{"OTIO_SCHEMA", "TimeRange.1"}, {"start_time", *s}, {"duration", *d}};
}

Json item_base(std::string_view schema, std::string name, Json source_range) {
  return Json{{"OTIO_SCHEMA", schema},
              {"name", std::move(name)},
              {"metadata", Json::object()},
              {"source_range", std::move(source_range)},
              {"effects", Json::array()},
              {"markers", Json::array()},
              {"enabled", true}};
}

Result<Json> clip_json(const Clip& c, const Time& duration, Rational rate) {
  const Time shown_from = c.freeze_at ? *c.freeze_at : c.source_in;
  auto range = time_range(shown_from, duration, rate);
  if (!range) return range;
  Json clip = item_base("Clip.2", c.id, *range);
  Json reference{{"OTIO_SCHEMA", "ExternalReference.1"},
                 {"name", c.source.recording_id},
                 {"metadata", Json::object()},
                 {"available_range", nullptr},
                 {"available_image_bounds", nullptr},
                 {"target_url",
                  fmt::format("clinvid-archive://{}/{}", c.source.recording_id, c.source.stream)}};
  clip["media_references"] = Json{{"DEFAULT_MEDIA", reference}};
  clip["active_media_reference_key"] = "DEFAULT_MEDIA";
  if (c.freeze_at) {
    clip["effects"].push_back(Json{{"OTIO_SCHEMA", "FreezeFrame.1"},
                                   {"name", ""},
                                   {"metadata", Json::object()},
                                   {"effect_name", "FreezeFrame"},
                                   {"time_scalar", 0.0}});
  } else if (c.speed != Rational()) {
    clip["effects"].push_back(Json{{"OTIO_SCHEMA", "LinearTimeWarp.1"},
                                   {"name", ""},
                                   {"metadata", Json::object()},
                                   {"effect_name", "LinearTimeWarp"},
                                   {"time_scalar", c.speed.to_double()}});
  }
  Json notes = Json::object();
  if (c.gain_db != 0) notes["gain_db"] = c.gain_db;
  if (!c.redactions.empty()) notes["redactions"] = c.redactions.size();
  if (!c.annotations.empty()) notes["annotations"] = c.annotations.size();
  if (c.opacity != 1.0) notes["opacity"] = c.opacity;
  if (!notes.empty()) clip["metadata"]["clinvid"] = notes;
  return clip;
}

Result<Json> track_json(const Track& track, Rational rate) {
  Json children = Json::array();
  Time cursor;
  for (const auto& c : track.clips) {
    if (cursor < c.start) {
      auto gap = subtract(c.start, cursor);
      if (!gap) return tl::unexpected(gap.error());
      auto range = time_range(Time(), *gap, rate);
      if (!range) return range;
      children.push_back(item_base("Gap.1", "", *range));
    }
    for (const auto& tr : track.transitions) {
      if (tr.to_clip != c.id || tr.kind == TransitionKind::cut) continue;
      auto half = multiply(tr.duration, kHalf);
      if (!half) return tl::unexpected(half.error());
      auto offset = rational_time(*half, rate);
      if (!offset) return offset;
      Json t{{"OTIO_SCHEMA", "Transition.1"},
             {"name", tr.id},
             {"metadata", Json::object()},
             {"transition_type",
              tr.kind == TransitionKind::cross_fade ? "SMPTE_Dissolve" : "Custom_Transition"},
             {"in_offset", *offset},
             {"out_offset", *offset}};
      if (tr.kind == TransitionKind::dip_to_black) {
        t["metadata"]["clinvid"] = Json{{"kind", "dip_to_black"}};
      }
      children.push_back(std::move(t));
    }
    auto duration = clip_duration(c);
    if (!duration) return tl::unexpected(duration.error());
    auto clip = clip_json(c, *duration, rate);
    if (!clip) return clip;
    children.push_back(std::move(*clip));
    auto end = add(c.start, *duration);
    if (!end) return tl::unexpected(end.error());
    cursor = *end;
  }
  Json out = item_base("Track.1", track.name.empty() ? track.id : track.name, nullptr);
  out["kind"] = track.kind == TrackKind::audio ? "Audio" : "Video";
  out["children"] = std::move(children);
  if (!track.layouts.empty()) {
    out["metadata"]["clinvid"] = Json{{"layout_sections", track.layouts.size()}};
  }
  return out;
}

}  // namespace

Result<std::string> export_otio(const Project& p) {
  const Rational rate = p.format.frame_rate;
  Json tracks = Json::array();
  std::size_t text_items = 0;
  for (const auto& track : p.tracks) {
    if (track.kind == TrackKind::overlay || track.kind == TrackKind::caption) {
      text_items += track.texts.size();
      continue;
    }
    auto t = track_json(track, rate);
    if (!t) return with_context(t.error(), "OTIO export of track " + track.id);
    tracks.push_back(std::move(*t));
  }
  Json markers = Json::array();
  for (const auto& m : p.markers) {
    auto range = time_range(m.time, Time(), rate);
    if (!range) return tl::unexpected(range.error());
    markers.push_back(Json{{"OTIO_SCHEMA", "Marker.2"},
                           {"name", m.label},
                           {"metadata", Json{{"clinvid", Json{{"kind", to_string(m.kind)}}}}},
                           {"color", m.kind == MarkerKind::chapter ? "GREEN" : "RED"},
                           {"comment", ""},
                           {"marked_range", *range}});
  }
  Json stack = item_base("Stack.1", "tracks", nullptr);
  stack["children"] = std::move(tracks);
  stack["markers"] = std::move(markers);
  const Json timeline{
      {"OTIO_SCHEMA", "Timeline.1"},
      {"name", p.metadata.title},
      {"metadata", Json{{"clinvid", Json{{"author", p.metadata.author},
                                         {"consent_reference", p.metadata.consent_reference},
                                         {"frame_rate", rational_text(rate)},
                                         {"text_items_not_exported", text_items}}}}},
      {"global_start_time", nullptr},
      {"tracks", std::move(stack)}};
  return timeline.dump(2) + "\n";
}

}  // namespace clinvid::timeline
