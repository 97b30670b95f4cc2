// The file key's envelope: wrapping a fresh file key for recipients, MACing the header, and
// the reverse (reading a header from a stream, unwrapping, verifying the MAC in constant time).
#pragma once

#include <array>
#include <span>
#include <string>

#include "core/result.hpp"
#include "crypto/format.hpp"
#include "crypto/io.hpp"
#include "crypto/keys.hpp"
#include "crypto/secret.hpp"

namespace clinvid::crypto {

struct SealedHeader {
  SecretBytes file_key;  // 16 fresh random bytes, never reused across files
  std::string encoded;   // the header as written, through the MAC line's LF
};

// Errc::invalid_argument for no recipients, or an scrypt recipient that is not alone.
[[nodiscard]] Result<SealedHeader> seal_header(std::span<const Recipient> recipients);

// HMAC-SHA-256 under HKDF-SHA-256(file key, salt = "", info = "header").
[[nodiscard]] std::array<std::uint8_t, kHeaderMacSize> header_mac(
    std::span<const std::uint8_t> file_key, std::string_view mac_input);

// Finds the file key: tries each identity, in order, on each stanza. An scrypt stanza that is not
// alone in the header is a header failure whatever the identities. Then checks the MAC.
// Failures: "no match", "header failure" (a stanza of a known type breaks its rules),
// "HMAC failure".
[[nodiscard]] Result<SecretBytes> open_header(const Header& header,
                                              std::span<const Identity> identities);

// Reads and parses a header from `source`, leaving it at the first payload byte. Source errors
// (i/o, armor failure) pass through unchanged; an early end of stream is a header failure.
[[nodiscard]] Result<Header> read_header(BufferedSource& source);

}  // namespace clinvid::crypto
