// A calibration profile for test://theatre, made as a photographer makes one at the start of
// a session: the camera films a ColorChecker, and one frame of it calibrates the camera.
#pragma once

#include <cstdint>

#include "colour/calibrate.hpp"
#include "core/result.hpp"

namespace clinvid::capture {

// Renders test://theatre's first frame at `width` x `height` (I420, BT.709 limited, as a
// session negotiates it), decodes it to RGB and calibrates from its chart. Errors as
// colour::calibrate_frame (e.g. a frame too small for the chart to be found).
[[nodiscard]] Result<colour::CalibrationProfile> calibrate_test_theatre(std::uint32_t width,
                                                                        std::uint32_t height);

}  // namespace clinvid::capture
