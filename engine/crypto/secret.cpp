#include "crypto/secret.hpp"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <utility>

#include "crypto/internal.hpp"

namespace clinvid::crypto {

namespace detail {

void sodium_ready() {
  static std::once_flag flag;
  std::call_once(flag, [] {
    if (sodium_init() < 0) std::abort();  // no secure randomness: nothing is safe to do
  });
}

void seal_zero_nonce(std::span<const std::uint8_t, 32> key, std::span<const std::uint8_t> plain,
                     std::span<std::uint8_t> out) {
  static constexpr std::uint8_t kZeroNonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES] = {};
  if (out.size() != plain.size() + crypto_aead_chacha20poly1305_IETF_ABYTES) std::abort();
  crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), nullptr, plain.data(), ull(plain.size()),
                                            nullptr, 0, nullptr, kZeroNonce, key.data());
}

bool open_zero_nonce(std::span<const std::uint8_t, 32> key, std::span<const std::uint8_t> sealed,
                     std::span<std::uint8_t> out) {
  static constexpr std::uint8_t kZeroNonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES] = {};
  if (sealed.size() != out.size() + crypto_aead_chacha20poly1305_IETF_ABYTES) return false;
  return crypto_aead_chacha20poly1305_ietf_decrypt(out.data(), nullptr, nullptr, sealed.data(),
                                                   ull(sealed.size()), nullptr, 0, kZeroNonce,
                                                   key.data()) == 0;
}

}  // namespace detail

SecretBytes::SecretBytes(std::size_t size) {
  if (size == 0) return;
  detail::sodium_ready();
  void* memory = sodium_malloc(size);  // guard pages, mlock (best effort), canary
  if (memory == nullptr) throw std::bad_alloc();
  data_ = static_cast<std::uint8_t*>(memory);
  size_ = size;
  sodium_memzero(data_, size_);
}

SecretBytes SecretBytes::copy_of(std::span<const std::uint8_t> bytes) {
  SecretBytes out(bytes.size());
  if (!bytes.empty()) std::memcpy(out.data_, bytes.data(), bytes.size());
  return out;
}

SecretBytes SecretBytes::copy_of(std::string_view text) {
  SecretBytes out(text.size());
  if (!text.empty()) std::memcpy(out.data_, text.data(), text.size());
  return out;
}

SecretBytes::~SecretBytes() {
  if (data_ != nullptr) sodium_free(data_);  // wipes before unmapping
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) sodium_free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

std::string_view SecretBytes::chars() const noexcept {
  if (data_ == nullptr) return {};
  return {reinterpret_cast<const char*>(data_), size_};
}

bool SecretBytes::equals(std::span<const std::uint8_t> other) const noexcept {
  if (other.size() != size_) return false;
  if (size_ == 0) return true;
  return sodium_memcmp(data_, other.data(), size_) == 0;
}

void wipe(std::span<std::uint8_t> bytes) noexcept {
  if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
}

void wipe(std::span<char> chars) noexcept {
  if (!chars.empty()) sodium_memzero(chars.data(), chars.size());
}

}  // namespace clinvid::crypto
