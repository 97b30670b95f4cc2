// The age v1 header: parsing (strict, for hostile input) and serialisation.
//
//   age-encryption.org/v1
//   -> X25519 <base64 share>
//   <base64 body, 64 columns per line, ending with a line shorter than 64 (maybe empty)>
//   --- <base64 MAC>
//
// Parsing checks only structure; what each stanza means is for the identities (envelope.hpp).
// Every parse error is a "header failure" (failure.hpp). Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace clinvid::crypto {

inline constexpr std::string_view kVersionLine = "age-encryption.org/v1\n";
inline constexpr std::size_t kStanzaColumns = 64;  // base64 characters per full body line
inline constexpr std::size_t kHeaderMacSize = 32;
// Refuse headers past this size: a hostile file could otherwise make us buffer without end.
inline constexpr std::size_t kMaxHeaderBytes = 1024 * 1024;

struct Stanza {
  std::string type;               // first argument ("X25519", "scrypt", or anything)
  std::vector<std::string> args;  // the arguments after the type
  std::vector<std::uint8_t> body;
};

struct Header {
  std::vector<Stanza> stanzas;
  std::array<std::uint8_t, kHeaderMacSize> mac{};
  // The bytes the MAC covers: the header up to and including "---" (not the space after it).
  std::string mac_input;
  // Length of the header on the wire, through the LF that ends the MAC line.
  std::size_t encoded_size = 0;
};

// Incremental parser, fed one LF-terminated line at a time (a stream reader cannot know where
// the header ends before it has read it).
class HeaderParser {
 public:
  // `line` must end with LF. Returns true once the MAC line has been consumed (the header is
  // complete: call take()). Errors are header failures; after one, the parser is spent.
  [[nodiscard]] Result<bool> feed_line(std::string_view line);
  [[nodiscard]] Header take() { return std::move(header_); }

 private:
  enum class State { version, stanza_or_mac, body, done, failed };
  State state_ = State::version;
  Header header_;
};

// Parses the header at the start of `bytes`; Header::encoded_size says where the payload
// begins. Header failure if `bytes` ends before the MAC line.
[[nodiscard]] Result<Header> parse_header(std::span<const std::uint8_t> bytes);

// The header up to and including "---": what the MAC is computed over.
[[nodiscard]] std::string encode_header_without_mac(std::span<const Stanza> stanzas);
// The whole header: encode_header_without_mac() + " " + base64(mac) + LF.
[[nodiscard]] std::string encode_header(std::span<const Stanza> stanzas,
                                        std::span<const std::uint8_t, kHeaderMacSize> mac);

}  // namespace clinvid::crypto
