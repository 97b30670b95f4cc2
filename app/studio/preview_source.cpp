#include "preview_source.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <utility>

#include <fmt/format.h>
#include <gst/video/video.h>

#include "capture/source.hpp"
#include "capture/test_pattern.hpp"
#include "core/frame.hpp"
#include "core/log.hpp"

namespace clinvid::studio {

struct PreviewSource::TestCamera {
  capture::TestScene scene = capture::TestScene::invalid;
  capture::TestSceneOptions scene_options;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  Rational rate;
};

PreviewSource::PreviewSource(PreviewSlot& slot) : slot_(&slot) {}

ConstFrameView PreviewFrame::view() const noexcept {
  ConstFrameView out;
  out.format = PixelFormat::rgba;
  out.width = width;
  out.height = height;
  out.planes[0] = rgba.data();
  out.strides[0] = std::size_t{width} * 4;
  return out;
}

FrameView rgba_view(std::vector<std::uint8_t>& pixels, std::uint32_t width,
                    std::uint32_t height) noexcept {
  FrameView out;
  out.format = PixelFormat::rgba;
  out.width = width;
  out.height = height;
  out.planes[0] = pixels.data();
  out.strides[0] = std::size_t{width} * 4;
  return out;
}

namespace {

constexpr std::string_view kLogModule = "studio.preview";
constexpr std::size_t kMaxBusWarnings = 8;
constexpr std::size_t kRgbaBytesPerTexel = 4;

std::string_view gst_format_name(CameraFormat format) noexcept {
  switch (format) {
    case CameraFormat::nv12: return "NV12";
    case CameraFormat::i420: return "I420";
    case CameraFormat::rgba: return "RGBA";
    case CameraFormat::invalid: break;
  }
  return "NV12";
}

const char* converter_element(Converter converter) noexcept {
  return converter == Converter::clinvidcolor ? "clinvidcolor" : "videoconvert";
}

constexpr const char* kPreviewSink =
    "video/x-raw,format=RGBA ! appsink name=preview max-buffers=1 drop=true sync=true";

// A camera that is not a test camera: decoded, converted and scaled to I420 at the preview size.
Result<std::string> device_part(const capture::SourceSpec& spec,
                                const PreviewSourceOptions& options) {
  const std::string scaled = fmt::format(
      " ! videoconvert ! videoscale ! video/x-raw,format=I420,width={},height={},"
      "pixel-aspect-ratio=1/1",
      options.width, options.height);
  switch (spec.kind) {
    case capture::SourceKind::v4l2:
      return fmt::format("v4l2src device={} ! decodebin", spec.location) + scaled;
    case capture::SourceKind::rtsp:
      return fmt::format("rtspsrc location=\"{}\" latency=200 ! decodebin", spec.location) + scaled;
    case capture::SourceKind::file:
      return fmt::format("uridecodebin uri=\"{}\" caps=video/x-raw ! clocksync", spec.location) +
             scaled;
    case capture::SourceKind::test:
    case capture::SourceKind::invalid: break;
  }
  return fail(Errc::invalid_argument, spec.uri + ": not a camera the preview can open");
}

Result<std::string> pipeline_description(const PreviewSourceOptions& options, Converter converter) {
  auto spec = capture::parse_source(options.camera_uri);
  if (!spec) return tl::unexpected(spec.error());
  std::string source;
  if (spec->kind != capture::SourceKind::test) {
    auto part = device_part(*spec, options);
    if (!part) return tl::unexpected(part.error());
    source = *part;
  } else if (options.pattern == TestPattern::scene) {
    const Rational rate = spec->rate.value_or(Rational::make(options.frames_per_second, 1).value());
    source = fmt::format(
        "videotestsrc name=src is-live=true pattern=black ! "
        "video/x-raw,format=I420,width={},height={},framerate={}/{},pixel-aspect-ratio=1/1,"
        "colorimetry=bt709",
        spec->width.value_or(options.width), spec->height.value_or(options.height), rate.num(),
        rate.den());
  } else {
    source = fmt::format(
        "videotestsrc is-live=true pattern={} ! video/x-raw,format={},width={},height={},"
        "framerate={}/1",
        to_string(options.pattern), gst_format_name(options.format), options.width, options.height,
        options.frames_per_second);
  }
  return fmt::format("{} ! {} ! {}", source, converter_element(converter), kPreviewSink);
}

bool element_exists(const char* factory_name) {
  GstObjectPtr<GstElementFactory> factory(gst_element_factory_find(factory_name));
  return factory != nullptr;
}

// "<element>: <message> (<debug>)" from an error or warning message.
std::string describe(GstMessage* message, bool is_error) {
  GError* raw_error = nullptr;
  gchar* raw_debug = nullptr;
  if (is_error) {
    gst_message_parse_error(message, &raw_error, &raw_debug);
  } else {
    gst_message_parse_warning(message, &raw_error, &raw_debug);
  }
  const GErrorPtr error(raw_error);
  const GCharPtr debug(raw_debug);
  std::string text =
      message->src != nullptr && message->src->name != nullptr ? message->src->name : "";
  text += ": ";
  text += error != nullptr ? error->message : "unknown error";
  if (debug != nullptr) text += fmt::format(" ({})", debug.get());
  return text;
}

}  // namespace

void PreviewSlot::publish(const std::uint8_t* rgba, std::size_t stride_bytes, std::uint32_t width,
                          std::uint32_t height) {
  PreviewFrame next;
  {
    const std::lock_guard lock(mutex_);
    next = std::move(spare_);
  }
  const std::size_t row_bytes = std::size_t{width} * kRgbaBytesPerTexel;
  next.rgba.resize(row_bytes * height);
  for (std::uint32_t row = 0; row < height; ++row) {
    std::memcpy(next.rgba.data() + row * row_bytes, rgba + row * stride_bytes, row_bytes);
  }
  next.width = width;
  next.height = height;
  const std::lock_guard lock(mutex_);
  next.sequence = ++published_;
  std::swap(latest_, next);
  spare_ = std::move(next);
}

bool PreviewSlot::take_newer(PreviewFrame& frame) {
  const std::lock_guard lock(mutex_);
  if (latest_.sequence <= frame.sequence) return false;
  std::swap(latest_, frame);
  return true;
}

std::uint64_t PreviewSlot::published() const {
  const std::lock_guard lock(mutex_);
  return published_;
}

PreviewFrame PreviewSlot::copy_latest() const {
  const std::lock_guard lock(mutex_);
  return latest_;
}

void publish_i420(PreviewSlot& slot, const std::vector<std::uint8_t>& i420, std::uint32_t width,
                  std::uint32_t height, std::uint32_t max_width) {
  const std::size_t luma_bytes = std::size_t{width} * height;
  const std::uint32_t chroma_width = (width + 1) / 2;
  const std::uint32_t chroma_height = (height + 1) / 2;
  const std::size_t chroma_bytes = std::size_t{chroma_width} * chroma_height;
  if (width == 0 || height == 0 || i420.size() < luma_bytes + 2 * chroma_bytes) return;
  const std::uint32_t step = std::max<std::uint32_t>(1, (width + max_width - 1) / max_width);
  const std::uint32_t out_width = width / step;
  const std::uint32_t out_height = height / step;
  thread_local std::vector<std::uint8_t> rgba;
  rgba.resize(std::size_t{out_width} * out_height * kRgbaBytesPerTexel);
  const std::uint8_t* y_plane = i420.data();
  const std::uint8_t* u_plane = y_plane + luma_bytes;
  const std::uint8_t* v_plane = u_plane + chroma_bytes;
  // BT.709 limited range in 16.16 fixed point; previews need no more than 8-bit accuracy.
  const auto clamp = [](int value) { return static_cast<std::uint8_t>(std::clamp(value, 0, 255)); };
  std::uint8_t* out = rgba.data();
  for (std::uint32_t row = 0; row < out_height; ++row) {
    const std::uint32_t y = row * step;
    for (std::uint32_t column = 0; column < out_width; ++column) {
      const std::uint32_t x = column * step;
      const int luma = (y_plane[std::size_t{y} * width + x] - 16) * 76309;
      const std::size_t chroma_at = std::size_t{y / 2} * chroma_width + x / 2;
      const int cb = u_plane[chroma_at] - 128;
      const int cr = v_plane[chroma_at] - 128;
      *out++ = clamp((luma + 117489 * cr + 32768) >> 16);
      *out++ = clamp((luma - 13975 * cb - 34925 * cr + 32768) >> 16);
      *out++ = clamp((luma + 138438 * cb + 32768) >> 16);
      *out++ = 255;
    }
  }
  slot.publish(rgba.data(), std::size_t{out_width} * kRgbaBytesPerTexel, out_width, out_height);
}

std::string_view to_string(TestPattern pattern) noexcept {
  switch (pattern) {
    case TestPattern::scene: return "scene";
    case TestPattern::smpte: return "smpte";
    case TestPattern::ball: return "ball";
    case TestPattern::invalid: break;
  }
  return "invalid";
}

TestPattern parse_test_pattern(std::string_view name) noexcept {
  if (name == "scene") return TestPattern::scene;
  if (name == "smpte") return TestPattern::smpte;
  if (name == "ball") return TestPattern::ball;
  return TestPattern::invalid;
}

std::string_view to_string(CameraFormat format) noexcept {
  switch (format) {
    case CameraFormat::nv12: return "nv12";
    case CameraFormat::i420: return "i420";
    case CameraFormat::rgba: return "rgba";
    case CameraFormat::invalid: break;
  }
  return "invalid";
}

CameraFormat parse_camera_format(std::string_view name) noexcept {
  if (name == "nv12") return CameraFormat::nv12;
  if (name == "i420") return CameraFormat::i420;
  if (name == "rgba") return CameraFormat::rgba;
  return CameraFormat::invalid;
}

Status init_gstreamer() {
  // Not overwritten when set: a developer pointing at another plugin build wins.
  if (setenv("GST_PLUGIN_PATH", CLINVID_GST_PLUGIN_DIR, 0) != 0) {
    return fail(Errc::io, "setenv GST_PLUGIN_PATH failed");
  }
  GError* raw_error = nullptr;
  if (gst_init_check(nullptr, nullptr, &raw_error) == FALSE) {
    const GErrorPtr error(raw_error);
    return fail(Errc::media, fmt::format("GStreamer did not initialise: {}",
                                         error != nullptr ? error->message : "unknown"));
  }
  return {};
}

Result<std::unique_ptr<PreviewSource>> PreviewSource::start(const PreviewSourceOptions& options,
                                                            PreviewSlot& slot) {
  // A camera URI the engine refuses is the caller's mistake, not a converter problem.
  if (auto spec = capture::parse_source(options.camera_uri); !spec) {
    return tl::unexpected(spec.error());
  }
  std::unique_ptr<PreviewSource> source(new PreviewSource(slot));
  if (!element_exists("clinvidcolor")) {
    const char* plugin_path = std::getenv("GST_PLUGIN_PATH");
    source->warning_ = fmt::format(
        "clinvidcolor was not found (GST_PLUGIN_PATH={}); the preview is converted by "
        "videoconvert on the CPU, without colour standardisation.",
        plugin_path != nullptr ? plugin_path : "unset");
    log(LogLevel::warn, kLogModule, "{}", source->warning_);
    if (auto launched = source->launch(options, Converter::videoconvert); !launched) {
      return tl::unexpected(launched.error());
    }
    return source;
  }
  auto launched = source->launch(options, Converter::clinvidcolor);
  if (launched) return source;
  source->warning_ = fmt::format(
      "clinvidcolor did not start ({}); the preview is converted by videoconvert on the CPU, "
      "without colour standardisation.",
      launched.error().message());
  log(LogLevel::warn, kLogModule, "{}", source->warning_);
  source->error_.clear();
  source->bus_warnings_.clear();
  if (auto fallback = source->launch(options, Converter::videoconvert); !fallback) {
    return tl::unexpected(fallback.error());
  }
  return source;
}

Status PreviewSource::launch(const PreviewSourceOptions& options, Converter converter) {
  stop();
  auto description = pipeline_description(options, converter);
  if (!description) return tl::unexpected(description.error());
  description_ = std::move(*description);
  converter_ = converter;
  GError* raw_error = nullptr;
  GstElement* raw_pipeline = gst_parse_launch(description_.c_str(), &raw_error);
  const GErrorPtr parse_error(raw_error);
  if (raw_pipeline == nullptr) {
    return fail(Errc::media, fmt::format("cannot build the preview pipeline `{}`: {}", description_,
                                         parse_error ? parse_error->message : "unknown"));
  }
  // gst_parse_launch returns a floating reference; own it.
  pipeline_.reset(static_cast<GstElement*>(gst_object_ref_sink(raw_pipeline)));
  if (parse_error) {
    return fail(Errc::media,
                fmt::format("preview pipeline `{}`: {}", description_, parse_error->message));
  }
  bus_.reset(gst_element_get_bus(pipeline_.get()));

  GstObjectPtr<GstElement> sink(
      gst_bin_get_by_name(reinterpret_cast<GstBin*>(pipeline_.get()), "preview"));
  if (!sink) return fail(Errc::internal, "the preview pipeline has no appsink");
  GstAppSinkCallbacks callbacks{};
  callbacks.new_sample = &PreviewSource::on_new_sample;
  gst_app_sink_set_callbacks(reinterpret_cast<GstAppSink*>(sink.get()), &callbacks, this, nullptr);
  if (auto installed = install_test_camera(options); !installed) return installed;

  if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    poll_bus();
    std::string why = error_.empty() ? "state change to PLAYING failed" : error_;
    stop();
    return fail(Errc::media, fmt::format("preview pipeline `{}`: {}", description_, why));
  }
  log(LogLevel::info, kLogModule, "preview pipeline: {}", description_);
  return {};
}

