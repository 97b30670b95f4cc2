// Film export beside ffmpeg, printed, never asserted (issue 7's bench):
//
// Two 1080p30 recordings of `seconds` (default 60) are made with the ffmpeg CLI and encrypted
// with age. clinvid renders a side-by-side film of them (each scaled to 960×540, letterboxed in
// 1920×1080) with a title for the first 5 s and a caption every 5 s, straight from the
// encrypted files into an encrypted MP4. ffmpeg does the same from the plaintext files:
// scale + hstack + pad + drawtext (one per text) + libx264 with the same preset and CRF, into a
// plaintext MP4. Rounds alternate (ffmpeg, clinvid, ffmpeg, clinvid …); the best of each is
// compared: ratio = ffmpeg seconds / clinvid seconds (≥ 1 means clinvid is as fast or faster).
// Then the seek latency to random frames of one source (p50/p95; bench_media does the same
// over a 10-minute recording).
//
// Usage: bench_export [seconds=60] [rounds=2] [x264_preset=veryfast] [crf=23] [clinvid-only]
// Files live in $XDG_RUNTIME_DIR (else /tmp) and are removed afterwards.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/id.hpp"
#include "crypto/writer.hpp"
#include "media/decoder.hpp"
#include "render/export_job.hpp"
#include "timeline/commands.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace clinvid;

extern "C" char** environ;

constexpr const char* kFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

