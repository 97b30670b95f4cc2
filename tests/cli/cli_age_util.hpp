// Helpers for the `clinvid keygen/encrypt/decrypt/recover` tests: running the real `clinvid`,
// `age` and `age-keygen` binaries with stdin and stdout bound to files, or on a pseudo-terminal
// where a passphrase prompt must be answered (age reads passphrases only from its terminal).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "run_clinvid.hpp"

namespace clinvid::test {

inline const std::string kAge = "/usr/bin/age";
inline const std::string kAgeKeygen = "/usr/bin/age-keygen";

struct Redirect {
  std::filesystem::path stdin_path = "/dev/null";
  std::filesystem::path stdout_path;  // empty: captured into RunResult::out
};

// Runs `argv` (argv[0] a full path) with `env` changes and the redirects; stderr is captured.
RunResult run_program(const std::vector<std::string>& argv, const EnvChanges& env = {},
                      const Redirect& redirect = {});
// `clinvid` with the redirects.
RunResult run_cli(const std::vector<std::string>& args, const EnvChanges& env = {},
                  const Redirect& redirect = {});

// Runs `argv` on a new pseudo-terminal, typing `passphrase` + "\n" each time the output shows
// "passphrase" once more. Returns the exit status; `output` receives the terminal's text.
int run_on_pty(const std::vector<std::string>& argv, const std::string& passphrase,
               std::string* output = nullptr, const EnvChanges& env = {});

std::vector<std::uint8_t> random_bytes_seeded(std::size_t size, std::uint32_t seed);
std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path);
void write_bytes(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);
void write_text(const std::filesystem::path& path, std::string_view text);

}  // namespace clinvid::test
