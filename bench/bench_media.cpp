// Media benchmarks, printed, never asserted (machines here are shared and noisy):
//
// 1. Seek latency of VideoDecoder::frame_at over a recording like the capture module makes
//    (1080p30 H.264 from libx264, a keyframe every 30 frames, no B-frames, a moving testsrc2,
//    in Matroska, encrypted with age by crypto::encrypt_file): 200 random times over the whole
//    recording with the cache disabled, 200 random times within a ±2 s scrub window with the
//    cache disabled and enabled. p50/p95/max in ms; the target is p95 < 50 ms. Also the time
//    to open the decoder.
// 2. Export: decoding `export_seconds` of the recording and encoding it (libx264 `preset`,
//    crf 20, and AAC of silence) into an age-encrypted faststart MP4 with VideoDecoder +
//    Mp4Encoder, beside `ffmpeg -i plain.mkv -c:v libx264 … -movflags +faststart` doing the
//    same on the plaintext (no encryption at all).
//
// Usage: bench_media [minutes=10] [export_seconds=20] [preset=veryfast] [dir] [decoder_threads=0]
//        With `dir`, the fixture is kept there and reused by the next run. decoder_threads is
//        DecoderOptions::threads of the export's decoder (0: FFmpeg's choice).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <sys/resource.h>

#include <fmt/format.h>

