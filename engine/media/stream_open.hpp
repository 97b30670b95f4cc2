// Shared by the video and audio decoders (private to engine/media): opening one stream of an
// encrypted file with its decoder, and turning FFmpeg failures into specific errors.
#pragma once

#include <filesystem>
#include <span>
#include <string_view>

#include "core/result.hpp"
#include "crypto/keys.hpp"
#include "media/age_avio.hpp"
#include "media/av_ptr.hpp"

extern "C" {
#include <libavformat/avformat.h>
}

namespace clinvid::media {

struct OpenedStream {
  EncryptedInput input;
  int index = -1;
  AvCodecContextPtr codec;  // opened; pkt_timebase set to the stream's timebase
};

// Opens `path`, picks the stream (`stream` = -1: FFmpeg's best stream of `type`) and opens a
// decoder for it with `threads` (0: FFmpeg's choice; frame and slice threading allowed).
[[nodiscard]] Result<OpenedStream> open_stream(const std::filesystem::path& path,
                                               std::span<const crypto::Identity> identities,
                                               AVMediaType type, int stream, int threads);

// The reader's own error when a read under FFmpeg failed (wrong chunk MAC: Errc::corrupt),
// else FFmpeg's text as Errc::media; `what` says what was being done.
[[nodiscard]] Error ffmpeg_error(const EncryptedInput& input, int code, std::string_view what);

}  // namespace clinvid::media
