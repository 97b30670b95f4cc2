// File encryption and decryption on every core.
//
// STREAM chunks are independent given their index, and a file's layout follows from its size,
// so each worker preads its own blocks of chunks, seals or opens them, and pwrites them at their
// final offsets: the output is in order without a reordering stage. Output goes through
// `out.tmp`, renamed into place only when every chunk succeeded, so a failure leaves no file.
// Both ends must be regular files (seekable); for pipes use the streaming Encryptor/Decryptor.
// Binary format only.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

#include "core/result.hpp"
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

}  // namespace clinvid::crypto
