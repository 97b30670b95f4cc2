// A recording as analysis input: frames of an (age-encrypted) media file decoded with
// media::VideoDecoder and handed to tracking as a VideoInput. Frame n is the frame on screen at
// start + n / frame_rate (frame-accurate; DESIGN invariant 7: the instant is rational), the
// rate is the stream's, and the frame count follows from the stream's stated duration, or,
// for a streamed recording that states none (`clinvid record`'s Matroska), from decoding it
// once when it is opened.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

#include "analysis/point.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"

namespace clinvid::analysis {

// Owns the decoder. Move-only; moving keeps inputs made by input() valid (the state lives on
// the heap). One thread at a time, like the decoder.
class RecordingInput {
 public:
  // Opens video stream `stream` (-1: the first video stream) of `age_file` with the first
  // identity that matches. Errors: the decoder's (Errc::crypto for a wrong key, Errc::corrupt
  // for a damaged file, Errc::not_found for no video stream), Errc::unsupported when the
  // stream states no frame rate, Errc::corrupt when it has no frames.
  [[nodiscard]] static Result<RecordingInput> open(const std::filesystem::path& age_file,
                                                   std::span<const crypto::Identity> identities,
                                                   int stream = -1);
  ~RecordingInput();
  RecordingInput(RecordingInput&&) noexcept;
  RecordingInput& operator=(RecordingInput&&) noexcept;
  RecordingInput(const RecordingInput&) = delete;
  RecordingInput& operator=(const RecordingInput&) = delete;

  [[nodiscard]] Rational frame_rate() const noexcept;
  [[nodiscard]] std::int64_t frame_count() const noexcept;
  [[nodiscard]] std::uint32_t width_px() const noexcept;
  [[nodiscard]] std::uint32_t height_px() const noexcept;
  // The presentation time of frame 0 on the file's timeline: an audio instant of the same file
  // minus this is a view time (sync_detect.hpp).
  [[nodiscard]] Time start() const noexcept;

  // Frames 0 .. frame_count - 1 as I420 views, valid until the next call (FrameSource
  // contract). This object must outlive the returned input.
  [[nodiscard]] VideoInput input();

 private:
  struct State;
  explicit RecordingInput(std::unique_ptr<State> state) noexcept;
  std::unique_ptr<State> state_;
};

}  // namespace clinvid::analysis
