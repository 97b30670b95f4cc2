// FFmpeg reading encrypted media directly: a crypto::RandomAccessReader exposed as an
// AVIOContext (read_packet + seek with AVSEEK_SIZE), so players and editors demux an age file
// with no plaintext ever written to disk.
//
// FFmpeg's types are only forward-declared here; include <libavformat/avformat.h> in the .cpp
// that uses the AVFormatContext. Errors crossing this boundary are Result values; FFmpeg
// callbacks never let a C++ exception through.
//
// Threading: an AgeAvio or EncryptedInput is used by one thread at a time (FFmpeg's own rule
// for an AVFormatContext). Several of them may share one RandomAccessReader across threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/result.hpp"
#include "crypto/keys.hpp"
#include "crypto/random_access.hpp"

struct AVIOContext;
struct AVFormatContext;

namespace clinvid::media {

// Frees the context and its (av_malloc'd, possibly reallocated) buffer; not the opaque.
struct AvioContextDeleter {
  void operator()(AVIOContext* context) const noexcept;
};
using AvioContextPtr = std::unique_ptr<AVIOContext, AvioContextDeleter>;

// avformat_close_input(); with custom I/O that leaves the AVIOContext to its own owner.
struct AvFormatContextDeleter {
  void operator()(AVFormatContext* context) const noexcept;
};
using AvFormatContextPtr = std::unique_ptr<AVFormatContext, AvFormatContextDeleter>;

inline constexpr std::size_t kAvioBufferBytes = 64 * 1024;  // one age chunk

// An AVIOContext over the plaintext of a RandomAccessReader. Read-only, seekable, reports the
// plaintext size for AVSEEK_SIZE. The reader is borrowed and must outlive this object.
class AgeAvio {
 public:
  [[nodiscard]] static Result<AgeAvio> create(const crypto::RandomAccessReader& reader,
                                              std::size_t buffer_bytes = kAvioBufferBytes);
  ~AgeAvio();
  AgeAvio(AgeAvio&&) noexcept;
  AgeAvio& operator=(AgeAvio&&) noexcept;
  AgeAvio(const AgeAvio&) = delete;
  AgeAvio& operator=(const AgeAvio&) = delete;

  // Valid for this object's lifetime (moves keep it valid).
  [[nodiscard]] AVIOContext* get() const noexcept { return context_.get(); }
  // The first decryption error a read met (FFmpeg itself only sees AVERROR_INVALIDDATA or
  // AVERROR(EIO)), so callers can report "payload failure: …" instead of FFmpeg's words.
  [[nodiscard]] std::optional<Error> first_error() const;

  struct Cursor;  // the callbacks' state; defined in age_avio.cpp

 private:
  AgeAvio(std::unique_ptr<Cursor> cursor, AvioContextPtr context) noexcept;
  std::unique_ptr<Cursor> cursor_;  // the AVIOContext's opaque; declared first, freed last
  AvioContextPtr context_;
};

// An open demuxer over an encrypted file: owns the reader, the AVIOContext and the
// AVFormatContext, and frees them in the order FFmpeg needs. Move-only.
class EncryptedInput {
 public:
  ~EncryptedInput();
  EncryptedInput(EncryptedInput&&) noexcept;
  EncryptedInput& operator=(EncryptedInput&&) noexcept;
  EncryptedInput(const EncryptedInput&) = delete;
  EncryptedInput& operator=(const EncryptedInput&) = delete;

  // Streams found, stream info read (avformat_find_stream_info); ready for av_read_frame and
  // av_seek_frame/avformat_seek_file.
  [[nodiscard]] AVFormatContext* format() const noexcept { return format_.get(); }
  [[nodiscard]] const crypto::RandomAccessReader& reader() const noexcept { return *reader_; }
  [[nodiscard]] std::optional<Error> first_read_error() const { return avio_.first_error(); }

 private:
  friend Result<EncryptedInput> open_encrypted_input(const std::filesystem::path&,
                                                     std::span<const crypto::Identity>);
  EncryptedInput(std::unique_ptr<crypto::RandomAccessReader> reader, AgeAvio avio,
                 AvFormatContextPtr format) noexcept;
  std::unique_ptr<crypto::RandomAccessReader> reader_;  // freed last
  AgeAvio avio_;
  AvFormatContextPtr format_;  // freed first
};

// Opens `path` (a finished binary age file) with the first identity that matches, then runs
// avformat_open_input + avformat_find_stream_info over it. Errors: the reader's (Errc::crypto
// "no match"/"HMAC failure", Errc::corrupt "header failure"/"payload failure" for a damaged or
// truncated file, Errc::io), or Errc::media when FFmpeg cannot demux the plaintext.
[[nodiscard]] Result<EncryptedInput> open_encrypted_input(
    const std::filesystem::path& path, std::span<const crypto::Identity> identities);

// "av_strerror text (code)" for an AVERROR code.
[[nodiscard]] std::string av_error_text(int code);

}  // namespace clinvid::media
