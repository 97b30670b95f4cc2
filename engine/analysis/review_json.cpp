#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "analysis/frame_measurement.hpp"
#include "analysis/review.hpp"

namespace clinvid::analysis {

std::string_view to_string(MeasurementKind kind) noexcept {
  switch (kind) {
    case MeasurementKind::distance: return "distance";
    case MeasurementKind::angle: return "angle";
    case MeasurementKind::segment_angle: return "segment_angle";
    case MeasurementKind::hip_flexion: return "hip_flexion";
    case MeasurementKind::knee_flexion: return "knee_flexion";
    case MeasurementKind::ankle_dorsiflexion: return "ankle_dorsiflexion";
    case MeasurementKind::invalid: break;
  }
  return "invalid";
}

std::size_t point_count(MeasurementKind kind) noexcept {
  switch (kind) {
    case MeasurementKind::distance:
    case MeasurementKind::segment_angle:
    case MeasurementKind::hip_flexion: return 2;
    case MeasurementKind::angle:
    case MeasurementKind::knee_flexion: return 3;
    case MeasurementKind::ankle_dorsiflexion: return 4;
    case MeasurementKind::invalid: break;
  }
  return 0;
}

namespace {

constexpr MeasurementKind kMeasurementKinds[] = {
    MeasurementKind::distance,      MeasurementKind::angle,
    MeasurementKind::segment_angle, MeasurementKind::hip_flexion,
    MeasurementKind::knee_flexion,  MeasurementKind::ankle_dorsiflexion};

std::string_view progression_name(Progression p) {
  return p == Progression::negative_x ? "negative_x" : "positive_x";
}

std::string_view reference_name(Reference r) {
  switch (r) {
    case Reference::horizontal: return "horizontal";
    case Reference::vertical: return "vertical";
    case Reference::invalid: break;
  }
  return "none";
}

char status_code(TrackStatus s) {
  switch (s) {
    case TrackStatus::keyframe: return 'k';
    case TrackStatus::tracked: return 't';
    case TrackStatus::lost: return 'l';
    case TrackStatus::invalid: break;
  }
  return '-';
}

Json number_or_null(double v) {
  return std::isfinite(v) ? Json(v) : Json(nullptr);
}

// Error at a JSON pointer.
tl::unexpected<Error> bad(const std::string& where, const std::string& what) {
  return fail(Errc::corrupt, "at " + where + ": " + what);
}

std::string at(std::string_view base, std::size_t index) {
  return std::string(base) + "/" + std::to_string(index);
}

// A required integer in [min, max].
Result<std::int64_t> get_index(const Json& object, std::string_view key, const std::string& where,
                               std::int64_t min, std::int64_t max) {
  auto value = json_get<std::int64_t>(object, key, where);
  if (!value) return tl::unexpected(value.error());
  const std::string field = where + "/" + std::string(key);
  if (*value < 0 && min >= 0) return bad(field, std::to_string(*value) + " is negative");
  if (*value < min || *value > max) {
    return bad(field, std::to_string(*value) + " is outside " + std::to_string(min) + ".." +
                          std::to_string(max));
  }
  return value;
}

Result<ReviewView> load_view(const Json& v, const std::string& where) {
  ReviewView view;
  auto id = json_get<std::string>(v, "id", where);
  if (!id) return tl::unexpected(id.error());
  if (id->empty()) return bad(where + "/id", "is empty");
  view.id = *id;
  auto recording = json_get<std::string>(v, "recording", where);
  if (!recording) return tl::unexpected(recording.error());
  view.recording_id = *recording;
  auto stream = get_index(v, "stream", where, 0, 1023);
  if (!stream) return tl::unexpected(stream.error());
  view.stream_index = static_cast<int>(*stream);
  auto rate_json = json_get<Json>(v, "frame_rate", where);
  if (!rate_json) return tl::unexpected(rate_json.error());
  auto rate = rational_from_json(*rate_json, where + "/frame_rate");
  if (!rate) return tl::unexpected(rate.error());
  view.frame_rate = *rate;
  auto count = get_index(v, "frame_count", where, 1, std::int64_t{1} << 40);
  if (!count) return tl::unexpected(count.error());
  view.frame_count = *count;
  auto progression = json_get_or<std::string>(v, "progression", where, "positive_x");
  if (!progression) return tl::unexpected(progression.error());
  if (*progression == "positive_x") {
    view.progression = Progression::positive_x;
  } else if (*progression == "negative_x") {
    view.progression = Progression::negative_x;
  } else {
    return bad(where + "/progression", "\"" + *progression + "\" is not positive_x or negative_x");
  }
  auto sync = json_get<Json>(v, "sync", where);
  if (!sync) return tl::unexpected(sync.error());
  const std::string sync_at = where + "/sync";
  auto method = json_get<std::string>(*sync, "method", sync_at);
  if (!method) return tl::unexpected(method.error());
  auto parsed = parse_sync_method(*method);
  if (!parsed) return bad(sync_at + "/method", parsed.error().detail);
  view.sync.method = *parsed;
  auto offset_json = json_get<Json>(*sync, "offset", sync_at);
  if (!offset_json) return tl::unexpected(offset_json.error());
  auto offset = time_from_json(*offset_json, sync_at + "/offset");
  if (!offset) return tl::unexpected(offset.error());
  view.sync.offset = *offset;
  if (aligned_on_event(view.sync.method)) {
    auto frame = get_index(*sync, "event_frame", sync_at, 0, view.frame_count - 1);
    if (!frame) return tl::unexpected(frame.error());
    view.sync.event_frame = *frame;
  } else if (view.sync.offset != Time{}) {
    return bad(sync_at + "/offset", "a view on the session clock has offset 0");
  }
  if (v.contains("calibration")) {
    auto calibration = Calibration::from_json(v["calibration"], where + "/calibration");
    if (!calibration) return tl::unexpected(calibration.error());
    view.calibration = std::move(*calibration);
  }
  return view;
}

Result<ReviewTrack> load_track(const Json& t, const std::string& where,
                               const std::vector<ReviewView>& views) {
  ReviewTrack out;
  auto view = get_index(t, "view", where, 0, static_cast<std::int64_t>(views.size()) - 1);
  if (!view) return tl::unexpected(view.error());
  out.view = static_cast<std::size_t>(*view);
  const std::int64_t frames = views[out.view].frame_count;
  auto name = json_get<std::string>(t, "name", where);
  if (!name) return tl::unexpected(name.error());
  if (name->empty()) return bad(where + "/name", "is empty");
  out.track = Track(*name, frames);
  auto keyframes = json_get<Json>(t, "keyframes", where);
  if (!keyframes) return tl::unexpected(keyframes.error());
  if (!keyframes->is_array()) return bad(where + "/keyframes", "expected an array");
  for (std::size_t i = 0; i < keyframes->size(); ++i) {
    const std::string k_at = at(where + "/keyframes", i);
    const Json& k = (*keyframes)[i];
    auto frame = get_index(k, "frame", k_at, 0, frames - 1);
    if (!frame) return tl::unexpected(frame.error());
    if (out.track.keyframes().count(*frame) != 0) {
      return bad(k_at + "/frame", std::to_string(*frame) + " repeats an earlier keyframe");
    }
    auto x = json_get<double>(k, "x_px", k_at);
    if (!x) return tl::unexpected(x.error());
    auto y = json_get<double>(k, "y_px", k_at);
    if (!y) return tl::unexpected(y.error());
    if (auto ok = out.track.set_keyframe(*frame, {*x, *y}); !ok)
      return bad(k_at, ok.error().detail);
  }
  if (!t.contains("samples")) return out;
  const Json& s = t["samples"];
  const std::string s_at = where + "/samples";
  auto status = json_get<std::string>(s, "status", s_at);
  if (!status) return tl::unexpected(status.error());
  auto xs = json_get<Json>(s, "x_px", s_at);
  if (!xs) return tl::unexpected(xs.error());
  auto ys = json_get<Json>(s, "y_px", s_at);
  if (!ys) return tl::unexpected(ys.error());
  const auto n = static_cast<std::size_t>(frames);
  if (status->size() != n || !xs->is_array() || !ys->is_array() || xs->size() != n ||
      ys->size() != n) {
    return bad(s_at, "status, x_px and y_px must each have frame_count (" + std::to_string(frames) +
                         ") entries");
  }
  for (std::size_t f = 0; f < n; ++f) {
    TrackSample sample;
    switch ((*status)[f]) {
      case 'k': sample.status = TrackStatus::keyframe; break;
      case 't': sample.status = TrackStatus::tracked; break;
      case 'l': sample.status = TrackStatus::lost; break;
      case '-': sample.status = TrackStatus::invalid; break;
      default:
        return bad(s_at + "/status", "character " + std::to_string(f) + " '" +
                                         std::string(1, (*status)[f]) + "' is not k, t, l or -");
    }
    const Json& x = (*xs)[f];
    const Json& y = (*ys)[f];
    const bool has_position =
        sample.status == TrackStatus::keyframe || sample.status == TrackStatus::tracked;
    if (has_position) {
      if (!x.is_number() || !y.is_number()) {
        return bad(at(s_at + "/x_px", f), "a " + std::string(to_string(sample.status)) +
                                              " sample needs numbers in x_px and y_px");
      }
      sample.position_px = {x.get<double>(), y.get<double>()};
    } else if (!x.is_null() || !y.is_null()) {
      return bad(at(s_at + "/x_px", f), "a lost or untracked sample has null x_px and y_px");
    }
    if (sample.status == TrackStatus::keyframe &&
        out.track.keyframes().count(static_cast<std::int64_t>(f)) == 0) {
      return bad(at(s_at + "/status", f), "marked keyframe but not in keyframes");
    }
    (void)out.track.set_sample(static_cast<std::int64_t>(f), sample);
  }
  return out;
}

Result<Review> load_v1(const Json& d) {
  Review review;
  if (d.contains("filter")) {
    auto cutoff = json_get<double>(d["filter"], "cutoff_hz", "/filter");
    if (!cutoff) return tl::unexpected(cutoff.error());
    if (!(*cutoff > 0.0))
      return bad("/filter/cutoff_hz", std::to_string(*cutoff) + " is not positive");
    review.filter.cutoff_hz = *cutoff;
  }
  auto views = json_get<Json>(d, "views", "");
  if (!views) return tl::unexpected(views.error());
  if (!views->is_array() || views->empty()) return bad("/views", "expected a non-empty array");
  std::set<std::string> view_ids;
  for (std::size_t i = 0; i < views->size(); ++i) {
    auto view = load_view((*views)[i], at("/views", i));
    if (!view) return tl::unexpected(view.error());
    if (!view_ids.insert(view->id).second) {
      return bad(at("/views", i) + "/id", "\"" + view->id + "\" repeats");
    }
    review.views.push_back(std::move(*view));
  }
  const auto last_view = static_cast<std::int64_t>(review.views.size()) - 1;

  const Json empty = Json::array();
  const Json& tracks = d.contains("tracks") ? d["tracks"] : empty;
  if (!tracks.is_array()) return bad("/tracks", "expected an array");
  std::set<std::pair<std::size_t, std::string>> track_names;
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    auto track = load_track(tracks[i], at("/tracks", i), review.views);
    if (!track) return tl::unexpected(track.error());
    if (!track_names.insert({track->view, track->track.name()}).second) {
      return bad(at("/tracks", i) + "/name",
                 "\"" + track->track.name() + "\" repeats in view " + std::to_string(track->view));
    }
    review.tracks.push_back(std::move(*track));
  }

