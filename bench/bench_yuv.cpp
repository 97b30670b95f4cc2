// NV12 -> RGBA at 1080p: clinvid's Vulkan path (lavapipe here, a GPU where present) and its
// CPU reference, side by side with FFmpeg's swscale doing the same conversion on the same
// frames (`ffmpeg -f rawvideo -pix_fmt nv12 ... -pix_fmt rgba -f null -`), in one run.
//
// Usage: bench_yuv [frames=120]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <fmt/format.h>

#include "core/frame.hpp"
#include "core/id.hpp"
#include "gpu/yuv.hpp"
#include "gpu/yuv_converter.hpp"

using namespace clinvid;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int frames = argc > 1 ? std::atoi(argv[1]) : 120;
  constexpr std::uint32_t kWidth = 1920, kHeight = 1080;
  Frame src = Frame::allocate(PixelFormat::nv12, kWidth, kHeight).value();
  std::mt19937 rng(7);
  for (auto& b : src.bytes()) b = static_cast<std::uint8_t>(rng());
  Frame dst = Frame::allocate(PixelFormat::rgba, kWidth, kHeight).value();
  const gpu::YuvParams params{gpu::YuvMatrix::bt709, gpu::YuvRange::limited};

  auto ctx = gpu::Context::shared();
  if (!ctx) {
    std::fprintf(stderr, "bench_yuv: %s\n", ctx.error().message().c_str());
    return 3;
  }
  auto conv = gpu::YuvConverter::create(*ctx).value();
  (void)conv->convert(src.view(), dst.view(), params);  // warm up: pipeline compile, buffers
  std::uint64_t gpu_ns = 0;
  auto start = Clock::now();
  for (int i = 0; i < frames; ++i) {
    if (auto s = conv->convert(src.view(), dst.view(), params); !s) {
      std::fprintf(stderr, "bench_yuv: %s\n", s.error().message().c_str());
      return 3;
    }
    gpu_ns += conv->last_gpu_ns();
  }
  const double vulkan_fps = frames / seconds_since(start);

  const int cpu_frames = std::max(1, frames / 8);
  start = Clock::now();
  for (int i = 0; i < cpu_frames; ++i) (void)gpu::yuv_to_rgba_cpu(src.view(), dst.view(), params);
  const double reference_fps = cpu_frames / seconds_since(start);

  // FFmpeg on the same frames, from a file in the runtime dir (raw frames, not patient data).
  const auto raw = std::filesystem::temp_directory_path() /
                   ("clinvid-bench-" + Uuid::random().to_string() + ".nv12");
  {
    std::ofstream out(raw, std::ios::binary);
    for (int i = 0; i < frames; ++i) {
      out.write(reinterpret_cast<const char*>(src.bytes().data()),
                static_cast<std::streamsize>(src.bytes().size()));
    }
  }
  const std::string cmd = fmt::format(
      "ffmpeg -v error -nostdin -f rawvideo -pix_fmt nv12 -s {}x{} -i {} -pix_fmt rgba "
      "-f null - ",
      kWidth, kHeight, raw.string());
  start = Clock::now();
  const int rc = std::system(cmd.c_str());
  const double ffmpeg_fps = frames / seconds_since(start);
  std::filesystem::remove(raw);

  fmt::print("NV12 -> RGBA, {}x{}, {} frames, device: {}\n", kWidth, kHeight, frames,
             (*ctx)->info().name);
  fmt::print("  clinvid vulkan        {:8.1f} fps  (device time {:.2f} ms/frame)\n", vulkan_fps,
             static_cast<double>(gpu_ns) / frames / 1e6);
  fmt::print("  clinvid cpu reference {:8.1f} fps\n", reference_fps);
  if (rc == 0) {
    fmt::print("  ffmpeg swscale        {:8.1f} fps  (includes reading the raw file)\n",
               ffmpeg_fps);
    fmt::print("  ratio vulkan/ffmpeg   {:8.2f}x\n", vulkan_fps / ffmpeg_fps);
  } else {
    fmt::print("  ffmpeg                not run (exit {})\n", rc);
  }
  return 0;
}
