// Frame-accurate video decoding of an (age-encrypted) media file for editing and export:
// frame_at(t) returns exactly the frame on screen at t, as I420, from a byte-bounded cache,
// by decoding forward, or by seeking to the keyframe before t.
//
// Time (DESIGN invariant 7): `t` and every returned pts are rational instants on the stream's
// own presentation timeline (packet pts × the stream timebase), the timeline probe.hpp's
// StreamInfo describes. A clip whose first frame has pts 0 starts at Time 0; for one that
// does not, start_time() says where it starts.
//
// Threading: one thread at a time (it may move between threads). Move-only. FFmpeg's decoder
// threads (DecoderOptions::threads) run inside and never call back into the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>

#include "core/frame.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"
#include "media/probe.hpp"

namespace clinvid::media {

struct DecodedFrame {
  Time pts;       // presentation time of this frame, in the stream timebase
  Time duration;  // until the next frame's pts (the last frame: its own stated duration)
  // PixelFormat::i420 at the stream's size; anything else the codec gives (yuvj420p, nv12,
  // 4:2:2, 10-bit …) is converted with swscale. Immutable and shared with the cache.
  std::shared_ptr<const Frame> frame;
};

struct DecoderOptions {
  int threads = 0;                       // FFmpeg frame+slice threads; 0: FFmpeg's choice
  std::size_t cache_bytes = 256u << 20;  // FrameCache bound; 0 disables the cache
};

class VideoDecoder {
 public:
  // Opens `age_file` with the first matching identity and the video stream `stream` (an
  // AVStream index; -1: the first video stream). Errors: open_encrypted_input's (Errc::crypto
  // for a wrong key, Errc::corrupt for a damaged file), Errc::not_found "no video stream",
  // Errc::invalid_argument for a stream index that is not a video stream, Errc::unsupported
  // when no decoder exists for the codec.
  [[nodiscard]] static Result<VideoDecoder> open(const std::filesystem::path& age_file,
                                                 std::span<const crypto::Identity> identities,
                                                 int stream = -1, DecoderOptions options = {});
  ~VideoDecoder();
  VideoDecoder(VideoDecoder&&) noexcept;
  VideoDecoder& operator=(VideoDecoder&&) noexcept;
  VideoDecoder(const VideoDecoder&) = delete;
  VideoDecoder& operator=(const VideoDecoder&) = delete;

  [[nodiscard]] const StreamInfo& stream() const;
  // The stream's duration when the container states it (else the container's).
  [[nodiscard]] std::optional<Time> duration() const;
  // The pts of the stream's first frame when the container states it.
  [[nodiscard]] std::optional<Time> start_time() const;

  // The frame on screen at `t`: the last frame whose pts <= t, with `t` taken to the nearest
  // tick of the stream timebase (a container's timestamps are exact only to ±½ tick:
  // Matroska's 1 ms ticks round frame times of 30000/1001 either way). Before the first
  // frame: the first frame; past the end: the last frame. Never a neighbour of that frame.
  // Order of attempts: the cache; decoding forward from the current position when the
  // keyframe before `t` is not after it (sequential export never seeks); otherwise a seek
  // to the keyframe before `t` and decoding forward. Errors: Errc::media or the reader's
  // error (Errc::corrupt for a chunk that fails to authenticate) with what was being done.
  [[nodiscard]] Result<DecodedFrame> frame_at(Time t);

  // Counters for tests and benchmarks: frames the codec produced, seeks made, cache hits.
  [[nodiscard]] std::uint64_t frames_decoded() const noexcept;
  [[nodiscard]] std::uint64_t seeks() const noexcept;
  [[nodiscard]] std::uint64_t cache_hits() const noexcept;

 private:
  struct Impl;
  explicit VideoDecoder(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clinvid::media
