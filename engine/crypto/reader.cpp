#include "crypto/reader.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "crypto/armor.hpp"
#include "crypto/envelope.hpp"
#include "crypto/failure.hpp"
#include "crypto/stream.hpp"

namespace clinvid::crypto {

struct Decryptor::Impl {
  enum class State { open, done, failed };

  std::unique_ptr<ByteSource> source;
  std::unique_ptr<BufferedSource> raw;
  std::unique_ptr<ArmorDecoder> armor;
  std::unique_ptr<BufferedSource> decoded;
  BufferedSource* in = nullptr;

  PayloadCipher cipher;
  std::vector<std::uint8_t> sealed = std::vector<std::uint8_t>(kSealedChunkSize);
  std::vector<std::uint8_t> plain = std::vector<std::uint8_t>(kChunkSize);
  std::size_t plain_size = 0;
  std::size_t plain_pos = 0;  // for read()
  std::uint64_t index = 0;
  State state = State::open;
  std::optional<Error> error;          // sticky
  std::optional<Error> pending_error;  // reported after the chunk just released

  ~Impl() {
    wipe(plain);
    wipe(sealed);
  }

  tl::unexpected<Error> failed(Error e) {
    state = State::failed;
    error = e;
    return tl::unexpected(std::move(e));
  }

  bool open_as(ChunkKind kind, std::size_t sealed_size) {
    return cipher.open(index, kind, std::span(sealed).first(sealed_size),
                       std::span(plain).first(sealed_size - kTagSize));
  }

