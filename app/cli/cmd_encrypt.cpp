#include "cmd_encrypt.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "age_cli_common.h"
#include "age_output.h"
#include "crypto/armor.hpp"
#include "crypto/io.hpp"
#include "crypto/parallel.hpp"
#include "crypto/secret.hpp"
#include "crypto/writer.hpp"

namespace clinvid::cli {
namespace {

namespace crypto = clinvid::crypto;

struct EncryptOptions {
  std::vector<std::string> recipients;
  std::vector<std::string> recipient_files;
  bool passphrase = false;
  bool armor = false;
  std::string output;
  std::string input;
};

Status stream_encrypt(const std::string& input, std::span<const crypto::Recipient> recipients,
                      std::unique_ptr<crypto::ByteSink> sink, crypto::Armor armor) {
  std::unique_ptr<crypto::ByteSource> source;
  if (is_std_stream(input)) {
    source = std::make_unique<crypto::FdSource>(crypto::UniqueFd(::dup(STDIN_FILENO)));
  } else {
    auto opened = crypto::FdSource::open(input);
    if (!opened) return tl::unexpected(opened.error());
    source = std::move(*opened);
  }
  auto encryptor = crypto::Encryptor::create(recipients, std::move(sink), {.armor = armor});
  if (!encryptor) return tl::unexpected(encryptor.error());
  crypto::SecretBytes buffer(1024 * 1024);  // plaintext: locked, and wiped when done
  for (;;) {
    auto n = source->read(buffer.bytes());
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) break;
    if (auto ok = encryptor->write(buffer.bytes().first(*n)); !ok) return ok;
  }
  return encryptor->finish();
}

ExitCode run_encrypt(const EncryptOptions& options) {
  const bool has_recipients = !options.recipients.empty() || !options.recipient_files.empty();
  if (options.passphrase && has_recipients) {
    return report_error(ExitCode::usage, "encrypt: -p cannot be combined with -r or -R");
  }
  if (!options.passphrase && !has_recipients) {
    return report_error(ExitCode::usage, "encrypt: missing recipients: give -r, -R or -p");
  }
  if (!is_std_stream(options.input) && ::access(options.input.c_str(), R_OK) != 0) {
    return report_error(ExitCode::runtime_error,
                        "encrypt: cannot read " + options.input + ": " + std::strerror(errno));
  }
  auto target = plan_output(options.input, options.output,
                            options.armor ? OutputText::any : OutputText::binary);
  if (!target) return report_command_error("encrypt", target.error());

  std::vector<crypto::Recipient> recipients;
  if (options.passphrase) {
    auto passphrase = read_passphrase(PassphrasePrompt::confirm);
    if (!passphrase) return report_command_error("encrypt", passphrase.error());
    recipients.emplace_back(crypto::ScryptRecipient(std::move(*passphrase)));
  } else {
    auto loaded = load_recipients(options.recipients, options.recipient_files);
    if (!loaded) return report_command_error("encrypt", loaded.error());
    recipients = std::move(*loaded);
  }

  const bool in_regular = !is_std_stream(options.input) && is_regular_file(options.input);
  Status done;
  if (in_regular && target->kind == OutputKind::file && !options.armor) {
    done = crypto::encrypt_file_parallel(options.input, options.output, recipients);
  } else {
    auto sink = open_output_sink(*target);
    if (!sink) return report_command_error("encrypt", sink.error());
    if (in_regular) {
      std::unique_ptr<crypto::ByteSink> out = std::move(*sink);
      if (options.armor) out = std::make_unique<crypto::ArmorEncoder>(std::move(out));
      done = crypto::encrypt_file_to_sink_parallel(options.input, recipients, *out);
    } else {
      done = stream_encrypt(options.input, recipients, std::move(*sink),
                            options.armor ? crypto::Armor::armored : crypto::Armor::binary);
    }
  }
  if (!done) return report_command_error("encrypt", done.error());
  return ExitCode::ok;
}

}  // namespace

Command add_encrypt(CLI::App& parent) {
  auto options = std::make_shared<EncryptOptions>();
  CLI::App* app = parent.add_subcommand("encrypt", "Encrypt a file to age v1 (as 'age -e')");
  app->add_option("-r,--recipient", options->recipients,
                  "Encrypt to this recipient (age1...); repeatable")
      ->allow_extra_args(false);
  app->add_option("-R,--recipients-file", options->recipient_files,
                  "Encrypt to every recipient in this file (one per line, # comments); "
                  "repeatable")
      ->allow_extra_args(false);
  app->add_flag("-p,--passphrase", options->passphrase,
                "Encrypt with a passphrase (scrypt, work factor 2^18): asked twice on the "
                "terminal, or taken from CLINVID_PASSPHRASE");
  app->add_flag("-a,--armor", options->armor, "Write ASCII armor (PEM) instead of binary");
  app->add_option("-o,--output", options->output,
                  "Write to OUT (through OUT.tmp, renamed when complete); default or '-': stdout");
  app->add_option("IN", options->input, "File to encrypt; default or '-': stdin");
  app->footer(std::string(kAgeFailureHelp));
  return Command{app, [options] { return run_encrypt(*options); }};
}

}  // namespace clinvid::cli
