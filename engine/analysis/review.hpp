// A saved movement review: the views (which recording and stream, how each is synchronised,
// its calibration), the point tracks with their keyframes and tracked positions, the gait
// events, and the measurements the user asked for. Saved as versioned JSON (one loader per
// version); loading validates everything and names the offending field by JSON pointer,
// e.g. "at /tracks/2/keyframes/0/frame: -3 is negative".
//
// A review holds no pixels, only references to archive recordings; the file itself is patient
// data (positions, events) and is stored by the archive like any other (encrypted).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "analysis/calibration.hpp"
#include "analysis/filter.hpp"
#include "analysis/gait.hpp"
#include "analysis/measure.hpp"
#include "analysis/sync.hpp"
#include "analysis/tracking.hpp"
#include "core/json.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"

namespace clinvid::analysis {

inline constexpr int kReviewFormatVersion = 1;

struct ReviewView {
  std::string id;            // short name unique in the review: "side", "front"
  std::string recording_id;  // archive recording
  int stream_index = 0;      // video stream within the recording
  Rational frame_rate;
  std::int64_t frame_count = 0;
  Progression progression = Progression::positive_x;
  ViewSync sync;
  Calibration calibration;
};

struct ReviewTrack {
  std::size_t view = 0;  // index into Review::views
  Track track;           // frame_count equal to its view's
};

struct ReviewEvent {
  std::size_t view = 0;
  GaitEvent event;
};

enum class MeasurementKind {
  invalid = 0,
  distance,            // 2 points
  angle,               // 3 points, the vertex in the middle
  segment_angle,       // 2 points, against `reference`
  hip_flexion,         // hip, knee
  knee_flexion,        // hip, knee, ankle
  ankle_dorsiflexion,  // knee, ankle, heel, toe
};

[[nodiscard]] std::string_view to_string(MeasurementKind kind) noexcept;
// How many track names a measurement of `kind` takes.
[[nodiscard]] std::size_t point_count(MeasurementKind kind) noexcept;

struct MeasurementRequest {
  std::size_t view = 0;
  MeasurementKind kind = MeasurementKind::invalid;
  std::vector<std::string> points;           // track names in that view
  Reference reference = Reference::invalid;  // segment_angle only
  std::string label;
};

// A measurement placed by hand on one frame (the studio's distance and angle tools): image
// points, not tracks. distance: 2 points; angle: 3 (vertex in the middle); segment_angle: 2,
// against `reference`.
struct FrameMeasurement {
  std::size_t view = 0;
  std::int64_t frame = 0;
  MeasurementKind kind = MeasurementKind::invalid;
  std::vector<Point2> points_px;
  Reference reference = Reference::invalid;  // segment_angle only
  std::string label;
};

struct MeasuredValue {
  double value = 0.0;
  std::string unit;  // "deg", "mm" (scale or plane calibration) or "px"
};

struct Review {
  std::vector<ReviewView> views;
  std::vector<ReviewTrack> tracks;
  std::vector<ReviewEvent> events;
  std::vector<MeasurementRequest> measurements;
  std::vector<FrameMeasurement> frame_measurements;
  LowPassSpec filter;
};

// The value of a frame measurement with its view's calibration: distances in mm when
// calibrated, else px; angles in degrees (segment angles signed as segment_angle_deg, y up).
// Errc::invalid_argument for a kind other than distance/angle/segment_angle, a wrong point
// count or a view past the review's.
[[nodiscard]] Result<MeasuredValue> measure_frame(const Review& review, const FrameMeasurement& m);

[[nodiscard]] Json review_to_json(const Review& review);
// Errc::corrupt with the JSON pointer of the first problem; Errc::unsupported for a version
// newer than this build reads.
[[nodiscard]] Result<Review> review_from_json(const Json& document);

}  // namespace clinvid::analysis
