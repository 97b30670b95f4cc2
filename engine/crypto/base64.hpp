// Base64 (RFC 4648 §4, standard alphabet) with the strictness age requires: decoders accept
// only canonical encodings (RFC 4648 §3.5: unused trailing bits are zero), and no whitespace or
// line breaks of any kind. age's header uses the unpadded form; its ASCII armor the padded one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace clinvid::crypto {

enum class Base64Padding {
  invalid = 0,
  none,      // "raw": '=' is rejected; length % 4 == 1 is rejected
  required,  // length % 4 == 0, '=' only as the final one or two characters
};

[[nodiscard]] std::string base64_encode(std::span<const std::uint8_t> bytes, Base64Padding padding);
// Appends instead of returning, to build lines without temporaries.
void base64_append(std::string& out, std::span<const std::uint8_t> bytes, Base64Padding padding);

// Decoded size of a well-formed encoding of `length` characters (0 when impossible).
[[nodiscard]] std::size_t base64_decoded_size(std::string_view text,
                                              Base64Padding padding) noexcept;

// Errc::invalid_argument with a short reason for anything not canonical.
[[nodiscard]] Result<std::vector<std::uint8_t>> base64_decode(std::string_view text,
                                                              Base64Padding padding);
// Decodes into `out`, which must be exactly the decoded size; otherwise Errc::invalid_argument.
// Use it to require an exact length (a 32-byte share, a 16-byte salt) and for secrets.
[[nodiscard]] Status base64_decode_exact(std::string_view text, Base64Padding padding,
                                         std::span<std::uint8_t> out);

}  // namespace clinvid::crypto
