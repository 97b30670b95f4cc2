#include "age_parallel_sink.h"

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

#include <sys/stat.h>

#include "core/id.hpp"
#include "crypto/envelope.hpp"
#include "crypto/failure.hpp"
#include "crypto/secret.hpp"
#include "crypto/stream.hpp"

namespace clinvid::cli {
namespace {

namespace crypto = clinvid::crypto;

constexpr std::uint64_t kChunksPerBlock = 16;  // 1 MiB of plaintext per unit of work

struct Scratch {
  std::vector<std::uint8_t> plain;
  std::vector<std::uint8_t> sealed;
  ~Scratch() { crypto::wipe(plain); }
};

using BlockFn = std::function<Status(std::uint64_t block, Scratch& scratch)>;

// Runs compute(block) on several threads and emit(block) for each block in increasing order.
// A worker that has computed block b waits until block b-1 was emitted; since blocks are handed
// out in order, every earlier block is held by a worker that will emit it (or fail and stop
// everyone), so this cannot deadlock. One worker per core plus one, so that one can wait on
// the sink while the others compute.
Status run_ordered(std::uint64_t blocks, const BlockFn& compute, const BlockFn& emit) {
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
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const auto extra = static_cast<unsigned>(std::min<std::uint64_t>(cores, blocks - 1));
  {
    std::vector<std::jthread> pool;
    pool.reserve(extra);
    for (unsigned i = 0; i < extra; ++i) pool.emplace_back(worker);
    worker();
  }
  if (first_error) return tl::unexpected(*first_error);
  return {};
}

Result<std::uint64_t> regular_size(int fd, const std::filesystem::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(Errc::io, "fstat " + path.string());
  if (!S_ISREG(st.st_mode)) {
    return fail(Errc::invalid_argument, path.string() + " is not a regular file");
  }
  return static_cast<std::uint64_t>(st.st_size);
}

}  // namespace

Status encrypt_file_to_sink_parallel(const std::filesystem::path& in,
                                     std::span<const crypto::Recipient> recipients,
                                     crypto::ByteSink& sink) {
  auto in_fd = crypto::open_for_reading(in);
  if (!in_fd) return tl::unexpected(in_fd.error());
  auto size = regular_size(in_fd->get(), in);
  if (!size) return tl::unexpected(size.error());
  auto header = crypto::seal_header(recipients);
  if (!header) return tl::unexpected(header.error());
  std::array<std::uint8_t, crypto::kPayloadNonceSize> nonce{};
  random_bytes(nonce);
  const crypto::PayloadCipher cipher =
      crypto::PayloadCipher::derive(header->file_key.bytes(), nonce);
  const std::string& encoded = header->encoded;
  if (auto ok = sink.write({reinterpret_cast<const std::uint8_t*>(encoded.data()), encoded.size()});
      !ok) {
    return ok;
  }
  if (auto ok = sink.write(nonce); !ok) return ok;

  const std::uint64_t chunks =
      *size == 0 ? 1 : (*size + crypto::kChunkSize - 1) / crypto::kChunkSize;
  const std::uint64_t blocks = (chunks + kChunksPerBlock - 1) / kChunksPerBlock;
  const int fd = in_fd->get();
  auto compute = [&](std::uint64_t block, Scratch& scratch) -> Status {
    const std::uint64_t first = block * kChunksPerBlock;
    const std::uint64_t count = std::min(kChunksPerBlock, chunks - first);
    const std::uint64_t begin = first * crypto::kChunkSize;
    const std::uint64_t end = std::min(*size, (first + count) * crypto::kChunkSize);
    scratch.plain.resize(static_cast<std::size_t>(end - begin));
    scratch.sealed.resize(scratch.plain.size() + count * crypto::kTagSize);
    const std::span<std::uint8_t> plain(scratch.plain);
    const std::span<std::uint8_t> sealed(scratch.sealed);
    auto n = crypto::pread_full(fd, plain, begin);
    if (!n) return tl::unexpected(n.error());
    if (*n != plain.size()) return fail(Errc::io, in.string() + " changed size while encrypting");
    for (std::uint64_t i = 0; i < count; ++i) {
      const auto p0 = static_cast<std::size_t>(i * crypto::kChunkSize);
      const std::size_t p1 = std::min(plain.size(), p0 + crypto::kChunkSize);
      const std::uint64_t index = first + i;
      const auto kind = index + 1 == chunks ? crypto::ChunkKind::last : crypto::ChunkKind::middle;
      cipher.seal(index, kind, plain.subspan(p0, p1 - p0),
                  sealed.subspan(static_cast<std::size_t>(i * crypto::kSealedChunkSize),
                                 p1 - p0 + crypto::kTagSize));
    }
    return {};
  };
  auto emit = [&](std::uint64_t, Scratch& scratch) { return sink.write(scratch.sealed); };
  if (auto ok = run_ordered(blocks, compute, emit); !ok) return ok;
  auto size_after = regular_size(fd, in);
  if (!size_after) return tl::unexpected(size_after.error());
  if (*size_after != *size) return fail(Errc::io, in.string() + " changed size while encrypting");
  return sink.close();
}

Status decrypt_file_to_sink_parallel(const std::filesystem::path& in,
                                     std::span<const crypto::Identity> identities,
                                     crypto::ByteSink& sink) {
  auto in_fd = crypto::open_for_reading(in);
  if (!in_fd) return tl::unexpected(in_fd.error());
  auto file_size = regular_size(in_fd->get(), in);
  if (!file_size) return tl::unexpected(file_size.error());
  const int fd = in_fd->get();
  crypto::PreadSource source(fd, 0);
  crypto::BufferedSource buffered(source, 4096);
  auto header = crypto::read_header(buffered);
  if (!header) return tl::unexpected(header.error());
  auto file_key = crypto::open_header(*header, identities);
  if (!file_key) return tl::unexpected(file_key.error());
  std::array<std::uint8_t, crypto::kPayloadNonceSize> nonce{};
  auto got = buffered.read_full(nonce);
  if (!got) return tl::unexpected(got.error());
  if (*got != nonce.size()) {
    return crypto::age_fail(crypto::AgeFailure::header, "payload nonce missing or short");
  }
  const crypto::PayloadCipher cipher = crypto::PayloadCipher::derive(file_key->bytes(), nonce);
  const std::uint64_t payload_offset = buffered.consumed();
  auto layout = crypto::payload_layout(*file_size - payload_offset);
  if (!layout) return tl::unexpected(layout.error());

  const std::uint64_t chunks = layout->chunk_count;
  const std::uint64_t blocks = (chunks + kChunksPerBlock - 1) / kChunksPerBlock;
  auto compute = [&](std::uint64_t block, Scratch& scratch) -> Status {
    const std::uint64_t first = block * kChunksPerBlock;
    const std::uint64_t count = std::min(kChunksPerBlock, chunks - first);
    const std::uint64_t begin = layout->sealed_offset(first);
    const std::uint64_t end =
        std::min(*file_size - payload_offset, layout->sealed_offset(first + count));
    scratch.sealed.resize(static_cast<std::size_t>(end - begin));
    scratch.plain.resize(scratch.sealed.size() - count * crypto::kTagSize);
    const std::span<std::uint8_t> sealed(scratch.sealed);
    const std::span<std::uint8_t> plain(scratch.plain);
    auto n = crypto::pread_full(fd, sealed, payload_offset + begin);
    if (!n) return tl::unexpected(n.error());
    if (*n != sealed.size()) {
      return crypto::age_fail(crypto::AgeFailure::payload, "file shrank while decrypting");
    }
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::uint64_t index = first + i;
      const auto s0 = static_cast<std::size_t>(i * crypto::kSealedChunkSize);
      const auto p0 = static_cast<std::size_t>(i * crypto::kChunkSize);
      const std::size_t plain_size = layout->plain_size(index);
      const auto kind = index + 1 == chunks ? crypto::ChunkKind::last : crypto::ChunkKind::middle;
      if (!cipher.open(index, kind, sealed.subspan(s0, plain_size + crypto::kTagSize),
                       plain.subspan(p0, plain_size))) {
        return crypto::age_fail(crypto::AgeFailure::payload,
                                "chunk " + std::to_string(index) + " failed to authenticate");
      }
    }
    return {};
  };
  auto emit = [&](std::uint64_t, Scratch& scratch) { return sink.write(scratch.plain); };
  if (auto ok = run_ordered(blocks, compute, emit); !ok) return ok;
  return sink.close();
}

}  // namespace clinvid::cli
