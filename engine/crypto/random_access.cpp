#include "crypto/random_access.hpp"

#include <algorithm>
#include <array>
#include <mutex>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/armor.hpp"
#include "crypto/envelope.hpp"
#include "crypto/failure.hpp"
#include "crypto/io.hpp"
#include "crypto/stream.hpp"

namespace clinvid::crypto {

struct RandomAccessReader::Impl {
  struct Entry {
    std::uint64_t index = 0;
    std::uint64_t last_use = 0;
    std::vector<std::uint8_t> plain;
  };

  UniqueFd fd;
  PayloadCipher cipher;
  PayloadLayout layout;
  std::uint64_t payload_offset = 0;  // file offset of chunk 0
  std::size_t capacity = 8;

  mutable std::mutex mutex;  // guards cache and clock
  mutable std::vector<Entry> cache;
  mutable std::uint64_t clock = 0;

  ~Impl() {
    for (Entry& e : cache) wipe(e.plain);
  }

  // Reads and authenticates chunk `index` into `plain` (resized to its plaintext size).
  Status decrypt_chunk(std::uint64_t index, std::vector<std::uint8_t>& plain) const {
    const std::size_t plain_size = layout.plain_size(index);
    std::vector<std::uint8_t> sealed(plain_size + kTagSize);
    auto n = pread_full(fd.get(), sealed, payload_offset + layout.sealed_offset(index));
    if (!n) return tl::unexpected(n.error());
    if (*n != sealed.size()) return age_fail(AgeFailure::payload, "file shrank after open");
    plain.resize(plain_size);
    const ChunkKind kind = index + 1 == layout.chunk_count ? ChunkKind::last : ChunkKind::middle;
    if (!cipher.open(index, kind, sealed, plain)) {
      return age_fail(AgeFailure::payload,
                      "chunk " + std::to_string(index) + " failed to authenticate");
    }
    return {};
  }

  // Copies plain[within, within + out.size()) of chunk `index` into `out`.
  Status copy_chunk(std::uint64_t index, std::size_t within, std::span<std::uint8_t> out) const {
    {
      std::lock_guard lock(mutex);
      for (Entry& e : cache) {
        if (e.index == index) {
          e.last_use = ++clock;
          std::copy_n(e.plain.begin() + static_cast<std::ptrdiff_t>(within), out.size(),
                      out.begin());
          return {};
        }
      }
    }
    std::vector<std::uint8_t> plain;
    if (auto ok = decrypt_chunk(index, plain); !ok) return ok;
    std::copy_n(plain.begin() + static_cast<std::ptrdiff_t>(within), out.size(), out.begin());
    insert(index, std::move(plain));
    return {};
  }

  void insert(std::uint64_t index, std::vector<std::uint8_t> plain) const {
    std::lock_guard lock(mutex);
    for (const Entry& e : cache) {
      if (e.index == index) return;  // another thread got there first
    }
    if (cache.size() < capacity) {
      cache.push_back(Entry{index, ++clock, std::move(plain)});
      return;
    }
    auto victim = std::min_element(cache.begin(), cache.end(), [](const Entry& a, const Entry& b) {
      return a.last_use < b.last_use;
    });
    wipe(victim->plain);
    *victim = Entry{index, ++clock, std::move(plain)};
  }
};

RandomAccessReader::RandomAccessReader(std::unique_ptr<Impl> impl) noexcept
    : impl_(std::move(impl)) {}
RandomAccessReader::~RandomAccessReader() = default;
RandomAccessReader::RandomAccessReader(RandomAccessReader&&) noexcept = default;
RandomAccessReader& RandomAccessReader::operator=(RandomAccessReader&&) noexcept = default;

Result<RandomAccessReader> RandomAccessReader::open(const std::filesystem::path& path,
                                                    std::span<const Identity> identities,
                                                    RandomAccessOptions options) {
  auto fd = open_for_reading(path);
  if (!fd) return tl::unexpected(fd.error());
  auto reader = open_fd(fd->get(), identities, options);
  if (!reader) return with_context(reader.error(), path.string());
  return reader;
}

Result<RandomAccessReader> RandomAccessReader::open_fd(int fd, std::span<const Identity> identities,
                                                       RandomAccessOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->fd = UniqueFd(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
  if (!impl->fd.valid()) return fail(Errc::io, "dup of the file descriptor failed");
  impl->capacity = std::max<std::size_t>(options.cache_chunks, 1);

  PreadSource source(impl->fd.get(), 0);
  BufferedSource buffered(source, 4096);
  auto prefix = buffered.peek(1100);
  if (!prefix) return tl::unexpected(prefix.error());
  if (looks_armored(*prefix)) {
    return fail(Errc::unsupported, "armored age files cannot be read at random; use Decryptor");
  }
  auto header = read_header(buffered);
  if (!header) return tl::unexpected(header.error());
  auto file_key = open_header(*header, identities);
  if (!file_key) return tl::unexpected(file_key.error());
  std::array<std::uint8_t, kPayloadNonceSize> nonce{};
  auto n = buffered.read_full(nonce);
  if (!n) return tl::unexpected(n.error());
  if (*n != nonce.size()) return age_fail(AgeFailure::header, "payload nonce missing or short");
  impl->cipher = PayloadCipher::derive(file_key->bytes(), nonce);
  impl->payload_offset = buffered.consumed();

  struct stat st {};
  if (::fstat(impl->fd.get(), &st) != 0) return fail(Errc::io, "fstat failed");
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  if (file_size < impl->payload_offset) return age_fail(AgeFailure::payload, "file shrank");
  auto layout = payload_layout(file_size - impl->payload_offset);
  if (!layout) return tl::unexpected(layout.error());
  impl->layout = *layout;

  // The spec: seeking relative to the end must first verify the last chunk as a final chunk.
  // This also refuses truncated files and files still being written.
  const std::uint64_t last = impl->layout.chunk_count - 1;
  std::vector<std::uint8_t> plain;
  if (auto ok = impl->decrypt_chunk(last, plain); !ok) {
    return age_fail(AgeFailure::payload,
                    "last chunk is not a valid final chunk (truncated, extended or unfinished)");
  }
  impl->insert(last, std::move(plain));
  return RandomAccessReader(std::move(impl));
}

std::uint64_t RandomAccessReader::size() const noexcept {
  return impl_->layout.plaintext_size;
}

Result<std::size_t> RandomAccessReader::read_at(std::uint64_t offset,
                                                std::span<std::uint8_t> out) const {
  const std::uint64_t total = impl_->layout.plaintext_size;
  if (offset >= total || out.empty()) return std::size_t{0};
  const std::size_t count =
      static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), total - offset));
  std::size_t done = 0;
  while (done < count) {
    const std::uint64_t position = offset + done;
    const std::uint64_t index = position / kChunkSize;
    const auto within = static_cast<std::size_t>(position % kChunkSize);
    const std::size_t n = std::min(count - done, impl_->layout.plain_size(index) - within);
    if (auto ok = impl_->copy_chunk(index, within, out.subspan(done, n)); !ok) {
      return tl::unexpected(ok.error());
    }
    done += n;
  }
  return done;
}

}  // namespace clinvid::crypto
