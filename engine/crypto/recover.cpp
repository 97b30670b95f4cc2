#include "crypto/recover.hpp"

#include <array>
#include <vector>

#include "crypto/envelope.hpp"
#include "crypto/failure.hpp"
#include "crypto/stream.hpp"

namespace clinvid::crypto {
namespace {

// Counts (and discards) what is left in the source.
Result<std::uint64_t> drain(BufferedSource& in) {
  std::vector<std::uint8_t> block(kSealedChunkSize);
  std::uint64_t total = 0;
  for (;;) {
    auto n = in.read_full(block);
    if (!n) return tl::unexpected(n.error());
    total += *n;
    if (*n < block.size()) return total;
  }
}

}  // namespace

Result<RecoveryReport> recover(ByteSource& damaged, std::span<const Identity> identities,
                               ByteSink& plaintext) {
  BufferedSource in(damaged);
  auto header = read_header(in);
  if (!header) return with_context(header.error(), "nothing to recover");
  auto file_key = open_header(*header, identities);
  if (!file_key) return with_context(file_key.error(), "nothing to recover");
  std::array<std::uint8_t, kPayloadNonceSize> nonce{};
  auto got_nonce = in.read_full(nonce);
  if (!got_nonce) return tl::unexpected(got_nonce.error());
  if (*got_nonce != nonce.size()) {
    return age_fail(AgeFailure::header, "nothing to recover: the payload nonce is cut short");
  }
  const PayloadCipher cipher = PayloadCipher::derive(file_key->bytes(), nonce);

  RecoveryReport report;
  report.final_chunk = FinalChunk::missing;
  std::vector<std::uint8_t> sealed(kSealedChunkSize);
  std::vector<std::uint8_t> plain(kChunkSize);
  for (std::uint64_t index = 0;; ++index) {
    auto got = in.read_full(sealed);
    if (!got) return tl::unexpected(got.error());
    const std::size_t n = *got;
    if (n < kTagSize) {
      report.bytes_lost = n;  // a clean cut at a chunk boundary, or a scrap of a tag
      break;
    }
    const auto sealed_view = std::span<const std::uint8_t>(sealed).first(n);
    const auto plain_view = std::span<std::uint8_t>(plain).first(n - kTagSize);
    bool last = false;
    if (n == kSealedChunkSize && cipher.open(index, ChunkKind::middle, sealed_view, plain_view)) {
      last = false;
    } else if ((n > kTagSize || index == 0) &&
               cipher.open(index, ChunkKind::last, sealed_view, plain_view)) {
      last = true;
    } else {
      // A partial chunk (the writer died mid-write) or a damaged one: drop it and the rest.
      auto rest = drain(in);
      if (!rest) return tl::unexpected(rest.error());
      report.bytes_lost = n + *rest;
      break;
    }
    if (auto ok = plaintext.write(plain_view); !ok) return tl::unexpected(ok.error());
    ++report.chunks_recovered;
    report.plaintext_bytes += plain_view.size();
    if (last) {
      report.final_chunk = FinalChunk::present;
      auto rest = drain(in);
      if (!rest) return tl::unexpected(rest.error());
      report.bytes_lost = *rest;
      break;
    }
  }
  wipe(plain);
  return report;
}

Result<RecoveryReport> recover_to(const std::filesystem::path& damaged,
                                  std::span<const Identity> identities,
                                  std::span<const Recipient> recipients,
                                  const std::filesystem::path& out, WriterOptions options) {
  auto source = FdSource::open(damaged);
  if (!source) return tl::unexpected(source.error());
  auto sink = AtomicFileSink::create(out);
  if (!sink) return tl::unexpected(sink.error());
  auto encryptor = Encryptor::create(recipients, std::move(*sink), options);
  if (!encryptor) return tl::unexpected(encryptor.error());
  // The recovered plaintext flows chunk by chunk straight into the new encryption.
  CallbackSink into_encryptor(
      [&encryptor](std::span<const std::uint8_t> bytes) { return encryptor->write(bytes); });
  auto report = recover(**source, identities, into_encryptor);
  if (!report) return tl::unexpected(report.error());
  if (auto ok = encryptor->finish(); !ok) return tl::unexpected(ok.error());
  return report;
}

}  // namespace clinvid::crypto
