#include "gst_test_env.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>

namespace clinvid::test {
namespace {

void check(const Status& status, const char* what) {
  if (!status) throw std::runtime_error(std::string(what) + ": " + status.error().message());
}

template <class T>
T take(Result<T> result, const char* what) {
  if (!result) throw std::runtime_error(std::string(what) + ": " + result.error().message());
  return std::move(*result);
}

PixelFormat pixel_format(GstVideoFormat format) {
  switch (format) {
    case GST_VIDEO_FORMAT_NV12: return PixelFormat::nv12;
    case GST_VIDEO_FORMAT_I420: return PixelFormat::i420;
    case GST_VIDEO_FORMAT_RGBA: return PixelFormat::rgba;
    case GST_VIDEO_FORMAT_YUY2: return PixelFormat::yuy2;
    case GST_VIDEO_FORMAT_BGRA: return PixelFormat::bgra;
    default: return PixelFormat::invalid;
  }
}

// Where this process keeps its GStreamer registry; removed at exit.
std::string& registry_dir() {
  static std::string dir;
  return dir;
}

}  // namespace

bool init_gstreamer(std::string* why) {
  static std::once_flag once;
  static bool loaded = false;
  static std::string reason;
  std::call_once(once, [] {
    // A registry of this process's own, in a fresh temporary directory, so that no cache in
    // ~/.cache or from an earlier build can stand in for the plugin just built and parallel
    // test processes never share one. Of the system's plugins only those the tests use are
    // visible (through symlinks), which keeps the scan short enough to run in-process: that
    // also works in sanitizer builds, where gst-plugin-scanner could not load the plugin.
    GError* error = nullptr;
    gchar* dir = g_dir_make_tmp("clinvid-gst-test-XXXXXX", &error);
    if (dir == nullptr) {
      reason = std::string("cannot make a temporary directory: ") + error->message;
      g_error_free(error);
      return;
    }
    registry_dir() = dir;
    g_free(dir);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(registry_dir(), ignored);
    });
    const std::filesystem::path system_plugins = registry_dir() + "/system-plugins";
    std::error_code ec;
    std::filesystem::create_directory(system_plugins, ec);
    // matroska … videoparsersbad: the age elements' tests record, demux and decode H.264.
    for (const char* name :
         {"libgstcoreelements.so", "libgstvideotestsrc.so", "libgstapp.so", "libgstmatroska.so",
          "libgstx264.so", "libgstlibav.so", "libgstvideoparsersbad.so"}) {
      if (!ec) {
        std::filesystem::create_symlink(std::filesystem::path(CLINVID_GST_SYSTEM_PLUGIN_DIR) / name,
                                        system_plugins / name, ec);
      }
    }
    if (ec) {
      reason = "cannot link the system plugins: " + ec.message();
      return;
    }
    // GStreamer reads the _1_0 variant of each variable in preference to the plain one.
    const auto set = [](const std::string& name, const std::string& value) {
      g_setenv(name.c_str(), value.c_str(), TRUE);
      g_setenv((name + "_1_0").c_str(), value.c_str(), TRUE);
    };
    set("GST_PLUGIN_SYSTEM_PATH", system_plugins.string());
    set("GST_PLUGIN_PATH", CLINVID_GST_PLUGIN_DIR);
    set("GST_REGISTRY", registry_dir() + "/registry.bin");
    set("GST_REGISTRY_FORK", "no");
    gst_init(nullptr, nullptr);
    GstPlugin* plugin = gst_registry_find_plugin(gst_registry_get(), "clinvid");
    if (plugin == nullptr) {
      reason = "plugin clinvid not found under " CLINVID_GST_PLUGIN_DIR;
      return;
    }
    const std::string filename = gst_plugin_get_filename(plugin);
    gst_object_unref(plugin);
    if (filename.rfind(CLINVID_GST_PLUGIN_DIR, 0) != 0) {
      reason = "plugin clinvid loaded from " + filename + ", not " CLINVID_GST_PLUGIN_DIR;
      return;
    }
    loaded = true;
  });
  if (why != nullptr) *why = reason;
  return loaded;
}

