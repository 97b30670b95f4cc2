// Recovery of recordings: an encrypted recording cut short by kill -9, a crash or a power cut
// (or a cleanly stopped, streamable one) becomes a finalised, seekable Matroska file, encrypted
// again, with no plaintext on disk.
//
// What authenticates of the age stream is decrypted into memory (crypto::recover), demuxed by
// FFmpeg from memory, remuxed packet for packet (timestamps kept: the session clock) into a
// Matroska file with duration and cues (built in memory, since cues need a seekable output) and
// encrypted to `recipients` at `out` (through out.tmp, renamed when complete). Memory use is
// about twice the recording's size.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "core/rational.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"
#include "crypto/recover.hpp"

namespace clinvid::capture {

struct FinaliseReport {
  crypto::RecoveryReport age;      // chunks recovered, bytes lost, final chunk present?
  std::uint64_t packets = 0;       // media packets written, all streams
  std::uint64_t video_frames = 0;  // of which video
  Time duration;                   // first to last video frame end, session clock
  Time start;                      // first video timestamp on the session clock
};

// Errc::media when what authenticates is not media FFmpeg can demux (callers may fall back to
// crypto::recover_to); the age failure classes as crypto::recover reports them otherwise.
[[nodiscard]] Result<FinaliseReport> recover_recording(
    const std::filesystem::path& in, std::span<const crypto::Identity> identities,
    std::span<const crypto::Recipient> recipients, const std::filesystem::path& out);

}  // namespace clinvid::capture
