#include "crypto/parallel.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>

#include "core/id.hpp"
#include "crypto/armor.hpp"
#include "crypto/envelope.hpp"
#include "crypto/failure.hpp"
#include "crypto/internal.hpp"
#include "crypto/io.hpp"
#include "crypto/secret.hpp"
#include "crypto/stream.hpp"

namespace clinvid::crypto {
namespace {

unsigned thread_count(const ParallelOptions& options) {
  if (options.threads != 0) return options.threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

// Per-worker buffers, reused across blocks: allocating a fresh megabyte per block would make
// every worker fault in pages and contend on the process's memory map lock.
struct Scratch {
  std::vector<std::uint8_t> plain;
  std::vector<std::uint8_t> sealed;
  ~Scratch() { wipe(plain); }
};

// Runs work(block, scratch) for block in [0, blocks) on `threads` threads (the caller's
// included), handing out blocks in order. Stops early at the first error and returns it.
Status run_blocks(std::uint64_t blocks, unsigned threads,
                  const std::function<Status(std::uint64_t, Scratch&)>& work) {
  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex error_mutex;
  std::optional<Error> first_error;
  auto worker = [&] {
    Scratch scratch;
    while (!stop.load(std::memory_order_relaxed)) {
      const std::uint64_t block = next.fetch_add(1);
      if (block >= blocks) return;
      if (auto ok = work(block, scratch); !ok) {
        std::lock_guard lock(error_mutex);
        if (!first_error) first_error = ok.error();
        stop = true;
      }
    }
  };
  const auto extra = static_cast<unsigned>(
      std::min<std::uint64_t>(threads > 0 ? threads - 1 : 0, blocks > 0 ? blocks - 1 : 0));
  std::vector<std::jthread> pool;
  pool.reserve(extra);
  for (unsigned i = 0; i < extra; ++i) pool.emplace_back(worker);
  worker();
  pool.clear();  // joins
  if (first_error) return tl::unexpected(*first_error);
  return {};
}

// Writes a block at its offset and asks the kernel to start writing it back now, so that the
// fsync before the rename (crash safety) finds little left to do: disk writes overlap the
// encryption instead of following it. The hint's own failure is harmless (fsync reports any
// i/o error), so it is not checked.
Status write_block(int fd, std::span<const std::uint8_t> bytes, std::uint64_t offset) {
  if (auto ok = pwrite_full(fd, bytes, offset); !ok) return ok;
  (void)::sync_file_range(fd, static_cast<off_t>(offset), static_cast<off_t>(bytes.size()),
                          SYNC_FILE_RANGE_WRITE);
  return {};
}

Result<std::uint64_t> regular_file_size(int fd, const std::filesystem::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(Errc::io, "fstat " + path.string());
  if (!S_ISREG(st.st_mode)) {
    return fail(Errc::invalid_argument, path.string() + " is not a regular file");
  }
  return static_cast<std::uint64_t>(st.st_size);
}

}  // namespace

Status encrypt_file_parallel(const std::filesystem::path& in, const std::filesystem::path& out,
                             std::span<const Recipient> recipients, ParallelOptions options) {
  auto in_fd = open_for_reading(in);
  if (!in_fd) return tl::unexpected(in_fd.error());
  auto plaintext_size = regular_file_size(in_fd->get(), in);
  if (!plaintext_size) return tl::unexpected(plaintext_size.error());

  auto header = seal_header(recipients);
  if (!header) return tl::unexpected(header.error());
  detail::sodium_ready();
  std::array<std::uint8_t, kPayloadNonceSize> nonce{};
  random_bytes(nonce);
  const PayloadCipher cipher = PayloadCipher::derive(header->file_key.bytes(), nonce);

  auto sink = AtomicFileSink::create(out);
  if (!sink) return tl::unexpected(sink.error());
  const int out_fd = (*sink)->fd();
  std::vector<std::uint8_t> start(header->encoded.begin(), header->encoded.end());
  start.insert(start.end(), nonce.begin(), nonce.end());
  if (auto ok = pwrite_full(out_fd, start, 0); !ok) return ok;
  const std::uint64_t payload_offset = start.size();

  const std::uint64_t size = *plaintext_size;
  const std::uint64_t chunks = size == 0 ? 1 : (size + kChunkSize - 1) / kChunkSize;
  const std::uint64_t per_block = std::max<std::size_t>(options.chunks_per_block, 1);
  const std::uint64_t blocks = (chunks + per_block - 1) / per_block;
  const int source_fd = in_fd->get();

  auto work = [&](std::uint64_t block, Scratch& scratch) -> Status {
    const std::uint64_t first = block * per_block;
    const std::uint64_t count = std::min(per_block, chunks - first);
    const std::uint64_t plain_begin = first * kChunkSize;
    const std::uint64_t plain_end = std::min(size, (first + count) * kChunkSize);
    scratch.plain.resize(static_cast<std::size_t>(plain_end - plain_begin));
    scratch.sealed.resize(scratch.plain.size() + count * kTagSize);
    const std::span<std::uint8_t> plain(scratch.plain);
    const std::span<std::uint8_t> sealed(scratch.sealed);
    auto n = pread_full(source_fd, plain, plain_begin);
    if (!n) return tl::unexpected(n.error());
    if (*n != plain.size()) return fail(Errc::io, in.string() + " changed size while encrypting");
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::size_t p0 = static_cast<std::size_t>(i * kChunkSize);
      const std::size_t p1 = std::min(plain.size(), p0 + kChunkSize);
      const std::uint64_t index = first + i;
      const ChunkKind kind = index + 1 == chunks ? ChunkKind::last : ChunkKind::middle;
      cipher.seal(
          index, kind, plain.subspan(p0, p1 - p0),
          sealed.subspan(static_cast<std::size_t>(i * kSealedChunkSize), p1 - p0 + kTagSize));
    }
    return write_block(out_fd, sealed, payload_offset + first * kSealedChunkSize);
  };
  if (auto ok = run_blocks(blocks, thread_count(options), work); !ok) return ok;
  // Catch a file that grew while we read it: the output would silently miss its tail.
  auto size_after = regular_file_size(source_fd, in);
  if (!size_after) return tl::unexpected(size_after.error());
  if (*size_after != size) return fail(Errc::io, in.string() + " changed size while encrypting");
  return (*sink)->close();
}

Status decrypt_file_parallel(const std::filesystem::path& in, const std::filesystem::path& out,
                             std::span<const Identity> identities, ParallelOptions options) {
  auto in_fd = open_for_reading(in);
  if (!in_fd) return tl::unexpected(in_fd.error());
  auto file_size = regular_file_size(in_fd->get(), in);
  if (!file_size) return tl::unexpected(file_size.error());
  const int source_fd = in_fd->get();

  PreadSource source(source_fd, 0);
  BufferedSource buffered(source, 4096);
  auto prefix = buffered.peek(1100);
  if (!prefix) return tl::unexpected(prefix.error());
  if (looks_armored(*prefix)) {
    return fail(Errc::unsupported, "armored files are decrypted by the streaming Decryptor");
  }
  auto header = read_header(buffered);
  if (!header) return tl::unexpected(header.error());
  auto file_key = open_header(*header, identities);
  if (!file_key) return tl::unexpected(file_key.error());
  std::array<std::uint8_t, kPayloadNonceSize> nonce{};
  auto got = buffered.read_full(nonce);
  if (!got) return tl::unexpected(got.error());
  if (*got != nonce.size()) return age_fail(AgeFailure::header, "payload nonce missing or short");
  const PayloadCipher cipher = PayloadCipher::derive(file_key->bytes(), nonce);
  const std::uint64_t payload_offset = buffered.consumed();
  auto layout = payload_layout(*file_size - payload_offset);
  if (!layout) return tl::unexpected(layout.error());

  auto sink = AtomicFileSink::create(out);
  if (!sink) return tl::unexpected(sink.error());
  const int out_fd = (*sink)->fd();

  const std::uint64_t chunks = layout->chunk_count;
  const std::uint64_t per_block = std::max<std::size_t>(options.chunks_per_block, 1);
  const std::uint64_t blocks = (chunks + per_block - 1) / per_block;
  auto work = [&](std::uint64_t block, Scratch& scratch) -> Status {
    const std::uint64_t first = block * per_block;
    const std::uint64_t count = std::min(per_block, chunks - first);
    const std::uint64_t sealed_begin = layout->sealed_offset(first);
    const std::uint64_t sealed_end =
        std::min(*file_size - payload_offset, layout->sealed_offset(first + count));
    scratch.sealed.resize(static_cast<std::size_t>(sealed_end - sealed_begin));
    scratch.plain.resize(scratch.sealed.size() - count * kTagSize);
    const std::span<std::uint8_t> sealed(scratch.sealed);
    const std::span<std::uint8_t> plain(scratch.plain);
    auto n = pread_full(source_fd, sealed, payload_offset + sealed_begin);
    if (!n) return tl::unexpected(n.error());
    if (*n != sealed.size()) return age_fail(AgeFailure::payload, "file shrank while decrypting");
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::uint64_t index = first + i;
      const std::size_t s0 = static_cast<std::size_t>(i * kSealedChunkSize);
      const std::size_t p0 = static_cast<std::size_t>(i * kChunkSize);
      const std::size_t plain_size = layout->plain_size(index);
      const ChunkKind kind = index + 1 == chunks ? ChunkKind::last : ChunkKind::middle;
      if (!cipher.open(index, kind, sealed.subspan(s0, plain_size + kTagSize),
                       plain.subspan(p0, plain_size))) {
        return age_fail(AgeFailure::payload,
                        "chunk " + std::to_string(index) + " failed to authenticate");
      }
    }
    return write_block(out_fd, plain, first * kChunkSize);
  };
  if (auto ok = run_blocks(blocks, thread_count(options), work); !ok) return ok;
  return (*sink)->close();
}

}  // namespace clinvid::crypto
