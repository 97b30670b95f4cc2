// Video and audio behind import_media(): a stream-copy remux with FFmpeg that keeps only the
// video and audio streams and none of the container's or streams' tags, chapters,
// attachments, subtitle or data tracks (GPS tracks, timecode), and a few decoded frames for
// the quality checks.
//
// Output container: MP4/MOV input becomes MP4 (MOV with a codec MP4 cannot hold becomes
// Matroska), Matroska stays Matroska, WebM stays WebM. The MP4 and Matroska muxers need a
// seekable output to finish their index and duration, and the age stream is append-only, so
// the remux runs twice with bit-exact muxing: the first pass keeps only the first
// kRemuxHeadBytes of output in memory, where the muxers patch sizes and durations at the end;
// the second streams the output to `sink`, those bytes replaced by the first pass's final
// ones. Plaintext is only ever in memory (the head and FFmpeg's I/O buffers), never on disk,
// and memory stays bounded whatever the file's size. A muxer that rewrote bytes past the head
// would be refused (Errc::internal), as would two passes that disagree.
//
// The source is read through our own AVIOContext over a file descriptor (import_demux.hpp):
// its name is never handed to FFmpeg as a URL (no "pipe:", "concat:" or protocol surprises),
// only the whitelisted demuxers may open it, and the demuxer may not open other files.
//
// Not stripped: what the codec bitstream itself carries (an H.264/HEVC SEI user-data message,
// such as x264's settings string or a dash-camera's own GPS SEI). Removing SEI wholesale would
// also drop recovery points and HDR signalling; a per-type filter is future work.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "archive/import_media.hpp"
#include "archive/quality.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"

namespace clinvid::archive::detail {

inline constexpr std::size_t kRemuxHeadBytes = 4 * 1024 * 1024;
inline constexpr int kQualitySampleFrames = 5;

struct RemuxResult {
  MediaKind kind = MediaKind::invalid;
  std::string container;  // "mp4", "matroska", "webm"
  std::string codec;      // the first video stream's, else the first audio stream's
  int width = 0;
  int height = 0;
  std::optional<Rational> duration_s;
  std::vector<std::string> removed;
  std::uint64_t output_bytes = 0;
};

using SinkFn = std::function<Status(std::span<const std::uint8_t>)>;

// Remuxes the file open at `fd` (read with pread; the descriptor is borrowed) to `sink`.
[[nodiscard]] Result<RemuxResult> remux_sanitised(int fd, const SinkFn& sink);

// Decodes up to kQualitySampleFrames frames spread over the video and measures each; empty
// for audio-only files or when nothing decodes (import_sample.cpp).
[[nodiscard]] Result<std::vector<QualityMeasures>> sample_video_quality(int fd);

}  // namespace clinvid::archive::detail
