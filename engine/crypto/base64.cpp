#include "crypto/base64.hpp"

#include <array>

namespace clinvid::crypto {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}
constexpr auto kTable = make_table();

// Splits off the '=' padding of a padded encoding; returns the count, or -1 if malformed.
int padding_of(std::string_view text) {
  if (text.size() % 4 != 0) return -1;
  int pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() >= 2 && text[text.size() - 2] == '=') {
    if (pad == 0) return -1;  // "x=y" style
    ++pad;
  }
  return pad;
}

}  // namespace

void base64_append(std::string& out, std::span<const std::uint8_t> bytes, Base64Padding padding) {
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = unsigned{bytes[i]} << 16 | unsigned{bytes[i + 1]} << 8 | bytes[i + 2];
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const unsigned v = unsigned{bytes[i]} << 16;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    if (padding == Base64Padding::required) out += "==";
  } else if (rest == 2) {
    const unsigned v = unsigned{bytes[i]} << 16 | unsigned{bytes[i + 1]} << 8;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    if (padding == Base64Padding::required) out += '=';
  }
}

std::string base64_encode(std::span<const std::uint8_t> bytes, Base64Padding padding) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  base64_append(out, bytes, padding);
  return out;
}

std::size_t base64_decoded_size(std::string_view text, Base64Padding padding) noexcept {
  std::size_t chars = text.size();
  if (padding == Base64Padding::required) {
    const int pad = padding_of(text);
    if (pad < 0) return 0;
    chars -= static_cast<std::size_t>(pad);
  }
  if (chars % 4 == 1) return 0;
  return chars / 4 * 3 + (chars % 4 == 0 ? 0 : chars % 4 - 1);
}

Status base64_decode_exact(std::string_view text, Base64Padding padding,
                           std::span<std::uint8_t> out) {
  std::string_view body = text;
  if (padding == Base64Padding::required) {
    const int pad = padding_of(text);
    if (pad < 0) return fail(Errc::invalid_argument, "malformed base64 padding");
    body.remove_suffix(static_cast<std::size_t>(pad));
  } else if (padding != Base64Padding::none) {
    return fail(Errc::invalid_argument, "no base64 padding mode given");
  }
  if (body.size() % 4 == 1) return fail(Errc::invalid_argument, "truncated base64");
  const std::size_t expected =
      body.size() / 4 * 3 + (body.size() % 4 == 0 ? 0 : body.size() % 4 - 1);
  if (expected != out.size()) return fail(Errc::invalid_argument, "unexpected base64 length");

  std::size_t o = 0;
  unsigned acc = 0;
  int bits = 0;
  for (const char c : body) {
    const std::int8_t v = kTable[static_cast<unsigned char>(c)];
    if (v < 0) return fail(Errc::invalid_argument, "character outside the base64 alphabet");
    acc = (acc << 6 | static_cast<unsigned>(v)) & 0xffffu;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = static_cast<std::uint8_t>(acc >> bits);
    }
  }
  // Canonical: the bits left over after the last whole byte must be zero.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    return fail(Errc::invalid_argument, "non-canonical base64 (trailing bits set)");
  }
  return {};
}

Result<std::vector<std::uint8_t>> base64_decode(std::string_view text, Base64Padding padding) {
  std::string_view body = text;
  if (padding == Base64Padding::required) {
    const int pad = padding_of(text);
    if (pad < 0) return fail(Errc::invalid_argument, "malformed base64 padding");
    body.remove_suffix(static_cast<std::size_t>(pad));
  }
  if (body.size() % 4 == 1) return fail(Errc::invalid_argument, "truncated base64");
  std::vector<std::uint8_t> out(body.size() / 4 * 3 +
                                (body.size() % 4 == 0 ? 0 : body.size() % 4 - 1));
  if (auto ok = base64_decode_exact(text, padding, out); !ok) return tl::unexpected(ok.error());
  return out;
}

}  // namespace clinvid::crypto