#include "crypto/keys.hpp"
#include "crypto/writer.hpp"
#include "media/decoder.hpp"
#include "media/encoder.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace clinvid;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// CPU seconds (user + system) of this process, or of its waited-for children.
double cpu_seconds(int who) {
  rusage usage{};
  getrusage(who, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

int shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return status == 0 ? 0 : 1;
}

struct Row {
  std::string name;
  std::vector<double> ms;
};

void print_rows(const std::vector<Row>& rows) {
  fmt::print("{:<52} {:>6} {:>9} {:>9} {:>9}\n", "", "calls", "p50 ms", "p95 ms", "max ms");
  for (const Row& r : rows) {
    fmt::print("{:<52} {:>6} {:>9.2f} {:>9.2f} {:>9.2f}\n", r.name, r.ms.size(),
               percentile(r.ms, 0.5), percentile(r.ms, 0.95),
               r.ms.empty() ? 0.0 : *std::max_element(r.ms.begin(), r.ms.end()));
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int minutes = argc > 1 ? std::atoi(argv[1]) : 10;
  const int export_seconds = argc > 2 ? std::atoi(argv[2]) : 20;
  const std::string preset = argc > 3 ? argv[3] : "veryfast";
  const bool keep = argc > 4;
  const int decoder_threads = argc > 5 ? std::atoi(argv[5]) : 0;
  const fs::path dir = keep ? fs::path(argv[4]) : fs::temp_directory_path() / "clinvid-bench-media";
  fs::create_directories(dir);
  const fs::path plain = dir / fmt::format("rec-{}min.mkv", minutes);
  const fs::path encrypted = dir / fmt::format("rec-{}min.mkv.age", minutes);
  const fs::path key_file = dir / "bench-key.txt";

  // The identity is kept beside the fixture so a kept fixture can be reused.
  std::vector<crypto::Identity> identities;
  std::vector<crypto::Recipient> recipients;
  {
    std::optional<crypto::X25519Identity> identity;
    if (fs::exists(key_file) && fs::exists(encrypted)) {
      std::FILE* f = std::fopen(key_file.c_str(), "r");
      char line[256] = {};
      if (f != nullptr && std::fgets(line, sizeof line, f) != nullptr) {
        std::string text(line);
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
        if (auto parsed = crypto::X25519Identity::parse(text)) identity.emplace(std::move(*parsed));
      }
      if (f != nullptr) std::fclose(f);
    }
    if (!identity) {
      identity.emplace(crypto::X25519Identity::generate());
      std::FILE* f = std::fopen(key_file.c_str(), "w");
      if (f == nullptr) return 1;
      const auto secret = identity->to_string();
      std::fprintf(f, "%.*s\n", static_cast<int>(secret.chars().size()), secret.chars().data());
      std::fclose(f);
      fs::remove(encrypted);
    }
    identities.emplace_back(identity->clone());
    recipients.emplace_back(identity->recipient());
  }

  if (!fs::exists(encrypted) || !fs::exists(plain)) {
    fmt::print("generating {} min of 1080p30 (libx264 ultrafast, -g 30 -bf 0)…\n", minutes);
    const auto start = Clock::now();
    if (shell(fmt::format("ffmpeg -v error -y -f lavfi -i testsrc2=size=1920x1080:rate=30 -t {} "
                          "-c:v libx264 -preset ultrafast -g 30 -keyint_min 30 -sc_threshold 0 "
                          "-bf 0 -pix_fmt yuv420p '{}'",
                          minutes * 60, plain.string())) != 0) {
      fmt::print(stderr, "ffmpeg failed\n");
      return 1;
    }
    fmt::print("  generated in {:.1f} s\n", ms_since(start) / 1000);
    const auto enc_start = Clock::now();
    if (auto done = crypto::encrypt_file(plain, encrypted, recipients); !done) {
      fmt::print(stderr, "encrypt: {}\n", done.error().message());
      return 1;
    }
    fmt::print("  encrypted {:.0f} MiB in {:.1f} s\n",
               static_cast<double>(fs::file_size(encrypted)) / (1 << 20),
               ms_since(enc_start) / 1000);
  }

  std::vector<Row> rows;
  Row open_row{"open (decrypt header, demux, find streams)", {}};
  for (int i = 0; i < 5; ++i) {
    const auto start = Clock::now();
    auto decoder = media::VideoDecoder::open(encrypted, identities);
    open_row.ms.push_back(ms_since(start));
    if (!decoder) {
      fmt::print(stderr, "open: {}\n", decoder.error().message());
      return 1;
    }
  }
  rows.push_back(open_row);

  const Rational rate = Rational::make(30, 1).value();
  const std::int64_t frames = std::int64_t{minutes} * 60 * 30;
  std::mt19937_64 rng(7);
  auto time_calls = [&](media::VideoDecoder& decoder, const std::vector<std::int64_t>& at,
                        Row& row) {
    for (const std::int64_t n : at) {
      const auto start = Clock::now();
      auto got = decoder.frame_at(Time::frames(n, rate));
      row.ms.push_back(ms_since(start));
      if (!got) {
        fmt::print(stderr, "frame_at({}): {}\n", n, got.error().message());
        std::exit(1);
      }
    }
  };
  {
    std::uniform_int_distribution<std::int64_t> anywhere(0, frames - 1);
    std::vector<std::int64_t> at(200);
    for (auto& n : at) n = anywhere(rng);
    auto decoder = media::VideoDecoder::open(encrypted, identities, -1, {0, 0}).value();
    Row row{"frame_at, random over the recording, no cache", {}};
    time_calls(decoder, at, row);
    rows.push_back(row);
  }
  const std::int64_t centre = frames / 2;
  std::uniform_int_distribution<std::int64_t> window(centre - 60, centre + 60);
  std::vector<std::int64_t> scrub(200);
  for (auto& n : scrub) n = window(rng);
  std::uint64_t hits = 0;
  for (const std::size_t cache : {std::size_t{0}, std::size_t{256} << 20}) {
    auto decoder = media::VideoDecoder::open(encrypted, identities, -1, {0, cache}).value();
    Row row{cache == 0 ? "frame_at, ±2 s scrub window, no cache"
                       : "frame_at, ±2 s scrub window, 256 MiB cache",
            {}};
    time_calls(decoder, scrub, row);
    rows.push_back(row);
    if (cache > 0) hits = decoder.cache_hits();
  }
  {
    auto decoder = media::VideoDecoder::open(encrypted, identities, -1, {0, 0}).value();
    Row row{"frame_at, sequential (export order), per frame", {}};
    std::vector<std::int64_t> at(300);
    for (std::size_t i = 0; i < at.size(); ++i) at[i] = centre + static_cast<std::int64_t>(i);
    time_calls(decoder, at, row);
    rows.push_back(row);
  }
  fmt::print("\nSeek latency, 1080p30 H.264 in age-encrypted Matroska, {} min ({} frames)\n",
             minutes, frames);
  print_rows(rows);
  fmt::print("(cached scrub: {} of 200 calls answered from the cache)\n", hits);

  if (export_seconds <= 0) return 0;
  const std::int64_t export_frames = std::int64_t{export_seconds} * 30;
  const fs::path out = dir / "export.mp4.age";
  const fs::path ffmpeg_out = dir / "export-ffmpeg.mp4";
  std::vector<double> ours_cpu;
  std::vector<double> theirs_cpu;
  auto run_ours = [&]() -> double {
    const double cpu_start = cpu_seconds(RUSAGE_SELF);
    const auto start = Clock::now();
    auto decoder =
        media::VideoDecoder::open(encrypted, identities, -1, {decoder_threads, 0}).value();
    media::EncodeSettings settings;
    settings.width = 1920;
    settings.height = 1080;
    settings.frame_rate = rate;
    settings.encoder = media::VideoEncoderKind::libx264;
    settings.x264_preset = preset;
    settings.crf = 20;
    auto encoder = media::Mp4Encoder::create(settings, out, recipients);
    if (!encoder) {
      fmt::print(stderr, "export: {}\n", encoder.error().message());
      std::exit(1);
    }
    const std::vector<float> silence(1600 * 2, 0.0F);  // one frame of 48 kHz stereo
    for (std::int64_t n = 0; n < export_frames; ++n) {
      auto frame = decoder.frame_at(Time::frames(n, rate));
      if (!frame) std::exit(1);
      if (!encoder->add_video(frame->frame->view(), n) || !encoder->add_audio(silence)) {
        std::exit(1);
      }
    }
    if (auto done = encoder->finish(); !done) {
      fmt::print(stderr, "finish: {}\n", done.error().message());
      std::exit(1);
    }
    ours_cpu.push_back(cpu_seconds(RUSAGE_SELF) - cpu_start);
    return ms_since(start);
  };
  auto run_ffmpeg = [&]() -> double {
    const double cpu_start = cpu_seconds(RUSAGE_CHILDREN);
    const auto start = Clock::now();
    shell(
        fmt::format("ffmpeg -v error -y -i '{}' -f lavfi -i anullsrc=r=48000:cl=stereo -t {} "
                    "-map 0:v -map 1:a -c:v libx264 -preset {} -crf 20 -g 60 -c:a aac -b:a 160k "
                    "-movflags +faststart '{}'",
                    plain.string(), export_seconds, preset, ffmpeg_out.string()));
    theirs_cpu.push_back(cpu_seconds(RUSAGE_CHILDREN) - cpu_start);
    return ms_since(start);
  };
  // Alternated, best of three each: other work on a shared machine hits both alike.
  std::vector<double> ours;
  std::vector<double> theirs;
  for (int round = 0; round < 3; ++round) {
    theirs.push_back(run_ffmpeg());
    ours.push_back(run_ours());
  }
  const double ours_ms = *std::min_element(ours.begin(), ours.end());
  const double ffmpeg_ms = *std::min_element(theirs.begin(), theirs.end());
  fmt::print(
      "\nExport of {} s of 1080p30 (libx264 {}, crf 20, AAC), decode + encode + mux, "
      "best of 3 alternated runs\n",
      export_seconds, preset);
  fmt::print("{:<46} {:>7} {:>7} {:>9} {:>20}\n", "", "wall s", "fps", "min CPU s",
             "all runs, wall s");
  fmt::print("{:<46} {:>7.2f} {:>7.1f} {:>9.2f} {:>6.2f} {:>6.2f} {:>6.2f}\n",
             "clinvid (age in, age out, faststart)", ours_ms / 1000,
             static_cast<double>(export_frames) * 1000 / ours_ms,
             *std::min_element(ours_cpu.begin(), ours_cpu.end()), ours[0] / 1000, ours[1] / 1000,
             ours[2] / 1000);
  fmt::print("{:<46} {:>7.2f} {:>7.1f} {:>9.2f} {:>6.2f} {:>6.2f} {:>6.2f}\n",
             "ffmpeg CLI (plaintext in and out, faststart)", ffmpeg_ms / 1000,
             static_cast<double>(export_frames) * 1000 / ffmpeg_ms,
             *std::min_element(theirs_cpu.begin(), theirs_cpu.end()), theirs[0] / 1000,
             theirs[1] / 1000, theirs[2] / 1000);
  fs::remove(out);
  fs::remove(ffmpeg_out);
  if (!keep) fs::remove_all(dir);
  return 0;
}
