#include "crypto/sha256.hpp"

#include <cstdlib>

#include <openssl/evp.h>

namespace clinvid::crypto {

struct Sha256::State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  State() {
    if (ctx == nullptr || EVP_DigestInit_ex2(ctx, EVP_sha256(), nullptr) != 1) std::abort();
  }
  ~State() { EVP_MD_CTX_free(ctx); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;
};

Sha256::Sha256() : state_(std::make_unique<State>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::span<const std::uint8_t> bytes) {
  // Cannot fail for a digest context that initialised; abort rather than hash wrongly.
  if (!bytes.empty() && EVP_DigestUpdate(state_->ctx, bytes.data(), bytes.size()) != 1) {
    std::abort();
  }
}

Sha256Digest Sha256::finish() {
  Sha256Digest digest{};
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(state_->ctx, digest.data(), &size) != 1 || size != digest.size() ||
      EVP_DigestInit_ex2(state_->ctx, EVP_sha256(), nullptr) != 1) {
    std::abort();
  }
  return digest;
}

Sha256Digest sha256(std::span<const std::uint8_t> bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.finish();
}

}  // namespace clinvid::crypto
