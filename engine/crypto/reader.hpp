// Streaming age decryption from any ByteSource, 64 KiB at a time.
//
// Plaintext is released one chunk at a time and only after that chunk has authenticated. A
// stream that is truncated, extended or tampered with ends in an error: everything released
// before it was authentic, but the caller must treat the whole as failed (a truncated recording
// is recover.hpp's job). As in the reference implementation, a final chunk followed by extra
// bytes is released before the error that the extra bytes cause.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "core/result.hpp"
#include "crypto/io.hpp"
#include "crypto/keys.hpp"

namespace clinvid::crypto {

enum class ArmorInput {
  invalid = 0,
  detect,  // armored if the file starts (after whitespace) with "-----BEGIN"
  binary,
  armored,
};

// Single-threaded: one thread at a time. Move-only. Errors are sticky.
class Decryptor {
 public:
  // Reads and checks the header, unwraps the file key with the first identity that matches,
  // verifies the header MAC and reads the payload nonce. Failures carry their age class.
  [[nodiscard]] static Result<Decryptor> open(std::unique_ptr<ByteSource> source,
                                              std::span<const Identity> identities,
                                              ArmorInput armor = ArmorInput::detect);
  ~Decryptor();
  Decryptor(Decryptor&&) noexcept;
  Decryptor& operator=(Decryptor&&) noexcept;
  Decryptor(const Decryptor&) = delete;
  Decryptor& operator=(const Decryptor&) = delete;

  // The next authenticated chunk of plaintext, valid until the next call. An empty span means
  // the stream ended properly (its final chunk authenticated and nothing followed).
  [[nodiscard]] Result<std::span<const std::uint8_t>> next_chunk();
  // Byte-stream form of next_chunk(): fills `out` as far as the stream allows; 0 at the end.
  [[nodiscard]] Result<std::size_t> read(std::span<std::uint8_t> out);

  [[nodiscard]] std::uint64_t chunks_released() const noexcept;

 private:
  struct Impl;
  explicit Decryptor(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

// Whole-buffer decryption (the result is only returned if the whole file authenticates).
[[nodiscard]] Result<std::vector<std::uint8_t>> decrypt(std::span<const std::uint8_t> file,
                                                        std::span<const Identity> identities,
                                                        ArmorInput armor = ArmorInput::detect);

// Decrypts everything into `sink`, then closes it. On failure the sink is not closed (for an
// AtomicFileSink: no file appears).
[[nodiscard]] Status decrypt_to(std::unique_ptr<ByteSource> source,
                                std::span<const Identity> identities, ByteSink& sink,
                                ArmorInput armor = ArmorInput::detect);

// Decrypts the file `in` to `out` through `out.tmp`, renamed into place only if the whole file
// authenticated: a failure never leaves a file (partial or not) at `out`.
[[nodiscard]] Status decrypt_file(const std::filesystem::path& in, const std::filesystem::path& out,
                                  std::span<const Identity> identities,
                                  ArmorInput armor = ArmorInput::detect);

}  // namespace clinvid::crypto
