#include "analysis/frame_measurement.hpp"

#include <cmath>
#include <string>

namespace clinvid::analysis {
namespace {

tl::unexpected<Error> bad(const std::string& where, const std::string& what) {
  return fail(Errc::corrupt, "at " + where + ": " + what);
}

std::size_t frame_point_count(MeasurementKind kind) {
  switch (kind) {
    case MeasurementKind::distance:
    case MeasurementKind::segment_angle: return 2;
    case MeasurementKind::angle: return 3;
    default: return 0;
  }
}

Result<FrameMeasurement> load_one(const Json& m, const std::string& where,
                                  std::span<const ReviewView> views) {
  FrameMeasurement out;
  auto view = json_get<std::int64_t>(m, "view", where);
  if (!view) return tl::unexpected(view.error());
  if (*view < 0 || *view >= static_cast<std::int64_t>(views.size())) {
    return bad(where + "/view", std::to_string(*view) + " is not a view of the review");
  }
  out.view = static_cast<std::size_t>(*view);
  auto frame = json_get<std::int64_t>(m, "frame", where);
  if (!frame) return tl::unexpected(frame.error());
  if (*frame < 0 || *frame >= views[out.view].frame_count) {
    return bad(where + "/frame", std::to_string(*frame) + " is outside the view's frames");
  }
  out.frame = *frame;
  auto kind = json_get<std::string>(m, "kind", where);
  if (!kind) return tl::unexpected(kind.error());
  for (MeasurementKind k :
       {MeasurementKind::distance, MeasurementKind::angle, MeasurementKind::segment_angle}) {
    if (to_string(k) == *kind) out.kind = k;
  }
  if (out.kind == MeasurementKind::invalid) {
    return bad(where + "/kind", "\"" + *kind + "\" is not distance, angle or segment_angle");
  }
  auto points = json_get<Json>(m, "points_px", where);
  if (!points) return tl::unexpected(points.error());
  if (!points->is_array() || points->size() != frame_point_count(out.kind)) {
    return bad(
        where + "/points_px",
        "a " + *kind + " takes " + std::to_string(frame_point_count(out.kind)) + " [x, y] points");
  }
  for (const Json& p : *points) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number()) {
      return bad(where + "/points_px", "each point is [x, y] in pixels");
    }
    out.points_px.push_back({p[0].get<double>(), p[1].get<double>()});
  }
  if (out.kind == MeasurementKind::segment_angle) {
    auto reference = json_get<std::string>(m, "reference", where);
    if (!reference) return tl::unexpected(reference.error());
    if (*reference == "vertical") {
      out.reference = Reference::vertical;
    } else if (*reference == "horizontal") {
      out.reference = Reference::horizontal;
    } else {
      return bad(where + "/reference", "\"" + *reference + "\" is not vertical or horizontal");
    }
  }
  auto label = json_get_or<std::string>(m, "label", where, "");
  if (!label) return tl::unexpected(label.error());
  out.label = *label;
  return out;
}

}  // namespace

Result<MeasuredValue> measure_frame(const Review& review, const FrameMeasurement& m) {
  if (m.view >= review.views.size()) {
    return fail(Errc::invalid_argument,
                "frame measurement: view " + std::to_string(m.view) + " is not in the review");
  }
  if (frame_point_count(m.kind) == 0 || m.points_px.size() != frame_point_count(m.kind)) {
    return fail(Errc::invalid_argument, "frame measurement: a " + std::string(to_string(m.kind)) +
                                            " with " + std::to_string(m.points_px.size()) +
                                            " points");
  }
  // World points: metres with y up when calibrated, pixels with y up when not, so angle signs
  // follow measure.hpp's conventions either way.
  const Calibration& calibration = review.views[m.view].calibration;
  const std::vector<Point2> world = calibration.to_world(m.points_px);
  switch (m.kind) {
    case MeasurementKind::distance: {
      const double d = distance(world[0], world[1]);
      if (calibration.kind() == CalibrationKind::pixels) return MeasuredValue{d, "px"};
      return MeasuredValue{d * 1000.0, "mm"};
    }
    case MeasurementKind::angle:
      return MeasuredValue{angle_at_vertex_deg(world[0], world[1], world[2]), "deg"};
    case MeasurementKind::segment_angle:
      if (m.reference == Reference::invalid) {
        return fail(Errc::invalid_argument, "frame measurement: segment angle without reference");
      }
      return MeasuredValue{segment_angle_deg(world[0], world[1], m.reference), "deg"};
    default: break;
  }
  return fail(Errc::invalid_argument, "frame measurement: unsupported kind");
}

Json frame_measurements_to_json(std::span<const FrameMeasurement> measurements) {
  Json out = Json::array();
  for (const FrameMeasurement& m : measurements) {
    Json points = Json::array();
    for (const Point2& p : m.points_px) points.push_back(Json::array({p.x, p.y}));
    Json item{{"view", m.view},
              {"frame", m.frame},
              {"kind", std::string(to_string(m.kind))},
              {"points_px", points},
              {"label", m.label}};
    if (m.kind == MeasurementKind::segment_angle) {
      item["reference"] = m.reference == Reference::vertical ? "vertical" : "horizontal";
    }
    out.push_back(item);
  }
  return out;
}

Result<std::vector<FrameMeasurement>> frame_measurements_from_json(
    const Json& array, std::span<const ReviewView> views) {
  if (!array.is_array()) return bad("/frame_measurements", "expected an array");
  std::vector<FrameMeasurement> out;
  for (std::size_t i = 0; i < array.size(); ++i) {
    auto m = load_one(array[i], "/frame_measurements/" + std::to_string(i), views);
    if (!m) return tl::unexpected(m.error());
    out.push_back(std::move(*m));
  }
  return out;
}

}  // namespace clinvid::analysis
