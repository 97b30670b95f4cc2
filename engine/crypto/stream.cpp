#include "crypto/stream.hpp"

#include <array>
#include <cstdlib>

#include "crypto/failure.hpp"
#include "crypto/hkdf.hpp"
#include "crypto/internal.hpp"

namespace clinvid::crypto {
namespace {

using ChunkNonce = std::array<std::uint8_t, crypto_aead_chacha20poly1305_IETF_NPUBBYTES>;

ChunkNonce chunk_nonce(std::uint64_t index, ChunkKind kind) {
  ChunkNonce nonce{};  // bytes 0..2 of the 88-bit counter stay zero: 2^64 chunks is plenty
  for (std::size_t i = 0; i < 8; ++i) {
    nonce[10 - i] = static_cast<std::uint8_t>(index >> (8 * i));
  }
  nonce[11] = kind == ChunkKind::last ? 0x01 : 0x00;
  return nonce;
}

}  // namespace

PayloadCipher PayloadCipher::derive(std::span<const std::uint8_t> file_key,
                                    std::span<const std::uint8_t, kPayloadNonceSize> nonce) {
  PayloadCipher cipher;
  cipher.key_ = SecretBytes(crypto_aead_chacha20poly1305_IETF_KEYBYTES);
  hkdf_sha256(file_key, nonce, "payload", cipher.key_.bytes());
  return cipher;
}

void PayloadCipher::seal(std::uint64_t index, ChunkKind kind, std::span<const std::uint8_t> plain,
                         std::span<std::uint8_t> out) const {
  if (!ready() || plain.size() > kChunkSize || out.size() != plain.size() + kTagSize ||
      kind == ChunkKind::invalid) {
    std::abort();  // a caller bug, never input-dependent
  }
  const ChunkNonce nonce = chunk_nonce(index, kind);
  crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), nullptr, plain.data(),
                                            detail::ull(plain.size()), nullptr, 0, nullptr,
                                            nonce.data(), key_.data());
}

bool PayloadCipher::open(std::uint64_t index, ChunkKind kind, std::span<const std::uint8_t> sealed,
                         std::span<std::uint8_t> out) const {
  if (!ready() || kind == ChunkKind::invalid || sealed.size() < kTagSize ||
      sealed.size() > kSealedChunkSize || out.size() != sealed.size() - kTagSize) {
    return false;
  }
  const ChunkNonce nonce = chunk_nonce(index, kind);
  if (crypto_aead_chacha20poly1305_ietf_decrypt(out.data(), nullptr, nullptr, sealed.data(),
                                                detail::ull(sealed.size()), nullptr, 0,
                                                nonce.data(), key_.data()) != 0) {
    wipe(out);
    return false;
  }
  return true;
}

Result<PayloadLayout> payload_layout(std::uint64_t sealed_payload_size) {
  if (sealed_payload_size == 0) return age_fail(AgeFailure::payload, "payload has no chunks");
  PayloadLayout layout;
  layout.chunk_count = (sealed_payload_size + kSealedChunkSize - 1) / kSealedChunkSize;
  const std::uint64_t last_sealed =
      sealed_payload_size - (layout.chunk_count - 1) * kSealedChunkSize;
  if (last_sealed < kTagSize) return age_fail(AgeFailure::payload, "last chunk shorter than a tag");
  layout.last_chunk_plain_size = last_sealed - kTagSize;
  if (layout.last_chunk_plain_size == 0 && layout.chunk_count > 1) {
    return age_fail(AgeFailure::payload, "last chunk is empty");
  }
  layout.plaintext_size = (layout.chunk_count - 1) * kChunkSize + layout.last_chunk_plain_size;
  return layout;
}

std::uint64_t sealed_payload_size(std::uint64_t plaintext_size) noexcept {
  const std::uint64_t chunks =
      plaintext_size == 0 ? 1 : (plaintext_size + kChunkSize - 1) / kChunkSize;
  return plaintext_size + chunks * kTagSize;
}

}  // namespace clinvid::crypto
