#include "video_bridge.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace clinvid::gst {
namespace {

struct GFreeDeleter {
  void operator()(gchar* text) const noexcept { g_free(text); }
};
using GCharPtr = std::unique_ptr<gchar, GFreeDeleter>;

}  // namespace

PixelFormat pixel_format(GstVideoFormat format) noexcept {
  switch (format) {
    case GST_VIDEO_FORMAT_NV12: return PixelFormat::nv12;
    case GST_VIDEO_FORMAT_I420: return PixelFormat::i420;
    case GST_VIDEO_FORMAT_RGBA: return PixelFormat::rgba;
    case GST_VIDEO_FORMAT_YUY2: return PixelFormat::yuy2;
    case GST_VIDEO_FORMAT_BGRA: return PixelFormat::bgra;
    default: return PixelFormat::invalid;
  }
}

Result<FrameView> frame_view(const GstVideoFrame& frame) {
  FrameView view;
  view.format = pixel_format(GST_VIDEO_FRAME_FORMAT(&frame));
  if (view.format == PixelFormat::invalid) {
    return fail(Errc::unsupported, std::string("unsupported video format ") +
                                       gst_video_format_to_string(GST_VIDEO_FRAME_FORMAT(&frame)));
  }
  const int width = GST_VIDEO_FRAME_WIDTH(&frame);
  const int height = GST_VIDEO_FRAME_HEIGHT(&frame);
  if (width <= 0 || height <= 0) return fail(Errc::invalid_argument, "frame has no pixels");
  view.width = static_cast<std::uint32_t>(width);
  view.height = static_cast<std::uint32_t>(height);
  const int planes = plane_count(view.format);
  if (static_cast<int>(GST_VIDEO_FRAME_N_PLANES(&frame)) != planes) {
    return fail(Errc::internal, "GStreamer and the engine disagree on the plane count");
  }
  for (int p = 0; p < planes; ++p) {
    const auto i = static_cast<std::size_t>(p);
    const int stride = GST_VIDEO_FRAME_PLANE_STRIDE(&frame, p);
    if (stride <= 0) return fail(Errc::unsupported, "negative or zero plane stride");
    view.strides[i] = static_cast<std::size_t>(stride);
    view.planes[i] = static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, p));
  }
  if (auto valid = validate(view.as_const()); !valid) return tl::unexpected(valid.error());
  return view;
}

Result<gpu::YuvParams> yuv_params(const GstVideoInfo& info, std::optional<gpu::YuvMatrix> matrix,
                                  std::optional<gpu::YuvRange> range) {
  gpu::YuvParams params;
  if (matrix) {
    params.matrix = *matrix;
  } else {
    switch (info.colorimetry.matrix) {
      case GST_VIDEO_COLOR_MATRIX_BT601: params.matrix = gpu::YuvMatrix::bt601; break;
      case GST_VIDEO_COLOR_MATRIX_BT709: params.matrix = gpu::YuvMatrix::bt709; break;
      case GST_VIDEO_COLOR_MATRIX_UNKNOWN:
        params.matrix =
            GST_VIDEO_INFO_HEIGHT(&info) > 576 ? gpu::YuvMatrix::bt709 : gpu::YuvMatrix::bt601;
        break;
      default: {
        const GCharPtr name(gst_video_colorimetry_to_string(&info.colorimetry));
        return fail(Errc::unsupported, std::string("colorimetry ") + (name ? name.get() : "?") +
                                           " has a YUV matrix other than BT.601/BT.709; set "
                                           "matrix=bt601 or matrix=bt709 to override");
      }
    }
  }
  if (range) {
    params.range = *range;
  } else {
    params.range = info.colorimetry.range == GST_VIDEO_COLOR_RANGE_0_255 ? gpu::YuvRange::full
                                                                         : gpu::YuvRange::limited;
  }
  return params;
}

}  // namespace clinvid::gst
