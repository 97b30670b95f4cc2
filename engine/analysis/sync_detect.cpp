#include "analysis/sync_detect.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "media/audio_decoder.hpp"

namespace clinvid::analysis {

std::string_view to_string(SyncEventKind kind) noexcept {
  switch (kind) {
    case SyncEventKind::clap: return "clap";
    case SyncEventKind::flash: return "flash";
    case SyncEventKind::invalid: break;
  }
  return "invalid";
}

namespace {

// A jump over a floor of exactly zero (digital silence) is reported as this, so the value
// stays finite in JSON.
constexpr double kSilentFloorJumpDb = 200.0;

double to_db(double ratio) {
  return ratio > 0.0 ? 20.0 * std::log10(ratio) : -kSilentFloorJumpDb;
}

Status check_clap_options(const ClapDetectionOptions& o) {
  if (!(o.window_ms > 0.0) || !(o.floor_ms > 0.0) || !(o.onset_factor > 0.0) ||
      !(o.jump_db > 0.0) || !std::isfinite(o.min_level_dbfs)) {
    return fail(Errc::invalid_argument,
                "clap detection: window, floor, jump and onset factor must be positive");
  }
  return {};
}

// The clap scan over a mono signal that grows chunk by chunk (a file is decoded a second at a
// time and the scan stops at the first clap). Energies come from a running prefix sum of
// squares, in double: 2^53 covers hours of full-scale samples without losing a sample's worth.
class ClapScanner {
 public:
  ClapScanner(int sample_rate, const ClapDetectionOptions& options)
      : options_(options),
        rate_(sample_rate),
        window_(std::max<std::int64_t>(
            1, std::llround(options.window_ms * 1e-3 * static_cast<double>(sample_rate)))),
        floor_(std::max<std::int64_t>(
            1, std::llround(options.floor_ms * 1e-3 * static_cast<double>(sample_rate)))),
        jump_ratio_(std::pow(10.0, options.jump_db / 20.0)),
        min_rms_(std::pow(10.0, options.min_level_dbfs / 20.0)) {
    squares_.push_back(0.0);
  }

  void append(std::span<const float> mono) {
    for (float s : mono) {
      samples_.push_back(s);
      squares_.push_back(squares_.back() + static_cast<double>(s) * static_cast<double>(s));
      peak_ = std::max(peak_, std::fabs(static_cast<double>(s)));
    }
  }

  // Scans every window ending in the samples appended since the last call.
  std::optional<SyncEvent> scan() {
    const auto n = static_cast<std::int64_t>(samples_.size());
    for (std::int64_t end = std::max(next_end_, window_ + floor_); end <= n; ++end) {
      const double window_rms = rms(end - window_, end);
      const double floor_rms = rms(end - window_ - floor_, end - window_);
      loudest_dbfs_ = std::max(loudest_dbfs_, to_db(window_rms));
      const double jump_db = floor_rms > 0.0 ? to_db(window_rms / floor_rms) : kSilentFloorJumpDb;
      if (window_rms >= min_rms_) largest_jump_db_ = std::max(largest_jump_db_, jump_db);
      if (window_rms < min_rms_ || window_rms < jump_ratio_ * floor_rms) continue;
      const double onset_level = options_.onset_factor * floor_rms;
      for (std::int64_t s = end - window_; s < end; ++s) {
        if (std::fabs(static_cast<double>(samples_[static_cast<std::size_t>(s)])) > onset_level) {
          return SyncEvent{SyncEventKind::clap, Time(s, Rational::make(1, rate_).value()), s,
                           jump_db};
        }
      }
    }
    next_end_ = std::max(next_end_, n + 1);
    return std::nullopt;
  }

  [[nodiscard]] Error not_found() const {
    if (peak_ == 0.0) {
      return Error{Errc::not_found, "no clap found: the track is silent (every sample is 0)"};
    }
    const double seconds = static_cast<double>(samples_.size()) / static_cast<double>(rate_);
    if (largest_jump_db_ == -kSilentFloorJumpDb) {
      return Error{
          Errc::not_found,
          fmt::format("no clap found in {:.2f} s: nothing reaches {:.0f} dBFS (the "
                      "loudest {:.1f} ms is {:.1f} dBFS)",
                      seconds, options_.min_level_dbfs, options_.window_ms, loudest_dbfs_)};
    }
    return Error{Errc::not_found,
                 fmt::format("no clap found in {:.2f} s: the largest rise over the noise floor "
                             "is {:.1f} dB, {:.0f} dB needed",
                             seconds, largest_jump_db_, options_.jump_db)};
  }

 private:
  [[nodiscard]] double rms(std::int64_t from, std::int64_t to) const {
    const double sum =
        squares_[static_cast<std::size_t>(to)] - squares_[static_cast<std::size_t>(from)];
    return std::sqrt(std::max(0.0, sum) / static_cast<double>(to - from));
  }

