#include "archive_cli_common.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <fmt/format.h>

#include "age_cli_common.h"
#include "core/paths.hpp"
#include "crypto/io.hpp"

namespace clinvid::cli {
namespace {

std::string trim_line_end(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

Result<crypto::SecretBytes> passphrase_from_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(Errc::io, "cannot read the passphrase file " + file);
  std::string line;
  std::getline(in, line);
  line = trim_line_end(std::move(line));
  crypto::SecretBytes out = crypto::SecretBytes::copy_of(std::string_view(line));
  crypto::wipe(std::span<char>(line.data(), line.size()));
  if (out.empty()) return fail(Errc::invalid_argument, "the passphrase file " + file + " is empty");
  return out;
}

Result<crypto::SecretBytes> prompt_on_tty(const char* prompt) {
  const crypto::UniqueFd tty(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!tty.valid()) return fail(Errc::unsupported, "no terminal to ask for the passphrase");
  termios old{};
  const bool is_term = ::tcgetattr(tty.get(), &old) == 0;
  if (is_term) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(tty.get(), TCSAFLUSH, &quiet);
  }
  (void)::write(tty.get(), prompt, std::strlen(prompt));
  crypto::SecretBytes buffer(1024);
  std::size_t used = 0;
  for (;;) {
    char c = 0;
    const ssize_t n = ::read(tty.get(), &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n' || c == '\r') break;
    if (used < buffer.size()) buffer.data()[used++] = static_cast<std::uint8_t>(c);
  }
  if (is_term) ::tcsetattr(tty.get(), TCSAFLUSH, &old);
  (void)::write(tty.get(), "\n", 1);
  if (used == 0) return fail(Errc::invalid_argument, "empty passphrase");
  return crypto::SecretBytes::copy_of(buffer.bytes().first(used));
}

}  // namespace

void add_archive_options(CLI::App* app, ArchiveOptions& options) {
  app->add_option(
      "--archive", options.archive,
      "Archive directory (default $CLINVID_ARCHIVE, else $XDG_DATA_HOME/clinvid/archive)");
  app->add_option("--user", options.user, "Your archive user name (default $CLINVID_USER)");
  app->add_option("--passphrase-file", options.passphrase_file,
                  "Read your passphrase from the first line of FILE (else $CLINVID_PASSPHRASE, "
                  "else the terminal)");
  app->add_flag("--json", options.json, "Print the result as JSON for scripts");
}

std::filesystem::path archive_dir(const ArchiveOptions& options) {
  return options.archive.empty() ? paths::default_archive()
                                 : std::filesystem::path(options.archive);
}

Result<crypto::SecretBytes> archive_passphrase(const std::string& file) {
  if (!file.empty()) return passphrase_from_file(file);
  return read_passphrase(PassphrasePrompt::once);
}

Result<crypto::SecretBytes> new_passphrase(const std::string& file, const char* env) {
  if (!file.empty()) return passphrase_from_file(file);
  if (const char* value = std::getenv(env); value != nullptr) {
    if (*value == '\0') return fail(Errc::invalid_argument, std::string(env) + " is empty");
    return crypto::SecretBytes::copy_of(std::string_view(value));
  }
  auto first = prompt_on_tty("New user's passphrase: ");
  if (!first) return first;
  auto again = prompt_on_tty("Confirm the new user's passphrase: ");
  if (!again) return again;
  if (!first->equals(again->bytes()))
    return fail(Errc::invalid_argument, "the passphrases do not match");
  return first;
}

Result<archive::Archive> open_unlocked(const ArchiveOptions& options) {
  std::string user = options.user;
  if (user.empty()) {
    if (const char* env = std::getenv(kArchiveUserEnv); env != nullptr) user = env;
  }
  if (user.empty())
    return fail(Errc::invalid_argument, "say who you are: --user NAME or $CLINVID_USER");
  auto a = archive::Archive::open(archive_dir(options));
  if (!a) return a;
  auto pass = archive_passphrase(options.passphrase_file);
  if (!pass) return tl::unexpected(pass.error());
  if (auto ok = a->unlock(user, *pass); !ok) return tl::unexpected(ok.error());
  return a;
}

ExitCode report_archive_error(std::string_view command, const Error& error) {
  const ExitCode code = error.code == Errc::permission_denied || error.code == Errc::crypto
                            ? ExitCode::refused
                        : error.code == Errc::invalid_argument || error.code == Errc::unsupported
                            ? ExitCode::usage
                            : ExitCode::runtime_error;
  return report_error(code, fmt::format("{}: {}", command, error.message()));
}

void print_result(const ArchiveOptions& options, const Json& json, const std::string& text) {
  if (options.json) {
    fmt::print("{}\n", json.dump(2));
  } else {
    fmt::print("{}{}", text, text.ends_with('\n') ? "" : "\n");
  }
  std::fflush(stdout);
}

void add_exit_code_footers(CLI::App* app) {
  for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; })) {
    const std::string own = sub->get_footer();
    sub->footer((own.empty() ? "" : own + "\n\n") + std::string(kExitCodeHelp));
  }
}

Result<std::vector<consent::Purpose>> parse_purposes(const std::vector<std::string>& texts) {
  std::vector<consent::Purpose> out;
  for (const auto& t : texts) {
    auto p = consent::parse_purpose(t);
    if (!p) return tl::unexpected(p.error());
    out.push_back(*p);
  }
  return out;
}

Result<crypto::SecretBytes> passphrase_once(const std::string& file, const char* env) {
  if (!file.empty()) return passphrase_from_file(file);
  if (const char* value = std::getenv(env); value != nullptr && *value != '\0') {
    return crypto::SecretBytes::copy_of(std::string_view(value));
  }
  return prompt_on_tty("Sign-off passphrase: ");
}

}  // namespace clinvid::cli
