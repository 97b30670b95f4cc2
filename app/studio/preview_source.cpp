#include "preview_source.hpp"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <utility>

#include <fmt/format.h>
#include <gst/video/video.h>

#include "core/log.hpp"

namespace clinvid::studio {

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

std::string pipeline_description(const PreviewSourceOptions& options, Converter converter) {
  return fmt::format(
      "videotestsrc is-live=true pattern={} ! "
      "video/x-raw,format={},width={},height={},framerate={}/1 ! "
      "{} ! video/x-raw,format=RGBA ! appsink name=preview max-buffers=1 drop=true sync=true",
      to_string(options.pattern), gst_format_name(options.format), options.width, options.height,
      options.frames_per_second,
      converter == Converter::clinvidcolor ? "clinvidcolor" : "videoconvert");
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

std::string_view to_string(TestPattern pattern) noexcept {
  switch (pattern) {
    case TestPattern::smpte: return "smpte";
    case TestPattern::ball: return "ball";
    case TestPattern::invalid: break;
  }
  return "invalid";
}

TestPattern parse_test_pattern(std::string_view name) noexcept {
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

Result<std::unique_ptr<PreviewSource>> PreviewSource::start(const PreviewSourceOptions& options) {
  std::unique_ptr<PreviewSource> source(new PreviewSource());
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
  description_ = pipeline_description(options, converter);
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

  if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    poll_bus();
    std::string why = error_.empty() ? "state change to PLAYING failed" : error_;
    stop();
    return fail(Errc::media, fmt::format("preview pipeline `{}`: {}", description_, why));
  }
  log(LogLevel::info, kLogModule, "preview pipeline: {}", description_);
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
    static_cast<PreviewSource*>(self)->slot_.publish(
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
