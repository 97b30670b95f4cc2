#include "crypto/armor.hpp"

#include <algorithm>
#include <array>

#include "crypto/base64.hpp"
#include "crypto/failure.hpp"

namespace clinvid::crypto {
namespace {

constexpr std::size_t kColumns = 64;
constexpr std::size_t kBytesPerLine = kColumns / 4 * 3;  // 48
constexpr std::size_t kMaxWhitespace = 1024;
constexpr std::size_t kMaxLine = 128;  // anything longer is refused anyway

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool all_space(std::string_view s) {
  return std::all_of(s.begin(), s.end(), is_space);
}

// Drops the line end: LF, or CRLF.
std::string_view strip_eol(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

Status write_text(ByteSink& sink, std::string_view text) {
  return sink.write(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

}  // namespace

Status ArmorEncoder::begin() {
  if (started_) return {};
  started_ = true;
  return write_text(*out_, std::string(kArmorBegin) + "\n");
}

Status ArmorEncoder::write(std::span<const std::uint8_t> bytes) {
  if (closed_) return fail(Errc::internal, "armor: write after close");
  if (auto ok = begin(); !ok) return ok;
  std::string lines;
  // Complete the pending line first, then whole lines straight from `bytes`.
  if (!pending_.empty()) {
    const std::size_t n = std::min(kBytesPerLine - pending_.size(), bytes.size());
    pending_.insert(pending_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    bytes = bytes.subspan(n);
    if (pending_.size() < kBytesPerLine) return {};
    base64_append(lines, pending_, Base64Padding::required);
    lines += '\n';
    pending_.clear();
  }
  lines.reserve(lines.size() + bytes.size() / kBytesPerLine * (kColumns + 1));
  while (bytes.size() >= kBytesPerLine) {
    base64_append(lines, bytes.first(kBytesPerLine), Base64Padding::required);
    lines += '\n';
    bytes = bytes.subspan(kBytesPerLine);
  }
  pending_.assign(bytes.begin(), bytes.end());
  if (lines.empty()) return {};
  return write_text(*out_, lines);
}

Status ArmorEncoder::close() {
  if (closed_) return {};
  if (auto ok = begin(); !ok) return ok;
  closed_ = true;
  std::string tail;
  if (!pending_.empty()) {
    base64_append(tail, pending_, Base64Padding::required);
    tail += '\n';
    pending_.clear();
  }
  tail += kArmorEnd;
  tail += '\n';
  if (auto ok = write_text(*out_, tail); !ok) return ok;
  return out_->close();
}

Status ArmorDecoder::find_begin() {
  std::size_t whitespace = 0;
  std::string line;
  for (;;) {
    line.clear();
    auto end = in_->read_line(line, kMaxLine);
    if (!end) return tl::unexpected(end.error());
    if (*end == BufferedSource::LineEnd::eof && line.empty()) {
      return age_fail(AgeFailure::armor, "no BEGIN line");
    }
    // A long run of whitespace arrives in pieces; it is counted like whole lines.
    if (*end == BufferedSource::LineEnd::too_long && !all_space(line)) {
      return age_fail(AgeFailure::armor, "first line is not the BEGIN line");
    }
    if (all_space(line)) {
      whitespace += line.size();
      if (whitespace > kMaxWhitespace)
        return age_fail(AgeFailure::armor, "too much leading whitespace");
      continue;
    }
    if (strip_eol(line) != kArmorBegin) {
      return age_fail(AgeFailure::armor, "first line is not the BEGIN line");
    }
    return {};
  }
}

Status ArmorDecoder::drain_trailer() {
  // Only whitespace may follow the END line, and not much of it.
  std::vector<std::uint8_t> rest(kMaxWhitespace);
  auto n = in_->read_full(rest);
  if (!n) return tl::unexpected(n.error());
  const std::string_view trailer(reinterpret_cast<const char*>(rest.data()), *n);
  if (!all_space(trailer)) return age_fail(AgeFailure::armor, "data after the END line");
  if (*n == kMaxWhitespace) return age_fail(AgeFailure::armor, "too much trailing whitespace");
  state_ = State::done;
  return {};
}

Status ArmorDecoder::expect_end_and_trailer() {
  std::string line;
  auto end = in_->read_line(line, kMaxLine);
  if (!end) return tl::unexpected(end.error());
  if (*end == BufferedSource::LineEnd::too_long || strip_eol(line) != kArmorEnd) {
    return age_fail(AgeFailure::armor, line.empty() ? "no END line" : "a short line must be last");
  }
  return drain_trailer();
}

Status ArmorDecoder::next_line() {
  std::string line;
  auto end = in_->read_line(line, kMaxLine);
  if (!end) return tl::unexpected(end.error());
  if (*end == BufferedSource::LineEnd::too_long) {
    return age_fail(AgeFailure::armor, "line longer than 64 columns");
  }
  if (*end == BufferedSource::LineEnd::eof && line.empty()) {
    return age_fail(AgeFailure::armor, "no END line");
  }
  const std::string_view content = strip_eol(line);
  // END after a full line (or right after BEGIN): the data ended on a line boundary.
  if (content == kArmorEnd) return drain_trailer();
  if (content.empty()) return age_fail(AgeFailure::armor, "empty line");
  if (content.size() > kColumns) return age_fail(AgeFailure::armor, "line longer than 64 columns");
  auto bytes = base64_decode(content, Base64Padding::required);
  if (!bytes) return age_fail(AgeFailure::armor, bytes.error().detail);
  decoded_ = std::move(*bytes);
  decoded_pos_ = 0;
  if (content.size() < kColumns || decoded_.size() < kBytesPerLine) {
    return expect_end_and_trailer();
  }
  return {};
}

Result<std::size_t> ArmorDecoder::read(std::span<std::uint8_t> out) {
  auto failed = [this](Error error) {
    state_ = State::failed;
    return tl::unexpected(std::move(error));
  };
  while (decoded_pos_ == decoded_.size()) {
    switch (state_) {
      case State::failed: return age_fail(AgeFailure::armor, "read after an armor failure");
      case State::done: return std::size_t{0};
      case State::begin:
        if (auto ok = find_begin(); !ok) return failed(ok.error());
        state_ = State::body;
        break;
      case State::body:
        if (auto ok = next_line(); !ok) return failed(ok.error());
        break;
    }
  }
  const std::size_t n = std::min(out.size(), decoded_.size() - decoded_pos_);
  std::copy_n(decoded_.begin() + static_cast<std::ptrdiff_t>(decoded_pos_), n, out.begin());
  decoded_pos_ += n;
  return n;
}

bool looks_armored(std::span<const std::uint8_t> prefix) noexcept {
  const std::string_view text(reinterpret_cast<const char*>(prefix.data()), prefix.size());
  std::size_t i = 0;
  while (i < text.size() && is_space(text[i])) ++i;
  const std::string_view rest = text.substr(i);
  const std::string_view marker = "-----BEGIN";
  return rest.substr(0, marker.size()) == marker.substr(0, std::min(marker.size(), rest.size())) &&
         !rest.empty();
}

std::string armor_encode(std::span<const std::uint8_t> bytes) {
  std::vector<std::uint8_t> out;
  ArmorEncoder encoder(std::make_unique<VectorSink>(out));
  (void)encoder.write(bytes);  // a VectorSink cannot fail
  (void)encoder.close();
  return {out.begin(), out.end()};
}

Result<std::vector<std::uint8_t>> armor_decode(std::span<const std::uint8_t> text) {
  MemorySource memory(text);
  BufferedSource buffered(memory);
  ArmorDecoder decoder(buffered);
  std::vector<std::uint8_t> out;
  std::array<std::uint8_t, 4096> block{};
  for (;;) {
    auto n = decoder.read(block);
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) return out;
    out.insert(out.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(*n));
  }
}

}  // namespace clinvid::crypto
