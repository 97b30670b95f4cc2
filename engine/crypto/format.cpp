#include "crypto/format.hpp"

#include "crypto/base64.hpp"
#include "crypto/failure.hpp"

namespace clinvid::crypto {
namespace {

constexpr std::string_view kStanzaPrefix = "->";
constexpr std::string_view kMacPrefix = "---";

bool is_vchar_string(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < 33 || c > 126) return false;
  }
  return true;
}

// Quotes a hostile line for an error message: short, printable.
std::string quoted(std::string_view line) {
  std::string out = "\"";
  for (std::size_t i = 0; i < line.size() && i < 40; ++i) {
    const char c = line[i];
    if (c >= 32 && c <= 126 && c != '"' && c != '\\') {
      out += c;
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[static_cast<unsigned char>(c) >> 4];
      out += kHex[static_cast<unsigned char>(c) & 15];
    }
  }
  if (line.size() > 40) out += "...";
  return out + "\"";
}

}  // namespace

Result<bool> HeaderParser::feed_line(std::string_view line) {
  auto failed = [this](std::string_view why) {
    state_ = State::failed;
    return age_fail(AgeFailure::header, why);
  };
  if (state_ == State::done) return failed("data fed after the header's MAC line");
  if (state_ == State::failed) return failed("parser used after an error");
  if (line.empty() || line.back() != '\n') return failed("header line does not end with LF");
  if (header_.mac_input.size() + line.size() > kMaxHeaderBytes) {
    return failed("header larger than 1 MiB");
  }
  const std::string_view content = line.substr(0, line.size() - 1);

  switch (state_) {
    case State::version:
      if (line != kVersionLine) {
        return failed(content.starts_with("age-encryption.org/")
                          ? "unsupported version line " + quoted(content)
                          : std::string("not an age file (no version line)"));
      }
      header_.mac_input.append(line);
      state_ = State::stanza_or_mac;
      return false;

    case State::stanza_or_mac:
      if (content.starts_with(kMacPrefix)) {
        if (header_.stanzas.empty()) return failed("header has no recipient stanza");
        // Exactly "--- " + 43 base64 characters: no extra spaces, no padding.
        if (content.size() < 4 || content[3] != ' ') {
          return failed("malformed MAC line " + quoted(content));
        }
        if (auto ok = base64_decode_exact(content.substr(4), Base64Padding::none, header_.mac);
            !ok) {
          return failed("malformed MAC line " + quoted(content) + ": " + ok.error().detail);
        }
        header_.mac_input.append(kMacPrefix);
        header_.encoded_size = header_.mac_input.size() + line.size() - kMacPrefix.size();
        state_ = State::done;
        return true;
      }
      if (content.starts_with(kStanzaPrefix)) {
        // "->" then one or more arguments, each preceded by exactly one space.
        std::vector<std::string> args;
        std::string_view rest = content.substr(kStanzaPrefix.size());
        while (!rest.empty()) {
          if (rest.front() != ' ') return failed("malformed stanza line " + quoted(content));
          rest.remove_prefix(1);
          const std::size_t space = rest.find(' ');
          const std::string_view arg = rest.substr(0, space);
          if (!is_vchar_string(arg))
            return failed("malformed stanza argument in " + quoted(content));
          args.emplace_back(arg);
          rest = space == std::string_view::npos ? std::string_view() : rest.substr(space);
        }
        if (args.empty()) return failed("stanza without arguments");
        Stanza stanza;
        stanza.type = std::move(args.front());
        stanza.args.assign(std::make_move_iterator(args.begin() + 1),
                           std::make_move_iterator(args.end()));
        header_.stanzas.push_back(std::move(stanza));
        header_.mac_input.append(line);
        state_ = State::body;
        return false;
      }
      return failed("unexpected header line " + quoted(content));

    case State::body: {
      if (content.size() > kStanzaColumns) return failed("stanza body line longer than 64 columns");
      auto decoded = base64_decode(content, Base64Padding::none);
      if (!decoded) {
        return failed("malformed stanza body line " + quoted(content) + ": " +
                      decoded.error().detail);
      }
      auto& body = header_.stanzas.back().body;
      body.insert(body.end(), decoded->begin(), decoded->end());
      header_.mac_input.append(line);
      // A full line continues the body; a short one (possibly empty) ends it.
      if (content.size() < kStanzaColumns) state_ = State::stanza_or_mac;
      return false;
    }
    case State::done:
    case State::failed: break;
  }
  return failed("internal parser state");
}

Result<Header> parse_header(std::span<const std::uint8_t> bytes) {
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  HeaderParser parser;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t lf = text.find('\n', pos);
    if (lf == std::string_view::npos) {
      return age_fail(AgeFailure::header, pos == text.size() ? "header truncated (no MAC line)"
                                                             : "header line does not end with LF");
    }
    auto done = parser.feed_line(text.substr(pos, lf + 1 - pos));
    if (!done) return tl::unexpected(done.error());
    pos = lf + 1;
    if (*done) return parser.take();
  }
}

std::string encode_header_without_mac(std::span<const Stanza> stanzas) {
  std::string out(kVersionLine);
  for (const Stanza& stanza : stanzas) {
    out += kStanzaPrefix;
    out += ' ';
    out += stanza.type;
    for (const std::string& arg : stanza.args) {
      out += ' ';
      out += arg;
    }
    out += '\n';
    const std::string body = base64_encode(stanza.body, Base64Padding::none);
    std::size_t pos = 0;
    // Full lines, then always a final short line (empty when the body fills its last line).
    for (; body.size() - pos >= kStanzaColumns; pos += kStanzaColumns) {
      out.append(body, pos, kStanzaColumns);
      out += '\n';
    }
    out.append(body, pos);
    out += '\n';
  }
  out += kMacPrefix;
  return out;
}

std::string encode_header(std::span<const Stanza> stanzas,
                          std::span<const std::uint8_t, kHeaderMacSize> mac) {
  std::string out = encode_header_without_mac(stanzas);
  out += ' ';
  base64_append(out, mac, Base64Padding::none);
  out += '\n';
  return out;
}

}  // namespace clinvid::crypto
