// Audio of an (age-encrypted) media file for editing and export: one stream decoded and
// resampled (swresample) to interleaved float at the rate and channel count the caller asks
// for, read by rational time ranges.
//
// Time (DESIGN invariant 7): `start` is an instant on the stream's presentation timeline
// (as VideoDecoder's), so audio and video of one file line up by their own timestamps.
// Sample s of the output timeline is the instant s / sample_rate.
//
// Threading: one thread at a time. Move-only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "core/rational.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"
#include "media/probe.hpp"

namespace clinvid::media {

class AudioDecoder {
 public:
  // `stream` = -1: the first audio stream. sample_rate 8000…384000, channels 1…8 (FFmpeg's
  // default layout for that count). Errors as VideoDecoder::open, "no audio stream" with
  // Errc::not_found.
  [[nodiscard]] static Result<AudioDecoder> open(const std::filesystem::path& age_file,
                                                 std::span<const crypto::Identity> identities,
                                                 int stream = -1, int sample_rate = 48000,
                                                 int channels = 2);
  ~AudioDecoder();
  AudioDecoder(AudioDecoder&&) noexcept;
  AudioDecoder& operator=(AudioDecoder&&) noexcept;
  AudioDecoder(const AudioDecoder&) = delete;
  AudioDecoder& operator=(const AudioDecoder&) = delete;

  [[nodiscard]] const StreamInfo& stream() const;
  [[nodiscard]] int sample_rate() const noexcept;
  [[nodiscard]] int channels() const noexcept;

  // Samples covering [start, start + duration): round(duration × rate) frames of `channels`
  // interleaved floats, sample i at instant round(start × rate) + i. Silence (0.0f) where the
  // stream has no audio (before its start, after its end, in gaps). Reading on from where the
  // last read ended continues without seeking. Errors: Errc::invalid_argument for a negative
  // duration, Errc::out_of_range for one over an hour, decode/read errors as VideoDecoder.
  [[nodiscard]] Result<std::vector<float>> read(Time start, Time duration);

  [[nodiscard]] std::uint64_t seeks() const noexcept;

 private:
  struct Impl;
  explicit AudioDecoder(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clinvid::media