  const Json& events = d.contains("events") ? d["events"] : empty;
  if (!events.is_array()) return bad("/events", "expected an array");
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string e_at = at("/events", i);
    const Json& e = events[i];
    ReviewEvent event;
    auto view = get_index(e, "view", e_at, 0, last_view);
    if (!view) return tl::unexpected(view.error());
    event.view = static_cast<std::size_t>(*view);
    auto frame = get_index(e, "frame", e_at, 0, review.views[event.view].frame_count - 1);
    if (!frame) return tl::unexpected(frame.error());
    event.event.frame = *frame;
    auto side = json_get<std::string>(e, "side", e_at);
    if (!side) return tl::unexpected(side.error());
    auto parsed_side = parse_side(*side);
    if (!parsed_side) return bad(e_at + "/side", parsed_side.error().detail);
    event.event.side = *parsed_side;
    auto kind = json_get<std::string>(e, "kind", e_at);
    if (!kind) return tl::unexpected(kind.error());
    auto parsed_kind = parse_gait_event_kind(*kind);
    if (!parsed_kind) return bad(e_at + "/kind", parsed_kind.error().detail);
    event.event.kind = *parsed_kind;
    auto origin = json_get_or<std::string>(e, "origin", e_at, "manual");
    if (!origin) return tl::unexpected(origin.error());
    auto parsed_origin = parse_event_origin(*origin);
    if (!parsed_origin) return bad(e_at + "/origin", parsed_origin.error().detail);
    event.event.origin = *parsed_origin;
    review.events.push_back(event);
  }

