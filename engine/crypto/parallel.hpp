// File encryption and decryption on every core.
//
// STREAM chunks are independent given their index, and a file's layout follows from its size,
// so each worker preads its own blocks of chunks (1 MiB) and seals or opens them.
//  - To a file (encrypt_file_parallel, decrypt_file_parallel): each worker pwrites its blocks at
//    their final offsets, so the output is in order without a reordering stage. Output goes
//    through `out.tmp`, fsynced and renamed into place only when every chunk succeeded, so a
//    failure leaves no file.
//  - To any ByteSink (the *_to_sink_parallel forms: stdout, a pipe, an armor encoder): blocks
//    are handed to the sink strictly in order. Decryption releases a block only after it and
//    every earlier block authenticated, as the streaming Decryptor does; what was written
//    before a failure stays written (to a pipe that cannot be helped: for files use the forms
//    above, which leave nothing). The sink is closed only on success.
// The input must be a regular file; binary format only (armored input: the streaming
// Decryptor).
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

#include "core/result.hpp"
#include "crypto/io.hpp"
#include "crypto/keys.hpp"

namespace clinvid::crypto {

struct ParallelOptions {
  unsigned threads = 0;               // 0: std::thread::hardware_concurrency()
  std::size_t chunks_per_block = 16;  // a worker's unit of work: 16 chunks = 1 MiB
};

[[nodiscard]] Status encrypt_file_parallel(const std::filesystem::path& in,
                                           const std::filesystem::path& out,
                                           std::span<const Recipient> recipients,
                                           ParallelOptions options = {});

// The same failure classes as the streaming reader (a damaged chunk anywhere is a payload
// failure); nothing is released unless the whole file authenticates.
[[nodiscard]] Status decrypt_file_parallel(const std::filesystem::path& in,
                                           const std::filesystem::path& out,
                                           std::span<const Identity> identities,
                                           ParallelOptions options = {});

[[nodiscard]] Status encrypt_file_to_sink_parallel(const std::filesystem::path& in,
                                                   std::span<const Recipient> recipients,
                                                   ByteSink& sink, ParallelOptions options = {});

[[nodiscard]] Status decrypt_file_to_sink_parallel(const std::filesystem::path& in,
                                                   std::span<const Identity> identities,
                                                   ByteSink& sink, ParallelOptions options = {});

}  // namespace clinvid::crypto
