// What `clinvid keygen`, `encrypt`, `decrypt` and `recover` share: reading identity and
// recipient files, asking for passphrases, deciding where output goes, and reporting errors
// with their age failure class ("clinvid: decrypt: HMAC failure: …", exit 1).
//
// Secrets (identity files, passphrases) are only ever held in crypto::SecretBytes (locked,
// wiped memory); the one exception is CLINVID_PASSPHRASE, which the environment already holds.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "crypto/keys.hpp"
#include "crypto/secret.hpp"
#include "exit_codes.h"

namespace clinvid::cli {

// The environment variable a script sets instead of typing a passphrase at the terminal.
inline constexpr const char* kPassphraseEnv = "CLINVID_PASSPHRASE";

// The --help text of encrypt/decrypt/recover: the failure classes and what each means.
inline constexpr std::string_view kAgeFailureHelp =
    "Failure classes (named in the message, e.g. \"clinvid: decrypt: HMAC failure: ...\"):\n"
    "  no match         no identity or passphrase opens the file (wrong key)\n"
    "  header failure   the header is malformed or damaged\n"
    "  HMAC failure     the header was altered after it was written\n"
    "  payload failure  a chunk is damaged, or the file is truncated or extended\n"
    "  armor failure    the ASCII armor is not strict PEM\n"
    "A failure class exits with status 1; a failed file output leaves no file behind.";

// "-" or empty means stdin/stdout, as in age.
[[nodiscard]] inline bool is_std_stream(const std::string& path) noexcept {
  return path.empty() || path == "-";
}

enum class PathKind {
  invalid = 0,
  regular_or_new,  // a regular file, or nothing yet (written through PATH.tmp + rename)
  special,         // an existing device, FIFO or socket (/dev/null): written in place
  directory,
};
[[nodiscard]] PathKind output_path_kind(const std::filesystem::path& path);
[[nodiscard]] bool is_regular_file(const std::filesystem::path& path);
// True when `a` and `b` name the same existing file.
[[nodiscard]] bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

// Every identity in every file (age-keygen format). Errors name the file.
[[nodiscard]] Result<std::vector<crypto::Identity>> load_identity_files(
    const std::vector<std::string>& paths);
// The X25519 identities of one file ("-": stdin), kept in locked memory while parsed.
[[nodiscard]] Result<std::vector<crypto::X25519Identity>> load_identity_file(
    const std::string& path);

// "age1…" recipients from -r arguments and -R files (one per line, '#' comments and blank
// lines skipped). Errc::invalid_argument / unsupported name the argument or file line.
[[nodiscard]] Result<std::vector<crypto::Recipient>> load_recipients(
    const std::vector<std::string>& literal, const std::vector<std::string>& files);

enum class PassphrasePrompt {
  invalid = 0,
  once,     // decrypting: ask once
  confirm,  // encrypting: ask twice and require both to match
};
// CLINVID_PASSPHRASE when set, else the controlling terminal (/dev/tty, echo off). Refuses an
// empty passphrase. Errc::unsupported when there is neither a variable nor a terminal.
[[nodiscard]] Result<crypto::SecretBytes> read_passphrase(PassphrasePrompt prompt);

// Reports `error` for `command`. An age failure becomes "<command>: <class>: <detail>" with exit
// 1 (problem_found); invalid_argument/unsupported become usage errors (2); the rest runtime (3).
ExitCode report_command_error(std::string_view command, const Error& error);

// Writes all of `bytes` to a file descriptor (retrying EINTR and short writes).
[[nodiscard]] Status write_all(int fd, std::span<const std::uint8_t> bytes);

}  // namespace clinvid::cli