  const Json& measurements = d.contains("measurements") ? d["measurements"] : empty;
  if (!measurements.is_array()) return bad("/measurements", "expected an array");
  for (std::size_t i = 0; i < measurements.size(); ++i) {
    const std::string m_at = at("/measurements", i);
    const Json& m = measurements[i];
    MeasurementRequest request;
    auto view = get_index(m, "view", m_at, 0, last_view);
    if (!view) return tl::unexpected(view.error());
    request.view = static_cast<std::size_t>(*view);
    auto kind = json_get<std::string>(m, "kind", m_at);
    if (!kind) return tl::unexpected(kind.error());
    const auto* found = std::find_if(std::begin(kMeasurementKinds), std::end(kMeasurementKinds),
                                     [&](MeasurementKind k) { return to_string(k) == *kind; });
    if (found == std::end(kMeasurementKinds)) {
      return bad(m_at + "/kind", "unknown measurement \"" + *kind + "\"");
    }
    request.kind = *found;
    auto label = json_get_or<std::string>(m, "label", m_at, "");
    if (!label) return tl::unexpected(label.error());
    request.label = *label;
    auto points = json_get<std::vector<std::string>>(m, "points", m_at);
    if (!points) return tl::unexpected(points.error());
    if (points->size() != point_count(request.kind)) {
      return bad(m_at + "/points", "a " + *kind + " takes " +
                                       std::to_string(point_count(request.kind)) + " points, not " +
                                       std::to_string(points->size()));
    }
    for (std::size_t p = 0; p < points->size(); ++p) {
      if (track_names.count({request.view, (*points)[p]}) == 0) {
        return bad(at(m_at + "/points", p),
                   "no track \"" + (*points)[p] + "\" in view " + std::to_string(request.view));
      }
    }
    request.points = std::move(*points);
    if (request.kind == MeasurementKind::segment_angle) {
      auto reference = json_get<std::string>(m, "reference", m_at);
      if (!reference) return tl::unexpected(reference.error());
      if (*reference == "horizontal") {
        request.reference = Reference::horizontal;
      } else if (*reference == "vertical") {
        request.reference = Reference::vertical;
      } else {
        return bad(m_at + "/reference", "\"" + *reference + "\" is not horizontal or vertical");
      }
    }
    review.measurements.push_back(std::move(request));
  }
  if (d.contains("frame_measurements")) {
    auto placed = frame_measurements_from_json(d["frame_measurements"], review.views);
    if (!placed) return tl::unexpected(placed.error());
    review.frame_measurements = std::move(*placed);
  }
  return review;
}

}  // namespace

