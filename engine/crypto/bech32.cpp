#include "crypto/bech32.hpp"

#include <array>
#include <vector>

namespace clinvid::crypto {
namespace {

constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

std::uint32_t polymod_step(std::uint32_t chk, std::uint8_t value) {
  static constexpr std::array<std::uint32_t, 5> kGen = {0x3b6a57b2u, 0x26508e6du, 0x1ea119fau,
                                                        0x3d4233ddu, 0x2a1462b3u};
  const std::uint32_t top = chk >> 25;
  chk = (chk & 0x1ffffffu) << 5 ^ value;
  for (std::size_t i = 0; i < 5; ++i) {
    if ((top >> i & 1u) != 0) chk ^= kGen[i];
  }
  return chk;
}

std::uint32_t hrp_polymod(std::string_view hrp_lower) {
  std::uint32_t chk = 1;
  for (const char c : hrp_lower) chk = polymod_step(chk, static_cast<std::uint8_t>(c >> 5));
  chk = polymod_step(chk, 0);
  for (const char c : hrp_lower) chk = polymod_step(chk, static_cast<std::uint8_t>(c & 31));
  return chk;
}

char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
char to_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

// Writes the encoding into `out`, which must have exactly encoded_size() characters.
std::size_t encoded_size(std::string_view hrp, std::size_t data_bytes) {
  return hrp.size() + 1 + (data_bytes * 8 + 4) / 5 + 6;
}

void encode_into(std::string_view hrp, std::span<const std::uint8_t> data, Bech32Case letter_case,
                 std::span<char> out) {
  std::size_t o = 0;
  auto put = [&](char c) { out[o++] = letter_case == Bech32Case::upper ? to_upper(c) : c; };
  for (const char c : hrp) put(to_lower(c));
  put('1');
  std::uint32_t chk = hrp_polymod(hrp);
  auto put5 = [&](std::uint8_t v) {
    chk = polymod_step(chk, v);
    put(kCharset[v]);
  };
  std::uint32_t acc = 0;
  int bits = 0;
  for (const std::uint8_t b : data) {
    acc = (acc << 8 | b) & 0xfffu;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      put5(static_cast<std::uint8_t>(acc >> bits & 31u));
    }
  }
  if (bits > 0) put5(static_cast<std::uint8_t>(acc << (5 - bits) & 31u));
  for (int i = 0; i < 6; ++i) chk = polymod_step(chk, 0);
  chk ^= 1;
  for (int i = 0; i < 6; ++i) put(kCharset[chk >> (5 * (5 - i)) & 31u]);
}

}  // namespace

std::string bech32_encode(std::string_view hrp, std::span<const std::uint8_t> data,
                          Bech32Case letter_case) {
  std::string out(encoded_size(hrp, data.size()), '\0');
  encode_into(hrp, data, letter_case, out);
  return out;
}

SecretBytes bech32_encode_secret(std::string_view hrp, std::span<const std::uint8_t> data,
                                 Bech32Case letter_case) {
  SecretBytes out(encoded_size(hrp, data.size()));
  encode_into(hrp, data, letter_case, std::span(reinterpret_cast<char*>(out.data()), out.size()));
  return out;
}

Result<Bech32Decoded> bech32_decode(std::string_view text) {
  bool lower = false;
  bool upper = false;
  for (const char c : text) {
    if (c < 33 || c > 126) return fail(Errc::invalid_argument, "bech32: invalid character");
    if (c >= 'a' && c <= 'z') lower = true;
    if (c >= 'A' && c <= 'Z') upper = true;
  }
  if (lower && upper) return fail(Errc::invalid_argument, "bech32: mixed case");
  const std::size_t sep = text.rfind('1');
  if (sep == std::string_view::npos || sep == 0 || sep + 7 > text.size()) {
    return fail(Errc::invalid_argument, "bech32: separator misplaced");
  }
  Bech32Decoded decoded;
  decoded.hrp.reserve(sep);
  for (std::size_t i = 0; i < sep; ++i) decoded.hrp += to_lower(text[i]);

  const std::string_view part = text.substr(sep + 1);
  std::vector<std::uint8_t> fives(part.size());
  std::uint32_t chk = hrp_polymod(decoded.hrp);
  for (std::size_t i = 0; i < part.size(); ++i) {
    const std::size_t v = kCharset.find(to_lower(part[i]));
    if (v == std::string_view::npos)
      return fail(Errc::invalid_argument, "bech32: invalid character");
    fives[i] = static_cast<std::uint8_t>(v);
    chk = polymod_step(chk, fives[i]);
  }
  if (chk != 1) {
    wipe(fives);
    return fail(Errc::invalid_argument, "bech32: bad checksum");
  }

  const std::size_t data_fives = part.size() - 6;
  decoded.data = SecretBytes(data_fives * 5 / 8);
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t o = 0;
  for (std::size_t i = 0; i < data_fives; ++i) {
    acc = (acc << 5 | fives[i]) & 0xfffu;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      decoded.data.data()[o++] = static_cast<std::uint8_t>(acc >> bits);
    }
  }
  const bool bad_padding = bits >= 5 || (acc & ((1u << bits) - 1)) != 0;
  wipe(fives);
  if (bad_padding) return fail(Errc::invalid_argument, "bech32: non-zero or excess padding");
  return decoded;
}

}  // namespace clinvid::crypto
