// Random identifiers from libsodium's CSPRNG: UUID version 4 (RFC 9562) for recordings,
// sessions and every other catalogued thing.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace clinvid {

// Fills `out` with cryptographically secure random bytes. Calls sodium_init() once.
void random_bytes(std::span<std::byte> out);
void random_bytes(std::span<std::uint8_t> out);

class Uuid {
 public:
  Uuid() = default;  // the nil UUID
  [[nodiscard]] static Uuid random();
  // Accepts the canonical 8-4-4-4-12 hex form, either case; nothing else.
  [[nodiscard]] static Result<Uuid> parse(std::string_view text);

  [[nodiscard]] std::string to_string() const;  // lower case, canonical
  [[nodiscard]] bool is_nil() const noexcept;
  [[nodiscard]] const std::array<std::uint8_t, 16>& bytes() const noexcept { return bytes_; }

  friend auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace clinvid
