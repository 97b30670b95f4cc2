// Streaming age encryption: append-only output, bounded memory, crash tolerance.
//
// The writer holds at most one chunk (64 KiB) of plaintext: a chunk can only be sealed once it
// is known whether it is the last, i.e. when more data or finish() arrives. Everything before
// that chunk is already in the sink. If the process dies before finish(), the file is a valid
// header followed by whole authenticated chunks and maybe a partial one: recover.hpp turns it
// back into a complete file. With an fsync interval set, at most that interval is lost.
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

enum class Armor {
  invalid = 0,
  binary,   // the normal form
  armored,  // ASCII armor (PEM), for text channels; not recoverable after a crash
};

struct WriterOptions {
  Armor armor = Armor::binary;
  std::uint32_t fsync_every_chunks = 0;  // sync after this many sealed chunks; 0: not by count
  std::uint32_t fsync_interval_ms = 0;   // sync when a chunk is sealed this long after the last
                                         // sync; 0: not by time. Checked only as chunks are
                                         // sealed: a low-bitrate caller that must bound loss by
                                         // time calls sync() from its own timer.
};

// Single-threaded: one thread at a time (it may move between threads). Move-only.
// Errors are sticky: after one, every call returns it again.
class Encryptor {
 public:
  // Writes the header and payload nonce to `sink` at once (so even a recording that crashes
  // at its first frame is recognisable), then owns the sink until destruction.
  [[nodiscard]] static Result<Encryptor> create(std::span<const Recipient> recipients,
                                                std::unique_ptr<ByteSink> sink,
                                                WriterOptions options = {});
  ~Encryptor();
  Encryptor(Encryptor&&) noexcept;
  Encryptor& operator=(Encryptor&&) noexcept;
  Encryptor(const Encryptor&) = delete;
  Encryptor& operator=(const Encryptor&) = delete;

  [[nodiscard]] Status write(std::span<const std::uint8_t> plaintext);
  // Makes everything sealed so far durable (the sink's sync()).
  [[nodiscard]] Status sync();
  // Seals what is buffered as the last chunk, ends the armor, syncs if any fsync option is
  // set, and closes the sink (for AtomicFileSink: renames into place). Call once.
  // Destroying an Encryptor without finish() leaves an unfinished, recoverable stream.
  [[nodiscard]] Status finish();

  [[nodiscard]] std::uint64_t plaintext_size() const noexcept;  // bytes accepted by write()
  [[nodiscard]] std::uint64_t chunks_sealed() const noexcept;

 private:
  struct Impl;
  explicit Encryptor(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

// Whole-buffer encryption, for small data (keys, manifests, tests).
[[nodiscard]] Result<std::vector<std::uint8_t>> encrypt(std::span<const std::uint8_t> plaintext,
                                                        std::span<const Recipient> recipients,
                                                        Armor armor = Armor::binary);

// Encrypts the file `in` to `out` through `out.tmp`, renamed into place only on success.
[[nodiscard]] Status encrypt_file(const std::filesystem::path& in, const std::filesystem::path& out,
                                  std::span<const Recipient> recipients,
                                  WriterOptions options = {});

}  // namespace clinvid::crypto
