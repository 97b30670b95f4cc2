// Where Mp4Encoder's muxer writes: a seekable write-only AVIOContext that turns the mov
// muxer's ordinary output (ftyp, mdat, moov at the end) into a faststart MP4 (moov before
// mdat) inside an age file, with no plaintext on disk (DESIGN invariant 1).
//
// How, and the memory bound:
//  * the front region the muxer writes in avformat_write_header (ftyp, a "wide" placeholder
//    and the mdat header, under 100 bytes) stays in memory, because the trailer patches the
//    mdat size there;
//  * the mdat payload streams into an age-encrypted temporary file in the output directory,
//    created unlinked (O_TMPFILE, else mkstemp + unlink), encrypted to an X25519 identity
//    generated for this export that only ever lives in memory: a crash leaves nothing;
//  * the trailer (the moov) is kept in memory, its chunk offsets (stco/co64) are shifted by
//    its own size (stco becomes co64 where an offset would pass 4 GiB), and the final file is
//    written in one pass: ftyp, moov, mdat header, the payload decrypted from the temporary.
//  Memory: the front region + the moov, which is the size of the muxer's own sample tables
//  (about 8–16 bytes per video frame and 4–8 per audio frame: ~3 MB for an hour at 30 fps),
//  plus one 64 KiB chunk in each age writer. Disk: the payload twice until finish() ends.
//
// The final file is written through an Encryptor into crypto::AtomicFileSink (`path.tmp`,
// renamed into place in finish()); destroying the object without finish() removes it.
// Threading: one thread at a time. Move-only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "core/result.hpp"
#include "crypto/keys.hpp"

struct AVIOContext;

namespace clinvid::media {

class EncryptedMp4Output {
 public:
  // Creates `path.tmp` (age header written at once, so an unwritable directory fails here) and
  // the encrypted temporary for the payload.
  [[nodiscard]] static Result<EncryptedMp4Output> create(
      const std::filesystem::path& path, std::span<const crypto::Recipient> recipients);
  ~EncryptedMp4Output();
  EncryptedMp4Output(EncryptedMp4Output&&) noexcept;
  EncryptedMp4Output& operator=(EncryptedMp4Output&&) noexcept;
  EncryptedMp4Output(const EncryptedMp4Output&) = delete;
  EncryptedMp4Output& operator=(const EncryptedMp4Output&) = delete;

  // For AVFormatContext::pb (with AVFMT_FLAG_CUSTOM_IO); valid for this object's lifetime.
  [[nodiscard]] AVIOContext* avio() const noexcept;

  // The muxer's phases. Call after avformat_write_header (everything written so far is the
  // front region), and after the last packet (interleaving queue flushed) before
  // av_write_trailer. Each flushes the AVIOContext first.
  [[nodiscard]] Status begin_payload();
  [[nodiscard]] Status begin_trailer();
  // After av_write_trailer: moves the moov to the front and writes the final file.
  [[nodiscard]] Status finish();

  // The first error a write callback met (FFmpeg itself only sees AVERROR(EIO)).
  [[nodiscard]] std::optional<Error> first_error() const;
  [[nodiscard]] std::uint64_t payload_bytes() const noexcept;

  struct State;  // the AVIOContext's opaque; defined in mp4_output.cpp

 private:
  explicit EncryptedMp4Output(std::unique_ptr<State> state) noexcept;
  std::unique_ptr<State> state_;
};

// Rewrites a moov box so every chunk offset (stco/co64) grows by `shift_bytes`, turning stco
// into co64 when `to_co64`. Errc::out_of_range if an stco entry would not fit in 32 bits
// (then call again with to_co64); Errc::corrupt for a malformed box. Exposed for tests.
[[nodiscard]] Result<std::vector<std::uint8_t>> shift_chunk_offsets(
    std::span<const std::uint8_t> moov, std::uint64_t shift_bytes, bool to_co64);

}  // namespace clinvid::media
