#include "archive/vault.hpp"

#include <cstdlib>
#include <string>

#include <sodium.h>

#include "core/id.hpp"
#include "crypto/sha256.hpp"

namespace clinvid::archive {
namespace {

constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "clinvidA";

std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::vector<std::uint8_t> seal_with(const crypto::SecretBytes& key,
                                    std::span<const std::uint8_t> plaintext,
                                    std::string_view bound_to) {
  std::vector<std::uint8_t> out(kNonce + plaintext.size() + kTag);
  random_bytes(std::span<std::uint8_t>(out.data(), kNonce));
  unsigned long long written = 0;
  const auto ad = as_bytes(bound_to);
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kNonce, &written, plaintext.data(),
                                             plaintext.size(), ad.data(), ad.size(), nullptr,
                                             out.data(), key.data());
  out.resize(kNonce + written);
  return out;
}

Result<crypto::SecretBytes> open_with(const crypto::SecretBytes& key,
                                      std::span<const std::uint8_t> sealed,
                                      std::string_view bound_to) {
  if (sealed.size() < kNonce + kTag) return fail(Errc::corrupt, "sealed value is too short");
  crypto::SecretBytes out(sealed.size() - kNonce - kTag);
  unsigned long long written = 0;
  const auto ad = as_bytes(bound_to);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          out.data(), &written, nullptr, sealed.data() + kNonce, sealed.size() - kNonce, ad.data(),
          ad.size(), sealed.data(), key.data()) != 0) {
    return fail(Errc::crypto, "sealed value does not authenticate");
  }
  return out;
}

Result<crypto::SecretBytes> derive_passphrase_key(const crypto::SecretBytes& passphrase,
                                                  std::span<const std::uint8_t> salt,
                                                  KdfParams params) {
  if (salt.size() != crypto_pwhash_SALTBYTES || params.ops < crypto_pwhash_OPSLIMIT_MIN ||
      params.ops > crypto_pwhash_OPSLIMIT_SENSITIVE ||
      params.mem_bytes < crypto_pwhash_MEMLIMIT_MIN ||
      params.mem_bytes > crypto_pwhash_MEMLIMIT_SENSITIVE) {
    return fail(Errc::corrupt, "user key-derivation parameters are out of range");
  }
  crypto::SecretBytes key(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  if (crypto_pwhash(key.data(), key.size(), reinterpret_cast<const char*>(passphrase.data()),
                    passphrase.size(), salt.data(), params.ops,
                    static_cast<std::size_t>(params.mem_bytes),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return fail(Errc::no_space, "Argon2id ran out of memory");
  }
  return key;
}

void ensure_sodium() {
  static const int ready = sodium_init();
  (void)ready;
}

}  // namespace

KdfStrength kdf_strength_from_env() {
  const char* value = std::getenv("CLINVID_ARCHIVE_KDF");
  if (value != nullptr && std::string_view(value) == "fast") return KdfStrength::fast;
  return KdfStrength::moderate;
}

KdfParams kdf_params(KdfStrength strength) noexcept {
  if (strength == KdfStrength::fast) {
    return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
  }
  return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

Result<PassphraseWrap> wrap_for_passphrase(const crypto::SecretBytes& archive_key,
                                           const crypto::SecretBytes& passphrase, KdfParams params,
                                           std::string_view user) {
  ensure_sodium();
  if (passphrase.empty()) return fail(Errc::invalid_argument, "the passphrase is empty");
  PassphraseWrap wrap;
  wrap.salt.resize(crypto_pwhash_SALTBYTES);
  random_bytes(std::span<std::uint8_t>(wrap.salt));
  wrap.params = params;
  auto key = derive_passphrase_key(passphrase, wrap.salt, params);
  if (!key) return tl::unexpected(key.error());
  wrap.sealed = seal_with(*key, archive_key.bytes(), "user:" + std::string(user));
  return wrap;
}

Result<crypto::SecretBytes> unwrap_with_passphrase(const PassphraseWrap& wrap,
                                                   const crypto::SecretBytes& passphrase,
                                                   std::string_view user) {
  ensure_sodium();
  auto key = derive_passphrase_key(passphrase, wrap.salt, wrap.params);
  if (!key) return tl::unexpected(key.error());
  auto archive_key = open_with(*key, wrap.sealed, "user:" + std::string(user));
  if (!archive_key) return fail(Errc::crypto, "wrong passphrase for user " + std::string(user));
  if (archive_key->size() != kArchiveKeySize) return fail(Errc::corrupt, "archive key size");
  return archive_key;
}

Vault::Vault(crypto::SecretBytes archive_key) : key_(std::move(archive_key)) {
  ensure_sodium();
}

crypto::SecretBytes Vault::subkey(KeyUse use) const {
  crypto::SecretBytes out(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  crypto_kdf_derive_from_key(out.data(), out.size(), static_cast<std::uint64_t>(use), kKdfContext,
                             key_.data());
  return out;
}

std::vector<std::uint8_t> Vault::seal(KeyUse use, std::span<const std::uint8_t> plaintext,
                                      std::string_view bound_to) const {
  return seal_with(subkey(use), plaintext, bound_to);
}

std::vector<std::uint8_t> Vault::seal(KeyUse use, std::string_view plaintext,
                                      std::string_view bound_to) const {
  return seal(use, as_bytes(plaintext), bound_to);
}

Result<crypto::SecretBytes> Vault::open(KeyUse use, std::span<const std::uint8_t> sealed,
                                        std::string_view bound_to) const {
  return open_with(subkey(use), sealed, bound_to);
}

crypto::SecretBytes Vault::derive_secret(KeyUse use, std::string_view context) const {
  const crypto::SecretBytes key = subkey(use);
  crypto::SecretBytes out(32);
  const auto c = as_bytes(context);
  crypto_generichash(out.data(), out.size(), c.data(), c.size(), key.data(), key.size());
  return out;
}

Digest Vault::lookup_hash(std::string_view domain, std::string_view value) const {
  const crypto::SecretBytes key = subkey(KeyUse::lookup);
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.data(), key.size(), 32);
  const auto d = as_bytes(domain);
  const std::uint8_t separator = 0;
  crypto_generichash_update(&state, d.data(), d.size());
  crypto_generichash_update(&state, &separator, 1);
  const auto v = as_bytes(value);
  crypto_generichash_update(&state, v.data(), v.size());
  Digest out{};
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

crypto::SecretBytes random_secret(std::size_t size) {
  crypto::SecretBytes out(size);
  random_bytes(out.bytes());
  return out;
}

Digest sha256(std::span<const std::uint8_t> bytes) {
  return crypto::sha256(bytes);
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

Result<std::vector<std::uint8_t>> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return fail(Errc::invalid_argument, "odd-length hex");
  std::vector<std::uint8_t> out(hex.size() / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return fail(Errc::invalid_argument, "not hex");
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return out;
}

SigningKeyPair generate_signing_key() {
  ensure_sodium();
  SigningKeyPair pair;
  pair.secret_key = crypto::SecretBytes(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(pair.public_key.data(), pair.secret_key.data());
  return pair;
}

std::array<std::uint8_t, kSignatureSize> sign(const crypto::SecretBytes& secret_key,
                                              std::span<const std::uint8_t> message) {
  std::array<std::uint8_t, kSignatureSize> signature{};
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                       secret_key.data());
  return signature;
}

bool verify_signature(std::span<const std::uint8_t> public_key,
                      std::span<const std::uint8_t> message,
                      std::span<const std::uint8_t> signature) {
  ensure_sodium();
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) {
    return false;
  }
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     public_key.data()) == 0;
}

}  // namespace clinvid::archive
