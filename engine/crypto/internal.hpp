// Shared by the crypto module's .cpp files only. Never include it from a public header: it
// brings in <sodium.h>, which stays private to the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <sodium.h>

namespace clinvid::crypto::detail {

// sodium_init() once per process; aborts when no secure randomness exists.
void sodium_ready();

inline unsigned long long ull(std::size_t n) noexcept {
  return static_cast<unsigned long long>(n);
}

// ChaCha20-Poly1305 (IETF) with an all-zero nonce and no associated data, as every age
// recipient stanza body uses. `out` is plaintext + 16 bytes (seal) or sealed - 16 (open).
void seal_zero_nonce(std::span<const std::uint8_t, 32> key, std::span<const std::uint8_t> plain,
                     std::span<std::uint8_t> out);
[[nodiscard]] bool open_zero_nonce(std::span<const std::uint8_t, 32> key,
                                   std::span<const std::uint8_t> sealed,
                                   std::span<std::uint8_t> out);

}  // namespace clinvid::crypto::detail
