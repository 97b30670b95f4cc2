#include "crypto/writer.hpp"

#include <algorithm>
#include <array>
#include <chrono>

#include "core/id.hpp"
#include "crypto/armor.hpp"
#include "crypto/envelope.hpp"
#include "crypto/internal.hpp"
#include "crypto/stream.hpp"

namespace clinvid::crypto {

struct Encryptor::Impl {
  enum class State { open, finished, failed };

  std::unique_ptr<ByteSink> sink;
  PayloadCipher cipher;
  WriterOptions options;
  std::vector<std::uint8_t> pending;  // plaintext of the chunk not yet sealed
  std::vector<std::uint8_t> sealed = std::vector<std::uint8_t>(kSealedChunkSize);
  std::uint64_t next_index = 0;
  std::uint64_t plaintext_size = 0;
  std::uint32_t chunks_since_sync = 0;
  std::chrono::steady_clock::time_point last_sync = std::chrono::steady_clock::now();
  State state = State::open;
  Error error;

  ~Impl() {
    wipe(pending);
    wipe(sealed);
  }

  Status failed(Error e) {
    state = State::failed;
    error = e;
    return tl::unexpected(std::move(e));
  }

  Status do_sync() {
    if (auto ok = sink->sync(); !ok) return ok;
    chunks_since_sync = 0;
    last_sync = std::chrono::steady_clock::now();
    return {};
  }

  Status seal_pending(ChunkKind kind) {
    const std::span<std::uint8_t> out(sealed.data(), pending.size() + kTagSize);
    cipher.seal(next_index, kind, pending, out);
    if (auto ok = sink->write(out); !ok) return ok;
    ++next_index;
    pending.clear();
    ++chunks_since_sync;
    const bool by_count =
        options.fsync_every_chunks != 0 && chunks_since_sync >= options.fsync_every_chunks;
    const bool by_time =
        options.fsync_interval_ms != 0 && std::chrono::steady_clock::now() - last_sync >=
                                              std::chrono::milliseconds(options.fsync_interval_ms);
    if (by_count || by_time) return do_sync();
    return {};
  }
};

Encryptor::Encryptor(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Encryptor::~Encryptor() = default;
Encryptor::Encryptor(Encryptor&&) noexcept = default;
Encryptor& Encryptor::operator=(Encryptor&&) noexcept = default;

Result<Encryptor> Encryptor::create(std::span<const Recipient> recipients,
                                    std::unique_ptr<ByteSink> sink, WriterOptions options) {
  if (!sink) return fail(Errc::invalid_argument, "no sink given");
  if (options.armor != Armor::binary && options.armor != Armor::armored) {
    return fail(Errc::invalid_argument, "armor mode not set");
  }
  auto header = seal_header(recipients);
  if (!header) return tl::unexpected(header.error());

  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->sink = options.armor == Armor::armored ? std::make_unique<ArmorEncoder>(std::move(sink))
                                               : std::move(sink);
  impl->pending.reserve(kChunkSize);

  detail::sodium_ready();
  std::array<std::uint8_t, kPayloadNonceSize> nonce{};
  random_bytes(nonce);
  impl->cipher = PayloadCipher::derive(header->file_key.bytes(), nonce);

  const std::string& text = header->encoded;
  std::vector<std::uint8_t> start(text.begin(), text.end());
  start.insert(start.end(), nonce.begin(), nonce.end());
  if (auto ok = impl->sink->write(start); !ok)
    return with_context(ok.error(), "writing age header");
  return Encryptor(std::move(impl));
}

Status Encryptor::write(std::span<const std::uint8_t> plaintext) {
  Impl& s = *impl_;
  if (s.state == Impl::State::failed) return tl::unexpected(s.error);
  if (s.state == Impl::State::finished) return fail(Errc::internal, "write after finish");
  while (!plaintext.empty()) {
    // The buffered chunk is not the last: more data has arrived.
    if (s.pending.size() == kChunkSize) {
      if (auto ok = s.seal_pending(ChunkKind::middle); !ok) return s.failed(ok.error());
    }
    const std::size_t n = std::min(kChunkSize - s.pending.size(), plaintext.size());
    s.pending.insert(s.pending.end(), plaintext.begin(),
                     plaintext.begin() + static_cast<std::ptrdiff_t>(n));
    plaintext = plaintext.subspan(n);
    s.plaintext_size += n;
  }
  return {};
}

Status Encryptor::sync() {
  Impl& s = *impl_;
  if (s.state == Impl::State::failed) return tl::unexpected(s.error);
  if (auto ok = s.do_sync(); !ok) return s.failed(ok.error());
  return {};
}

Status Encryptor::finish() {
  Impl& s = *impl_;
  if (s.state == Impl::State::failed) return tl::unexpected(s.error);
  if (s.state == Impl::State::finished) return fail(Errc::internal, "finish called twice");
  // Only an empty payload has an empty last chunk: after a middle chunk, pending is non-empty.
  if (auto ok = s.seal_pending(ChunkKind::last); !ok) return s.failed(ok.error());
  if (s.options.fsync_every_chunks != 0 || s.options.fsync_interval_ms != 0) {
    if (auto ok = s.do_sync(); !ok) return s.failed(ok.error());
  }
  if (auto ok = s.sink->close(); !ok) return s.failed(ok.error());
  s.state = Impl::State::finished;
  return {};
}

std::uint64_t Encryptor::plaintext_size() const noexcept {
  return impl_->plaintext_size;
}
std::uint64_t Encryptor::chunks_sealed() const noexcept {
  return impl_->next_index;
}

Result<std::vector<std::uint8_t>> encrypt(std::span<const std::uint8_t> plaintext,
                                          std::span<const Recipient> recipients, Armor armor) {
  std::vector<std::uint8_t> out;
  auto encryptor = Encryptor::create(recipients, std::make_unique<VectorSink>(out),
                                     WriterOptions{.armor = armor});
  if (!encryptor) return tl::unexpected(encryptor.error());
  if (auto ok = encryptor->write(plaintext); !ok) return tl::unexpected(ok.error());
  if (auto ok = encryptor->finish(); !ok) return tl::unexpected(ok.error());
  return out;
}

Status encrypt_file(const std::filesystem::path& in, const std::filesystem::path& out,
                    std::span<const Recipient> recipients, WriterOptions options) {
  auto source = FdSource::open(in);
  if (!source) return tl::unexpected(source.error());
  auto sink = AtomicFileSink::create(out);
  if (!sink) return tl::unexpected(sink.error());
  auto encryptor = Encryptor::create(recipients, std::move(*sink), options);
  if (!encryptor) return tl::unexpected(encryptor.error());
  std::vector<std::uint8_t> block(4 * kChunkSize);
  for (;;) {
    auto n = (*source)->read(block);
    if (!n) return with_context(n.error(), "reading " + in.string());
    if (*n == 0) break;
    if (auto ok = encryptor->write(std::span(block).first(*n)); !ok) return ok;
  }
  wipe(block);
  return encryptor->finish();
}

}  // namespace clinvid::crypto
