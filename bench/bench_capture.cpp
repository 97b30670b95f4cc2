// Recording capacity and the cost of a clinvid camera branch, in one run.
//
// 1. Cameras: how many simultaneous synthetic 1080p30 cameras (test://theatre, standardised
//    with a profile calibrated from the camera's own ColorChecker) this machine records with
//    zero dropped frames and full rate, through the engine's capture::Session (one pipeline),
//    trying 1, 2, 3 … until one fails.
// 2. CPU per frame: one clinvid camera branch (source → clinvidcolor with the profile → tee →
//    preview + x264 → matroskamux → clinvidagesink, encrypted) against a bare GStreamer pipeline
//    of the same source (the same rendered frames) → x264 with the same settings → the same
//    muxer → filesink, both live for the same time; CPU = this process's user+system time.
//    The difference is what standardisation, the preview tee and encryption cost.
//    And the GPU path's host side: the CPU clinvidcolor's calling thread spends per frame on
//    the GPU backend (the shader work itself runs on the device, or on lavapipe's own threads
//    where the only device is a CPU), added to the branch without standardisation.
//
// Usage: bench_capture [seconds=6] [max_cameras=6] [WIDTHxHEIGHT=1920x1080]
// Numbers are printed, never asserted (machines here are shared).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <sys/resource.h>

#include "capture/session.hpp"
#include "capture/source.hpp"
#include "capture/test_calibration.hpp"
#include "capture/test_pattern.hpp"
#include "colour/profile.hpp"
#include "colour/standardiser.hpp"
#include "core/frame.hpp"
#include "crypto/keys.hpp"
#include "gpu/context.hpp"
#include "gpu/host_frame.hpp"

using namespace clinvid;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto tv = [](timeval t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return tv(usage.ru_utime) + tv(usage.ru_stime);
}

// A profile calibrated from test://theatre's own chart, as a photographer would in theatre.
Result<fs::path> calibrate_theatre(const fs::path& dir, std::uint32_t w, std::uint32_t h) {
  auto profile = capture::calibrate_test_theatre(w, h);
  if (!profile) return tl::unexpected(profile.error());
  const fs::path path = dir / "theatre-profile.json";
  if (auto ok = colour::save_profile(path, *profile); !ok) return tl::unexpected(ok.error());
  return path;
}

// The process's threads.
std::set<pid_t> thread_ids() {
  std::set<pid_t> ids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc/self/task", ec)) {
    ids.insert(static_cast<pid_t>(std::atoll(entry.path().filename().c_str())));
  }
  return ids;
}

