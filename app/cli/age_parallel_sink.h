// Parallel age encryption/decryption of a regular file into any ByteSink (stdout, a pipe,
// /dev/null, an ArmorEncoder): workers pread and seal/open blocks of chunks on every core and
// hand them to the sink strictly in order. The engine's encrypt_file_parallel/
// decrypt_file_parallel need a seekable output file; this covers the sequential outputs.
//
// Decryption releases a block only after it and every earlier block authenticated, exactly as
// a streaming Decryptor would: on failure, what was already written stays written (to a pipe
// that cannot be helped; for files use the engine's functions, which leave nothing).
// The sink is closed only on success.
//
// TODO(engine): this belongs in engine/crypto/parallel.hpp beside the file-to-file forms.
#pragma once

#include <filesystem>
#include <span>

#include "core/result.hpp"
#include "crypto/io.hpp"
#include "crypto/keys.hpp"

namespace clinvid::cli {

[[nodiscard]] Status encrypt_file_to_sink_parallel(const std::filesystem::path& in,
                                                   std::span<const crypto::Recipient> recipients,
                                                   crypto::ByteSink& sink);

// `in` must be a binary (not armored) age file.
[[nodiscard]] Status decrypt_file_to_sink_parallel(const std::filesystem::path& in,
                                                   std::span<const crypto::Identity> identities,
                                                   crypto::ByteSink& sink);

}  // namespace clinvid::cli