namespace {

// Streaming thread, called from C. Draws the scene's frame for the buffer's timestamp into the
// black frame videotestsrc made, as the session's test camera does, so preview and recording
// agree on what the camera shows at a given moment.
GstPadProbeReturn draw_test_scene(GstPad* /*pad*/, GstPadProbeInfo* info, gpointer user) noexcept {
  try {
    const auto* camera = static_cast<const PreviewSource::TestCamera*>(user);
    GstBuffer* buffer = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    GST_PAD_PROBE_INFO_DATA(info) = buffer;
    const GstClockTime pts = GST_BUFFER_PTS(buffer);
    const std::int64_t index = GST_CLOCK_TIME_IS_VALID(pts)
                                   ? static_cast<std::int64_t>(gst_util_uint64_scale_round(
                                         pts, static_cast<guint64>(camera->rate.num()),
                                         GST_SECOND * static_cast<guint64>(camera->rate.den())))
                                   : 0;
    GstVideoInfo video_info;
    gst_video_info_set_format(&video_info, GST_VIDEO_FORMAT_I420, camera->width, camera->height);
    GstVideoFrame frame;
    if (gst_video_frame_map(&frame, &video_info, buffer, GST_MAP_WRITE) == FALSE) {
      return GST_PAD_PROBE_OK;
    }
    FrameView view;
    view.format = PixelFormat::i420;
    view.width = camera->width;
    view.height = camera->height;
    for (std::size_t plane = 0; plane < 3; ++plane) {
      view.planes[plane] =
          static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, static_cast<int>(plane)));
      view.strides[plane] =
          static_cast<std::size_t>(GST_VIDEO_FRAME_PLANE_STRIDE(&frame, static_cast<int>(plane)));
    }
    const Status drawn =
        capture::render_test_frame(camera->scene, index, camera->scene_options, view);
    gst_video_frame_unmap(&frame);
    if (!drawn) log(LogLevel::error, kLogModule, "test camera: {}", drawn.error().message());
  } catch (const std::exception& error) {
    log(LogLevel::error, kLogModule, "test camera frame not drawn: {}", error.what());
  } catch (...) {
    return GST_PAD_PROBE_OK;
  }
  return GST_PAD_PROBE_OK;
}

}  // namespace

