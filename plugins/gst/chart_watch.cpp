#include "chart_watch.h"

#include <cmath>
#include <cstring>
#include <utility>

namespace clinvid::gst {
namespace {

bool same_chart(const colour::ChartDetection& a, const colour::ChartDetection& b) {
  for (std::size_t k = 0; k < a.corners.size(); ++k) {
    const double dx = a.corners[k].x - b.corners[k].x;
    const double dy = a.corners[k].y - b.corners[k].y;
    if (std::hypot(dx, dy) >= kStableCornerPx) return false;
  }
  for (std::size_t i = 0; i < colour::kPatchCount; ++i) {
    for (std::size_t c = 0; c < 3; ++c) {
      const double delta = (a.patches[i].rgb[c] - b.patches[i].rgb[c]) * 255.0;
      if (std::abs(delta) >= kStablePatchCode) return false;
    }
  }
  return true;
}

}  // namespace

Result<Frame> rgba_copy(const ConstFrameView& frame, const gpu::YuvParams& yuv) {
  if (auto ok = validate(frame); !ok) return tl::unexpected(ok.error());
  auto rgba = Frame::allocate(PixelFormat::rgba, frame.width, frame.height);
  if (!rgba) return rgba;
  const FrameView dst = rgba->view();
  switch (frame.format) {
    case PixelFormat::nv12:
    case PixelFormat::i420:
      if (auto s = gpu::yuv_to_rgba_cpu(frame, dst, yuv); !s) return tl::unexpected(s.error());
      return rgba;
    case PixelFormat::rgba:
    case PixelFormat::bgra: {
      const bool swap = frame.format == PixelFormat::bgra;
      for (std::uint32_t y = 0; y < frame.height; ++y) {
        const std::uint8_t* in = frame.planes[0] + y * frame.strides[0];
        std::uint8_t* out = dst.planes[0] + y * dst.strides[0];
        if (!swap) {
          std::memcpy(out, in, std::size_t{frame.width} * 4);
          continue;
        }
        for (std::uint32_t x = 0; x < frame.width; ++x) {
          out[4 * x + 0] = in[4 * x + 2];
          out[4 * x + 1] = in[4 * x + 1];
          out[4 * x + 2] = in[4 * x + 0];
          out[4 * x + 3] = in[4 * x + 3];
        }
      }
      return rgba;
    }
    default: break;
  }
  return fail(Errc::unsupported,
              "chart detection cannot read " + std::string(to_string(frame.format)));
}

Result<std::optional<StableChart>> ChartWatcher::observe(
    const ConstFrameView& rgba, std::uint64_t frame, std::uint64_t stable_frames,
    const colour::CalibrationOptions& calibration) {
  auto detection = colour::detect_chart(rgba);
  if (!detection) {
    if (detection.error().code != Errc::not_found) return tl::unexpected(detection.error());
    reset();
    return std::optional<StableChart>{};
  }
  if (!last_ || !same_chart(*last_, *detection)) {
    run_start_frame_ = frame;
    reported_ = false;
  }
  last_ = *detection;
  if (reported_ || frame - run_start_frame_ < stable_frames) return std::optional<StableChart>{};
  reported_ = true;
  auto profile = colour::calibrate(*detection, calibration);
  if (!profile) return with_context(profile.error(), "fitting the stable chart");
  if (auto hash = colour::frame_sha256(rgba)) profile->chart_frame_sha256 = *hash;
  return std::optional<StableChart>{StableChart{*detection, std::move(*profile), frame}};
}

void ChartWatcher::reset() noexcept {
  last_.reset();
  run_start_frame_ = 0;
  reported_ = false;
}

}  // namespace clinvid::gst
