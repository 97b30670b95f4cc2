// SHA-256, whole or incremental, for content hashes (imported media, calibration charts,
// audit rows). On OpenSSL's libcrypto, which uses the processor's SHA extensions where they
// exist: ~1.9 GB/s here against libsodium 1.0.18's portable 0.45 GB/s, which mattered for
// hashing gigabyte imports twice (on the way in, and to verify before deleting originals).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>

namespace clinvid::crypto {

using Sha256Digest = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::span<const std::uint8_t> bytes);
  // The digest of everything given so far; the object then starts again, empty.
  [[nodiscard]] Sha256Digest finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

[[nodiscard]] Sha256Digest sha256(std::span<const std::uint8_t> bytes);

}  // namespace clinvid::crypto
