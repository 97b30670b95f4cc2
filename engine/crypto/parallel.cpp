#include "crypto/parallel.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
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

// Runs compute(block) on several threads and emit(block) for each block in increasing order,
// for outputs that can only be appended to (a pipe, stdout, an armor encoder). A worker that
// has computed block b waits until block b-1 was emitted; since blocks are handed out in
// order, every earlier block is held by a worker that will emit it (or fail and stop
// everyone), so this cannot deadlock. One worker per core plus one, so that one can wait on
// the sink while the others compute.
Status run_ordered(std::uint64_t blocks, unsigned threads,
                   const std::function<Status(std::uint64_t, Scratch&)>& compute,
                   const std::function<Status(std::uint64_t, Scratch&)>& emit) {
  std::atomic<std::uint64_t> next{0};
  std::mutex mutex;
  std::condition_variable turn;
  std::uint64_t next_emit = 0;
  bool stop = false;
  std::optional<Error> first_error;
  auto failed = [&](Error error) {
    const std::lock_guard lock(mutex);
    if (!first_error) first_error = std::move(error);
    stop = true;
    turn.notify_all();
  };
  auto worker = [&] {
    Scratch scratch;
    for (;;) {
      const std::uint64_t block = next.fetch_add(1);
      if (block >= blocks) return;
      {
        const std::lock_guard lock(mutex);
        if (stop) return;
      }
      if (auto ok = compute(block, scratch); !ok) return failed(ok.error());
      {
        std::unique_lock lock(mutex);
        turn.wait(lock, [&] { return stop || next_emit == block; });
        if (stop) return;
      }
      if (auto ok = emit(block, scratch); !ok) return failed(ok.error());
      const std::lock_guard lock(mutex);
      ++next_emit;
      turn.notify_all();
    }
  };
  const auto extra = static_cast<unsigned>(std::min<std::uint64_t>(threads, blocks - 1));
  {
    std::vector<std::jthread> pool;
    pool.reserve(extra);
    for (unsigned i = 0; i < extra; ++i) pool.emplace_back(worker);
    worker();
  }
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

// A plaintext file being encrypted: its header and payload nonce, and blocks of chunks sealed
// independently.
struct EncryptJob {
  UniqueFd in_fd;
  std::filesystem::path in;
  std::uint64_t size = 0;
  std::uint64_t chunks = 0;
  std::uint64_t per_block = 1;
  std::uint64_t blocks = 0;
  std::vector<std::uint8_t> start;  // the header and the payload nonce
  PayloadCipher cipher;

  // Seals block `block` into scratch.sealed.
  [[nodiscard]] Status seal(std::uint64_t block, Scratch& scratch) const {
    const std::uint64_t first = block * per_block;
    const std::uint64_t count = std::min(per_block, chunks - first);
    const std::uint64_t plain_begin = first * kChunkSize;
    const std::uint64_t plain_end = std::min(size, (first + count) * kChunkSize);
    scratch.plain.resize(static_cast<std::size_t>(plain_end - plain_begin));
    scratch.sealed.resize(scratch.plain.size() + count * kTagSize);
    const std::span<std::uint8_t> plain(scratch.plain);
    const std::span<std::uint8_t> sealed(scratch.sealed);
    auto n = pread_full(in_fd.get(), plain, plain_begin);
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
    return {};
  }

  // Catches a file that grew while we read it: the output would silently miss its tail.
  [[nodiscard]] Status check_unchanged() const {
    auto size_after = regular_file_size(in_fd.get(), in);
    if (!size_after) return tl::unexpected(size_after.error());
    if (*size_after != size) return fail(Errc::io, in.string() + " changed size while encrypting");
    return {};
  }
};

Result<EncryptJob> start_encrypt(const std::filesystem::path& in,
                                 std::span<const Recipient> recipients,
                                 const ParallelOptions& options) {
  EncryptJob job;
  job.in = in;
  auto in_fd = open_for_reading(in);
  if (!in_fd) return tl::unexpected(in_fd.error());
  job.in_fd = std::move(*in_fd);
  auto size = regular_file_size(job.in_fd.get(), in);
  if (!size) return tl::unexpected(size.error());
  job.size = *size;
  auto header = seal_header(recipients);
  if (!header) return tl::unexpected(header.error());
  detail::sodium_ready();
  std::array<std::uint8_t, kPayloadNonceSize> nonce{};
  random_bytes(nonce);
  job.cipher = PayloadCipher::derive(header->file_key.bytes(), nonce);
  job.start.assign(header->encoded.begin(), header->encoded.end());
  job.start.insert(job.start.end(), nonce.begin(), nonce.end());
  job.chunks = job.size == 0 ? 1 : (job.size + kChunkSize - 1) / kChunkSize;
  job.per_block = std::max<std::size_t>(options.chunks_per_block, 1);
  job.blocks = (job.chunks + job.per_block - 1) / job.per_block;
  return job;
}

// An age file being decrypted: its opened header and payload layout, and blocks of chunks
// opened independently.
struct DecryptJob {
  UniqueFd in_fd;
  std::uint64_t payload_offset = 0;
  std::uint64_t payload_size = 0;
  PayloadLayout layout;
  std::uint64_t per_block = 1;
  std::uint64_t blocks = 0;
  PayloadCipher cipher;

  // Opens block `block` into scratch.plain; a payload failure if any chunk does not
  // authenticate.
  [[nodiscard]] Status open(std::uint64_t block, Scratch& scratch) const {
    const std::uint64_t chunks = layout.chunk_count;
    const std::uint64_t first = block * per_block;
    const std::uint64_t count = std::min(per_block, chunks - first);
    const std::uint64_t sealed_begin = layout.sealed_offset(first);
    const std::uint64_t sealed_end = std::min(payload_size, layout.sealed_offset(first + count));
    scratch.sealed.resize(static_cast<std::size_t>(sealed_end - sealed_begin));
    scratch.plain.resize(scratch.sealed.size() - count * kTagSize);
    const std::span<std::uint8_t> sealed(scratch.sealed);
    const std::span<std::uint8_t> plain(scratch.plain);
    auto n = pread_full(in_fd.get(), sealed, payload_offset + sealed_begin);
    if (!n) return tl::unexpected(n.error());
    if (*n != sealed.size()) return age_fail(AgeFailure::payload, "file shrank while decrypting");
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::uint64_t index = first + i;
      const std::size_t s0 = static_cast<std::size_t>(i * kSealedChunkSize);
      const std::size_t p0 = static_cast<std::size_t>(i * kChunkSize);
      const std::size_t plain_size = layout.plain_size(index);
      const ChunkKind kind = index + 1 == chunks ? ChunkKind::last : ChunkKind::middle;
      if (!cipher.open(index, kind, sealed.subspan(s0, plain_size + kTagSize),
                       plain.subspan(p0, plain_size))) {
        return age_fail(AgeFailure::payload,
                        "chunk " + std::to_string(index) + " failed to authenticate");
      }
    }
    return {};
  }
};

