// age's payload: STREAM over ChaCha20-Poly1305 (IETF) in 64 KiB chunks.
//
// Chunk i is sealed under the payload key with the 12-byte nonce
//   [ i as an 11-byte big-endian counter | 0x01 if the chunk is the last one, else 0x00 ].
// Every chunk is exactly 64 KiB of plaintext except the last, which may be shorter but is empty
// only when the whole payload is empty. Sealed chunks are 16 bytes longer (the Poly1305 tag).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/result.hpp"
#include "crypto/secret.hpp"

namespace clinvid::crypto {

inline constexpr std::size_t kFileKeySize = 16;
inline constexpr std::size_t kPayloadNonceSize = 16;
inline constexpr std::size_t kChunkSize = 64 * 1024;
inline constexpr std::size_t kTagSize = 16;
inline constexpr std::size_t kSealedChunkSize = kChunkSize + kTagSize;

enum class ChunkKind { invalid = 0, middle, last };

// Holds the payload key. Stateless apart from the key: seal/open are const and may run on
// several threads at once (the parallel encryptor and the random-access reader rely on this).
class PayloadCipher {
 public:
  PayloadCipher() = default;
  // payload key = HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload")
  [[nodiscard]] static PayloadCipher derive(std::span<const std::uint8_t> file_key,
                                            std::span<const std::uint8_t, kPayloadNonceSize> nonce);

  // `out` must be plain.size() + kTagSize bytes; plain.size() <= kChunkSize.
  void seal(std::uint64_t index, ChunkKind kind, std::span<const std::uint8_t> plain,
            std::span<std::uint8_t> out) const;
  // `out` must be sealed.size() - kTagSize bytes. False if the chunk does not authenticate as
  // chunk `index` of kind `kind`; `out` is then wiped.
  [[nodiscard]] bool open(std::uint64_t index, ChunkKind kind, std::span<const std::uint8_t> sealed,
                          std::span<std::uint8_t> out) const;

  [[nodiscard]] bool ready() const noexcept { return !key_.empty(); }

 private:
  SecretBytes key_;
};

// Where the chunks of a complete payload lie, from the size of the sealed payload (everything
// after the 16-byte payload nonce). The last chunk may be a full 64 KiB one.
struct PayloadLayout {
  std::uint64_t chunk_count = 0;
  std::uint64_t plaintext_size = 0;
  std::uint64_t last_chunk_plain_size = 0;  // plaintext bytes in the last chunk

  [[nodiscard]] std::uint64_t sealed_offset(std::uint64_t index) const noexcept {
    return index * kSealedChunkSize;
  }
  [[nodiscard]] std::size_t plain_size(std::uint64_t index) const noexcept {
    return index + 1 == chunk_count ? static_cast<std::size_t>(last_chunk_plain_size) : kChunkSize;
  }
};

// Payload failure when no sequence of chunks can have that size (no chunk at all, a last chunk
// shorter than a tag, an empty last chunk after others).
[[nodiscard]] Result<PayloadLayout> payload_layout(std::uint64_t sealed_payload_size);

// Size of the sealed payload (after the nonce) for `plaintext_size` bytes.
[[nodiscard]] std::uint64_t sealed_payload_size(std::uint64_t plaintext_size) noexcept;

}  // namespace clinvid::crypto
