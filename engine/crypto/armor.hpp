// age's ASCII armor: strict PEM (RFC 7468 §3) with the label "AGE ENCRYPTED FILE", padded
// base64 in 64-column lines, the last line shorter (or full) and never empty.
// Reading accepts LF or CRLF line ends and whitespace-only lines before and after the block
// (at most 1 KiB each), and nothing else: no headers, no spaces, no checksum line, canonical
// base64 only. Every violation is an "armor failure" (failure.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "crypto/io.hpp"

namespace clinvid::crypto {

inline constexpr std::string_view kArmorBegin = "-----BEGIN AGE ENCRYPTED FILE-----";
inline constexpr std::string_view kArmorEnd = "-----END AGE ENCRYPTED FILE-----";

// Encodes everything written into a sink it owns. close() writes the last line and the END
// line, then closes the inner sink. sync() forwards; only whole lines have been passed on.
class ArmorEncoder final : public ByteSink {
 public:
  explicit ArmorEncoder(std::unique_ptr<ByteSink> out) noexcept : out_(std::move(out)) {}
  [[nodiscard]] Status write(std::span<const std::uint8_t> bytes) override;
  [[nodiscard]] Status sync() override { return out_->sync(); }
  [[nodiscard]] Status close() override;

 private:
  [[nodiscard]] Status begin();
  std::unique_ptr<ByteSink> out_;
  std::vector<std::uint8_t> pending_;  // < 48 bytes not yet on a line
  bool started_ = false;
  bool closed_ = false;
};

// Decodes an armored stream read from `in` (borrowed; must outlive the decoder). The END line
// and the trailing whitespace are checked before the last line's bytes are handed out, so a
// stream that ends badly never yields its final bytes.
class ArmorDecoder final : public ByteSource {
 public:
  explicit ArmorDecoder(BufferedSource& in) noexcept : in_(&in) {}
  [[nodiscard]] Result<std::size_t> read(std::span<std::uint8_t> out) override;

 private:
  enum class State { begin, body, done, failed };
  [[nodiscard]] Status next_line();
  [[nodiscard]] Status expect_end_and_trailer();
  [[nodiscard]] Status drain_trailer();
  [[nodiscard]] Status find_begin();
  BufferedSource* in_;
  State state_ = State::begin;
  std::vector<std::uint8_t> decoded_;
  std::size_t decoded_pos_ = 0;
};

// True if `prefix` (the first bytes of a file) starts, after optional whitespace, with the
// BEGIN line's first characters: the file should be read as armored.
[[nodiscard]] bool looks_armored(std::span<const std::uint8_t> prefix) noexcept;

// Whole-buffer forms, for small files, tests and fuzzing.
[[nodiscard]] std::string armor_encode(std::span<const std::uint8_t> bytes);
[[nodiscard]] Result<std::vector<std::uint8_t>> armor_decode(std::span<const std::uint8_t> text);

}  // namespace clinvid::crypto
