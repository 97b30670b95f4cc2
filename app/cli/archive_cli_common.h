// What the archive's commands (archive, user, patient, consent, audit, record) share: where the
// archive is, who the user is and how the passphrase is given, how errors map to exit codes,
// and the parsers of body sites and purposes.
//
// The archive is --archive DIR, else $CLINVID_ARCHIVE, else $XDG_DATA_HOME/clinvid/archive.
// The user is --user NAME or $CLINVID_USER. The passphrase is never an argument: it is read
// from --passphrase-file FILE (first line), else $CLINVID_PASSPHRASE, else the terminal.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cli11.h"

#include "archive/archive.hpp"
#include "command.h"
#include "core/result.hpp"
#include "crypto/secret.hpp"
#include "exit_codes.h"

namespace clinvid::cli {

inline constexpr const char* kArchiveUserEnv = "CLINVID_USER";
inline constexpr std::string_view kArchivePassphraseHelp =
    "Archive location: --archive DIR, else $CLINVID_ARCHIVE, else $XDG_DATA_HOME/clinvid/archive.\n"
    "User: --user NAME, else $CLINVID_USER. Passphrase (never on the command line): "
    "--passphrase-file FILE\n(its first line), else $CLINVID_PASSPHRASE, else asked at the "
    "terminal.\nCLINVID_ARCHIVE_KDF=fast uses Argon2id's minimum cost for new passphrases "
    "(tests only).";

struct ArchiveOptions {
  std::string archive;
  std::string user;
  std::string passphrase_file;
  bool json = false;
};

// Adds --archive, --user, --passphrase-file and --json to a (sub)command.
void add_archive_options(CLI::App* app, ArchiveOptions& options);
[[nodiscard]] std::filesystem::path archive_dir(const ArchiveOptions& options);
// --passphrase-file, else $CLINVID_PASSPHRASE, else the terminal.
[[nodiscard]] Result<crypto::SecretBytes> archive_passphrase(const std::string& file);
// A second user's passphrase (a sign-off): `file`, else $`env`, else the terminal, once.
[[nodiscard]] Result<crypto::SecretBytes> passphrase_once(const std::string& file, const char* env);
// A passphrase for someone else (a new user): `file`, else $`env`, else the terminal, twice.
[[nodiscard]] Result<crypto::SecretBytes> new_passphrase(const std::string& file, const char* env);
// Opens the archive and unlocks it as the user.
[[nodiscard]] Result<archive::Archive> open_unlocked(const ArchiveOptions& options);
// permission_denied and crypto (wrong passphrase) → refused (4); invalid_argument and
// unsupported → usage (2); anything else → runtime error (3).
ExitCode report_archive_error(std::string_view command, const Error& error);
[[nodiscard]] Result<std::vector<consent::Purpose>> parse_purposes(
    const std::vector<std::string>& texts);
// Prints `json` (pretty) when --json, else `text`.
void print_result(const ArchiveOptions& options, const Json& json, const std::string& text);

// Appends the exit-code help to the footer of every subcommand of `app` (main.cpp does it for
// the top-level commands only).
void add_exit_code_footers(CLI::App* app);

}  // namespace clinvid::cli
