// libFuzzer target: the age header parser and the ASCII armor decoder on hostile bytes.
// Beyond "no crash, no sanitizer report", it checks two properties that hold only because the
// parsers are strict: a parsed header re-serialises to exactly the bytes it came from, and a
// canonical armored file re-encodes to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "crypto/armor.hpp"
#include "crypto/failure.hpp"
#include "crypto/format.hpp"

namespace {

using namespace clinvid::crypto;

void check(bool condition) {
  if (!condition) std::abort();
}

void fuzz_header(std::span<const std::uint8_t> bytes) {
  auto header = parse_header(bytes);
  if (!header) {
    check(age_failure_of(header.error()) == AgeFailure::header);
    return;
  }
  const std::string again = encode_header(header->stanzas, header->mac);
  check(again.size() == header->encoded_size);
  check(std::equal(again.begin(), again.end(), bytes.begin()));
  check(header->mac_input == encode_header_without_mac(header->stanzas));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  fuzz_header(bytes);

  auto decoded = armor_decode(bytes);
  if (!decoded) {
    const AgeFailure failure = age_failure_of(decoded.error());
    check(failure == AgeFailure::armor);
    return 0;
  }
  fuzz_header(*decoded);
  // Canonical input (LF only, nothing around the block) must re-encode to itself.
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.starts_with("-----BEGIN") && text.ends_with("-----\n") &&
      text.find('\r') == std::string_view::npos) {
    check(armor_encode(*decoded) == text);
  }
  return 0;
}
