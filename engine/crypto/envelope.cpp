#include "crypto/envelope.hpp"

#include <algorithm>

#include "core/id.hpp"
#include "crypto/failure.hpp"
#include "crypto/hkdf.hpp"
#include "crypto/internal.hpp"
#include "crypto/stream.hpp"

namespace clinvid::crypto {
namespace {

bool is_scrypt(const Recipient& recipient) {
  return std::holds_alternative<ScryptRecipient>(recipient);
}

}  // namespace

std::array<std::uint8_t, kHeaderMacSize> header_mac(std::span<const std::uint8_t> file_key,
                                                    std::string_view mac_input) {
  SecretBytes hmac_key(32);
  hkdf_sha256(file_key, {}, "header", hmac_key.bytes());
  std::array<std::uint8_t, kHeaderMacSize> mac{};
  hmac_sha256(hmac_key.bytes(),
              std::span(reinterpret_cast<const std::uint8_t*>(mac_input.data()), mac_input.size()),
              mac);
  return mac;
}

Result<SealedHeader> seal_header(std::span<const Recipient> recipients) {
  if (recipients.empty()) return fail(Errc::invalid_argument, "no recipients given");
  if (recipients.size() > 1 && std::any_of(recipients.begin(), recipients.end(), is_scrypt)) {
    return fail(Errc::invalid_argument, "a passphrase (scrypt) recipient must be the only one");
  }
  detail::sodium_ready();
  SealedHeader sealed;
  sealed.file_key = SecretBytes(kFileKeySize);
  random_bytes(sealed.file_key.bytes());

  std::vector<Stanza> stanzas;
  stanzas.reserve(recipients.size());
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    auto stanza =
        std::visit([&](const auto& r) { return r.wrap(sealed.file_key.bytes()); }, recipients[i]);
    if (!stanza) return with_context(stanza.error(), "recipient #" + std::to_string(i + 1));
    stanzas.push_back(std::move(*stanza));
  }
  const std::string mac_input = encode_header_without_mac(stanzas);
  const auto mac = header_mac(sealed.file_key.bytes(), mac_input);
  sealed.encoded = encode_header(stanzas, mac);
  return sealed;
}

Result<SecretBytes> open_header(const Header& header, std::span<const Identity> identities) {
  if (identities.empty()) return fail(Errc::invalid_argument, "no identities given");
  const bool has_scrypt = std::any_of(header.stanzas.begin(), header.stanzas.end(),
                                      [](const Stanza& s) { return s.type == "scrypt"; });
  if (has_scrypt && header.stanzas.size() != 1) {
    // Passphrase encryption implies the file is authenticated by the passphrase; another stanza
    // would let someone else have written it.
    return age_fail(AgeFailure::header, "an scrypt stanza must be alone in the header");
  }

  std::optional<SecretBytes> file_key;
  for (const Identity& identity : identities) {
    for (const Stanza& stanza : header.stanzas) {
      auto unwrapped = std::visit([&](const auto& id) { return id.unwrap(stanza); }, identity);
      if (!unwrapped) return tl::unexpected(unwrapped.error());
      if (*unwrapped) {
        file_key = std::move(*unwrapped);
        break;
      }
    }
    if (file_key) break;
  }
  if (!file_key) return age_fail(AgeFailure::no_match, "no identity matched any recipient stanza");

  const auto mac = header_mac(file_key->bytes(), header.mac_input);
  if (crypto_verify_32(mac.data(), header.mac.data()) != 0) {
    return age_fail(AgeFailure::hmac, "header MAC does not verify");
  }
  return std::move(*file_key);
}

Result<Header> read_header(BufferedSource& source) {
  HeaderParser parser;
  std::string line;
  std::size_t total = 0;
  for (;;) {
    line.clear();
    // The version line is short: do not buffer a megabyte of something that is not age.
    const std::size_t limit = total == 0 ? 64 : kMaxHeaderBytes - total + 1;
    auto end = source.read_line(line, limit);
    if (!end) return tl::unexpected(end.error());
    if (*end == BufferedSource::LineEnd::too_long) {
      return age_fail(AgeFailure::header, total == 0 ? "not an age file (no version line)"
                                                     : "header larger than 1 MiB");
    }
    if (*end == BufferedSource::LineEnd::eof) {
      return age_fail(AgeFailure::header,
                      line.empty() && total == 0 ? "empty file" : "header truncated (no MAC line)");
    }
    total += line.size();
    auto done = parser.feed_line(line);
    if (!done) return tl::unexpected(done.error());
    if (*done) return parser.take();
  }
}

}  // namespace clinvid::crypto
