#include "doctor_checks.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gst/gst.h>
#include <unistd.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavcodec/version.h>
#include <libavformat/avformat.h>
#include <libavformat/version.h>
}

#include "core/paths.hpp"
#include "gpu/context.hpp"
#include "gpu/host_frame.hpp"

namespace clinvid::cli {
namespace {

namespace fs = std::filesystem;

CheckResult ok(std::string detail) {
  return {CheckStatus::ok, std::move(detail), {}};
}
CheckResult warn(std::string detail, std::string fix) {
  return {CheckStatus::warn, std::move(detail), std::move(fix)};
}
CheckResult failed(std::string detail, std::string fix) {
  return {CheckStatus::fail, std::move(detail), std::move(fix)};
}
std::string apt_install(std::string_view packages) {
  return fmt::format("sudo apt-get install {}", packages);
}

// --- GStreamer -------------------------------------------------------------------------

struct GstObjectUnref {
  void operator()(void* object) const noexcept { gst_object_unref(object); }
};
using FactoryPtr = std::unique_ptr<GstElementFactory, GstObjectUnref>;
using PluginPtr = std::unique_ptr<GstPlugin, GstObjectUnref>;

// gst_init once per process; the error text when it failed.
const std::string& gst_init_error() {
  static const std::string error = [] {
    GError* err = nullptr;
    if (gst_init_check(nullptr, nullptr, &err) != FALSE) return std::string();
    std::string text = err != nullptr ? err->message : "unknown error";
    if (err != nullptr) g_error_free(err);
    return text.empty() ? std::string("unknown error") : text;
  }();
  return error;
}

FactoryPtr find_factory(const char* element) {
  return FactoryPtr(gst_element_factory_find(element));
}

std::string describe_plugin(const FactoryPtr& factory) {
  auto* feature = reinterpret_cast<GstPluginFeature*>(factory.get());
  const PluginPtr plugin(gst_plugin_feature_get_plugin(feature));
  if (!plugin) return "built in";
  const char* filename = gst_plugin_get_filename(plugin.get());
  return fmt::format("plugin {} {}{}", gst_plugin_get_name(plugin.get()),
                     gst_plugin_get_version(plugin.get()),
                     filename != nullptr ? fmt::format(" ({})", filename) : std::string());
}

std::string gst_version() {
  char* text = gst_version_string();
  std::string out = text != nullptr ? text : "GStreamer";
  g_free(text);
  return out;
}

CheckResult check_gst_element(const char* element, std::string_view package) {
  if (!gst_init_error().empty()) {
    return failed("GStreamer did not initialise: " + gst_init_error(),
                  apt_install("libgstreamer1.0-0 gstreamer1.0-plugins-base"));
  }
  const FactoryPtr factory = find_factory(element);
  if (factory) return ok(describe_plugin(factory));
  return failed(fmt::format("no element '{}' in the registry of {}", element, gst_version()),
                apt_install(package));
}

// The project's own element. Found through the registry (installed, or GST_PLUGIN_PATH);
// failing that, in the build tree this binary came from, which works for clinvid itself
// but not for gst-launch-1.0 or other programs until GST_PLUGIN_PATH names it.
CheckResult check_clinvidcolor() {
  constexpr const char* kElement = "clinvidcolor";
  if (!gst_init_error().empty()) {
    return failed("GStreamer did not initialise: " + gst_init_error(),
                  apt_install("libgstreamer1.0-0"));
  }
  if (const FactoryPtr factory = find_factory(kElement)) return ok(describe_plugin(factory));

  const fs::path build_dir = CLINVID_GST_PLUGIN_DIR;
  const char* plugin_path_env = std::getenv("GST_PLUGIN_PATH");
  const std::string plugin_path = plugin_path_env != nullptr ? plugin_path_env : "";
  const std::string export_fix =
      plugin_path.empty()
          ? fmt::format("export GST_PLUGIN_PATH={}", build_dir.string())
          : fmt::format("export GST_PLUGIN_PATH={}:$GST_PLUGIN_PATH", build_dir.string());

  std::error_code ec;
  if (fs::is_directory(build_dir, ec)) {
    // The return value only says whether the registry changed, so look regardless.
    static_cast<void>(gst_registry_scan_path(gst_registry_get(), build_dir.c_str()));
    if (const FactoryPtr factory = find_factory(kElement)) {
      return warn(fmt::format("{}, found only in the build tree; other programs "
                              "(gst-launch-1.0) will not find it",
                              describe_plugin(factory)),
                  export_fix);
    }
  }
  return failed(fmt::format("not in the GStreamer registry ({}) and not built in {}",
                            plugin_path.empty() ? "GST_PLUGIN_PATH is unset"
                                                : "GST_PLUGIN_PATH=" + plugin_path,
                            build_dir.string()),
                fmt::format("cmake --build {} && {}",
                            build_dir.parent_path().parent_path().string(), export_fix));
}

struct ElementNeed {
  const char* element;
  const char* package;  // the Debian package that ships it
};

constexpr ElementNeed kElements[] = {
    {"x264enc", "gstreamer1.0-plugins-ugly"},      {"matroskamux", "gstreamer1.0-plugins-good"},
    {"mp4mux", "gstreamer1.0-plugins-good"},       {"qtdemux", "gstreamer1.0-plugins-good"},
    {"v4l2src", "gstreamer1.0-plugins-good"},      {"rtspsrc", "gstreamer1.0-plugins-good"},
    {"videoconvert", "gstreamer1.0-plugins-base"}, {"appsink", "gstreamer1.0-plugins-base"},
    {"videotestsrc", "gstreamer1.0-plugins-base"}, {"audiotestsrc", "gstreamer1.0-plugins-base"},
};

// --- FFmpeg ----------------------------------------------------------------------------

std::string libavcodec_package() {
  return fmt::format("libavcodec{}", LIBAVCODEC_VERSION_MAJOR);
}
std::string libavformat_package() {
  return fmt::format("libavformat{}", LIBAVFORMAT_VERSION_MAJOR);
}
std::string avcodec_version_text() {
  const unsigned v = avcodec_version();
  return fmt::format("libavcodec {}.{}.{}", v >> 16U, (v >> 8U) & 0xffU, v & 0xffU);
}
std::string avformat_version_text() {
  const unsigned v = avformat_version();
  return fmt::format("libavformat {}.{}.{}", v >> 16U, (v >> 8U) & 0xffU, v & 0xffU);
}

CheckResult codec_result(const AVCodec* codec, std::string_view what) {
  if (codec != nullptr) {
    return ok(fmt::format("{} ({}, {})", codec->name,
                          codec->long_name != nullptr ? codec->long_name : "",
                          avcodec_version_text()));
  }
  return failed(fmt::format("no {} in {}", what, avcodec_version_text()),
                apt_install(libavcodec_package()));
}

CheckResult check_libx264() {
  return codec_result(avcodec_find_encoder_by_name("libx264"), "libx264 encoder");
}
CheckResult check_h264_decoder() {
  return codec_result(avcodec_find_decoder(AV_CODEC_ID_H264), "H.264 decoder");
}
CheckResult check_aac_encoder() {
  return codec_result(avcodec_find_encoder(AV_CODEC_ID_AAC), "AAC encoder");
}

CheckResult check_muxer(const char* name) {
  if (const AVOutputFormat* format = av_guess_format(name, nullptr, nullptr)) {
    return ok(fmt::format("{} ({}, {})", format->name,
                          format->long_name != nullptr ? format->long_name : "",
                          avformat_version_text()));
  }
  return failed(fmt::format("no {} muxer in {}", name, avformat_version_text()),
                apt_install(libavformat_package()));
}

// --- Vulkan ----------------------------------------------------------------------------

CheckResult check_vulkan() {
  const std::string fix = apt_install("mesa-vulkan-drivers libvulkan1");
  const auto devices = gpu::Context::enumerate();
  if (!devices) return failed("no Vulkan: " + devices.error().message(), fix);
  const bool any_compute = std::any_of(devices->begin(), devices->end(),
                                       [](const auto& d) { return d.has_compute_queue; });
  if (!any_compute) {
    return failed(fmt::format("{} device(s), none with a compute queue", devices->size()), fix);
  }
  const char* spec = std::getenv("CLINVID_VK_DEVICE");
  const auto choice = gpu::choose_device(*devices, spec);
  if (!choice) {
    const bool has_override = spec != nullptr && *spec != '\0';
    return failed(
        choice.error().message(),
        has_override ? "unset CLINVID_VK_DEVICE or name a device `clinvid gpu-info` lists" : fix);
  }
  const auto it = std::find_if(devices->begin(), devices->end(),
                               [&](const auto& d) { return d.index == choice->index; });
  if (it == devices->end()) return ok(choice->reason);
  return ok(fmt::format("[{}] {} ({}, {}): {}", it->index, it->name, gpu::to_string(it->type),
                        it->driver_name, choice->reason));
}

// Where clinvidcolor's `auto` backend standardises live video, and whether the GPU path
// works on frames in place (clinvid's host frame pools) or copies them.
CheckResult check_live_colour() {
  const std::string gpu_fix =
      "a GPU with a Vulkan driver takes standardisation off the CPU (docs/recording.md)";
  auto context = gpu::Context::shared();
  if (!context)
    return warn("on the CPU: no Vulkan device (" + context.error().message() + ")", gpu_fix);
  const gpu::PhysicalDeviceInfo& info = (*context)->info();
  if (info.type == VK_PHYSICAL_DEVICE_TYPE_CPU) {
    return warn(fmt::format("on the CPU: the only Vulkan device, {}, is itself a CPU; "
                            "standardising adds 60-120 % to a 1080p camera's recording CPU",
                            info.name),
                gpu_fix);
  }
  const bool in_place = static_cast<bool>(gpu::HostFrameMemory::create(*context, 4096));
  return ok(fmt::format("on the GPU, {}: {}", info.name,
                        in_place ? "frames read and written in place"
                                 : "frames copied through staging memory (no host-cached "
                                   "memory type)"));
}

// --- tools on PATH ---------------------------------------------------------------------

// The first executable called `program` on PATH, or empty.
fs::path find_on_path(std::string_view program) {
  const char* path_env = std::getenv("PATH");
  const std::string_view path = path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find(':', start), path.size());
    const std::string_view dir = path.substr(start, end - start);
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / program;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return {};
}

CheckResult check_program(const char* program, std::string_view package) {
  const fs::path found = find_on_path(program);
  if (!found.empty()) return ok(found.string());
  return failed(fmt::format("{} not found on PATH", program), apt_install(package));
}

CheckResult check_xvfb() {
  std::vector<std::string> missing;
  for (const char* program : {"Xvfb", "xvfb-run"}) {
    if (find_on_path(program).empty()) missing.emplace_back(program);
  }
  if (missing.empty()) return ok(find_on_path("xvfb-run").string());
  return warn(fmt::format("{} not on PATH; needed only to run clinvid-studio headless",
                          fmt::join(missing, " and ")),
              apt_install("xvfb xauth"));
}

// --- disk ------------------------------------------------------------------------------

constexpr std::uintmax_t kGiB = std::uintmax_t{1} << 30U;
constexpr std::uintmax_t kWarnBelowBytes = 10 * kGiB;
constexpr std::uintmax_t kFailBelowBytes = 1 * kGiB;

// The archive may not exist yet; its free space is that of the nearest existing parent.
fs::path nearest_existing(fs::path path) {
  std::error_code ec;
  path = fs::absolute(path, ec);
  while (!path.empty() && !fs::exists(path, ec)) {
    if (path == path.parent_path()) break;
    path = path.parent_path();
  }
  return path;
}

CheckResult check_archive_space() {
  const fs::path archive = paths::default_archive();
  const fs::path existing = nearest_existing(archive);
  const std::string fix = fmt::format(
      "free space on the filesystem holding {}, or set CLINVID_ARCHIVE to a directory on a "
      "larger disk",
      existing.string());
  std::error_code ec;
  const fs::space_info space = fs::space(existing, ec);
  if (ec) {
    return failed(fmt::format("cannot read free space at {}: {}", existing.string(), ec.message()),
                  fix);
  }
  const double free_gib = static_cast<double>(space.available) / static_cast<double>(kGiB);
  const std::string detail = fmt::format("{:.1f} GiB free at {} (archive {})", free_gib,
                                         existing.string(), archive.string());
  if (space.available < kFailBelowBytes) return failed(detail + ", under 1 GiB", fix);
  if (space.available < kWarnBelowBytes) return warn(detail + ", under 10 GiB", fix);
  return ok(detail);
}

}  // namespace

