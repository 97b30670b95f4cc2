// The archive's keys (DESIGN "Keys"): one random 32-byte archive key, wrapped for each user
// with a key derived from their passphrase by Argon2id, and subkeys derived from it for each
// use (patient identifiers, consent forms, recording secrets, the audit signing key, lookup
// hashes), so that no two uses share a key.
//
// Sealed values are XChaCha20-Poly1305 (libsodium's IETF AEAD) with a random 24-byte nonce in
// front, bound by associated data to the row they belong to: a ciphertext copied into another
// row does not open there.
//
// Thread-safety: a Vault is immutable after construction; const methods are thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "crypto/secret.hpp"

namespace clinvid::archive {

inline constexpr std::size_t kArchiveKeySize = 32;
inline constexpr std::size_t kKdfSaltSize = 16;
inline constexpr std::size_t kSignPublicKeySize = 32;
inline constexpr std::size_t kSignatureSize = 64;
using Digest = std::array<std::uint8_t, 32>;

// How hard Argon2id works when a user's wrapping key is derived from a passphrase.
enum class KdfStrength {
  invalid = 0,
  moderate,  // libsodium's MODERATE limits (3 passes, 256 MiB): the default
  fast,      // the minimum limits: tests and benches only (CLINVID_ARCHIVE_KDF=fast)
};
// CLINVID_ARCHIVE_KDF=fast selects `fast`; unset or anything else `moderate`.
[[nodiscard]] KdfStrength kdf_strength_from_env();

struct KdfParams {
  std::uint64_t ops = 0;
  std::uint64_t mem_bytes = 0;
};
[[nodiscard]] KdfParams kdf_params(KdfStrength strength) noexcept;

// The archive key wrapped for one user: Argon2id(passphrase, salt, params) seals the key.
struct PassphraseWrap {
  std::vector<std::uint8_t> salt;
  KdfParams params;
  std::vector<std::uint8_t> sealed;
};
[[nodiscard]] Result<PassphraseWrap> wrap_for_passphrase(const crypto::SecretBytes& archive_key,
                                                         const crypto::SecretBytes& passphrase,
                                                         KdfParams params, std::string_view user);
// Errc::crypto "wrong passphrase" when it does not open; Errc::corrupt for absurd parameters.
[[nodiscard]] Result<crypto::SecretBytes> unwrap_with_passphrase(
    const PassphraseWrap& wrap, const crypto::SecretBytes& passphrase, std::string_view user);

enum class KeyUse {
  invalid = 0,
  identifiers,     // patient name, NHS number, date of birth
  consent_forms,   // consent records (they name people)
  recording_keys,  // per-recording X25519 secrets
  signing_key,     // the audit signing secret
  lookup,          // keyed hashes that find patients without decrypting
  projects,        // edit projects (timeline JSON)
  signatures,      // consent-form signature images (age identities derived per image)
};

class Vault {
 public:
  explicit Vault(crypto::SecretBytes archive_key);

  [[nodiscard]] const crypto::SecretBytes& archive_key() const noexcept { return key_; }
  [[nodiscard]] std::vector<std::uint8_t> seal(KeyUse use, std::span<const std::uint8_t> plaintext,
                                               std::string_view bound_to) const;
  [[nodiscard]] std::vector<std::uint8_t> seal(KeyUse use, std::string_view plaintext,
                                               std::string_view bound_to) const;
  // Errc::crypto when the box does not authenticate (altered, or bound to another row).
  [[nodiscard]] Result<crypto::SecretBytes> open(KeyUse use, std::span<const std::uint8_t> sealed,
                                                 std::string_view bound_to) const;
  // 32 secret bytes for `context` under the subkey of `use` (BLAKE2b-256 keyed with it): key
  // material that need not be stored, because the archive key re-derives it.
  [[nodiscard]] crypto::SecretBytes derive_secret(KeyUse use, std::string_view context) const;
  // BLAKE2b-256 keyed with the lookup subkey, over `domain` and `value`.
  [[nodiscard]] Digest lookup_hash(std::string_view domain, std::string_view value) const;

 private:
  [[nodiscard]] crypto::SecretBytes subkey(KeyUse use) const;
  crypto::SecretBytes key_;
};

[[nodiscard]] crypto::SecretBytes random_secret(std::size_t size);

[[nodiscard]] Digest sha256(std::span<const std::uint8_t> bytes);
[[nodiscard]] std::string to_hex(std::span<const std::uint8_t> bytes);
[[nodiscard]] Result<std::vector<std::uint8_t>> from_hex(std::string_view hex);

// Ed25519.
struct SigningKeyPair {
  std::array<std::uint8_t, kSignPublicKeySize> public_key{};
  crypto::SecretBytes secret_key;  // 64 bytes, libsodium's form
};
[[nodiscard]] SigningKeyPair generate_signing_key();
[[nodiscard]] std::array<std::uint8_t, kSignatureSize> sign(const crypto::SecretBytes& secret_key,
                                                            std::span<const std::uint8_t> message);
[[nodiscard]] bool verify_signature(std::span<const std::uint8_t> public_key,
                                    std::span<const std::uint8_t> message,
                                    std::span<const std::uint8_t> signature);

}  // namespace clinvid::archive
