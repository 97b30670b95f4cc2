// The engine side of clinvidchart, free of GObject: finds the chart in sampled frames of a
// live stream, decides when it has held still long enough, and fits a profile to it.
//
// Stable means: consecutive detections whose corners moved less than kStableCornerPx and
// whose patch means changed by less than kStablePatchCode (8-bit code values) in every
// channel, spanning at least `stable_frames` frames of the stream. A stable run is reported
// once; moving the chart, or losing it, starts a new run.
//
// Threading: one watcher per element, used only from the streaming thread.
#pragma once

#include <cstdint>
#include <optional>

#include "colour/calibrate.hpp"
#include "colour/chart.hpp"
#include "colour/profile.hpp"
#include "core/frame.hpp"
#include "core/result.hpp"
#include "gpu/yuv.hpp"

namespace clinvid::gst {

inline constexpr double kStableCornerPx = 2.0;
inline constexpr double kStablePatchCode = 1.0;

struct StableChart {
  colour::ChartDetection detection;
  colour::CalibrationProfile profile;
  std::uint64_t frame = 0;  // the frame whose detection completed the run
};

// An RGBA copy of an RGBA, BGRA, NV12 or I420 frame (`yuv` decodes the YUV ones).
[[nodiscard]] Result<Frame> rgba_copy(const ConstFrameView& frame, const gpu::YuvParams& yuv);

class ChartWatcher {
 public:
  // Looks for the chart in `rgba` (frame number `frame` of the stream). Returns the stable
  // chart and its fitted profile at the detection that completes a run of `stable_frames`
  // frames, nullopt otherwise. An error only when a stable chart could not be fitted (the
  // run still counts as reported).
  [[nodiscard]] Result<std::optional<StableChart>> observe(
      const ConstFrameView& rgba, std::uint64_t frame, std::uint64_t stable_frames,
      const colour::CalibrationOptions& calibration);
  void reset() noexcept;

 private:
  std::optional<colour::ChartDetection> last_;
  std::uint64_t run_start_frame_ = 0;
  bool reported_ = false;
};

}  // namespace clinvid::gst
