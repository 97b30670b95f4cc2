// 1080p NV12 -> NV12 colour standardisation, frames per second: clinvid's Standardiser (Vulkan
// compute, lavapipe where there is no GPU, and the fast CPU backend; model and 33^3 LUT
// paths) side by side, in one run and on the same frames, with FFmpeg's colorchannelmixer
// (default threads; the model's 3x3 part, a cheaper op than ours) and lut3d (the same
// correction baked into a 33^3 .cube by to_cube), GStreamer's videobalance, and a memcpy of
// the frame (the bandwidth bound). The peers read raw frames from a file (page cache) and
// their numbers include process start-up; ours time process() alone.
//
// Usage: bench_standardise [frames=60] [WIDTHxHEIGHT=1920x1080]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "colour/standardiser.hpp"
#include "core/frame.hpp"
#include "core/id.hpp"

using namespace clinvid;
using namespace clinvid::colour;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The correction the tests use: polynomial linearisation, white balance, root-polynomial.
Correction bench_correction() {
  Correction c;
  c.linearisation.kind = LinearisationKind::polynomial;
  c.linearisation.coefficients = {
      {{2.2, 0.05, 0.004, -4.0, 0.02}, {2.1, 0.03, 0.0, -3.5, 0.01}, {2.3, -0.02, 0.0, -4.5, 0.0}}};
  c.white_balance = {1.3, 1.0, 0.8};
  c.model.kind = ModelKind::root_polynomial;
  c.model.m = {{{1.25, -0.15, -0.05, 0.04, -0.06, 0.02},
                {-0.1, 1.2, -0.08, -0.03, 0.05, 0.0},
                {0.02, -0.2, 1.3, 0.0, -0.04, 0.05}}};
  return c;
}

// A camera-like frame: smooth gradients with a little noise (not patient data).
Frame make_frame(std::uint32_t w, std::uint32_t h) {
  Frame f = Frame::allocate(PixelFormat::nv12, w, h).value();
  std::mt19937 rng(7);
  FrameView v = f.view();
  for (std::uint32_t y = 0; y < h; ++y) {
    for (std::uint32_t x = 0; x < w; ++x) {
      v.planes[0][y * v.strides[0] + x] =
          static_cast<std::uint8_t>(16 + (x * 200 / w + y * 19 / h) + rng() % 4);
    }
  }
  for (std::uint32_t y = 0; y < (h + 1) / 2; ++y) {
    for (std::uint32_t x = 0; x < (w + 1) / 2; ++x) {
      v.planes[1][y * v.strides[1] + 2 * x] = static_cast<std::uint8_t>(90 + x * 80 / w);
      v.planes[1][y * v.strides[1] + 2 * x + 1] = static_cast<std::uint8_t>(160 - y * 70 / h);
    }
  }
  return f;
}

struct Row {
  std::string name;
  double fps = 0.0;
  std::string note;
};

double run_command(const std::string& cmd, int frames, int& rc) {
  const auto start = Clock::now();
  rc = std::system(cmd.c_str());
  return frames / seconds_since(start);
}

}  // namespace

