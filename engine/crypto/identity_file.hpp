// Identity files as age-keygen writes and age reads them:
//
//   # created: 2024-05-01T09:30:00Z
//   # public key: age1…
//   AGE-SECRET-KEY-1…
//
// Reading skips blank lines and lines starting with '#', accepts LF or CRLF, and takes one
// identity per remaining line (several per file). The file's text is held in locked memory.
#pragma once

#include <chrono>
#include <filesystem>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "crypto/keys.hpp"
#include "crypto/secret.hpp"

namespace clinvid::crypto {

// Errc::invalid_argument naming the line of the first malformed identity; Errc::unsupported for
// a post-quantum or plugin identity; an error if the file holds no identity at all.
[[nodiscard]] Result<std::vector<X25519Identity>> parse_identity_file(std::string_view text);
[[nodiscard]] Result<std::vector<X25519Identity>> read_identity_file(
    const std::filesystem::path& path);

// The age-keygen format, "created" in UTC RFC 3339.
[[nodiscard]] SecretBytes format_identity_file(const X25519Identity& identity,
                                               std::chrono::system_clock::time_point created);
// Writes it with mode 0600 through `path.tmp` + rename.
[[nodiscard]] Status write_identity_file(const std::filesystem::path& path,
                                         const X25519Identity& identity);

}  // namespace clinvid::crypto
