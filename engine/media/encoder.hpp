// Export encoding: I420 frames and float audio in, H.264 + AAC in a faststart MP4 out,
// written straight into an age file (see mp4_output.hpp for how no plaintext touches disk).
//
// Threading: one thread at a time (it may move between threads). Move-only. The encoder's
// own threads (x264 frame threads) run inside and never call back into the caller.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/frame.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"

namespace clinvid::media {

enum class VideoEncoderKind {
  invalid = 0,
  automatic,  // h264_nvenc, then h264_vaapi, then libx264: the first that opens
  libx264,
  nvenc,
  vaapi,
};

struct EncodeSettings {
  std::uint32_t width = 1920;  // output size in pixels; even (4:2:0), at most 8192
  std::uint32_t height = 1080;
  Rational frame_rate;  // output frames per second; frame i is at i / frame_rate
  VideoEncoderKind encoder = VideoEncoderKind::automatic;
  std::string x264_preset = "medium";  // x264's presets, ultrafast … placebo
  int crf = 20;                        // 0 … 51 (nvenc: cq; vaapi: qp)
  int keyframe_interval_frames = 0;    // 0: two seconds' worth of frames
  int threads = 0;                     // encoder threads; 0: the encoder's choice (all cores)
  bool audio = true;                   // an AAC track (FFmpeg's native encoder)
  int audio_sample_rate = 48000;       // Hz, one AAC sampling rate (7350 … 96000)
  int audio_channels = 2;              // 1 … 8
  int audio_bitrate_kbps = 160;
  std::string title;  // container metadata; never patient identifiers
};

class Mp4Encoder {
 public:
  // Checks the settings (Errc::invalid_argument naming the bad field), opens the video
  // encoder (Errc::unsupported when the requested kind cannot open here), the AAC encoder
  // and the output (Errc::io / permission errors naming the directory).
  [[nodiscard]] static Result<Mp4Encoder> create(const EncodeSettings& settings,
                                                 const std::filesystem::path& path,
                                                 std::span<const crypto::Recipient> recipients);
  ~Mp4Encoder();  // without finish(): as cancel()
  Mp4Encoder(Mp4Encoder&&) noexcept;
  Mp4Encoder& operator=(Mp4Encoder&&) noexcept;
  Mp4Encoder(const Mp4Encoder&) = delete;
  Mp4Encoder& operator=(const Mp4Encoder&) = delete;

  // One frame, I420 at the settings' size, with frame_index greater than the last one's
  // (gaps allowed: the previous frame stays on screen). The planes are copied once; the view
  // may be reused when this returns.
  [[nodiscard]] Status add_video(const ConstFrameView& i420, std::int64_t frame_index);
  // Interleaved float samples (a multiple of the channel count), at the settings' rate, in
  // order; the first sample is at time 0. Errc::invalid_argument when audio is off.
  [[nodiscard]] Status add_audio(std::span<const float> interleaved);
  // Flushes the encoders, writes the trailer, moves the moov to the front and renames the
  // age file into place. After an error nothing is left at `path`. Call once.
  [[nodiscard]] Status finish();
  // Stops and removes everything written; later calls return Errc::cancelled.
  void cancel() noexcept;

  [[nodiscard]] std::string_view encoder_name() const noexcept;  // "libx264", "h264_nvenc", …
  [[nodiscard]] std::int64_t frames_written() const noexcept;

 private:
  struct Impl;
  explicit Mp4Encoder(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clinvid::media
