#include "video_io.h"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "image_io.h"

namespace clinvid::cli {
namespace {

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
using ElementPtr = std::unique_ptr<GstElement, ObjectDeleter>;
using BusPtr = std::unique_ptr<GstBus, ObjectDeleter>;
using MessagePtr = std::unique_ptr<GstMessage, MiniObjectDeleter>;
using SamplePtr = std::unique_ptr<GstSample, MiniObjectDeleter>;
using GCharPtr = std::unique_ptr<gchar, GFreeDeleter>;

// A playing pipeline that is set back to NULL, whatever happens, before it is released.
class Pipeline {
 public:
  explicit Pipeline(GstElement* pipeline) : pipeline_(pipeline) {}
  ~Pipeline() {
    if (pipeline_) gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
  }
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;
  Pipeline(Pipeline&&) = delete;
  Pipeline& operator=(Pipeline&&) = delete;

  [[nodiscard]] GstElement* get() const noexcept { return pipeline_.get(); }
  [[nodiscard]] ElementPtr element(const char* name) const {
    return ElementPtr(gst_bin_get_by_name(GST_BIN(pipeline_.get()), name));
  }

 private:
  ElementPtr pipeline_;
};

std::string describe_error(GstMessage* message) {
  GError* error = nullptr;
  gchar* debug = nullptr;
  gst_message_parse_error(message, &error, &debug);
  std::string text = error != nullptr ? error->message : "unknown error";
  if (debug != nullptr) text += std::string(" (") + debug + ")";
  if (error != nullptr) g_error_free(error);
  g_free(debug);
  return text;
}

Result<std::unique_ptr<Pipeline>> launch(const std::string& description) {
  GError* error = nullptr;
  GstElement* element = gst_parse_launch(description.c_str(), &error);
  if (error != nullptr) {
    const std::string message = error->message;
    g_error_free(error);
    if (element != nullptr) gst_object_unref(element);
    return fail(Errc::media, "cannot build the pipeline \"" + description + "\": " + message);
  }
  return std::make_unique<Pipeline>(element);
}

Result<std::string> file_uri(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return fail(Errc::not_found, "no such file: " + path.string());
  }
  GError* error = nullptr;
  const GCharPtr uri(gst_filename_to_uri(path.c_str(), &error));
  if (!uri) {
    const std::string message = error != nullptr ? error->message : "?";
    if (error != nullptr) g_error_free(error);
    return fail(Errc::invalid_argument, "cannot make a URI of " + path.string() + ": " + message);
  }
  return std::string(uri.get());
}

// The first ERROR on the bus, if any, without waiting.
std::optional<std::string> pending_error(GstElement* pipeline) {
  const BusPtr bus(gst_element_get_bus(pipeline));
  const MessagePtr message(gst_bus_pop_filtered(bus.get(), GST_MESSAGE_ERROR));
  if (!message) return std::nullopt;
  return describe_error(message.get());
}

Status set_playing(GstElement* pipeline, std::string_view what) {
  if (gst_element_set_state(pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    const auto error = pending_error(pipeline);
    return fail(Errc::media,
                std::string(what) + ": " + error.value_or("the pipeline did not start"));
  }
  return {};
}

Status visit_sample(GstSample* sample, const FrameVisitor& visitor, std::uint64_t max_pts_ns,
                    bool& keep_going) {
  GstVideoInfo info;
  if (gst_video_info_from_caps(&info, gst_sample_get_caps(sample)) == FALSE) {
    return fail(Errc::media, "decoded frame without video caps");
  }
  GstBuffer* buffer = gst_sample_get_buffer(sample);
  const std::uint64_t pts_ns = GST_BUFFER_PTS_IS_VALID(buffer) ? GST_BUFFER_PTS(buffer) : 0;
  if (pts_ns > max_pts_ns) {
    keep_going = false;
    return {};
  }
  GstVideoFrame frame;
  if (gst_video_frame_map(&frame, &info, buffer, GST_MAP_READ) == FALSE) {
    return fail(Errc::media, "cannot map a decoded frame");
  }
  ConstFrameView view;
  view.format = PixelFormat::rgba;
  view.width = static_cast<std::uint32_t>(GST_VIDEO_FRAME_WIDTH(&frame));
  view.height = static_cast<std::uint32_t>(GST_VIDEO_FRAME_HEIGHT(&frame));
  view.planes[0] = static_cast<const std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0));
  view.strides[0] = static_cast<std::size_t>(GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0));
  try {
    keep_going = visitor(view, pts_ns);
  } catch (...) {
    gst_video_frame_unmap(&frame);
    throw;
  }
  gst_video_frame_unmap(&frame);
  return {};
}

}  // namespace