bool gpu_available(std::string* why) {
  static std::once_flag once;
  static bool available = false;
  static std::string reason;
  std::call_once(once, [] {
    if (!init_gstreamer(&reason)) return;
    ElementPtr element(gst_element_factory_make("clinvidcolor", nullptr));
    if (!element) {
      reason = "cannot create clinvidcolor";
      return;
    }
    BusPtr bus(gst_bus_new());
    gst_element_set_bus(element.get(), bus.get());
    available = gst_element_set_state(element.get(), GST_STATE_PAUSED) == GST_STATE_CHANGE_SUCCESS;
    if (!available) {
      MessagePtr error = pop_error(bus.get());
      reason = error ? describe(error.get()) : "clinvidcolor failed to start";
    }
    gst_element_set_state(element.get(), GST_STATE_NULL);
    gst_element_set_bus(element.get(), nullptr);
  });
  if (why != nullptr) *why = reason;
  return available;
}

MappedFrame::MappedFrame(const GstVideoInfo& info, GstBuffer* buffer, GstMapFlags flags)
    : mapped_(gst_video_frame_map(&frame_, &info, buffer, flags) != FALSE) {}

MappedFrame::~MappedFrame() {
  if (mapped_) gst_video_frame_unmap(&frame_);
}

FrameView MappedFrame::view() {
  FrameView v;
  v.format = pixel_format(GST_VIDEO_FRAME_FORMAT(&frame_));
  v.width = static_cast<std::uint32_t>(GST_VIDEO_FRAME_WIDTH(&frame_));
  v.height = static_cast<std::uint32_t>(GST_VIDEO_FRAME_HEIGHT(&frame_));
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES(&frame_); ++p) {
    v.planes[p] = static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame_, p));
    v.strides[p] = static_cast<std::size_t>(GST_VIDEO_FRAME_PLANE_STRIDE(&frame_, p));
  }
  return v;
}

ConstFrameView MappedFrame::const_view() const {
  return const_cast<MappedFrame*>(this)->view().as_const();
}

const char* to_string(Colorimetry c) noexcept {
  switch (c) {
    case Colorimetry::bt601_limited: return "bt601-limited";
    case Colorimetry::bt601_full: return "bt601-full";
    case Colorimetry::bt709_limited: return "bt709-limited";
    case Colorimetry::bt709_full: return "bt709-full";
  }
  return "?";
}

gpu::YuvParams yuv_params(Colorimetry c) noexcept {
  switch (c) {
    case Colorimetry::bt601_limited: return {gpu::YuvMatrix::bt601, gpu::YuvRange::limited};
    case Colorimetry::bt601_full: return {gpu::YuvMatrix::bt601, gpu::YuvRange::full};
    case Colorimetry::bt709_limited: return {gpu::YuvMatrix::bt709, gpu::YuvRange::limited};
    case Colorimetry::bt709_full: return {gpu::YuvMatrix::bt709, gpu::YuvRange::full};
  }
  return {};
}

GstVideoInfo video_info(const char* format, int width, int height, Colorimetry colorimetry) {
  GstVideoInfo info;
  gst_video_info_init(&info);
  const GstVideoFormat video_format = gst_video_format_from_string(format);
  if (gst_video_info_set_format(&info, video_format, static_cast<guint>(width),
                                static_cast<guint>(height)) == FALSE) {
    throw std::runtime_error(std::string("GStreamer refuses ") + format + " " +
                             std::to_string(width) + "x" + std::to_string(height));
  }
  info.fps_n = 30;
  info.fps_d = 1;
  if (GST_VIDEO_INFO_IS_YUV(&info)) {
    const gpu::YuvParams params = yuv_params(colorimetry);
    const bool bt709 = params.matrix == gpu::YuvMatrix::bt709;
    info.colorimetry.matrix = bt709 ? GST_VIDEO_COLOR_MATRIX_BT709 : GST_VIDEO_COLOR_MATRIX_BT601;
    info.colorimetry.range = params.range == gpu::YuvRange::full ? GST_VIDEO_COLOR_RANGE_0_255
                                                                 : GST_VIDEO_COLOR_RANGE_16_235;
    info.colorimetry.transfer = bt709 ? GST_VIDEO_TRANSFER_BT709 : GST_VIDEO_TRANSFER_BT601;
    info.colorimetry.primaries =
        bt709 ? GST_VIDEO_COLOR_PRIMARIES_BT709 : GST_VIDEO_COLOR_PRIMARIES_SMPTE170M;
  }
  return info;
}