Status PreviewSource::install_test_camera(const PreviewSourceOptions& options) {
  auto spec = capture::parse_source(options.camera_uri);
  if (!spec) return tl::unexpected(spec.error());
  if (spec->kind != capture::SourceKind::test || options.pattern != TestPattern::scene) return {};
  auto camera = std::make_unique<TestCamera>();
  camera->scene = spec->scene;
  camera->scene_options = spec->scene_options;
  camera->width = spec->width.value_or(options.width);
  camera->height = spec->height.value_or(options.height);
  camera->rate = spec->rate.value_or(Rational::make(options.frames_per_second, 1).value());
  GstObjectPtr<GstElement> src(
      gst_bin_get_by_name(reinterpret_cast<GstBin*>(pipeline_.get()), "src"));
  if (!src) return fail(Errc::internal, "the test camera's preview has no source element");
  GstObjectPtr<GstPad> pad(gst_element_get_static_pad(src.get(), "src"));
  if (!pad) return fail(Errc::internal, "the test camera's source has no src pad");
  gst_pad_add_probe(pad.get(), GST_PAD_PROBE_TYPE_BUFFER, draw_test_scene, camera.get(), nullptr);
  test_camera_ = std::move(camera);
  return {};
}

PreviewSource::~PreviewSource() {
  stop();
}

