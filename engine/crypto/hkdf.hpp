// HMAC-SHA-256 and HKDF-SHA-256 (RFC 5869), built on libsodium's crypto_auth_hmacsha256_*,
// since libsodium 1.0.18 has no HKDF. Stateless and thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace clinvid::crypto {

inline constexpr std::size_t kSha256Size = 32;

void hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> message,
                 std::span<std::uint8_t, kSha256Size> out);

// Extract with `salt` (empty = the RFC's all-zero salt), then expand with `info` to fill `out`
// (at most 255 * 32 bytes). age always asks for 32 bytes.
void hkdf_sha256(std::span<const std::uint8_t> ikm, std::span<const std::uint8_t> salt,
                 std::string_view info, std::span<std::uint8_t> out);

}  // namespace clinvid::crypto
