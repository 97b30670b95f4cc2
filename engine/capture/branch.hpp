// The GStreamer description of one stream's branch (a bin of its own inside the session's
// pipeline), built from its source, the preset and the chosen encoder. Internal to
// engine/capture. Element names inside every camera bin: src, srccaps (test cameras), srcq,
// colour, t, prevq, preview, encq, enc, mux, sink; inside a microphone bin: src, convert, encq,
// mux, sink.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "capture/source.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"

namespace clinvid::capture {

struct BranchPlan {
  std::string description;  // for gst_parse_bin_from_description
  std::string encoder;      // element factory name ("x264enc")
  std::string codec;        // FFmpeg's name of what is recorded ("h264", "pcm_s16le")
  std::uint32_t width = 0;  // 0 when the source decides (file, rtsp without scaling)
  std::uint32_t height = 0;
  std::optional<Rational> rate;  // when known before the source starts
  std::uint32_t bitrate_kbps = 0;
};

// Which encoder `kind` means on this machine: automatic picks NVENC, then VA-API, then x264.
// Errc::unsupported when an explicitly asked-for encoder is not installed.
[[nodiscard]] Result<std::string> choose_video_encoder(EncoderKind kind);

[[nodiscard]] Result<BranchPlan> plan_camera(const SourceSpec& source, const Preset& preset,
                                             const std::string& encoder_factory);
[[nodiscard]] Result<BranchPlan> plan_microphone(const AudioSpec& source);

}  // namespace clinvid::capture
