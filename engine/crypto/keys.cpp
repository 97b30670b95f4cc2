#include "crypto/keys.hpp"

#include <algorithm>

#include "core/id.hpp"
#include "crypto/base64.hpp"
#include "crypto/bech32.hpp"
#include "crypto/failure.hpp"
#include "crypto/hkdf.hpp"
#include "crypto/internal.hpp"
#include "crypto/stream.hpp"

namespace clinvid::crypto {
namespace {

constexpr std::string_view kRecipientHrp = "age";
constexpr std::string_view kIdentityHrp = "age-secret-key-";
constexpr std::string_view kX25519Info = "age-encryption.org/v1/X25519";
constexpr std::string_view kScryptSaltLabel = "age-encryption.org/v1/scrypt";
constexpr std::size_t kScryptSaltSize = 16;
constexpr std::size_t kWrappedKeySize = kFileKeySize + kTagSize;  // every stanza body: 32 bytes

using Key32 = std::span<const std::uint8_t, 32>;

Key32 key32(const SecretBytes& key) {
  return Key32(key.data(), 32);
}

Status check_file_key(std::span<const std::uint8_t> file_key) {
  if (file_key.size() != kFileKeySize) {
    return fail(Errc::invalid_argument, "file key must be 16 bytes");
  }
  return {};
}

SecretBytes scrypt_key(const SecretBytes& passphrase, std::span<const std::uint8_t> salt, int log_n,
                       bool& ok) {
  std::array<std::uint8_t, kScryptSaltLabel.size() + kScryptSaltSize> full_salt{};
  std::copy(kScryptSaltLabel.begin(), kScryptSaltLabel.end(), full_salt.begin());
  std::copy(salt.begin(), salt.end(), full_salt.begin() + kScryptSaltLabel.size());
  SecretBytes key(32);
  static constexpr std::uint8_t kEmpty = 0;
  ok = crypto_pwhash_scryptsalsa208sha256_ll(
           passphrase.empty() ? &kEmpty : passphrase.data(), passphrase.size(), full_salt.data(),
           full_salt.size(), std::uint64_t{1} << log_n, 8, 1, key.data(), key.size()) == 0;
  return key;
}

}  // namespace

// ---- X25519 recipient ----

Result<X25519Recipient> X25519Recipient::parse(std::string_view text) {
  auto decoded = bech32_decode(text);
  if (!decoded) return with_context(decoded.error(), "recipient");
  if (decoded->hrp == "age1pq") {
    return fail(Errc::unsupported,
                "post-quantum (mlkem768x25519) recipients need ML-KEM, "
                "which this build's libsodium lacks");
  }
  if (decoded->hrp != kRecipientHrp) {
    return fail(Errc::invalid_argument,
                "recipient: not an age X25519 recipient (\"" + decoded->hrp + "1…\")");
  }
  if (decoded->data.size() != kX25519KeySize) {
    return fail(Errc::invalid_argument, "recipient: X25519 key must be 32 bytes");
  }
  X25519Recipient recipient;
  std::copy_n(decoded->data.data(), kX25519KeySize, recipient.public_key_.begin());
  return recipient;
}

X25519Recipient X25519Recipient::from_public_key(
    const std::array<std::uint8_t, kX25519KeySize>& key) noexcept {
  X25519Recipient recipient;
  recipient.public_key_ = key;
  return recipient;
}

std::string X25519Recipient::to_string() const {
  return bech32_encode(kRecipientHrp, public_key_, Bech32Case::lower);
}

Result<Stanza> X25519Recipient::wrap(std::span<const std::uint8_t> file_key) const {
  if (auto ok = check_file_key(file_key); !ok) return tl::unexpected(ok.error());
  detail::sodium_ready();
  SecretBytes ephemeral(crypto_scalarmult_SCALARBYTES);
  random_bytes(ephemeral.bytes());
  std::array<std::uint8_t, kX25519KeySize> share{};
  crypto_scalarmult_base(share.data(), ephemeral.data());
  SecretBytes shared(crypto_scalarmult_BYTES);
  if (crypto_scalarmult(shared.data(), ephemeral.data(), public_key_.data()) != 0) {
    return fail(Errc::invalid_argument, "recipient is a low-order X25519 point");
  }
  std::array<std::uint8_t, 2 * kX25519KeySize> salt{};
  std::copy(share.begin(), share.end(), salt.begin());
  std::copy(public_key_.begin(), public_key_.end(), salt.begin() + kX25519KeySize);
  SecretBytes wrap_key(32);
  hkdf_sha256(shared.bytes(), salt, kX25519Info, wrap_key.bytes());

  Stanza stanza;
  stanza.type = "X25519";
  stanza.args.push_back(base64_encode(share, Base64Padding::none));
  stanza.body.resize(kWrappedKeySize);
  detail::seal_zero_nonce(key32(wrap_key), file_key, stanza.body);
  return stanza;
}

// ---- X25519 identity ----

X25519Identity X25519Identity::generate() {
  detail::sodium_ready();
  SecretBytes scalar(kX25519KeySize);
  random_bytes(scalar.bytes());
  return *from_secret_key(scalar.bytes());
}

Result<X25519Identity> X25519Identity::parse(std::string_view text) {
  auto decoded = bech32_decode(text);
  if (!decoded) return fail(Errc::invalid_argument, "identity: malformed Bech32 secret key");
  if (decoded->hrp == "age-secret-key-pq-") {
    return fail(Errc::unsupported,
                "post-quantum (mlkem768x25519) identities need ML-KEM, "
                "which this build's libsodium lacks");
  }
  if (decoded->hrp != kIdentityHrp) {
    return fail(Errc::invalid_argument, "identity: not an AGE-SECRET-KEY-1 secret key");
  }
  return from_secret_key(decoded->data.bytes());
}

Result<X25519Identity> X25519Identity::from_secret_key(std::span<const std::uint8_t> scalar) {
  if (scalar.size() != kX25519KeySize) {
    return fail(Errc::invalid_argument, "identity: X25519 secret key must be 32 bytes");
  }
  detail::sodium_ready();
  X25519Identity identity;
  identity.secret_ = SecretBytes::copy_of(scalar);
  std::array<std::uint8_t, kX25519KeySize> public_key{};
  crypto_scalarmult_base(public_key.data(), identity.secret_.data());
  identity.recipient_ = X25519Recipient::from_public_key(public_key);
  return identity;
}

SecretBytes X25519Identity::to_string() const {
  return bech32_encode_secret(kIdentityHrp, secret_.bytes(), Bech32Case::upper);
}

X25519Identity X25519Identity::clone() const {
  X25519Identity copy;
  copy.secret_ = secret_.clone();
  copy.recipient_ = recipient_;
  return copy;
}

Result<std::optional<SecretBytes>> X25519Identity::unwrap(const Stanza& stanza) const {
  if (stanza.type != "X25519") return std::optional<SecretBytes>();
  if (stanza.args.size() != 1) {
    return age_fail(AgeFailure::header, "X25519 stanza must have exactly two arguments");
  }
  std::array<std::uint8_t, kX25519KeySize> share{};
  if (auto ok = base64_decode_exact(stanza.args[0], Base64Padding::none, share); !ok) {
    return age_fail(AgeFailure::header, "X25519 share: " + ok.error().detail);
  }
  if (stanza.body.size() != kWrappedKeySize) {
    return age_fail(AgeFailure::header, "X25519 stanza body must be 32 bytes");
  }
  SecretBytes shared(crypto_scalarmult_BYTES);
  // libsodium refuses low-order points and an all-zero result; check zero explicitly anyway.
  if (crypto_scalarmult(shared.data(), secret_.data(), share.data()) != 0 ||
      sodium_is_zero(shared.data(), shared.size()) != 0) {
    return age_fail(AgeFailure::header, "X25519 shared secret is all zero (low-order share)");
  }
  std::array<std::uint8_t, 2 * kX25519KeySize> salt{};
  std::copy(share.begin(), share.end(), salt.begin());
  std::copy(recipient_.public_key().begin(), recipient_.public_key().end(),
            salt.begin() + kX25519KeySize);
  SecretBytes wrap_key(32);
  hkdf_sha256(shared.bytes(), salt, kX25519Info, wrap_key.bytes());
  SecretBytes file_key(kFileKeySize);
  if (!detail::open_zero_nonce(key32(wrap_key), stanza.body, file_key.bytes())) {
    return std::optional<SecretBytes>();  // addressed to someone else
  }
  return std::optional<SecretBytes>(std::move(file_key));
}

// ---- scrypt ----

Result<Stanza> ScryptRecipient::wrap(std::span<const std::uint8_t> file_key) const {
  if (auto ok = check_file_key(file_key); !ok) return tl::unexpected(ok.error());
  if (log_n_ < 1 || log_n_ > kScryptMaxLogN) {
    return fail(Errc::invalid_argument, "scrypt work factor must be 2^1 … 2^22");
  }
  detail::sodium_ready();
  std::array<std::uint8_t, kScryptSaltSize> salt{};
  random_bytes(salt);
  bool ok = false;
  const SecretBytes wrap_key = scrypt_key(passphrase_, salt, log_n_, ok);
  if (!ok) return fail(Errc::out_of_range, "scrypt: not enough memory for the work factor");
  Stanza stanza;
  stanza.type = "scrypt";
  stanza.args.push_back(base64_encode(salt, Base64Padding::none));
  stanza.args.push_back(std::to_string(log_n_));
  stanza.body.resize(kWrappedKeySize);
  detail::seal_zero_nonce(key32(wrap_key), file_key, stanza.body);
  return stanza;
}

Result<std::optional<SecretBytes>> ScryptIdentity::unwrap(const Stanza& stanza) const {
  if (stanza.type != "scrypt") return std::optional<SecretBytes>();
  if (stanza.args.size() != 2) {
    return age_fail(AgeFailure::header, "scrypt stanza must have exactly three arguments");
  }
  std::array<std::uint8_t, kScryptSaltSize> salt{};
  if (auto ok = base64_decode_exact(stanza.args[0], Base64Padding::none, salt); !ok) {
    return age_fail(AgeFailure::header, "scrypt salt: " + ok.error().detail);
  }
  // Work factor: decimal, no sign, no leading zero (^[1-9][0-9]*$), at most max_log_n.
  const std::string& factor = stanza.args[1];
  const bool digits =
      !factor.empty() && factor[0] >= '1' && factor[0] <= '9' &&
      std::all_of(factor.begin(), factor.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return age_fail(AgeFailure::header, "scrypt work factor is not a decimal number");
  // 2^30 × 1 KiB is a terabyte: no caller can mean more, and the shift below stays defined.
  const int limit = std::min(max_log_n_, 30);
  int log_n = 0;
  for (const char c : factor) {
    log_n = log_n * 10 + (c - '0');
    if (log_n > limit) {
      return age_fail(AgeFailure::header, "scrypt work factor 2^" + factor.substr(0, 12) +
                                              " above the limit 2^" + std::to_string(limit));
    }
  }
  if (stanza.body.size() != kWrappedKeySize) {
    return age_fail(AgeFailure::header, "scrypt stanza body must be 32 bytes");
  }
  bool ok = false;
  const SecretBytes wrap_key = scrypt_key(passphrase_, salt, log_n, ok);
  if (!ok) return fail(Errc::out_of_range, "scrypt: not enough memory for the work factor");
  SecretBytes file_key(kFileKeySize);
  if (!detail::open_zero_nonce(key32(wrap_key), stanza.body, file_key.bytes())) {
    return std::optional<SecretBytes>();  // wrong passphrase
  }
  return std::optional<SecretBytes>(std::move(file_key));
}

Result<Recipient> parse_recipient(std::string_view text) {
  auto recipient = X25519Recipient::parse(text);
  if (!recipient) return tl::unexpected(recipient.error());
  return Recipient(*recipient);
}

}  // namespace clinvid::crypto
