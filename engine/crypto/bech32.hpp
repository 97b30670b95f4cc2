// Bech32 (BIP 173) as age uses it: no length limit on the data part, all-lowercase or
// all-uppercase (never mixed), checksum always over the lowercase form.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "crypto/secret.hpp"

namespace clinvid::crypto {

enum class Bech32Case { invalid = 0, lower, upper };

// `hrp` is given in lowercase; the whole string is emitted in `letter_case`.
[[nodiscard]] std::string bech32_encode(std::string_view hrp, std::span<const std::uint8_t> data,
                                        Bech32Case letter_case);
// The same, for secret keys: the text lives only in locked memory.
[[nodiscard]] SecretBytes bech32_encode_secret(std::string_view hrp,
                                               std::span<const std::uint8_t> data,
                                               Bech32Case letter_case);

struct Bech32Decoded {
  std::string hrp;   // lowercased
  SecretBytes data;  // 8-bit bytes; kept in locked memory since identities pass through here
};

// Errc::invalid_argument for a bad checksum, mixed case, bad characters or bad padding bits.
[[nodiscard]] Result<Bech32Decoded> bech32_decode(std::string_view text);

}  // namespace clinvid::crypto
