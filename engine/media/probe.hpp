// What an (encrypted) media file holds, in the engine's types: codecs, sizes, rational frame
// rates and durations (DESIGN invariant 7: no floating seconds cross a module).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/rational.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"
#include "media/age_avio.hpp"

namespace clinvid::media {

enum class StreamKind { invalid = 0, video, audio, subtitle, data, other };

struct StreamInfo {
  int index = -1;  // AVStream index, for av_seek_frame and packet matching
  StreamKind kind = StreamKind::invalid;
  std::string codec;  // FFmpeg's codec name ("h264", "aac"), as ffprobe's codec_name
  int width = 0;      // video only; 0 otherwise
  int height = 0;
  std::optional<Rational> frame_rate;  // video: r_frame_rate (ffprobe's), when known
  Rational timebase;                   // the stream's packet timebase
  std::optional<Time> duration;        // in `timebase`, when the container states it
};

struct MediaInfo {
  std::string format_name;       // FFmpeg's demuxer names, e.g. "matroska,webm" or "mov,mp4,…"
  std::uint64_t size_bytes = 0;  // plaintext size
  std::optional<Time> duration;  // the container's, in microseconds (AV_TIME_BASE)
  std::vector<StreamInfo> streams;
};

[[nodiscard]] Result<MediaInfo> probe(const EncryptedInput& input);
[[nodiscard]] Result<MediaInfo> probe(const std::filesystem::path& path,
                                      std::span<const crypto::Identity> identities);

}  // namespace clinvid::media
