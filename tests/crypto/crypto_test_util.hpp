// Helpers shared by the crypto tests: temporary directories, keys, files, hashes, random data.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "crypto/keys.hpp"

namespace clinvid::crypto::test {

namespace fs = std::filesystem;

// A fresh directory under the build tree (or /tmp), removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const fs::path& path() const noexcept { return path_; }
  [[nodiscard]] fs::path operator/(std::string_view name) const { return path_ / name; }

 private:
  fs::path path_;
};

// A fresh X25519 identity and a temporary directory: what most file tests start from.
struct KeyedDir {
  X25519Identity identity = X25519Identity::generate();
  TempDir dir;
  [[nodiscard]] std::vector<Recipient> recipients() const {
    std::vector<Recipient> out;
    out.emplace_back(identity.recipient());
    return out;
  }
  [[nodiscard]] std::vector<Identity> identities() const {
    std::vector<Identity> out;
    out.emplace_back(identity.clone());
    return out;
  }
};

std::vector<std::uint8_t> random_data(std::size_t size, std::uint32_t seed);
std::vector<std::uint8_t> read_file(const fs::path& path);
void write_file(const fs::path& path, std::span<const std::uint8_t> bytes);
void write_file(const fs::path& path, std::string_view text);
std::string sha256_hex(std::span<const std::uint8_t> bytes);
std::vector<std::uint8_t> bytes_of(std::string_view text);

// Runs argv[0] with arguments (no shell), optionally driving a terminal prompt: every time the
// program's terminal output shows "passphrase" once more, `passphrase` + "\n" is typed. Returns
// the exit status; `output` receives what it printed. Uses forkpty(), as age reads passphrases
// only from its controlling terminal.
int run_program(const std::vector<std::string>& argv, std::string* output = nullptr,
                const std::string& passphrase = {});

}  // namespace clinvid::crypto::test
