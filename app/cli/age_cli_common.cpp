#include "age_cli_common.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "crypto/failure.hpp"
#include "crypto/identity_file.hpp"
#include "crypto/io.hpp"

namespace clinvid::cli {
namespace {

namespace crypto = clinvid::crypto;

constexpr std::size_t kMaxPassphraseBytes = 1024;
constexpr std::size_t kMaxStdinIdentityBytes = 1024 * 1024;

// Reads stdin into locked memory: identity text must not pass through ordinary buffers.
Result<crypto::SecretBytes> read_stdin_secret() {
  crypto::SecretBytes buffer(kMaxStdinIdentityBytes);
  std::size_t used = 0;
  for (;;) {
    if (used == buffer.size()) return fail(Errc::out_of_range, "identity on stdin too large");
    const ssize_t n = ::read(STDIN_FILENO, buffer.data() + used, buffer.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Errc::io, std::string("read stdin: ") + std::strerror(errno));
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  return crypto::SecretBytes::copy_of(buffer.bytes().first(used));
}

// Restores the terminal's settings when the prompt ends, however it ends.
class EchoOff {
 public:
  explicit EchoOff(int fd) : fd_(fd) {
    if (::tcgetattr(fd_, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (active_) ::tcsetattr(fd_, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

Result<crypto::SecretBytes> prompt_tty(int tty, std::string_view prompt) {
  if (auto ok =
          write_all(tty, {reinterpret_cast<const std::uint8_t*>(prompt.data()), prompt.size()});
      !ok) {
    return tl::unexpected(ok.error());
  }
  crypto::SecretBytes line(kMaxPassphraseBytes);
  std::size_t used = 0;
  {
    const EchoOff quiet(tty);
    for (;;) {
      char c = 0;
      const ssize_t n = ::read(tty, &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(Errc::io, std::string("read /dev/tty: ") + std::strerror(errno));
      if (n == 0 || c == '\n') break;
      if (c == '\r') continue;
      if (used == line.size()) return fail(Errc::invalid_argument, "passphrase too long");
      line.data()[used++] = static_cast<std::uint8_t>(c);
      crypto::wipe(std::span<char>(&c, 1));
    }
  }
  const std::string_view newline = "\n";
  (void)write_all(tty, {reinterpret_cast<const std::uint8_t*>(newline.data()), newline.size()});
  return crypto::SecretBytes::copy_of(line.bytes().first(used));
}

}  // namespace

PathKind output_path_kind(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return PathKind::regular_or_new;
  if (S_ISREG(st.st_mode)) return PathKind::regular_or_new;
  if (S_ISDIR(st.st_mode)) return PathKind::directory;
  return PathKind::special;
}

bool is_regular_file(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ec;
  return std::filesystem::exists(a, ec) && std::filesystem::exists(b, ec) &&
         std::filesystem::equivalent(a, b, ec);
}

Result<std::vector<crypto::X25519Identity>> load_identity_file(const std::string& path) {
  if (!is_std_stream(path)) return crypto::read_identity_file(path);
  auto text = read_stdin_secret();
  if (!text) return tl::unexpected(text.error());
  auto identities = crypto::parse_identity_file(text->chars());
  if (!identities) return with_context(identities.error(), "stdin");
  return identities;
}

Result<std::vector<crypto::Identity>> load_identity_files(const std::vector<std::string>& paths) {
  std::vector<crypto::Identity> out;
  for (const std::string& path : paths) {
    auto keys = load_identity_file(path);
    if (!keys) return tl::unexpected(keys.error());
    for (crypto::X25519Identity& key : *keys) out.emplace_back(std::move(key));
  }
  return out;
}

Result<std::vector<crypto::Recipient>> load_recipients(const std::vector<std::string>& literal,
                                                       const std::vector<std::string>& files) {
  std::vector<crypto::Recipient> out;
  for (const std::string& text : literal) {
    auto recipient = crypto::parse_recipient(text);
    if (!recipient) return with_context(recipient.error(), "-r " + text);
    out.push_back(std::move(*recipient));
  }
  for (const std::string& file : files) {
    std::ifstream in(file);
    if (!in) return fail(Errc::not_found, "cannot open recipients file " + file);
    std::size_t line_number = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line.front() == '#') continue;
      auto recipient = crypto::parse_recipient(line);
      if (!recipient) {
        return with_context(recipient.error(), file + " line " + std::to_string(line_number));
      }
      out.push_back(std::move(*recipient));
    }
    if (in.bad()) return fail(Errc::io, "read " + file);
  }
  return out;
}

Result<crypto::SecretBytes> read_passphrase(PassphrasePrompt prompt) {
  if (const char* env = std::getenv(kPassphraseEnv); env != nullptr) {
    if (*env == '\0')
      return fail(Errc::invalid_argument, std::string(kPassphraseEnv) + " is empty");
    return crypto::SecretBytes::copy_of(std::string_view(env));
  }
  const crypto::UniqueFd tty(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!tty.valid()) {
    return fail(Errc::unsupported, std::string("no terminal to ask for the passphrase; set ") +
                                       kPassphraseEnv + " for automation");
  }
  auto first = prompt_tty(tty.get(), "Enter passphrase: ");
  if (!first) return first;
  if (first->empty()) return fail(Errc::invalid_argument, "empty passphrase");
  if (prompt == PassphrasePrompt::confirm) {
    auto again = prompt_tty(tty.get(), "Confirm passphrase: ");
    if (!again) return again;
    if (!first->equals(again->bytes())) {
      return fail(Errc::invalid_argument, "the passphrases do not match");
    }
  }
  return first;
}

ExitCode report_command_error(std::string_view command, const Error& error) {
  const crypto::AgeFailure failure = crypto::age_failure_of(error);
  if (failure != crypto::AgeFailure::invalid) {
    // Put the class first, whatever context was added in front of it on the way up.
    const std::string_view words = crypto::to_string(failure);
    std::string detail = error.detail;
    const std::size_t at = detail.starts_with(words) ? 0 : detail.find(": " + std::string(words));
    if (at != std::string::npos) {
      const std::size_t begin = at == 0 ? 0 : at + 2;
      std::string before = detail.substr(0, at);
      std::string after = detail.substr(begin + words.size());
      if (after.starts_with(": ")) after.erase(0, 2);
      detail = before.empty() ? after : (after.empty() ? before : before + ": " + after);
    }
    return report_error(ExitCode::problem_found, fmt::format("{}: {}{}{}", command, words,
                                                             detail.empty() ? "" : ": ", detail));
  }
  const ExitCode code =
      error.code == Errc::invalid_argument || error.code == Errc::unsupported ? ExitCode::usage
      : error.code == Errc::crypto || error.code == Errc::corrupt ? ExitCode::problem_found
                                                                  : ExitCode::runtime_error;
  return report_error(code, fmt::format("{}: {}", command, error.message()));
}

Status write_all(int fd, std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return fail(errno == ENOSPC ? Errc::no_space : Errc::io,
                  std::string("write: ") + std::strerror(errno));
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace clinvid::cli
