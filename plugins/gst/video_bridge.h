// Glue between GStreamer's video types and the engine's frame types, shared by the clinvid
// elements. No GObject here: plain functions over GstVideoFrame and GstVideoInfo.
#pragma once

#include <optional>

#include <gst/video/video.h>

#include "core/frame.hpp"
#include "core/result.hpp"
#include "gpu/yuv.hpp"

namespace clinvid::gst {

// The engine's format for a GStreamer one; PixelFormat::invalid when the engine has none.
[[nodiscard]] PixelFormat pixel_format(GstVideoFormat format) noexcept;

// The planes of a mapped frame as the engine sees them. Valid while `frame` stays mapped;
// write through it only when the frame was mapped with GST_MAP_WRITE. Fails for formats the
// engine lacks and for negative strides (bottom-up layouts).
[[nodiscard]] Result<FrameView> frame_view(const GstVideoFrame& frame);

// Matrix and range of a YUV video info: `matrix` and `range` when given, else its
// colorimetry. An unknown matrix follows GStreamer's default (BT.601 up to 576 lines, BT.709
// above), an unknown range is limited; any other matrix (BT.2020, SMPTE 240M, FCC) is
// Errc::unsupported, with a message that names the override.
[[nodiscard]] Result<gpu::YuvParams> yuv_params(const GstVideoInfo& info,
                                                std::optional<gpu::YuvMatrix> matrix,
                                                std::optional<gpu::YuvRange> range);

}  // namespace clinvid::gst