  // Reads and authenticates one chunk into `plain`. Returns false at a clean end.
  Result<bool> next() {
    if (pending_error) return failed(*pending_error);
    if (state == State::failed) return tl::unexpected(*error);
    if (state == State::done) return false;

    auto got = in->read_full(sealed);
    if (!got) return failed(got.error());
    const std::size_t n = *got;
    if (n == 0) {
      return failed(age_error(AgeFailure::payload, index == 0
                                                       ? "payload has no chunks"
                                                       : "stream truncated: no final chunk"));
    }
    if (n < kSealedChunkSize) {
      // A short chunk can only be the last one (read_full stopped at the end of the stream).
      if (n < kTagSize) return failed(age_error(AgeFailure::payload, "truncated chunk"));
      if (n == kTagSize && index > 0) {
        return failed(age_error(AgeFailure::payload, "final chunk is empty"));
      }
      if (!open_as(ChunkKind::last, n)) {
        return failed(age_error(AgeFailure::payload,
                                "chunk " + std::to_string(index) + " failed to authenticate"));
      }
      state = State::done;
    } else if (open_as(ChunkKind::middle, n)) {
      // An ordinary full chunk.
    } else if (open_as(ChunkKind::last, n)) {
      // A full final chunk: nothing may follow it.
      auto more = in->peek(1);
      if (!more) return failed(more.error());
      if (!more->empty()) {
        pending_error = age_error(AgeFailure::payload, "data after the final chunk");
      } else {
        state = State::done;
      }
    } else {
      return failed(age_error(AgeFailure::payload,
                              "chunk " + std::to_string(index) + " failed to authenticate"));
    }
    plain_size = n - kTagSize;
    plain_pos = 0;
    ++index;
    return true;
  }
};

Decryptor::Decryptor(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Decryptor::~Decryptor() = default;
Decryptor::Decryptor(Decryptor&&) noexcept = default;
Decryptor& Decryptor::operator=(Decryptor&&) noexcept = default;

Result<Decryptor> Decryptor::open(std::unique_ptr<ByteSource> source,
                                  std::span<const Identity> identities, ArmorInput armor) {
  if (!source) return fail(Errc::invalid_argument, "no source given");
  auto impl = std::make_unique<Impl>();
  impl->source = std::move(source);
  impl->raw = std::make_unique<BufferedSource>(*impl->source);
  impl->in = impl->raw.get();

  bool armored = armor == ArmorInput::armored;
  if (armor == ArmorInput::detect) {
    // A binary file shows itself in its first byte; only leading whitespace (≤ 1 KiB before
    // an armored block) needs a longer look. A slow live source is not made to deliver more.
    auto prefix = impl->raw->peek(16);
    if (!prefix) return tl::unexpected(prefix.error());
    const auto space = [](std::uint8_t c) {
      return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
    };
    if (prefix->size() == 16 && space(prefix->front())) {
      prefix = impl->raw->peek(1100);
      if (!prefix) return tl::unexpected(prefix.error());
    }
    armored = looks_armored(*prefix);
  } else if (armor != ArmorInput::binary && armor != ArmorInput::armored) {
    return fail(Errc::invalid_argument, "armor mode not set");
  }
  if (armored) {
    impl->armor = std::make_unique<ArmorDecoder>(*impl->raw);
    impl->decoded = std::make_unique<BufferedSource>(*impl->armor);
    impl->in = impl->decoded.get();
  }

  auto header = read_header(*impl->in);
  if (!header) return tl::unexpected(header.error());
  auto file_key = open_header(*header, identities);
  if (!file_key) return tl::unexpected(file_key.error());

  std::array<std::uint8_t, kPayloadNonceSize> nonce{};
  auto n = impl->in->read_full(nonce);
  if (!n) return tl::unexpected(n.error());
  if (*n != nonce.size()) return age_fail(AgeFailure::header, "payload nonce missing or short");
  impl->cipher = PayloadCipher::derive(file_key->bytes(), nonce);
  return Decryptor(std::move(impl));
}

Result<std::span<const std::uint8_t>> Decryptor::next_chunk() {
  Impl& s = *impl_;
  // A chunk partly consumed through read() is finished first.
  if (s.plain_pos < s.plain_size) {
    const auto rest =
        std::span<const std::uint8_t>(s.plain).subspan(s.plain_pos, s.plain_size - s.plain_pos);
    s.plain_pos = s.plain_size;
    return rest;
  }
  for (;;) {
    auto more = s.next();
    if (!more) return tl::unexpected(more.error());
    if (!*more) return std::span<const std::uint8_t>();
    if (s.plain_size == 0) continue;  // the empty final chunk of an empty payload
    s.plain_pos = s.plain_size;
    return std::span<const std::uint8_t>(s.plain).first(s.plain_size);
  }
}

Result<std::size_t> Decryptor::read(std::span<std::uint8_t> out) {
  Impl& s = *impl_;
  std::size_t done = 0;
  while (done < out.size()) {
    if (s.plain_pos == s.plain_size) {
      // Report an error only when nothing is in hand: the bytes already copied were authentic.
      if (done > 0 && (s.pending_error || s.state != Impl::State::open)) break;
      auto more = s.next();
      if (!more) {
        if (done > 0) break;
        return tl::unexpected(more.error());
      }
      if (!*more) break;
      continue;
    }
    const std::size_t n = std::min(out.size() - done, s.plain_size - s.plain_pos);
    std::copy_n(s.plain.begin() + static_cast<std::ptrdiff_t>(s.plain_pos), n,
                out.begin() + static_cast<std::ptrdiff_t>(done));
    s.plain_pos += n;
    done += n;
  }
  return done;
}

std::uint64_t Decryptor::chunks_released() const noexcept {
  return impl_->index;
}

Status decrypt_to(std::unique_ptr<ByteSource> source, std::span<const Identity> identities,
                  ByteSink& sink, ArmorInput armor) {
  auto decryptor = Decryptor::open(std::move(source), identities, armor);
  if (!decryptor) return tl::unexpected(decryptor.error());
  for (;;) {
    auto chunk = decryptor->next_chunk();
    if (!chunk) return tl::unexpected(chunk.error());
    if (chunk->empty()) break;
    if (auto ok = sink.write(*chunk); !ok) return ok;
  }
  return sink.close();
}

Result<std::vector<std::uint8_t>> decrypt(std::span<const std::uint8_t> file,
                                          std::span<const Identity> identities, ArmorInput armor) {
  std::vector<std::uint8_t> out;
  VectorSink sink(out);
  if (auto ok = decrypt_to(std::make_unique<MemorySource>(file), identities, sink, armor); !ok) {
    wipe(out);
    return tl::unexpected(ok.error());
  }
  return out;
}

Status decrypt_file(const std::filesystem::path& in, const std::filesystem::path& out,
                    std::span<const Identity> identities, ArmorInput armor) {
  auto source = FdSource::open(in);
  if (!source) return tl::unexpected(source.error());
  auto sink = AtomicFileSink::create(out);
  if (!sink) return tl::unexpected(sink.error());
  // On failure the sink is destroyed unclosed, which removes out.tmp.
  return decrypt_to(std::move(*source), identities, **sink, armor);
}

}  // namespace clinvid::crypto
