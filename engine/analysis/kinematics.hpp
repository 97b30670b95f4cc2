// From a review to numbers: the tracks of one view, smoothed with the review's low-pass
// filter, calibrated to world units, and the measurements the review requests computed for
// every frame, as a KinematicsTable ready for kinematics_csv (export.hpp).
#pragma once

#include <cstddef>

#include "analysis/export.hpp"
#include "analysis/review.hpp"
#include "core/result.hpp"

namespace clinvid::analysis {

enum class Smoothing { invalid = 0, none, lowpass };

// Points: every track of `view`, in the view's calibrated units (kNoPoint where lost).
// Series: each MeasurementRequest of that view, named by its label made column-safe
// ("R knee" -> "r_knee") or by its kind when unlabelled; angles in degrees, distances in
// the calibration's unit. Errc::out_of_range for a view index past the review's views;
// filter errors (a cutoff at or above Nyquist for this view's frame rate) are returned.
[[nodiscard]] Result<KinematicsTable> compute_kinematics(const Review& review, std::size_t view,
                                                         Smoothing smoothing);

}  // namespace clinvid::analysis