double cpu_seconds(const rusage& u) {
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Runs argv; `cpu` (if given) receives the child's user + system seconds.
int run(const std::vector<std::string>& argv, double* cpu = nullptr) {
  std::vector<std::string> strings = argv;
  std::vector<char*> args;
  for (auto& s : strings) args.push_back(s.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return -1;
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  if (cpu != nullptr) *cpu = cpu_seconds(usage);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

double self_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return cpu_seconds(usage);
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Text {
  double from = 0, to = 0;
  std::string text;
  bool caption = false;
};

std::vector<Text> texts(int seconds) {
  std::vector<Text> out = {{0, 5, "Gait before and after treatment", false}};
  for (int t = 0; t + 5 <= seconds; t += 5) {
    out.push_back({static_cast<double>(t), t + 4.5,
                   fmt::format("Caption {} - heel strike and toe off, left side", t / 5 + 1),
                   true});
  }
  return out;
}

// drawtext escaping: the text has no quotes, colons or backslashes by construction.
std::string ffmpeg_filter(const std::vector<Text>& items) {
  std::string f =
      "[0:v]scale=960:540:flags=bilinear[a];[1:v]scale=960:540:flags=bilinear[b];"
      "[a][b]hstack=inputs=2,pad=1920:1080:0:270:black";
  for (const Text& t : items) {
    if (t.caption) {
      f += fmt::format(
          ",drawtext=fontfile={}:text='{}':fontsize=48:fontcolor=white:box=1:boxcolor=black@0.6:"
          "boxborderw=12:x=(w-text_w)/2:y=h-text_h-60:enable='between(t,{},{})'",
          kFont, t.text, t.from, t.to);
    } else {
      f += fmt::format(
          ",drawtext=fontfile={}:text='{}':fontsize=64:fontcolor=white:x=(w-text_w)/2:y=80:"
          "enable='between(t,{},{})'",
          kFont, t.text, t.from, t.to);
    }
  }
  return f;
}

timeline::Project film_project(const std::string& a, const std::string& b, int seconds,
                               const std::vector<Text>& items) {
  timeline::History h;
  timeline::OutputFormat format;
  format.width_px = 1920;
  format.height_px = 1080;
  format.frame_rate = Rational::make(30, 1).value();
  (void)h.apply(timeline::set_format(format));
  timeline::Layout layout;
  layout.kind = timeline::LayoutKind::side_by_side;
  (void)h.apply(timeline::set_project_layout(layout));
  int slot = 0;
  for (const std::string& id : {a, b}) {
    auto track = h.apply(timeline::add_track(timeline::TrackKind::video, "V"));
    timeline::Clip clip;
    clip.source = {id, 0};
    clip.source_width_px = 1920;
    clip.source_height_px = 1080;
    clip.source_in = Time();
    clip.source_out = Time(seconds, Rational());
    clip.speed = Rational();
    clip.placement.slot = slot++;
    if (auto ok = h.apply(timeline::add_clip(*track, clip)); !ok) {
      fmt::print(stderr, "bench_export: {}\n", ok.error().message());
      std::exit(1);
    }
  }
  auto overlay = h.apply(timeline::add_track(timeline::TrackKind::overlay, "Titles"));
  auto captions = h.apply(timeline::add_track(timeline::TrackKind::caption, "Captions"));
  for (const Text& t : items) {
    timeline::TextItem item;
    item.text = t.text;
    item.start = Time(static_cast<std::int64_t>(t.from * 10), Rational::make(1, 10).value());
    item.duration =
        Time(static_cast<std::int64_t>((t.to - t.from) * 10), Rational::make(1, 10).value());
    item.position = t.caption ? timeline::TextPosition::caption : timeline::TextPosition::top;
    if (auto ok = h.apply(timeline::add_text(t.caption ? *captions : *overlay, item)); !ok) {
      fmt::print(stderr, "bench_export: {}\n", ok.error().message());
      std::exit(1);
    }
  }
  return h.project();
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = argc > 1 ? std::atoi(argv[1]) : 60;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 2;
  const std::string x264_preset = argc > 3 ? argv[3] : "veryfast";
  const int crf = argc > 4 ? std::atoi(argv[4]) : 23;
  const bool ours_only = argc > 5 && std::string(argv[5]) == "clinvid-only";  // for profiling
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  const fs::path dir = fs::path(runtime != nullptr ? runtime : "/tmp") /
                       fmt::format("clinvid-bench-export-{}", ::getpid());
  fs::create_directories(dir);

  fmt::print(
      "bench_export: two {} s 1080p30 sources, side by side, title + {} captions, "
      "libx264 {} crf {}, {} round(s)\n",
      seconds, seconds / 5, x264_preset, crf, rounds);
  const fs::path plain[2] = {dir / "a.mp4", dir / "b.mp4"};
  const char* patterns[2] = {"testsrc2", "testsrc"};
  for (int i = 0; i < 2; ++i) {
    if (run({"ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
             fmt::format("{}=size=1920x1080:rate=30:duration={}", patterns[i], seconds), "-c:v",
             "libx264", "-preset", "ultrafast", "-g", "30", "-bf", "0", "-pix_fmt", "yuv420p",
             plain[i].string()}) != 0) {
      fmt::print(stderr, "bench_export: ffmpeg could not make the sources\n");
      return 1;
    }
  }
  const auto identity = crypto::X25519Identity::generate();
  std::vector<crypto::Recipient> recipients;
  recipients.emplace_back(identity.recipient());
  const fs::path encrypted[2] = {dir / "a.age", dir / "b.age"};
  for (int i = 0; i < 2; ++i) {
    if (auto ok = crypto::encrypt_file(plain[i], encrypted[i], recipients); !ok) {
      fmt::print(stderr, "bench_export: {}\n", ok.error().message());
      return 1;
    }
  }

  const auto items = texts(seconds);
  render::FilmJob job;
  const std::string id_a = Uuid::random().to_string(), id_b = Uuid::random().to_string();
  job.project = film_project(id_a, id_b, seconds, items);
  job.preset = render::find_preset("teaching").value();
  job.preset.x264_preset = x264_preset;
  job.preset.crf = crf;
  job.preset.audio_bitrate_kbps = 0;
  job.encoder = media::VideoEncoderKind::libx264;
  job.recipients.emplace_back(identity.recipient());
  job.resolve = [&](std::string_view id) -> Result<render::SourceMedia> {
    return render::SourceMedia{id == id_a ? encrypted[0] : encrypted[1], identity.clone()};
  };
  const std::string filter = ffmpeg_filter(items);

  double best_ffmpeg = 1e9, best_ours = 1e9, cpu_ffmpeg = 1e9, cpu_ours = 1e9;
  for (int r = 0; r < rounds; ++r) {
    const fs::path ff_out = dir / "ffmpeg.mp4";
    auto start = Clock::now();
    double ff_cpu = 0;
    if (!ours_only && run({"ffmpeg",
                           "-v",
                           "error",
                           "-y",
                           "-i",
                           plain[0].string(),
                           "-i",
                           plain[1].string(),
                           "-filter_complex",
                           filter,
                           "-c:v",
                           "libx264",
                           "-preset",
                           x264_preset,
                           "-crf",
                           std::to_string(crf),
                           "-g",
                           "60",
                           "-pix_fmt",
                           "yuv420p",
                           "-movflags",
                           "+faststart",
                           "-an",
                           ff_out.string()},
                          &ff_cpu) != 0) {
      fmt::print(stderr, "bench_export: the ffmpeg command failed\n");
      return 1;
    }
    const double ff = seconds_since(start);
    best_ffmpeg = std::min(best_ffmpeg, ff);
    cpu_ffmpeg = std::min(cpu_ffmpeg, ff_cpu);
    fs::remove(ff_out);

    job.output = dir / "film.age";
    start = Clock::now();
    const double cpu_before = self_cpu_seconds();
    auto result = render::run_film_job(job);
    const double ours = seconds_since(start);
    const double our_cpu = self_cpu_seconds() - cpu_before;
    cpu_ours = std::min(cpu_ours, our_cpu);
    if (!result) {
      fmt::print(stderr, "bench_export: {}\n", result.error().message());
      return 1;
    }
    best_ours = std::min(best_ours, ours);
    fmt::print(
        "  round {}: ffmpeg {:.2f} s ({:.1f} fps, {:.1f} CPU-s)   clinvid {:.2f} s ({:.1f} fps, "
        "{:.1f} CPU-s, {})\n",
        r + 1, ff, seconds * 30 / ff, ff_cpu, ours, seconds * 30 / ours, our_cpu, result->encoder);
    fs::remove(job.output);
  }
  fmt::print("\n| {:<38} | {:>9} | {:>8} | {:>7} |\n", "export (best of rounds)", "seconds", "fps",
             "CPU-s");
  fmt::print("|{:-<40}|{:->11}|{:->10}|{:->9}|\n", "", "", "", "");
  fmt::print("| {:<38} | {:>9.2f} | {:>8.1f} | {:>7.1f} |\n", "ffmpeg hstack+drawtext+libx264",
             best_ffmpeg, seconds * 30 / best_ffmpeg, cpu_ffmpeg);
  fmt::print("| {:<38} | {:>9.2f} | {:>8.1f} | {:>7.1f} |\n", "clinvid render (age in, age out)",
             best_ours, seconds * 30 / best_ours, cpu_ours);
  fmt::print("\nratio (ffmpeg time / clinvid time): {:.2f}x  (target >= 1.0)\n",
             best_ffmpeg / best_ours);
  fmt::print(
      "CPU ratio (ffmpeg CPU-s / clinvid CPU-s): {:.2f}x  (less sensitive to a busy "
      "machine)\n",
      cpu_ffmpeg / cpu_ours);

  // Seek latency on the same (encrypted) sources: random frames, cache off, as the editor's
  // scrubbing would ask. bench_media measures the same over a 10-minute recording.
  {
    media::DecoderOptions options;
    options.cache_bytes = 0;
    auto decoder =
        media::VideoDecoder::open(encrypted[0], job.resolve(id_a)->identities(), -1, options);
    if (!decoder) {
      fmt::print(stderr, "bench_export: {}\n", decoder.error().message());
      return 1;
    }
    std::mt19937 random(7);
    std::uniform_int_distribution<std::int64_t> frame(0, seconds * 30 - 1);
    std::vector<double> ms;
    for (int i = 0; i < 100; ++i) {
      const auto start = Clock::now();
      auto f = decoder->frame_at(Time::frames(frame(random), Rational::make(30, 1).value()));
      ms.push_back(seconds_since(start) * 1000);
      if (!f) {
        fmt::print(stderr, "bench_export: {}\n", f.error().message());
        return 1;
      }
    }
    std::sort(ms.begin(), ms.end());
    fmt::print(
        "seek to a random frame of a {} s 1080p recording (age, cache off, 100 seeks): "
        "p50 {:.1f} ms, p95 {:.1f} ms, max {:.1f} ms (target p95 < 50 ms)\n",
        seconds, ms[49], ms[94], ms[99]);
  }
  fs::remove_all(dir);
  return 0;
}