Status init_gstreamer_with_plugin() {
  static std::once_flag once;
  static std::string problem;
  std::call_once(once, [] {
    GError* error = nullptr;
    if (gst_init_check(nullptr, nullptr, &error) == FALSE) {
      problem = std::string("GStreamer did not initialise: ") + (error ? error->message : "?");
      if (error != nullptr) g_error_free(error);
      return;
    }
    GstElementFactory* factory = gst_element_factory_find("clinvidcolor");
    if (factory == nullptr) {
      static_cast<void>(gst_registry_scan_path(gst_registry_get(), CLINVID_GST_PLUGIN_DIR));
      factory = gst_element_factory_find("clinvidcolor");
    }
    if (factory == nullptr) {
      problem =
          "the GStreamer element clinvidcolor is neither installed nor built "
          "in " CLINVID_GST_PLUGIN_DIR
          "; set GST_PLUGIN_PATH to the directory holding "
          "libgstclinvid.so";
      return;
    }
    gst_object_unref(factory);
  });
  if (!problem.empty()) return fail(Errc::not_found, problem);
  return {};
}

Status visit_video_frames(const std::filesystem::path& path, std::uint64_t max_pts_ns,
                          const FrameVisitor& visitor) {
  if (auto ok = init_gstreamer_with_plugin(); !ok) return ok;
  auto uri = file_uri(path);
  if (!uri) return tl::unexpected(uri.error());
  auto pipeline = launch(
      "uridecodebin name=src ! videoconvert ! video/x-raw,format=RGBA ! "
      "appsink name=sink sync=false max-buffers=4");
  if (!pipeline) return tl::unexpected(pipeline.error());
  g_object_set((*pipeline)->element("src").get(), "uri", uri->c_str(), nullptr);
  const ElementPtr sink = (*pipeline)->element("sink");
  if (auto s = set_playing((*pipeline)->get(), "cannot decode " + path.string()); !s) return s;

  constexpr GstClockTime kPullTimeout = 20 * GST_SECOND;
  for (bool keep_going = true; keep_going;) {
    const SamplePtr sample(gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), kPullTimeout));
    if (!sample) {
      if (auto error = pending_error((*pipeline)->get())) {
        return fail(Errc::media, "cannot decode " + path.string() + ": " + *error);
      }
      if (gst_app_sink_is_eos(GST_APP_SINK(sink.get())) != FALSE) return {};
      return fail(Errc::media, "no frame from " + path.string() + " within 20 s");
    }
    if (auto s = visit_sample(sample.get(), visitor, max_pts_ns, keep_going); !s) return s;
  }
  return {};
}

Status standardise_video(const std::filesystem::path& input, const std::filesystem::path& output,
                         const std::filesystem::path& profile) {
  if (auto ok = init_gstreamer_with_plugin(); !ok) return ok;
  auto uri = file_uri(input);
  if (!uri) return tl::unexpected(uri.error());
  const std::filesystem::path tmp = temporary_path(output);
  auto pipeline = launch(
      "uridecodebin name=src ! videoconvert ! clinvidcolor name=colour mode=standardise ! "
      "videoconvert ! video/x-raw,format=I420 ! x264enc speed-preset=faster ! "
      "video/x-h264,profile=high ! h264parse ! mp4mux ! filesink name=sink");
  if (!pipeline) return tl::unexpected(pipeline.error());
  g_object_set((*pipeline)->element("src").get(), "uri", uri->c_str(), nullptr);
  const ElementPtr colour = (*pipeline)->element("colour");
  // An older clinvidcolor found first in the registry would ignore the profile and write an
  // unstandardised film: refuse instead.
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(colour.get()), "profile") == nullptr) {
    return fail(Errc::unsupported,
                "the clinvidcolor element found has no 'profile' property (an older build?); "
                "set GST_PLUGIN_PATH to this build's plugins/gst");
  }
  g_object_set(colour.get(), "profile", profile.c_str(), nullptr);
  g_object_set((*pipeline)->element("sink").get(), "location", tmp.c_str(), nullptr);

  const auto cleanup = [&tmp] {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
  };
  if (auto s = set_playing((*pipeline)->get(), "cannot standardise " + input.string()); !s) {
    cleanup();
    return s;
  }
  const BusPtr bus(gst_element_get_bus((*pipeline)->get()));
  const MessagePtr message(
      gst_bus_timed_pop_filtered(bus.get(), GST_CLOCK_TIME_NONE,
                                 static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR)));
  const bool eos = message && GST_MESSAGE_TYPE(message.get()) == GST_MESSAGE_EOS;
  const std::string error = message && !eos ? describe_error(message.get()) : "";
  gst_element_set_state((*pipeline)->get(), GST_STATE_NULL);
  if (!eos) {
    cleanup();
    return fail(Errc::media, "cannot standardise " + input.string() + ": " + error);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, output, ec);
  if (ec) {
    cleanup();
    return fail(Errc::io,
                "cannot rename " + tmp.string() + " to " + output.string() + ": " + ec.message());
  }
  return {};
}

}  // namespace clinvid::cli
