#include "crypto/hkdf.hpp"

#include <algorithm>
#include <cstdlib>

#include "crypto/internal.hpp"
#include "crypto/secret.hpp"

namespace clinvid::crypto {
namespace {

// crypto_auth_hmacsha256_init() requires a non-null key pointer even for an empty key.
const std::uint8_t* key_pointer(std::span<const std::uint8_t> key) {
  static constexpr std::uint8_t kEmpty = 0;
  return key.empty() ? &kEmpty : key.data();
}

}  // namespace

void hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> message,
                 std::span<std::uint8_t, kSha256Size> out) {
  detail::sodium_ready();
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key_pointer(key), key.size());
  crypto_auth_hmacsha256_update(&state, message.data(), detail::ull(message.size()));
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof state);
}

void hkdf_sha256(std::span<const std::uint8_t> ikm, std::span<const std::uint8_t> salt,
                 std::string_view info, std::span<std::uint8_t> out) {
  if (out.size() > 255 * kSha256Size) std::abort();  // RFC 5869 limit; a caller bug
  detail::sodium_ready();
  // HMAC pads a short key with zeros, so an empty salt is the RFC's HashLen zero bytes.
  SecretBytes prk(kSha256Size);
  hmac_sha256(salt, ikm, std::span<std::uint8_t, kSha256Size>(prk.data(), kSha256Size));

  std::array<std::uint8_t, kSha256Size> block{};
  std::size_t done = 0;
  for (std::uint8_t counter = 1; done < out.size(); ++counter) {
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, prk.data(), prk.size());
    if (counter > 1) crypto_auth_hmacsha256_update(&state, block.data(), block.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(info.data()),
                                  detail::ull(info.size()));
    crypto_auth_hmacsha256_update(&state, &counter, 1);
    crypto_auth_hmacsha256_final(&state, block.data());
    sodium_memzero(&state, sizeof state);
    const std::size_t n = std::min(block.size(), out.size() - done);
    std::copy_n(block.begin(), n, out.begin() + static_cast<std::ptrdiff_t>(done));
    done += n;
  }
  wipe(block);
}

}  // namespace clinvid::crypto
