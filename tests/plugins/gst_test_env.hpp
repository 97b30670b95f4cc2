// Shared by the plugin tests: GStreamer set up to load the plugin from the build tree, owners
// for the C handles the tests hold, and frames built and compared through the engine's CPU
// reference.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gst/app/gstappsink.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "colour/standardiser.hpp"
#include "core/frame.hpp"
#include "gpu/yuv.hpp"

namespace clinvid::test {

// gst_init once per process with GST_PLUGIN_PATH = the build's plugins/gst and a registry
// file of the test's own. Returns false (with `why`) when the plugin did not load from there.
bool init_gstreamer(std::string* why);
// Whether clinvidcolor starts here (opens the Vulkan device and builds its pipelines).
bool gpu_available(std::string* why);

struct HarnessDeleter {
  void operator()(GstHarness* h) const noexcept { gst_harness_teardown(h); }
};
struct ObjectDeleter {
  void operator()(gpointer object) const noexcept { gst_object_unref(object); }
};
struct MiniObjectDeleter {
  void operator()(gpointer object) const noexcept {
    gst_mini_object_unref(static_cast<GstMiniObject*>(object));
  }
};
struct GFreeDeleter {
  void operator()(gpointer p) const noexcept { g_free(p); }
};
using HarnessPtr = std::unique_ptr<GstHarness, HarnessDeleter>;
using ElementPtr = std::unique_ptr<GstElement, ObjectDeleter>;
using BusPtr = std::unique_ptr<GstBus, ObjectDeleter>;
using PadPtr = std::unique_ptr<GstPad, ObjectDeleter>;
using CapsPtr = std::unique_ptr<GstCaps, MiniObjectDeleter>;
using BufferPtr = std::unique_ptr<GstBuffer, MiniObjectDeleter>;
using MessagePtr = std::unique_ptr<GstMessage, MiniObjectDeleter>;
using SamplePtr = std::unique_ptr<GstSample, MiniObjectDeleter>;
using GCharPtr = std::unique_ptr<gchar, GFreeDeleter>;

// A mapped GstVideoFrame that unmaps itself.
class MappedFrame {
 public:
  MappedFrame(const GstVideoInfo& info, GstBuffer* buffer, GstMapFlags flags);
  ~MappedFrame();
  MappedFrame(const MappedFrame&) = delete;
  MappedFrame& operator=(const MappedFrame&) = delete;
  MappedFrame(MappedFrame&&) = delete;
  MappedFrame& operator=(MappedFrame&&) = delete;

  [[nodiscard]] bool ok() const noexcept { return mapped_; }
  [[nodiscard]] GstVideoFrame* get() noexcept { return &frame_; }
  [[nodiscard]] ConstFrameView const_view() const;
  [[nodiscard]] FrameView view();

 private:
  GstVideoFrame frame_{};
  bool mapped_ = false;
};

enum class Colorimetry { bt601_limited, bt601_full, bt709_limited, bt709_full };
[[nodiscard]] const char* to_string(Colorimetry c) noexcept;
[[nodiscard]] gpu::YuvParams yuv_params(Colorimetry c) noexcept;

// Video info for `format` ("NV12", "I420", "YUY2", "RGBA", "BGRA") at 30 fps; YUV formats get
// `colorimetry`.
[[nodiscard]] GstVideoInfo video_info(const char* format, int width, int height,
                                      Colorimetry colorimetry);
[[nodiscard]] CapsPtr caps_of(const GstVideoInfo& info);

// A buffer laid out as `info` says, every byte (padding too) from a seeded generator.
[[nodiscard]] BufferPtr random_frame(const GstVideoInfo& info, std::uint32_t seed);
// A buffer whose planes are filled with one value each (`plane_values[plane]`); RGBA planes
// take the four bytes of `rgba`.
[[nodiscard]] BufferPtr solid_frame(const GstVideoInfo& info, std::vector<std::uint8_t> values);

// CPU reference of what clinvidcolor without a profile makes of `input`: the engine's
// standardise_frame_cpu in passthrough mode (YUV decoded with the input's params, encoded
// with the output's, no 8-bit RGB step in between).
[[nodiscard]] Frame reference_output(const ConstFrameView& input, PixelFormat output_format,
                                     const gpu::YuvParams& in_params,
                                     const gpu::YuvParams& out_params);

// Largest absolute difference over the visible bytes of every plane; `where` describes it.
[[nodiscard]] int max_abs_diff(const ConstFrameView& a, const ConstFrameView& b,
                               std::string* where);

// Pops the first ERROR message on `bus` (nullptr when there is none).
[[nodiscard]] MessagePtr pop_error(GstBus* bus);
[[nodiscard]] std::string describe(GstMessage* error_message);

}  // namespace clinvid::test
