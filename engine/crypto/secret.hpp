// Secret bytes (keys, passphrases, secret-key text) kept in memory that is locked out of swap,
// fenced by guard pages and wiped when released: libsodium's sodium_malloc/sodium_free.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace clinvid::crypto {

// Move-only owner of a secret buffer. Its size is fixed at construction. Moving leaves the
// source empty. Allocation failure throws std::bad_alloc, like any allocation.
// Not thread-safe for concurrent mutation; concurrent reads of a const object are fine.
class SecretBytes {
 public:
  SecretBytes() noexcept = default;
  explicit SecretBytes(std::size_t size);  // zero-filled
  [[nodiscard]] static SecretBytes copy_of(std::span<const std::uint8_t> bytes);
  [[nodiscard]] static SecretBytes copy_of(std::string_view text);
  ~SecretBytes();

  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;

  // An explicit copy, so that secrets are never duplicated by accident.
  [[nodiscard]] SecretBytes clone() const { return copy_of(bytes()); }

  [[nodiscard]] std::uint8_t* data() noexcept { return data_; }
  [[nodiscard]] const std::uint8_t* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::span<std::uint8_t> bytes() noexcept { return {data_, size_}; }
  [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept { return {data_, size_}; }
  // The bytes as text (passphrases, Bech32 secret keys, identity files). Same lifetime.
  [[nodiscard]] std::string_view chars() const noexcept;

  // Constant-time comparison (sizes are not secret).
  [[nodiscard]] bool equals(std::span<const std::uint8_t> other) const noexcept;

 private:
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// Overwrites memory that held a secret, in a way the compiler may not remove.
void wipe(std::span<std::uint8_t> bytes) noexcept;
void wipe(std::span<char> chars) noexcept;

}  // namespace clinvid::crypto
