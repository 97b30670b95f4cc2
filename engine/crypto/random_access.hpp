// Random access to the plaintext of a finished binary age file, for demuxers: FFmpeg's
// AVIOContext (read_packet + seek with AVSEEK_SIZE) and a GStreamer pull-mode source.
//
// Built on pread(2): the reader keeps no file position, so the caller's position is the only
// one. Each read_at() decrypts only the 64 KiB chunks it touches, keeping the most recently used
// ones in a small LRU cache. Opening verifies the header and that the last chunk is a valid
// final chunk (so size() is trustworthy and a truncated or still-growing file is refused with a
// payload failure); every chunk is authenticated before any byte of it is returned.
//
// Threading: read_at() and size() may be called from several threads at once; the cache is
// internally locked and decryption runs outside the lock. Move-only; do not move while other
// threads use the object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

#include "core/result.hpp"
#include "crypto/keys.hpp"

namespace clinvid::crypto {

struct RandomAccessOptions {
  std::size_t cache_chunks = 8;  // decrypted chunks kept (64 KiB each); at least 1
};

class RandomAccessReader {
 public:
  [[nodiscard]] static Result<RandomAccessReader> open(const std::filesystem::path& path,
                                                       std::span<const Identity> identities,
                                                       RandomAccessOptions options = {});
  // Uses its own dup() of `fd`; the caller keeps and closes `fd`.
  [[nodiscard]] static Result<RandomAccessReader> open_fd(int fd,
                                                          std::span<const Identity> identities,
                                                          RandomAccessOptions options = {});
  ~RandomAccessReader();
  RandomAccessReader(RandomAccessReader&&) noexcept;
  RandomAccessReader& operator=(RandomAccessReader&&) noexcept;
  RandomAccessReader(const RandomAccessReader&) = delete;
  RandomAccessReader& operator=(const RandomAccessReader&) = delete;

  // Plaintext size in bytes.
  [[nodiscard]] std::uint64_t size() const noexcept;
  // Copies plaintext from byte `offset` into `out`; returns the count, which is out.size()
  // unless the end of the plaintext comes first (0 at or past the end). Payload failure if a
  // chunk does not authenticate (the file changed or was damaged after open).
  [[nodiscard]] Result<std::size_t> read_at(std::uint64_t offset,
                                            std::span<std::uint8_t> out) const;

 private:
  struct Impl;
  explicit RandomAccessReader(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clinvid::crypto