Result<DecryptJob> start_decrypt(const std::filesystem::path& in,
                                 std::span<const Identity> identities,
                                 const ParallelOptions& options) {
  DecryptJob job;
  auto in_fd = open_for_reading(in);
  if (!in_fd) return tl::unexpected(in_fd.error());
  job.in_fd = std::move(*in_fd);
  auto file_size = regular_file_size(job.in_fd.get(), in);
  if (!file_size) return tl::unexpected(file_size.error());
  PreadSource source(job.in_fd.get(), 0);
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
  job.cipher = PayloadCipher::derive(file_key->bytes(), nonce);
  job.payload_offset = buffered.consumed();
  job.payload_size = *file_size - job.payload_offset;
  auto layout = payload_layout(job.payload_size);
  if (!layout) return tl::unexpected(layout.error());
  job.layout = *layout;
  job.per_block = std::max<std::size_t>(options.chunks_per_block, 1);
  job.blocks = (job.layout.chunk_count + job.per_block - 1) / job.per_block;
  return job;
}

}  // namespace

Status encrypt_file_parallel(const std::filesystem::path& in, const std::filesystem::path& out,
                             std::span<const Recipient> recipients, ParallelOptions options) {
  auto job = start_encrypt(in, recipients, options);
  if (!job) return tl::unexpected(job.error());
  auto sink = AtomicFileSink::create(out);
  if (!sink) return tl::unexpected(sink.error());
  const int out_fd = (*sink)->fd();
  if (auto ok = pwrite_full(out_fd, job->start, 0); !ok) return ok;
  const std::uint64_t payload_offset = job->start.size();
  auto work = [&](std::uint64_t block, Scratch& scratch) -> Status {
    if (auto ok = job->seal(block, scratch); !ok) return ok;
    return write_block(out_fd, scratch.sealed,
                       payload_offset + block * job->per_block * kSealedChunkSize);
  };
  if (auto ok = run_blocks(job->blocks, thread_count(options), work); !ok) return ok;
  if (auto ok = job->check_unchanged(); !ok) return ok;
  return (*sink)->close();
}

Status decrypt_file_parallel(const std::filesystem::path& in, const std::filesystem::path& out,
                             std::span<const Identity> identities, ParallelOptions options) {
  auto job = start_decrypt(in, identities, options);
  if (!job) return tl::unexpected(job.error());
  auto sink = AtomicFileSink::create(out);
  if (!sink) return tl::unexpected(sink.error());
  const int out_fd = (*sink)->fd();
  auto work = [&](std::uint64_t block, Scratch& scratch) -> Status {
    if (auto ok = job->open(block, scratch); !ok) return ok;
    return write_block(out_fd, scratch.plain, block * job->per_block * kChunkSize);
  };
  if (auto ok = run_blocks(job->blocks, thread_count(options), work); !ok) return ok;
  return (*sink)->close();
}

Status encrypt_file_to_sink_parallel(const std::filesystem::path& in,
                                     std::span<const Recipient> recipients, ByteSink& sink,
                                     ParallelOptions options) {
  auto job = start_encrypt(in, recipients, options);
  if (!job) return tl::unexpected(job.error());
  if (auto ok = sink.write(job->start); !ok) return ok;
  auto compute = [&](std::uint64_t block, Scratch& scratch) { return job->seal(block, scratch); };
  auto emit = [&](std::uint64_t, Scratch& scratch) { return sink.write(scratch.sealed); };
  if (auto ok = run_ordered(job->blocks, thread_count(options), compute, emit); !ok) return ok;
  if (auto ok = job->check_unchanged(); !ok) return ok;
  return sink.close();
}

Status decrypt_file_to_sink_parallel(const std::filesystem::path& in,
                                     std::span<const Identity> identities, ByteSink& sink,
                                     ParallelOptions options) {
  auto job = start_decrypt(in, identities, options);
  if (!job) return tl::unexpected(job.error());
  auto compute = [&](std::uint64_t block, Scratch& scratch) { return job->open(block, scratch); };
  auto emit = [&](std::uint64_t, Scratch& scratch) { return sink.write(scratch.plain); };
  if (auto ok = run_ordered(job->blocks, thread_count(options), compute, emit); !ok) return ok;
  return sink.close();
}

}  // namespace clinvid::crypto
