// Shared vocabulary of engine/analysis: 2D points and the frame input every analysis step
// reads. Frames come from whoever owns the video (the media decoder, the capture preview, the
// synthetic walker); analysis never opens files itself.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>

#include "core/frame.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"

namespace clinvid::analysis {

// A point in image pixels (x right, y down, origin at the top-left corner of the top-left
// pixel, so the centre of pixel (i, j) is (i + 0.5, j + 0.5)) or in world units (metres,
// x forward along the plane of progression, y up); which one is in each name.
struct Point2 {
  double x = 0.0;
  double y = 0.0;

  [[nodiscard]] bool finite() const noexcept { return std::isfinite(x) && std::isfinite(y); }
  friend bool operator==(const Point2&, const Point2&) = default;
};

// A point with no value (a lost track sample, a frame outside a track).
inline constexpr Point2 kNoPoint{std::numeric_limits<double>::quiet_NaN(),
                                 std::numeric_limits<double>::quiet_NaN()};

// Frame `frame_index` (0-based) of a recording as an I420 view.
// Contract: the view stays valid until the next call on the same source; callers copy what
// they keep. Errors (decode failure, index out of range) are returned, never thrown.
using FrameSource = std::function<Result<ConstFrameView>(std::int64_t frame_index)>;

// One view's video as analysis sees it.
struct VideoInput {
  FrameSource source;
  Rational frame_rate;           // frames per second, exact (30000/1001 stays exact)
  std::int64_t frame_count = 0;  // frames 0 .. frame_count - 1 exist
};

}  // namespace clinvid::analysis
