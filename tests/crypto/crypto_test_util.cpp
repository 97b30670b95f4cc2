#include "crypto_test_util.hpp"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include <poll.h>
#include <pty.h>
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/id.hpp"

namespace clinvid::crypto::test {

TempDir::TempDir() {
  const fs::path base = fs::path(CLINVID_BINARY_DIR) / "test-tmp";
  fs::create_directories(base);
  path_ = base / ("crypto-" + Uuid::random().to_string());
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::vector<std::uint8_t> random_data(std::size_t size, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> out(size);
  std::size_t i = 0;
  for (; i + 4 <= size; i += 4) {
    const auto v = static_cast<std::uint32_t>(rng());
    out[i] = static_cast<std::uint8_t>(v);
    out[i + 1] = static_cast<std::uint8_t>(v >> 8);
    out[i + 2] = static_cast<std::uint8_t>(v >> 16);
    out[i + 3] = static_cast<std::uint8_t>(v >> 24);
  }
  for (; i < size; ++i) out[i] = static_cast<std::uint8_t>(rng());
  return out;
}

std::vector<std::uint8_t> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& path, std::span<const std::uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void write_file(const fs::path& path, std::string_view text) {
  write_file(path, bytes_of(text));
}

std::string sha256_hex(std::span<const std::uint8_t> bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, bytes.data(), bytes.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::vector<std::uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

int run_program(const std::vector<std::string>& argv, std::string* output,
                const std::string& passphrase) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) throw std::runtime_error("forkpty failed");
  if (pid == 0) {
    execv(args[0], args.data());
    _exit(127);
  }
  std::string seen;
  std::size_t prompts_answered = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    pollfd pfd{master, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, 200);
    if (ready > 0) {
      char buf[4096];
      const ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) break;  // EIO once the child has exited and closed the terminal
      seen.append(buf, static_cast<std::size_t>(n));
    } else if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      break;
    }
    if (!passphrase.empty()) {
      std::size_t prompts = 0;
      for (std::size_t at = seen.find("passphrase"); at != std::string::npos;
           at = seen.find("passphrase", at + 1)) {
        ++prompts;
      }
      while (prompts_answered < prompts) {
        // Give the program a moment to turn echo off before typing.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const std::string line = passphrase + "\n";
        if (::write(master, line.data(), line.size()) < 0) break;
        ++prompts_answered;
      }
    }
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (output != nullptr) *output = seen;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace clinvid::crypto::test