// CPU seconds a thread of this process has used: its CPU-time clock, as the kernel names it
// for a thread id (what pthread_getcpuclockid returns for a pthread_t). 0 once it has gone.
double thread_cpu_seconds(pid_t tid) {
  const auto clock = static_cast<clockid_t>((~static_cast<clockid_t>(tid) << 3) | 6);
  timespec ts{};
  if (clock_gettime(clock, &ts) != 0) return 0;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// The Vulkan driver's own threads: those that opening the process's device started. On
// lavapipe they are the "GPU" (its shader invocations run there); on a real GPU the shaders run
// on the device and these threads, if any, are the driver's host-side work.
struct VulkanDevice {
  std::string name;
  bool emulated = false;  // a CPU device (lavapipe)
  std::set<pid_t> threads;
  [[nodiscard]] double cpu_seconds() const {
    double sum = 0;
    for (const pid_t t : threads) sum += thread_cpu_seconds(t);
    return sum;
  }
};

std::optional<VulkanDevice> open_vulkan_device() {
  const std::set<pid_t> before = thread_ids();
  auto context = gpu::Context::shared();
  if (!context) return std::nullopt;
  VulkanDevice device;
  device.name = (*context)->info().name;
  device.emulated = (*context)->info().type == VK_PHYSICAL_DEVICE_TYPE_CPU;
  for (const pid_t t : thread_ids()) {
    if (before.count(t) == 0) device.threads.insert(t);
  }
  return device;
}

struct SessionRun {
  std::uint64_t frames = 0;   // all cameras
  std::uint64_t dropped = 0;  // all cameras
  double min_fps = 0;         // the slowest camera's frames / seconds
  double cpu_s = 0;
  double steady_cpu_s = 0;         // from 1 s after the start to the end: no start-up costs
  double steady_device_cpu_s = 0;  // of that, the Vulkan driver's own threads
  std::uint64_t steady_frames = 0;
  std::string colour_backend;  // where clinvidcolor ran: gpu or cpu
  std::string error;
};

SessionRun run_session(int cameras, double seconds, const fs::path& out,
                       const std::string& recipient, const fs::path& profile, std::uint32_t w,
                       std::uint32_t h) {
  capture::SessionConfig config;
  for (int i = 0; i < cameras; ++i) {
    // An empty profile: clinvidcolor passes colours through (still one pass over the frame).
    config.cameras.push_back({fmt::format("test://theatre?width={}&height={}", w, h), profile});
  }
  config.out_dir = out;
  config.recipients = {recipient};
  config.plugin_dir = fs::path(CLINVID_GST_PLUGIN_DIR);
  SessionRun run;
  auto session = capture::Session::create(std::move(config));
  if (!session) {
    run.error = session.error().message();
    return run;
  }
  const double cpu0 = cpu_seconds();
  if (auto ok = session->start(); !ok) {
    run.error = ok.error().message();
    return run;
  }
  const auto start = Clock::now();
  const auto frames_now = [&session] {
    std::uint64_t n = 0;
    for (const auto& s : session->stats()) n += s.frames;
    return n;
  };
  double steady_cpu0 = -1;
  std::uint64_t steady_frames0 = 0;
  while (session->poll(std::chrono::milliseconds(50)) == capture::SessionState::recording &&
         std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    if (steady_cpu0 < 0 && std::chrono::duration<double>(Clock::now() - start).count() >= 1.0) {
      steady_cpu0 = cpu_seconds();
      steady_frames0 = frames_now();
    }
  }
  run.steady_cpu_s = cpu_seconds() - steady_cpu0;
  run.steady_frames = frames_now() - steady_frames0;
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  auto manifest = session->stop();
  run.cpu_s = cpu_seconds() - cpu0;
  if (!manifest) {
    run.error = manifest.error().message();
    return run;
  }
  for (const auto& s : (*manifest)["streams"]) {
    if (s.contains("colour_backend")) run.colour_backend = s["colour_backend"].get<std::string>();
  }
  run.min_fps = 1e9;
  for (const auto& s : session->stats()) {
    run.frames += s.frames;
    run.dropped += s.dropped_frames;
    run.min_fps = std::min(run.min_fps, static_cast<double>(s.frames) / wall);
    if (s.state != capture::StreamState::complete) run.error = s.id + ": " + s.error;
  }
  return run;
}

// The bare peer: the same source frames (the same renderer on the same videotestsrc), x264 with
// the preset's settings, the same muxer, a plain filesink; live for `seconds`.
struct BareRun {
  std::uint64_t frames = 0;
  double cpu_s = 0;
  double steady_cpu_s = 0;
  std::uint64_t steady_frames = 0;
  std::string error;
};

struct BareSource {
  std::atomic<std::int64_t> frame{0};
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

// Draws test://theatre into videotestsrc's black frames, as the capture session does.
GstPadProbeReturn render_probe(GstPad*, GstPadProbeInfo* info, gpointer user) {
  auto* source = static_cast<BareSource*>(user);
  GstBuffer* buffer = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
  GST_PAD_PROBE_INFO_DATA(info) = buffer;
  GstVideoInfo vinfo;
  gst_video_info_set_format(&vinfo, GST_VIDEO_FORMAT_I420, source->width, source->height);
  GstVideoFrame frame;
  if (gst_video_frame_map(&frame, &vinfo, buffer, GST_MAP_WRITE) == FALSE) return GST_PAD_PROBE_OK;
  FrameView view;
  view.format = PixelFormat::i420;
  view.width = source->width;
  view.height = source->height;
  for (int p = 0; p < 3; ++p) {
    view.planes[static_cast<std::size_t>(p)] =
        static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, p));
    view.strides[static_cast<std::size_t>(p)] =
        static_cast<std::size_t>(GST_VIDEO_FRAME_PLANE_STRIDE(&frame, p));
  }
  static_cast<void>(
      capture::render_test_frame(capture::TestScene::theatre, source->frame++, {}, view));
  gst_video_frame_unmap(&frame);
  return GST_PAD_PROBE_OK;
}

