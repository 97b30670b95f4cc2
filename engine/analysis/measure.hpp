// Measurements on points of one frame: distances, angles, and sagittal joint angles with the
// clinical sign conventions. Inputs are world points (Calibration::to_world: metres, y up) or,
// uncalibrated, pixel-unit points with y up; any NaN input gives a NaN result (a lost track).
#pragma once

#include "analysis/point.hpp"

namespace clinvid::analysis {

enum class Reference { invalid = 0, horizontal, vertical };
// The direction the subject walks in the image; mirrors the sign of hip and knee angles.
enum class Progression { invalid = 0, positive_x, negative_x };

[[nodiscard]] double distance(Point2 a, Point2 b) noexcept;

// The unsigned angle a-vertex-b in degrees, 0..180.
[[nodiscard]] double angle_at_vertex_deg(Point2 a, Point2 vertex, Point2 b) noexcept;

// The segment from -> to against a reference, signed, degrees:
// horizontal: from the +x axis, counter-clockwise positive (towards up), -180..180;
// vertical: from the downward vertical, positive when `to` lies at larger x, -180..180
// (a thigh hip -> knee inclined forward when walking towards +x is positive).
[[nodiscard]] double segment_angle_deg(Point2 from, Point2 to, Reference reference) noexcept;

// Hip flexion: thigh (hip -> knee) to the vertical, + when the knee is anterior. A 2D
// sagittal marker set has no pelvis segment, so this is the thigh's absolute angle (as in
// Kinovea's and most 2D protocols); pelvic tilt is not removed.
[[nodiscard]] double hip_flexion_deg(Point2 hip, Point2 knee, Progression progression) noexcept;
// Knee flexion: 0 with the thigh and shank aligned, + flexed (ankle behind the thigh line),
// - hyperextended.
[[nodiscard]] double knee_flexion_deg(Point2 hip, Point2 knee, Point2 ankle,
                                      Progression progression) noexcept;
// Ankle dorsiflexion: 0 when the foot axis (heel -> toe) is perpendicular to the shank
// (knee -> ankle), + toes towards the shank (dorsiflexion), - plantarflexion.
[[nodiscard]] double ankle_dorsiflexion_deg(Point2 knee, Point2 ankle, Point2 heel,
                                            Point2 toe) noexcept;

}  // namespace clinvid::analysis
