#include "core/id.hpp"

#include <cstdlib>
#include <mutex>

#include <sodium.h>

namespace clinvid {
namespace {

void sodium_once() {
  static std::once_flag flag;
  std::call_once(flag, [] {
    if (sodium_init() < 0) std::abort();  // no secure randomness: nothing is safe to do
  });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void random_bytes(std::span<std::byte> out) {
  sodium_once();
  randombytes_buf(out.data(), out.size());
}

void random_bytes(std::span<std::uint8_t> out) {
  random_bytes(std::as_writable_bytes(out));
}

Uuid Uuid::random() {
  Uuid id;
  random_bytes(std::span<std::uint8_t>(id.bytes_));
  id.bytes_[6] = static_cast<std::uint8_t>((id.bytes_[6] & 0x0f) | 0x40);  // version 4
  id.bytes_[8] = static_cast<std::uint8_t>((id.bytes_[8] & 0x3f) | 0x80);  // variant 10
  return id;
}

Result<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != 36) return fail(Errc::invalid_argument, "uuid must be 36 characters");
  Uuid id;
  std::size_t byte = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return fail(Errc::invalid_argument, "uuid: expected '-'");
      ++i;
      continue;
    }
    const int hi = hex_value(text[i]);
    const int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return fail(Errc::invalid_argument, "uuid: not a hex digit");
    id.bytes_[byte++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return id;
}

std::string Uuid::to_string() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes_.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += digits[bytes_[i] >> 4];
    out += digits[bytes_[i] & 0x0f];
  }
  return out;
}

bool Uuid::is_nil() const noexcept {
  for (auto b : bytes_) {
    if (b != 0) return false;
  }
  return true;
}

}  // namespace clinvid