BareRun run_bare(double seconds, const fs::path& out, std::uint32_t w, std::uint32_t h) {
  BareRun run;
  const auto preset = capture::find_preset("theatre-1080p30").value();
  const auto kbps = capture::bitrate_kbps(preset, w, h, preset.rate);
  const std::string description = fmt::format(
      "videotestsrc is-live=true pattern=black ! capsfilter name=srccaps "
      "caps=video/x-raw,format=I420,width={},height={},framerate=30/1,colorimetry=bt709 ! "
      "x264enc name=enc tune=zerolatency speed-preset={} key-int-max=30 bitrate={} "
      "vbv-buf-capacity=1000 ! video/x-h264,stream-format=avc,alignment=au ! "
      "matroskamux streamable=true ! filesink name=sink location={}",
      w, h, preset.x264_speed, kbps, (out / "bare.mkv").string());
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
  if (pipeline == nullptr) {
    run.error = error != nullptr ? error->message : "parse failed";
    if (error != nullptr) g_error_free(error);
    return run;
  }
  GstElement* enc = gst_bin_get_by_name(GST_BIN(pipeline), "enc");
  g_object_set(enc, "option-string", "nal-hrd=cbr:filler=1", nullptr);
  gst_object_unref(enc);
  BareSource state;
  state.width = w;
  state.height = h;
  GstElement* caps = gst_bin_get_by_name(GST_BIN(pipeline), "srccaps");
  GstPad* pad = gst_element_get_static_pad(caps, "src");
  gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, render_probe, &state, nullptr);
  gst_object_unref(pad);
  gst_object_unref(caps);
  const double cpu0 = cpu_seconds();
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const double steady_cpu0 = cpu_seconds();
  const std::int64_t steady_frames0 = state.frame.load();
  std::this_thread::sleep_for(std::chrono::duration<double>(std::max(0.5, seconds - 1.0)));
  run.steady_cpu_s = cpu_seconds() - steady_cpu0;
  run.steady_frames = static_cast<std::uint64_t>(state.frame.load() - steady_frames0);
  gst_element_send_event(pipeline, gst_event_new_eos());
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* message = gst_bus_timed_pop_filtered(
      bus, 30 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  if (message != nullptr) gst_message_unref(message);
  gst_object_unref(bus);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  run.cpu_s = cpu_seconds() - cpu0;
  run.frames = static_cast<std::uint64_t>(state.frame.load());
  gst_object_unref(pipeline);
  return run;
}

struct GpuHost {
  int frames = 0;
  double host_ms = 0;        // the calling thread's CPU per frame
  double device_ms = 0;      // GPU timestamps per frame
  double device_cpu_ms = 0;  // the driver threads' CPU per frame (lavapipe: the shader work)
  std::string error;
};

// An I420 frame in `memory` (GStreamer's layout: planes back to back, rows padded to 4 bytes).
FrameView host_view(const gpu::HostFrameMemory& memory, std::uint32_t w, std::uint32_t h) {
  const PackedLayout layout = packed_layout(PixelFormat::i420, w, h);
  FrameView view;
  view.format = PixelFormat::i420;
  view.width = w;
  view.height = h;
  for (std::size_t i = 0; i < 3; ++i) {
    view.planes[i] = reinterpret_cast<std::uint8_t*>(memory.data()) + layout.offsets[i];
    view.strides[i] = layout.strides[i];
  }
  return view;
}