int main(int argc, char** argv) {
  const int frames = argc > 1 ? std::max(1, std::atoi(argv[1])) : 60;
  std::uint32_t width = 1920, height = 1080;
  if (argc > 2 && (std::sscanf(argv[2], "%ux%u", &width, &height) != 2 || width < 2 || height < 2 ||
                   width > 16384 || height > 16384)) {
    std::fprintf(stderr, "bench_standardise: size must be WIDTHxHEIGHT, e.g. 3840x2160\n");
    return 2;
  }
  const Frame src = make_frame(width, height);
  Frame dst = Frame::allocate(PixelFormat::nv12, width, height).value();
  const Correction correction = bench_correction();
  std::vector<Row> rows;

  auto time_backend = [&](Standardiser& s, CorrectionPath path, int n, std::uint64_t& gpu_ns) {
    StandardiseSettings settings;
    settings.path = path;
    (void)s.process(src.view(), dst.view(), settings);  // warm up
    gpu_ns = 0;
    const auto start = Clock::now();
    for (int i = 0; i < n; ++i) {
      if (auto st = s.process(src.view(), dst.view(), settings); !st) {
        std::fprintf(stderr, "bench_standardise: %s\n", st.error().message().c_str());
        std::exit(3);
      }
      gpu_ns += s.last_gpu_ns();
    }
    return n / seconds_since(start);
  };

  std::string device = "none";
  if (auto ctx = gpu::Context::shared(); ctx) {
    device = (*ctx)->info().name;
    auto s = Standardiser::create(Standardiser::Backend::gpu, *ctx).value();
    (void)s->set_correction(correction);
    for (auto path : {CorrectionPath::model, CorrectionPath::lut}) {
      std::uint64_t ns = 0;
      const int n = std::max(1, frames / 4);
      const double fps = time_backend(*s, path, n, ns);
      rows.push_back(
          {path == CorrectionPath::model ? "clinvid vulkan, model" : "clinvid vulkan, LUT", fps,
           fmt::format("device {:.2f} ms/frame", static_cast<double>(ns) / n / 1e6)});
    }
  } else {
    std::fprintf(stderr, "no Vulkan device: %s\n", ctx.error().message().c_str());
  }
  {
    auto s = Standardiser::create(Standardiser::Backend::cpu, nullptr).value();
    (void)s->set_correction(correction);
    for (auto path : {CorrectionPath::model, CorrectionPath::lut}) {
      std::uint64_t ns = 0;
      const double fps = time_backend(*s, path, frames, ns);
      rows.push_back({path == CorrectionPath::model ? "clinvid cpu, model" : "clinvid cpu, LUT",
                      fps, "all cores"});
    }
  }
  {
    const int n = frames * 10;
    const auto start = Clock::now();
    for (int i = 0; i < n; ++i) {
      std::memcpy(dst.bytes().data(), src.bytes().data(), src.bytes().size());
    }
    rows.push_back({"memcpy of the frame", n / seconds_since(start), "bandwidth bound"});
  }

  const auto dir = std::filesystem::temp_directory_path();
  const std::string id = Uuid::random().to_string();
  const auto raw = dir / ("clinvid-bench-" + id + ".nv12");
  const auto cube = dir / ("clinvid-bench-" + id + ".cube");
  {
    std::ofstream out(raw, std::ios::binary);
    for (int i = 0; i < frames; ++i) {
      out.write(reinterpret_cast<const char*>(src.bytes().data()),
                static_cast<std::streamsize>(src.bytes().size()));
    }
    std::ofstream(cube) << to_cube(bake_lut(correction).value(), "clinvid bench");
  }
  const auto& m = correction.model.m;
  const std::string input =
      fmt::format("ffmpeg -v error -nostdin -f rawvideo -pix_fmt nv12 -s {}x{} -i {}", width,
                  height, raw.string());
  const std::vector<std::pair<std::string, std::string>> peers = {
      {"ffmpeg colorchannelmixer",
       fmt::format("{} -vf colorchannelmixer=rr={}:rg={}:rb={}:gr={}:gg={}:gb={}:br={}:bg={}:bb={},"
                   "format=nv12 -f null -",
                   input, m[0][0], m[0][1], m[0][2], m[1][0], m[1][1], m[1][2], m[2][0], m[2][1],
                   m[2][2])},
      {"ffmpeg lut3d (33^3 .cube)",
       fmt::format("{} -vf lut3d=file={},format=nv12 -f null -", input, cube.string())},
      {"gstreamer videobalance",
       fmt::format("gst-launch-1.0 -q filesrc location={} ! rawvideoparse format=nv12 width={} "
                   "height={} framerate=30/1 ! videobalance contrast=1.1 saturation=1.2 "
                   "brightness=0.02 ! fakesink sync=false",
                   raw.string(), width, height)},
  };
  double mixer_fps = 0.0;
  for (const auto& [name, cmd] : peers) {
    int rc = 0;
    const double fps = run_command(cmd + " > /dev/null", frames, rc);
    if (rc != 0) {
      rows.push_back({name, 0.0, fmt::format("not run (exit {})", rc)});
      continue;
    }
    if (name == "ffmpeg colorchannelmixer") mixer_fps = fps;
    rows.push_back({name, fps, "includes start-up and reading the file"});
  }
  std::filesystem::remove(raw);
  std::filesystem::remove(cube);

  fmt::print("NV12 -> NV12 standardisation, {}x{}, {} frames, Vulkan device: {}, {} threads\n",
             width, height, frames, device, std::thread::hardware_concurrency());
  for (const Row& r : rows) {
    const std::string ratio =
        mixer_fps > 0.0 ? fmt::format("{:6.2f}x colorchannelmixer", r.fps / mixer_fps) : "";
    fmt::print("  {:28} {:8.1f} fps  {:26} ({})\n", r.name, r.fps, ratio, r.note);
  }
  return 0;
}