void PreviewSource::stop() noexcept {
  if (pipeline_) {
    // Joins the streaming thread: no callback runs after this returns.
    gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
  }
  bus_.reset();
  pipeline_.reset();
}

void PreviewSource::poll_bus() {
  if (!bus_) return;
  const auto types = static_cast<GstMessageType>(GST_MESSAGE_ERROR | GST_MESSAGE_WARNING);
  while (GstMessagePtr message{gst_bus_pop_filtered(bus_.get(), types)}) {
    const bool is_error = message->type == GST_MESSAGE_ERROR;
    std::string text = describe(message.get(), is_error);
    log(is_error ? LogLevel::error : LogLevel::warn, kLogModule, "{}", text);
    if (is_error) {
      if (error_.empty()) error_ = std::move(text);
    } else if (bus_warnings_.size() < kMaxBusWarnings) {
      bus_warnings_.push_back(std::move(text));
    }
  }
}

GstFlowReturn PreviewSource::on_new_sample(GstAppSink* appsink, gpointer self) noexcept {
  // Streaming thread, called from C: nothing may escape.
  try {
    GstSamplePtr sample(gst_app_sink_pull_sample(appsink));
    if (!sample) return GST_FLOW_EOS;
    GstVideoInfo info;
    if (gst_video_info_from_caps(&info, gst_sample_get_caps(sample.get())) == FALSE) {
      return GST_FLOW_NOT_NEGOTIATED;
    }
    GstVideoFrame frame;
    if (gst_video_frame_map(&frame, &info, gst_sample_get_buffer(sample.get()), GST_MAP_READ) ==
        FALSE) {
      return GST_FLOW_ERROR;
    }
    struct Unmap {
      GstVideoFrame* frame;
      ~Unmap() { gst_video_frame_unmap(frame); }
    } const unmap{&frame};
    static_cast<PreviewSource*>(self)->slot_->publish(
        static_cast<const std::uint8_t*>(frame.data[0]),
        static_cast<std::size_t>(frame.info.stride[0]),
        static_cast<std::uint32_t>(frame.info.width),
        static_cast<std::uint32_t>(frame.info.height));
    return GST_FLOW_OK;
  } catch (const std::exception& error) {
    log(LogLevel::error, kLogModule, "preview frame dropped: {}", error.what());
    return GST_FLOW_ERROR;
  } catch (...) {
    return GST_FLOW_ERROR;
  }
}

}  // namespace clinvid::studio