CapsPtr caps_of(const GstVideoInfo& info) {
  return CapsPtr(gst_video_info_to_caps(&info));
}

BufferPtr random_frame(const GstVideoInfo& info, std::uint32_t seed) {
  BufferPtr buffer(gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&info), nullptr));
  GstMapInfo map;
  if (gst_buffer_map(buffer.get(), &map, GST_MAP_WRITE) == FALSE) {
    throw std::runtime_error("cannot map a new buffer");
  }
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  for (gsize i = 0; i < map.size; ++i) map.data[i] = static_cast<guint8>(byte(generator));
  gst_buffer_unmap(buffer.get(), &map);
  return buffer;
}

BufferPtr solid_frame(const GstVideoInfo& info, std::vector<std::uint8_t> values) {
  BufferPtr buffer(gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&info), nullptr));
  gst_buffer_memset(buffer.get(), 0, 0, GST_VIDEO_INFO_SIZE(&info));
  MappedFrame frame(info, buffer.get(), GST_MAP_WRITE);
  if (!frame.ok()) throw std::runtime_error("cannot map a new frame");
  const FrameView view = frame.view();
  for (int p = 0; p < plane_count(view.format); ++p) {
    const auto i = static_cast<std::size_t>(p);
    const PlaneExtent extent = plane_extent(view.format, view.width, view.height, p);
    for (std::uint32_t row = 0; row < extent.rows; ++row) {
      std::uint8_t* line = view.planes[i] + row * view.strides[i];
      for (std::size_t x = 0; x < extent.row_bytes; ++x) {
        if (view.format == PixelFormat::rgba || view.format == PixelFormat::bgra) {
          line[x] = values.at(x % 4);
        } else if (view.format == PixelFormat::yuy2) {
          line[x] = values.at(x % 2 == 0 ? 0 : (x % 4 == 1 ? 1 : 2));
        } else if (view.format == PixelFormat::nv12 && p == 1) {
          line[x] = values.at(1 + x % 2);
        } else {
          line[x] = values.at(i);
        }
      }
    }
  }
  return buffer;
}

Frame reference_output(const ConstFrameView& input, PixelFormat output_format,
                       const gpu::YuvParams& in_params, const gpu::YuvParams& out_params) {
  Frame output =
      take(Frame::allocate(output_format, input.width, input.height), "allocate reference output");
  colour::StandardiseSettings settings;
  settings.mode = colour::StandardiseMode::passthrough;
  settings.input_yuv = in_params;
  settings.output_yuv = out_params;
  check(colour::standardise_frame_cpu(input, output.view(), settings, nullptr),
        "standardise_frame_cpu");
  return output;
}

int max_abs_diff(const ConstFrameView& a, const ConstFrameView& b, std::string* where) {
  if (a.format != b.format || a.width != b.width || a.height != b.height) {
    if (where != nullptr) *where = "frames differ in format or size";
    return 256;
  }
  int worst = 0;
  for (int p = 0; p < plane_count(a.format); ++p) {
    const auto i = static_cast<std::size_t>(p);
    const PlaneExtent extent = plane_extent(a.format, a.width, a.height, p);
    for (std::uint32_t row = 0; row < extent.rows; ++row) {
      for (std::size_t x = 0; x < extent.row_bytes; ++x) {
        const int va = a.planes[i][row * a.strides[i] + x];
        const int vb = b.planes[i][row * b.strides[i] + x];
        if (std::abs(va - vb) > worst) {
          worst = std::abs(va - vb);
          if (where != nullptr) {
            *where = "plane " + std::to_string(p) + " row " + std::to_string(row) + " byte " +
                     std::to_string(x) + ": " + std::to_string(va) + " vs " + std::to_string(vb);
          }
        }
      }
    }
  }
  return worst;
}

MessagePtr pop_error(GstBus* bus) {
  return MessagePtr(gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR));
}

std::string describe(GstMessage* error_message) {
  GError* error = nullptr;
  gchar* debug = nullptr;
  gst_message_parse_error(error_message, &error, &debug);
  std::string text = std::string(g_quark_to_string(error->domain)) + ": " + error->message;
  if (debug != nullptr) text += std::string(" (") + debug + ")";
  g_error_free(error);
  g_free(debug);
  return text;
}

}  // namespace clinvid::test