  ClapDetectionOptions options_;
  int rate_;
  std::int64_t window_;
  std::int64_t floor_;
  double jump_ratio_;
  double min_rms_;
  std::vector<float> samples_;
  std::vector<double> squares_;  // squares_[i]: sum of the squares of samples 0 .. i-1
  std::int64_t next_end_ = 0;
  double peak_ = 0.0;
  double loudest_dbfs_ = -kSilentFloorJumpDb;
  double largest_jump_db_ = -kSilentFloorJumpDb;
};

std::vector<float> mix_to_mono(std::span<const float> interleaved, int channels) {
  const std::size_t frames = interleaved.size() / static_cast<std::size_t>(channels);
  std::vector<float> mono(frames);
  for (std::size_t f = 0; f < frames; ++f) {
    float sum = 0.0F;
    for (int c = 0; c < channels; ++c) {
      sum += interleaved[f * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)];
    }
    mono[f] = sum / static_cast<float>(channels);
  }
  return mono;
}

Result<double> mean_luma(const ConstFrameView& frame, std::uint32_t step) {
  if (frame.format != PixelFormat::i420 && frame.format != PixelFormat::nv12) {
    return fail(Errc::invalid_argument, "flash detection reads I420 or NV12 frames");
  }
  std::uint64_t sum = 0;
  std::uint64_t count = 0;
  for (std::uint32_t row = 0; row < frame.height; row += step) {
    const std::uint8_t* y = frame.planes[0] + static_cast<std::size_t>(row) * frame.strides[0];
    for (std::uint32_t col = 0; col < frame.width; col += step) {
      sum += y[col];
      ++count;
    }
  }
  return count == 0 ? 0.0 : static_cast<double>(sum) / static_cast<double>(count);
}

}  // namespace

Result<SyncEvent> detect_clap(std::span<const float> interleaved, int sample_rate, int channels,
                              const ClapDetectionOptions& options) {
  if (sample_rate <= 0 || channels <= 0) {
    return fail(
        Errc::invalid_argument,
        fmt::format("clap detection: sample rate {} Hz and {} channels", sample_rate, channels));
  }
  if (interleaved.size() % static_cast<std::size_t>(channels) != 0) {
    return fail(Errc::invalid_argument,
                fmt::format("clap detection: {} samples are not a whole number of {}-channel "
                            "frames",
                            interleaved.size(), channels));
  }
  if (auto ok = check_clap_options(options); !ok) return tl::unexpected(ok.error());
  ClapScanner scanner(sample_rate, options);
  scanner.append(mix_to_mono(interleaved, channels));
  if (auto found = scanner.scan()) return *found;
  return tl::unexpected(scanner.not_found());
}

Result<SyncEvent> detect_flash(const VideoInput& video, const FlashDetectionOptions& options) {
  if (!video.source || video.frame_count <= 0) {
    return fail(Errc::invalid_argument, "flash detection: the video has no frames");
  }
  if (options.baseline_frames <= 0 || options.pixel_step == 0 || !(options.jump_luma > 0.0)) {
    return fail(Errc::invalid_argument,
                "flash detection: baseline frames, pixel step and jump must be positive");
  }
  const std::int64_t frames = std::min(video.frame_count, options.max_frames);
  std::vector<double> means;
  double largest_jump = 0.0;
  std::int64_t largest_at = -1;
  for (std::int64_t f = 0; f < frames; ++f) {
    auto frame = video.source(f);
    if (!frame) return with_context(frame.error(), fmt::format("flash detection, frame {}", f));
    auto mean = mean_luma(*frame, options.pixel_step);
    if (!mean) return tl::unexpected(mean.error());
    if (!means.empty()) {
      const auto first = static_cast<std::ptrdiff_t>(std::max<std::int64_t>(
          0, static_cast<std::int64_t>(means.size()) - options.baseline_frames));
      double baseline = 0.0;
      for (auto it = means.begin() + first; it != means.end(); ++it) baseline += *it;
      baseline /= static_cast<double>(means.end() - (means.begin() + first));
      const double jump = *mean - baseline;
      if (jump >= options.jump_luma) {
        return SyncEvent{SyncEventKind::flash, Time::frames(f, video.frame_rate), f, jump};
      }
      if (jump > largest_jump) {
        largest_jump = jump;
        largest_at = f;
      }
    }
    means.push_back(*mean);
  }
  return fail(Errc::not_found,
              fmt::format("no flash found in {} frames: the largest rise of mean luma is {:.1f} "
                          "(frame {}), {:.1f} needed",
                          frames, largest_jump, largest_at, options.jump_luma));
}

Result<SyncEvent> detect_clap_in_file(const std::filesystem::path& age_file,
                                      std::span<const crypto::Identity> identities,
                                      const ClapDetectionOptions& options, int stream) {
  if (auto ok = check_clap_options(options); !ok) return tl::unexpected(ok.error());
  if (!(options.max_search_s > 0.0)) {
    return fail(Errc::invalid_argument, "clap detection: the search length must be positive");
  }
  // Mono at the decode rate: the decoder's resampler mixes the channels down.
  auto decoder =
      media::AudioDecoder::open(age_file, identities, stream, options.decode_sample_rate, 1);
  if (!decoder) return with_context(decoder.error(), age_file.string());
  const Rational second = Rational::make(1, 1).value();
  auto limit_ms = std::llround(options.max_search_s * 1000.0);
  Time limit(limit_ms, Rational::make(1, 1000).value());
  if (const auto& duration = decoder->stream().duration; duration && *duration < limit) {
    limit = *duration;
  }
  ClapScanner scanner(options.decode_sample_rate, options);
  for (Time start; start < limit;) {
    auto next = add(start, Time(1, second));
    if (!next) return with_context(next.error(), age_file.string());
    Time chunk(1, second);
    if (limit < *next) {
      auto rest = subtract(limit, start);
      if (!rest) return with_context(rest.error(), age_file.string());
      chunk = *rest;
      next = limit;
    }
    auto samples = decoder->read(start, chunk);
    if (!samples) return with_context(samples.error(), age_file.string() + ": reading audio");
    scanner.append(*samples);
    if (auto found = scanner.scan()) return *found;
    start = *next;
  }
  const Error missing = scanner.not_found();
  return fail(missing.code, age_file.string() + ": " + missing.detail);
}

Result<Time> event_offset(const SyncEvent& a, const SyncEvent& b) {
  auto offset = subtract(b.time, a.time);
  if (!offset) return with_context(offset.error(), "offset between sync events");
  return offset;
}

}  // namespace clinvid::analysis
