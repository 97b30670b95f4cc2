// age's native recipient types: X25519 (public keys `age1…`, identities `AGE-SECRET-KEY-1…`)
// and scrypt (passphrases). The post-quantum mlkem768x25519 type is not supported: libsodium
// 1.0.18 has no ML-KEM. Its keys are refused with Errc::unsupported; its stanzas are ignored
// like any stanza of an unknown type.
//
// Secrets (identity scalars, passphrases, file keys) live in SecretBytes. All methods are const
// and thread-safe on distinct or shared objects.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "core/result.hpp"
#include "crypto/format.hpp"
#include "crypto/secret.hpp"

namespace clinvid::crypto {

inline constexpr std::size_t kX25519KeySize = 32;
inline constexpr int kScryptDefaultLogN = 18;  // work factor 2^18 when encrypting, as age does
inline constexpr int kScryptMaxLogN = 22;      // refuse more when decrypting, as age does

class X25519Recipient {
 public:
  // "age1…" (Bech32, HRP "age", 32 bytes). Errc::invalid_argument if malformed,
  // Errc::unsupported for a post-quantum "age1pq1…" recipient.
  [[nodiscard]] static Result<X25519Recipient> parse(std::string_view text);
  [[nodiscard]] static X25519Recipient from_public_key(
      const std::array<std::uint8_t, kX25519KeySize>& key) noexcept;

  [[nodiscard]] std::string to_string() const;  // "age1…", lowercase
  [[nodiscard]] const std::array<std::uint8_t, kX25519KeySize>& public_key() const noexcept {
    return public_key_;
  }
  // An "X25519" stanza wrapping `file_key` with a fresh ephemeral key.
  [[nodiscard]] Result<Stanza> wrap(std::span<const std::uint8_t> file_key) const;

  friend bool operator==(const X25519Recipient&, const X25519Recipient&) = default;

 private:
  std::array<std::uint8_t, kX25519KeySize> public_key_{};
};

class X25519Identity {
 public:
  [[nodiscard]] static X25519Identity generate();
  // "AGE-SECRET-KEY-1…" (either case). Errc::unsupported for "AGE-SECRET-KEY-PQ-1…".
  [[nodiscard]] static Result<X25519Identity> parse(std::string_view text);
  [[nodiscard]] static Result<X25519Identity> from_secret_key(std::span<const std::uint8_t> scalar);

  // "AGE-SECRET-KEY-1…" in uppercase, in locked memory.
  [[nodiscard]] SecretBytes to_string() const;
  [[nodiscard]] const X25519Recipient& recipient() const noexcept { return recipient_; }
  [[nodiscard]] X25519Identity clone() const;

  // The file key if `stanza` is an X25519 stanza addressed to this identity; nullopt if the
  // stanza is of another type or does not decrypt with this key. Header failure for an X25519
  // stanza that breaks the rules (argument count, share or body length, non-canonical base64,
  // all-zero shared secret).
  [[nodiscard]] Result<std::optional<SecretBytes>> unwrap(const Stanza& stanza) const;

 private:
  SecretBytes secret_;
  X25519Recipient recipient_;
};

class ScryptRecipient {
 public:
  // `log_n` is the base-two logarithm of the scrypt work factor, 1 … kScryptMaxLogN.
  explicit ScryptRecipient(SecretBytes passphrase, int log_n = kScryptDefaultLogN) noexcept
      : passphrase_(std::move(passphrase)), log_n_(log_n) {}
  // An "scrypt" stanza; a header with one must contain nothing else.
  [[nodiscard]] Result<Stanza> wrap(std::span<const std::uint8_t> file_key) const;
  [[nodiscard]] int log_n() const noexcept { return log_n_; }

 private:
  SecretBytes passphrase_;
  int log_n_;
};

class ScryptIdentity {
 public:
  explicit ScryptIdentity(SecretBytes passphrase, int max_log_n = kScryptMaxLogN) noexcept
      : passphrase_(std::move(passphrase)), max_log_n_(max_log_n) {}
  // As X25519Identity::unwrap, for "scrypt" stanzas. A work factor above max_log_n is a header
  // failure (a hostile file must not make us spend minutes and gigabytes).
  [[nodiscard]] Result<std::optional<SecretBytes>> unwrap(const Stanza& stanza) const;

 private:
  SecretBytes passphrase_;
  int max_log_n_;
};

// Recipients and identities are move-only, since most hold secrets: build lists with
// emplace_back (an X25519Identity can be duplicated on purpose with clone()).
using Recipient = std::variant<X25519Recipient, ScryptRecipient>;
using Identity = std::variant<X25519Identity, ScryptIdentity>;

// Parses "age1…" into a Recipient.
[[nodiscard]] Result<Recipient> parse_recipient(std::string_view text);

}  // namespace clinvid::crypto
