#include "analysis/kinematics.hpp"

#include <cctype>
#include <cmath>
#include <map>
#include <string>

#include "analysis/measure.hpp"

namespace clinvid::analysis {

namespace {

std::string column_name(const MeasurementRequest& m, std::size_t index) {
  std::string out;
  for (char c : m.label) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0) {
      out += static_cast<char>(std::tolower(u));
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (out.empty()) out = std::string(to_string(m.kind)) + "_" + std::to_string(index);
  return out;
}

double evaluate(const MeasurementRequest& m, const std::vector<Point2>& p, Progression dir) {
  switch (m.kind) {
    case MeasurementKind::distance: return distance(p[0], p[1]);
    case MeasurementKind::angle: return angle_at_vertex_deg(p[0], p[1], p[2]);
    case MeasurementKind::segment_angle: return segment_angle_deg(p[0], p[1], m.reference);
    case MeasurementKind::hip_flexion: return hip_flexion_deg(p[0], p[1], dir);
    case MeasurementKind::knee_flexion: return knee_flexion_deg(p[0], p[1], p[2], dir);
    case MeasurementKind::ankle_dorsiflexion: return ankle_dorsiflexion_deg(p[0], p[1], p[2], p[3]);
    case MeasurementKind::invalid: break;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

Result<KinematicsTable> compute_kinematics(const Review& review, std::size_t view,
                                           Smoothing smoothing) {
  if (view >= review.views.size()) {
    return fail(Errc::out_of_range, "kinematics: view " + std::to_string(view) + " of " +
                                        std::to_string(review.views.size()));
  }
  if (smoothing == Smoothing::invalid) {
    return fail(Errc::invalid_argument, "kinematics: smoothing not chosen");
  }
  const ReviewView& v = review.views[view];
  KinematicsTable table;
  table.recording = v.recording_id;
  table.frame_rate = v.frame_rate;
  table.calibration = v.calibration.describe();
  table.length_unit = std::string(v.calibration.unit());
  table.filter = smoothing == Smoothing::lowpass ? review.filter.describe() : "none";

  std::map<std::string, std::size_t> by_name;
  for (const ReviewTrack& t : review.tracks) {
    if (t.view != view) continue;
    std::vector<Point2> px = t.track.positions_px();
    if (smoothing == Smoothing::lowpass) {
      auto smoothed = smooth_positions(px, v.frame_rate, review.filter);
      if (!smoothed) {
        return with_context(smoothed.error(), "kinematics: track \"" + t.track.name() + "\"");
      }
      px = std::move(*smoothed);
    }
    by_name[t.track.name()] = table.points.size();
    table.points.push_back({t.track.name(), v.calibration.to_world(px)});
  }

  for (std::size_t i = 0; i < review.measurements.size(); ++i) {
    const MeasurementRequest& m = review.measurements[i];
    if (m.view != view) continue;
    std::vector<const std::vector<Point2>*> inputs;
    for (const std::string& name : m.points) {
      const auto found = by_name.find(name);
      if (found == by_name.end()) {
        return fail(Errc::invalid_argument, "kinematics: measurement " + std::to_string(i) +
                                                " names no track \"" + name + "\" in view " +
                                                std::to_string(view));
      }
      inputs.push_back(&table.points[found->second].values);
    }
    if (inputs.size() != point_count(m.kind)) {
      return fail(Errc::invalid_argument, "kinematics: measurement " + std::to_string(i) + " has " +
                                              std::to_string(inputs.size()) + " points, a " +
                                              std::string(to_string(m.kind)) + " takes " +
                                              std::to_string(point_count(m.kind)));
    }
    ScalarSeries series;
    series.name = column_name(m, i);
    series.unit = m.kind == MeasurementKind::distance ? table.length_unit : "deg";
    std::vector<Point2> at(inputs.size());
    for (std::int64_t f = 0; f < v.frame_count; ++f) {
      for (std::size_t k = 0; k < inputs.size(); ++k) {
        at[k] = (*inputs[k])[static_cast<std::size_t>(f)];
      }
      series.values.push_back(evaluate(m, at, v.progression));
    }
    table.measurements.push_back(std::move(series));
  }
  return table;
}

}  // namespace clinvid::analysis