// Standardises I420 test://theatre frames with the profile on the GPU backend, as clinvidcolor
// does in the branch, and measures the calling thread's CPU time. `in_place`: the frames lie
// in host frame memory, as they do in a capture branch (clinvidcolor's pools); otherwise in
// ordinary memory, copied through staging buffers.
GpuHost measure_gpu_host(const fs::path& profile_path, std::uint32_t w, std::uint32_t h,
                         const VulkanDevice& device, bool in_place) {
  GpuHost out;
  auto profile = colour::load_profile(profile_path);
  auto context = gpu::Context::shared();
  if (!profile || !context) {
    out.error = !profile ? profile.error().message() : context.error().message();
    return out;
  }
  auto standardiser = colour::Standardiser::create(colour::Standardiser::Backend::gpu, *context);
  if (!standardiser) {
    out.error = standardiser.error().message();
    return out;
  }
  if (auto ok = (*standardiser)->set_correction(profile->correction); !ok) {
    out.error = ok.error().message();
    return out;
  }
  auto src_frame = Frame::allocate(PixelFormat::i420, w, h);
  auto dst_frame = Frame::allocate(PixelFormat::i420, w, h);
  const std::size_t bytes = packed_layout(PixelFormat::i420, w, h).size_bytes;
  auto src_memory = gpu::HostFrameMemory::create(*context, bytes);
  auto dst_memory = gpu::HostFrameMemory::create(*context, bytes);
  if (!src_frame || !dst_frame || !src_memory || !dst_memory) {
    out.error = "cannot allocate frames";
    return out;
  }
  const FrameView src = in_place ? host_view(**src_memory, w, h) : src_frame->view();
  const FrameView dst = in_place ? host_view(**dst_memory, w, h) : dst_frame->view();
  colour::StandardiseSettings settings;
  settings.mode = colour::StandardiseMode::standardise;
  settings.input_yuv = gpu::YuvParams{};
  settings.output_yuv = gpu::YuvParams{};
  const auto render = [&](std::int64_t frame) {
    return capture::render_test_frame(capture::TestScene::theatre, frame, {}, src);
  };
  const auto standardise = [&] { return (*standardiser)->process(src.as_const(), dst, settings); };
  // The first frame builds pipelines and buffers: outside the measurement.
  if (auto ok = render(0).and_then(standardise); !ok) {
    out.error = ok.error().message();
    return out;
  }
  // Long enough to average, short enough for lavapipe's fraction of a second per 1080p frame.
  out.frames = device.emulated ? 8 : 120;
  double host_s = 0;
  double device_ns = 0;
  const double device_cpu0 = device.cpu_seconds();
  const auto self = static_cast<pid_t>(gettid());
  for (int i = 1; i <= out.frames; ++i) {
    // Rendering is the source's work, in the bare pipeline too: not counted.
    if (auto ok = render(i); !ok) {
      out.error = ok.error().message();
      return out;
    }
    const double t0 = thread_cpu_seconds(self);
    if (auto ok = standardise(); !ok) {
      out.error = ok.error().message();
      return out;
    }
    host_s += thread_cpu_seconds(self) - t0;
    device_ns += static_cast<double>((*standardiser)->last_gpu_ns());
    if ((*standardiser)->last_staged() == in_place) {
      out.error = in_place ? "a frame in host frame memory was staged" : "a frame was not staged";
      return out;
    }
  }
  out.host_ms = host_s * 1e3 / out.frames;
  out.device_ms = device_ns / 1e6 / out.frames;
  out.device_cpu_ms = (device.cpu_seconds() - device_cpu0) * 1e3 / out.frames;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 6.0;
  const int max_cameras = argc > 2 ? std::atoi(argv[2]) : 6;
  std::uint32_t w = 1920;
  std::uint32_t h = 1080;
  if (argc > 3) std::sscanf(argv[3], "%ux%u", &w, &h);
  g_setenv("XDG_RUNTIME_DIR", "/tmp", FALSE);
  const fs::path dir =
      fs::temp_directory_path() / fmt::format("clinvid-bench-capture-{}", getpid());
  fs::create_directories(dir);
  const crypto::X25519Identity identity = crypto::X25519Identity::generate();
  const std::string recipient = identity.recipient().to_string();
  // Opened before anything else runs, so that the threads it starts are known to be the
  // driver's; clinvidcolor uses this same process-wide device.
  const std::optional<VulkanDevice> device = open_vulkan_device();
  auto profile = calibrate_theatre(dir, w, h);
  if (!profile) {
    fmt::print(stderr, "cannot calibrate from test://theatre: {}\n", profile.error().message());
    return 1;
  }
  fmt::print(
      "bench_capture: {}x{}@30 test://theatre, standardised with a profile calibrated from "
      "its chart, {} s per run, {} hardware threads\n\n",
      w, h, seconds, std::thread::hardware_concurrency());

  // 1. One clinvid branch against the bare pipeline, CPU per frame.
  const SessionRun one = run_session(1, seconds, dir / "one", recipient, *profile, w, h);
  const SessionRun plain = run_session(1, seconds, dir / "plain", recipient, {}, w, h);
  const BareRun bare = run_bare(seconds, dir, w, h);
  if (!one.error.empty() || !bare.error.empty()) {
    fmt::print(stderr, "run failed: {} {}\n", one.error, bare.error);
  }
  const auto per_frame_ms = [](double cpu_s, std::uint64_t frames) {
    return frames > 0 ? cpu_s * 1e3 / static_cast<double>(frames) : 0.0;
  };
  const double clinvid_ms = per_frame_ms(one.steady_cpu_s, one.steady_frames);
  const double plain_ms = per_frame_ms(plain.steady_cpu_s, plain.steady_frames);
  const double bare_ms = per_frame_ms(bare.steady_cpu_s, bare.steady_frames);
  fmt::print(
      "CPU per frame (user+system, one camera, steady state: from 1 s to {} s; whole run "
      "incl. start-up in brackets):\n",
      seconds);
  fmt::print("  {:<64} {:7.2f} ms/frame  [{:6.2f}]\n",
             fmt::format("clinvid branch (colour on {} + tee/preview + x264 + mkv + age)",
                         one.colour_backend),
             clinvid_ms, per_frame_ms(one.cpu_s, one.frames));
  fmt::print("  {:<64} {:7.2f} ms/frame  [{:6.2f}]\n",
             "clinvid branch, no profile (frames pass clinvidcolor untouched)", plain_ms,
             per_frame_ms(plain.cpu_s, plain.frames));
  fmt::print("  {:<64} {:7.2f} ms/frame  [{:6.2f}]\n",
             "bare gst pipeline (same source + x264 + mkv + filesink)", bare_ms,
             per_frame_ms(bare.cpu_s, bare.frames));
  fmt::print(
      "  overhead ratio clinvid/bare: {:.3f}  (target <= 1.20); without a profile: {:.3f}\n\n",
      bare_ms > 0 ? clinvid_ms / bare_ms : 0.0, bare_ms > 0 ? plain_ms / bare_ms : 0.0);

  // 1b. The GPU path's share of the CPU. Where the only Vulkan device is a CPU (lavapipe),
  // `auto` standardised on the engine's CPU path above, and the shaders themselves run on
  // lavapipe's threads far slower than a GPU runs them (a live 1080p branch would only drop
  // frames). What the GPU path leaves on the CPU is the calling thread's work around the
  // dispatch: recording and submitting (and, for frames outside clinvid's host frame pools,
  // copying them through staging memory); it sleeps while the device works. That is measured
  // here on the same frames with the same profile, both ways, and added to the branch without
  // standardisation. In a capture branch the frames are in the pools (the plugin test
  // ClinvidColorProfile.GpuBackendCopiesNoFrameInACaptureLikePipeline checks it).
  if (device) {
    const GpuHost staged = measure_gpu_host(*profile, w, h, *device, false);
    const GpuHost host = measure_gpu_host(*profile, w, h, *device, true);
    if (!host.error.empty() || !staged.error.empty()) {
      fmt::print(stderr, "GPU path: {}{}\n", host.error, staged.error);
    } else {
      fmt::print("GPU path (clinvidcolor backend=gpu) on {}, {} frames:\n", device->name,
                 host.frames);
      fmt::print("  {:<64} {:7.2f} ms/frame\n",
                 "host side, frames in clinvid's host frame pools (in place)", host.host_ms);
      fmt::print("  {:<64} {:7.2f} ms/frame\n",
                 "host side, frames in ordinary memory (staging copies)", staged.host_ms);
      fmt::print("  {:<64} {:7.2f} ms/frame{}\n", "device work",
                 device->emulated ? host.device_cpu_ms : host.device_ms,
                 device->emulated ? " (CPU of lavapipe's threads: what a GPU takes off the CPU)"
                                  : " (GPU timestamps)");
      const double gpu_branch_ms = plain_ms + host.host_ms;
      fmt::print("  {:<64} {:7.2f} ms/frame\n",
                 "clinvid branch with GPU colour (no-profile branch + host side)", gpu_branch_ms);
      fmt::print(
          "  overhead ratio clinvid (GPU colour)/bare: {:.3f}  (target <= 1.20); with staging "
          "copies: {:.3f}\n\n",
          bare_ms > 0 ? gpu_branch_ms / bare_ms : 0.0,
          bare_ms > 0 ? (plain_ms + staged.host_ms) / bare_ms : 0.0);
    }
  }

  // 2. Simultaneous cameras with zero drops at full rate.
  int best = 0;
  fmt::print("Simultaneous cameras (zero dropped frames and >= 97% of 30 fps each):\n");
  for (int n = 1; n <= max_cameras; ++n) {
    const SessionRun run =
        run_session(n, seconds, dir / fmt::format("n{}", n), recipient, *profile, w, h);
    const bool ok = run.error.empty() && run.dropped == 0 && run.min_fps >= 0.97 * 30.0;
    fmt::print(
        "  {} camera(s): {:6} frames, {:4} dropped, slowest {:5.1f} fps, CPU {:5.1f} s  {}\n", n,
        run.frames, run.dropped, run.min_fps, run.cpu_s,
        ok ? "ok" : ("FAILS" + (run.error.empty() ? "" : " (" + run.error + ")")));
    if (!ok) break;
    best = n;
  }
  fmt::print("\ncameras recorded simultaneously with zero drops: {}\n", best);
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return 0;
}
