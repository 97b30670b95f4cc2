// The importer's read side of FFmpeg: a demuxer over a borrowed file descriptor through our
// own AVIOContext (the file's name never reaches FFmpeg as a URL), limited to the containers
// the importer takes, never opening other files. Shared by the remux and the frame sampling.
// Internal to engine/archive; FFmpeg's types are only forward-declared here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "media/age_avio.hpp"

struct AVPacket;

namespace clinvid::archive::detail {

// FFmpeg's demuxer names for the containers the importer takes (see av_match_list).
inline constexpr const char* kAllowedDemuxers = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm";
inline constexpr std::size_t kIoBufferBytes = 64 * 1024;

// The read AVIOContext's opaque: FFmpeg keeps no position of its own for custom I/O.
struct SourceCursor {
  int fd = -1;
  std::uint64_t size = 0;
  std::uint64_t position = 0;
  std::optional<Error> error;
};

// An open demuxer, stream info read. Members are freed bottom-up, as FFmpeg needs.
struct Input {
  std::unique_ptr<SourceCursor> cursor;  // freed last
  media::AvioContextPtr avio;
  media::AvFormatContextPtr format;  // freed first
};

// Opens the file at `fd` (borrowed; read with pread, so its offset is untouched). Errors:
// Errc::unsupported for a type outside kAllowedDemuxers (named), Errc::corrupt for a damaged
// or truncated file, Errc::io for a failed read.
[[nodiscard]] Result<Input> open_input(int fd);

// An lseek-like move of `position` within a stream of `size` bytes, for AVIO seek callbacks
// (AVSEEK_SIZE answers the size). Returns the new position or an AVERROR.
[[nodiscard]] std::int64_t seek_in(std::uint64_t size, std::uint64_t& position, std::int64_t offset,
                                   int whence);

// An FFmpeg error code as an Error: the read error that caused it if `cursor` recorded one,
// else Errc::corrupt for invalid data or a premature end, else Errc::media.
[[nodiscard]] Error av_failure(int code, std::string_view what,
                               const SourceCursor* cursor = nullptr);

// FFmpeg's codec name ("h264"), as ffprobe's codec_name.
[[nodiscard]] std::string codec_name(int codec_id);

struct PacketDeleter {
  void operator()(AVPacket* packet) const noexcept;
};
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;

}  // namespace clinvid::archive::detail
