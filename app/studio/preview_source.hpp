// A camera's live preview while nothing records: a GStreamer pipeline ending in an appsink
// that hands the newest RGBA frame to the UI thread through a PreviewSlot.
//
// A built-in test camera (test://theatre, test://gait, test://flash) is drawn by the engine's
// own renderer (capture::render_test_frame), so the preview shows exactly what a recording of
// it will hold:
//
//   videotestsrc is-live=true pattern=black (+ a probe that draws the scene)
//     ! video/x-raw,format=I420,width=640,height=360,framerate=30/1
//     ! clinvidcolor ! video/x-raw,format=RGBA ! appsink
//
// v4l2://, rtsp:// and file:// cameras are decoded and scaled to I420 first. For display checks
// a videotestsrc pattern (smpte, ball) may stand in for a test camera's scene; it sends NV12 by
// default, as real cameras send YUV.
//
// clinvidcolor runs on the process's shared Vulkan device, so the caller installs the studio's
// gpu::Context with Context::install_shared() before start(). When the element is missing
// (the plugin was not built, or GST_PLUGIN_PATH points elsewhere) videoconvert stands in and
// converter() says so.
//
// While a session records, the camera belongs to the session: the preview source is stopped and
// the session's preview frames (I420) reach the same slot through publish_i420().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include "core/frame.hpp"
#include "core/result.hpp"
#include "gst_ptr.hpp"

namespace clinvid::studio {

// One RGBA frame, rows tightly packed (width * 4 bytes).
struct PreviewFrame {
  std::vector<std::uint8_t> rgba;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint64_t sequence = 0;  // 1 for the first frame of the pipeline; 0 = no frame

  // The frame as the engine sees RGBA (tightly packed rows).
  [[nodiscard]] ConstFrameView view() const noexcept;
};

// `pixels` (width * height * 4 bytes, tightly packed) as an RGBA frame the engine writes.
[[nodiscard]] FrameView rgba_view(std::vector<std::uint8_t>& pixels, std::uint32_t width,
                                  std::uint32_t height) noexcept;

// The latest frame of one camera. A single producer (the streaming thread) publishes; a
// single consumer (the UI thread) takes. The mutex is held only to swap vectors, never for a
// copy, so neither side waits on the other's work; frames the UI did not take in time are
// replaced (dropped), which is what a preview wants.
class PreviewSlot {
 public:
  // Producer. Copies `height` rows of `width` RGBA texels, `stride_bytes` apart.
  void publish(const std::uint8_t* rgba, std::size_t stride_bytes, std::uint32_t width,
               std::uint32_t height);
  // Consumer. When a frame newer than `frame.sequence` exists, swaps it into `frame` and
  // returns true; `frame`'s old storage is recycled by the producer.
  [[nodiscard]] bool take_newer(PreviewFrame& frame);
  // Frames published so far (any thread).
  [[nodiscard]] std::uint64_t published() const;
  // A copy of the newest frame (sequence 0 when none yet), for keeping it beyond the stream
  // (the ghost overlay). Any thread; copies under the lock, so not for every frame.
  [[nodiscard]] PreviewFrame copy_latest() const;

 private:
  mutable std::mutex mutex_;
  PreviewFrame latest_;          // guarded by mutex_
  PreviewFrame spare_;           // guarded by mutex_; the producer's next buffer
  std::uint64_t published_ = 0;  // guarded by mutex_
};

// What a test camera's preview shows: its own scene (what is recorded), or a videotestsrc
// pattern for display checks.
enum class TestPattern { invalid = 0, scene, smpte, ball };
[[nodiscard]] std::string_view to_string(TestPattern pattern) noexcept;
[[nodiscard]] TestPattern parse_test_pattern(std::string_view name) noexcept;

// The pixel format the test camera sends into the converter.
enum class CameraFormat { invalid = 0, nv12, i420, rgba };
[[nodiscard]] std::string_view to_string(CameraFormat format) noexcept;
[[nodiscard]] CameraFormat parse_camera_format(std::string_view name) noexcept;

enum class Converter {
  invalid = 0,
  clinvidcolor,  // our Vulkan element on the shared device
  videoconvert,  // fallback: clinvidcolor was not found or refused to start
};

struct PreviewSourceOptions {
  std::string camera_uri = "test://theatre";  // as capture::parse_source takes it
  TestPattern pattern = TestPattern::scene;   // test cameras only
  CameraFormat format = CameraFormat::nv12;   // with a videotestsrc pattern
  // The preview's size and rate; a test camera's own ?width=&height=&rate= win.
  std::uint32_t width = 640;
  std::uint32_t height = 360;
  std::uint32_t frames_per_second = 30;
};

// Threading: construct, poll_bus() and destroy on one thread (the capture controller's worker).
// The appsink callback runs on the streaming thread and touches only the slot.
class PreviewSource {
 public:
  // Errc::invalid_argument for a camera URI the engine does not accept. `slot` must outlive the
  // source.
  [[nodiscard]] static Result<std::unique_ptr<PreviewSource>> start(
      const PreviewSourceOptions& options, PreviewSlot& slot);
  // Stops the pipeline; when it returns the streaming thread no longer touches the slot.
  ~PreviewSource();
  PreviewSource(const PreviewSource&) = delete;
  PreviewSource& operator=(const PreviewSource&) = delete;
  PreviewSource(PreviewSource&&) = delete;
  PreviewSource& operator=(PreviewSource&&) = delete;

  [[nodiscard]] Converter converter() const noexcept { return converter_; }
  [[nodiscard]] const std::string& description() const noexcept { return description_; }
  // Why the fallback converter is in use; empty with clinvidcolor.
  [[nodiscard]] const std::string& converter_warning() const noexcept { return warning_; }

  // What the probe that draws a test camera's scene needs (preview_source.cpp).
  struct TestCamera;

  // Drains pipeline errors and warnings without blocking. Owner thread.
  void poll_bus();
  // The first error the pipeline reported; empty while it runs.
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  // Bus warnings, oldest first, at most a handful.
  [[nodiscard]] const std::vector<std::string>& bus_warnings() const noexcept {
    return bus_warnings_;
  }

 private:
  explicit PreviewSource(PreviewSlot& slot);  // out of line: TestCamera is complete there
  [[nodiscard]] Status launch(const PreviewSourceOptions& options, Converter converter);
  [[nodiscard]] Status install_test_camera(const PreviewSourceOptions& options);
  void stop() noexcept;
  static GstFlowReturn on_new_sample(GstAppSink* appsink, gpointer self) noexcept;

  PreviewSlot* slot_;
  std::unique_ptr<TestCamera> test_camera_;
  GstObjectPtr<GstElement> pipeline_;
  GstObjectPtr<GstBus> bus_;
  Converter converter_ = Converter::invalid;
  std::string description_;
  std::string warning_;
  std::string error_;
  std::vector<std::string> bus_warnings_;
};

// Publishes a packed I420 frame (a session's preview) into `slot` as RGBA (BT.709 limited range),
// subsampled by a whole factor so that it is at most `max_width` wide. Any thread.
void publish_i420(PreviewSlot& slot, const std::vector<std::uint8_t>& i420, std::uint32_t width,
                  std::uint32_t height, std::uint32_t max_width = 640);

// Points GStreamer at this build's plugins (CLINVID_GST_PLUGIN_DIR) unless GST_PLUGIN_PATH
// is already set, then initialises GStreamer. Call once, before any other thread starts.
[[nodiscard]] Status init_gstreamer();

}  // namespace clinvid::studio