std::string_view to_display(CheckStatus status) noexcept {
  switch (status) {
    case CheckStatus::ok: return "ok";
    case CheckStatus::warn: return "warn";
    case CheckStatus::fail: return "FAIL";
    case CheckStatus::invalid: break;
  }
  return "?";
}

std::string_view to_json_name(CheckStatus status) noexcept {
  switch (status) {
    case CheckStatus::ok: return "ok";
    case CheckStatus::warn: return "warn";
    case CheckStatus::fail: return "fail";
    case CheckStatus::invalid: break;
  }
  return "invalid";
}

std::vector<Check> doctor_checks() {
  std::vector<Check> checks;
  for (const ElementNeed& need : kElements) {
    checks.push_back({need.element, "gstreamer",
                      [need] { return check_gst_element(need.element, need.package); }});
  }
  checks.push_back({"clinvidcolor", "gstreamer", check_clinvidcolor});
  checks.push_back({"ffmpeg libx264 encoder", "ffmpeg", check_libx264});
  checks.push_back({"ffmpeg h264 decoder", "ffmpeg", check_h264_decoder});
  checks.push_back({"ffmpeg aac encoder", "ffmpeg", check_aac_encoder});
  checks.push_back({"ffmpeg mp4 muxer", "ffmpeg", [] { return check_muxer("mp4"); }});
  checks.push_back({"ffmpeg matroska muxer", "ffmpeg", [] { return check_muxer("matroska"); }});
  checks.push_back({"vulkan compute", "vulkan", check_vulkan});
  checks.push_back({"live colour standardisation", "vulkan", check_live_colour});
  checks.push_back({"age", "tools", [] { return check_program("age", "age"); }});
  checks.push_back({"age-keygen", "tools", [] { return check_program("age-keygen", "age"); }});
  checks.push_back({"archive disk space", "disk", check_archive_space});
  checks.push_back({"xvfb", "studio", check_xvfb});
  return checks;
}

}  // namespace clinvid::cli
