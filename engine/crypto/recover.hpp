// Recovery of an age stream cut short (crash, kill -9, power loss, pulled disk).
//
// A writer that dies leaves a valid header, whole chunks sealed as "not last", and perhaps a
// partial chunk. recover() releases every whole chunk that authenticates, in order, and stops at
// the first one that does not; the partial or damaged tail is dropped, never released. Because
// a truncated stream has no chunk marked last, every chunk must authenticate as a middle chunk;
// a chunk that authenticates only as the last one ends a complete stream.
// Only binary streams can be recovered (an interrupted armored stream is an armor failure).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "core/result.hpp"
#include "crypto/io.hpp"
#include "crypto/keys.hpp"
#include "crypto/writer.hpp"

namespace clinvid::crypto {

enum class FinalChunk {
  invalid = 0,
  present,  // the stream was complete: its final chunk authenticated
  missing,  // the stream was cut short (or damaged) before its final chunk
};

struct RecoveryReport {
  std::uint64_t chunks_recovered = 0;  // authenticated chunks released
  std::uint64_t plaintext_bytes = 0;   // bytes released
  std::uint64_t bytes_lost = 0;        // file bytes after the last authenticated chunk
  FinalChunk final_chunk = FinalChunk::invalid;
};

// Writes the authenticated plaintext to `plaintext` (and does not close it). Fails only when
// there is nothing to recover from: a missing or damaged header, no matching identity, a bad
// header MAC (header, no match, HMAC failure) or i/o errors.
[[nodiscard]] Result<RecoveryReport> recover(ByteSource& damaged,
                                             std::span<const Identity> identities,
                                             ByteSink& plaintext);

// Recovers `damaged` and re-encrypts what authenticates to `recipients` as a new, complete file
// at `out` (fresh file key and nonce), written through `out.tmp` and renamed only on success.
// Plaintext never touches the disk.
[[nodiscard]] Result<RecoveryReport> recover_to(const std::filesystem::path& damaged,
                                                std::span<const Identity> identities,
                                                std::span<const Recipient> recipients,
                                                const std::filesystem::path& out,
                                                WriterOptions options = {});

}  // namespace clinvid::crypto