Json review_to_json(const Review& review) {
  Json views = Json::array();
  for (const ReviewView& v : review.views) {
    Json sync{{"method", std::string(to_string(v.sync.method))},
              {"offset", to_json(v.sync.offset)}};
    if (aligned_on_event(v.sync.method)) sync["event_frame"] = v.sync.event_frame;
    views.push_back({{"id", v.id},
                     {"recording", v.recording_id},
                     {"stream", v.stream_index},
                     {"frame_rate", to_json(v.frame_rate)},
                     {"frame_count", v.frame_count},
                     {"progression", std::string(progression_name(v.progression))},
                     {"sync", sync},
                     {"calibration", v.calibration.to_json()}});
  }
  Json tracks = Json::array();
  for (const ReviewTrack& t : review.tracks) {
    Json keyframes = Json::array();
    for (const auto& [frame, p] : t.track.keyframes()) {
      keyframes.push_back({{"frame", frame}, {"x_px", p.x}, {"y_px", p.y}});
    }
    std::string status;
    Json xs = Json::array();
    Json ys = Json::array();
    for (const TrackSample& s : t.track.samples()) {
      status += status_code(s.status);
      const bool has_position =
          s.status == TrackStatus::keyframe || s.status == TrackStatus::tracked;
      xs.push_back(has_position ? number_or_null(s.position_px.x) : Json(nullptr));
      ys.push_back(has_position ? number_or_null(s.position_px.y) : Json(nullptr));
    }
    tracks.push_back({{"view", t.view},
                      {"name", t.track.name()},
                      {"keyframes", keyframes},
                      {"samples", {{"status", status}, {"x_px", xs}, {"y_px", ys}}}});
  }
  Json events = Json::array();
  for (const ReviewEvent& e : review.events) {
    events.push_back({{"view", e.view},
                      {"side", std::string(to_string(e.event.side))},
                      {"kind", std::string(to_string(e.event.kind))},
                      {"frame", e.event.frame},
                      {"origin", std::string(to_string(e.event.origin))}});
  }
  Json measurements = Json::array();
  for (const MeasurementRequest& m : review.measurements) {
    Json item{{"view", m.view},
              {"kind", std::string(to_string(m.kind))},
              {"points", m.points},
              {"label", m.label}};
    if (m.kind == MeasurementKind::segment_angle) {
      item["reference"] = std::string(reference_name(m.reference));
    }
    measurements.push_back(item);
  }
  return {{"format", "clinvid-review"},
          {"version", kReviewFormatVersion},
          {"filter", {{"cutoff_hz", review.filter.cutoff_hz}}},
          {"views", views},
          {"tracks", tracks},
          {"events", events},
          {"measurements", measurements},
          {"frame_measurements", frame_measurements_to_json(review.frame_measurements)}};
}

Result<Review> review_from_json(const Json& document) {
  auto format = json_get<std::string>(document, "format", "");
  if (!format) return tl::unexpected(format.error());
  if (*format != "clinvid-review") {
    return bad("/format", "\"" + *format + "\" is not a clinvid-review");
  }
  auto version = json_get<std::int64_t>(document, "version", "");
  if (!version) return tl::unexpected(version.error());
  switch (*version) {
    case 1: return load_v1(document);
    default:
      if (*version > kReviewFormatVersion) {
        return fail(Errc::unsupported, "review version " + std::to_string(*version) +
                                           " is newer than this build reads (" +
                                           std::to_string(kReviewFormatVersion) + ")");
      }
      return bad("/version", std::to_string(*version) + " is not a review version");
  }
}

}  // namespace clinvid::analysis
