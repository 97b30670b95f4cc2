// The JSON form of a review's frame measurements (review.hpp: points placed by hand on one
// frame), read and written by review_json.cpp under "frame_measurements".
#pragma once

#include <span>
#include <vector>

#include "analysis/review.hpp"
#include "core/json.hpp"
#include "core/result.hpp"

namespace clinvid::analysis {

[[nodiscard]] Json frame_measurements_to_json(std::span<const FrameMeasurement> measurements);
// Errors name the JSON pointer under /frame_measurements (Errc::corrupt).
[[nodiscard]] Result<std::vector<FrameMeasurement>> frame_measurements_from_json(
    const Json& array, std::span<const ReviewView> views);

}  // namespace clinvid::analysis
