// Kinematics export as CSV: a commented header that says what the numbers are (calibration,
// frame rate, filter, units, sign conventions), then one row per frame.
//
//   # clinvid kinematics v1
//   # frame_rate: 60/1 fps
//   # calibration: scale 0.00555556 m/px from (51.5,342) (231.5,342), 1 m apart
//   # filter: Butterworth 2nd order low-pass, zero-phase (filtfilt), -3 dB at 6 Hz
//   # units: ...
//   frame,time_s,hip_x_m,hip_y_m,...,knee_flexion_deg
//
// The text is returned, not written: kinematics of a patient are patient data, and leaving the
// archive in plaintext is an explicit, permitted, audited export (DESIGN invariant 1), which
// the caller performs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/point.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"

namespace clinvid::analysis {

struct PointSeries {
  std::string name;            // "hip": columns hip_x_<unit>, hip_y_<unit>
  std::vector<Point2> values;  // world units, one per frame; kNoPoint where lost
};

struct ScalarSeries {
  std::string name;            // "knee_flexion": column knee_flexion_deg
  std::vector<double> values;  // in `unit`, one per frame; NaN where unknown
  std::string unit = "deg";    // "deg", or "m"/"px" for a distance
};

struct KinematicsTable {
  std::string recording;  // recording id, may be empty
  Rational frame_rate;    // exact; times are frame / frame_rate
  std::int64_t first_frame = 0;
  std::string calibration;        // Calibration::describe()
  std::string length_unit = "m";  // Calibration::unit(): "m" or "px"
  std::string filter = "none";    // LowPassSpec::describe() when filtered
  std::vector<PointSeries> points;
  std::vector<ScalarSeries> measurements;  // joint angles, distances: one column each
};

// Errc::invalid_argument when a name is not [a-z0-9_]+, names repeat, a unit is not deg, m or
// px, or series lengths differ. Lost samples are empty fields; metres with 6 decimals (um),
// pixels and degrees with 3.
[[nodiscard]] Result<std::string> kinematics_csv(const KinematicsTable& table);

}  // namespace clinvid::analysis
