#include "cmd_keygen.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "age_cli_common.h"
#include "crypto/identity_file.hpp"
#include "crypto/io.hpp"

namespace clinvid::cli {
namespace {

namespace crypto = clinvid::crypto;

struct KeygenOptions {
  std::string output;
  bool convert = false;  // -y: print recipients instead of generating
  std::string input;
};

// O_EXCL: two keygens racing for one path cannot both "win", and an existing key is never
// replaced (losing a key loses every recording encrypted to it).
Status write_new_identity_file(const std::string& path, const crypto::SecretBytes& text) {
  crypto::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    if (errno == EEXIST) return fail(Errc::io, "refusing to overwrite existing file " + path);
    return fail(Errc::io, "create " + path + ": " + std::strerror(errno));
  }
  Status ok = write_all(fd.get(), text.bytes());
  if (ok && ::fsync(fd.get()) != 0) ok = fail(Errc::io, "fsync " + path);
  if (ok) ok = fd.close();
  if (!ok) ::unlink(path.c_str());
  return ok;
}

ExitCode run_generate(const KeygenOptions& options) {
  const crypto::X25519Identity identity = crypto::X25519Identity::generate();
  const crypto::SecretBytes text =
      crypto::format_identity_file(identity, std::chrono::system_clock::now());
  const std::string public_line = "Public key: " + identity.recipient().to_string() + "\n";
  if (!is_std_stream(options.output)) {
    if (auto ok = write_new_identity_file(options.output, text); !ok) {
      return report_command_error("keygen", ok.error());
    }
    fmt::print(stderr, "{}", public_line);
    return ExitCode::ok;
  }
  // As age-keygen: the public key goes to stderr when stdout is a file or pipe (where it would
  // spoil the key file); on a terminal the "# public key:" comment already shows it.
  if (::isatty(STDOUT_FILENO) == 0) fmt::print(stderr, "{}", public_line);
  if (auto ok = write_all(STDOUT_FILENO, text.bytes()); !ok) {
    return report_command_error("keygen", ok.error());
  }
  return ExitCode::ok;
}

ExitCode run_convert(const KeygenOptions& options) {
  auto identities = load_identity_file(options.input);
  if (!identities) {
    return report_error(ExitCode::runtime_error, "keygen -y: " + identities.error().message());
  }
  std::string out;
  for (const crypto::X25519Identity& identity : *identities) {
    out += identity.recipient().to_string() + "\n";
  }
  fmt::print("{}", out);
  std::fflush(stdout);
  return ExitCode::ok;
}

}  // namespace

Command add_keygen(CLI::App& parent) {
  auto options = std::make_shared<KeygenOptions>();
  CLI::App* app = parent.add_subcommand(
      "keygen", "Generate an age X25519 identity file, or print the recipient of one (-y)");
  app->add_option("-o,--output", options->output,
                  "Write the identity to FILE (mode 0600; an existing file is never overwritten) "
                  "instead of stdout; the public key is then printed on stderr");
  app->add_flag("-y", options->convert,
                "Print the recipient (age1...) of each identity in INPUT instead of generating");
  app->add_option("INPUT", options->input, "With -y: the identity file (default or '-': stdin)");
  app->footer(
      "The file format is age-keygen's: '# created', '# public key' and AGE-SECRET-KEY-1... "
      "lines,\nso 'age -d -i FILE' reads it.");
  return Command{app, [options]() -> ExitCode {
                   if (options->convert && !options->output.empty()) {
                     return report_error(ExitCode::usage, "keygen: -y and -o cannot be combined");
                   }
                   if (!options->convert && !options->input.empty()) {
                     return report_error(ExitCode::usage, "keygen: INPUT is only used with -y");
                   }
                   return options->convert ? run_convert(*options) : run_generate(*options);
                 }};
}

}  // namespace clinvid::cli
