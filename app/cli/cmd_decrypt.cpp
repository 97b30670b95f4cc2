#include "cmd_decrypt.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "age_cli_common.h"
#include "age_output.h"
#include "crypto/armor.hpp"
#include "crypto/io.hpp"
#include "crypto/parallel.hpp"
#include "crypto/reader.hpp"

namespace clinvid::cli {
namespace {

namespace crypto = clinvid::crypto;

// Enough for any header age writes for a handful of recipients; only used to look ahead.
constexpr std::size_t kProbeBytes = 64 * 1024;

struct DecryptOptions {
  std::vector<std::string> identity_files;
  bool passphrase = false;
  std::string output;
  std::string input;
};

// The input, read once: the first bytes are looked at (armor? scrypt?) without being consumed.
struct Input {
  std::unique_ptr<crypto::ByteSource> raw;
  std::unique_ptr<crypto::BufferedSource> buffered;
  bool armored = false;
  bool scrypt = false;
};

bool mentions_scrypt(std::span<const std::uint8_t> header_bytes) {
  const std::string_view text(reinterpret_cast<const char*>(header_bytes.data()),
                              header_bytes.size());
  const std::size_t end = text.find("\n---");
  return text.substr(0, end).find("\n-> scrypt ") != std::string_view::npos;
}

Result<Input> open_input(const std::string& path) {
  Input in;
  if (is_std_stream(path)) {
    in.raw = std::make_unique<crypto::FdSource>(crypto::UniqueFd(::dup(STDIN_FILENO)));
  } else {
    auto opened = crypto::FdSource::open(path);
    if (!opened) return tl::unexpected(opened.error());
    in.raw = std::move(*opened);
  }
  in.buffered = std::make_unique<crypto::BufferedSource>(*in.raw, kProbeBytes * 2);
  auto prefix = in.buffered->peek(kProbeBytes);
  if (!prefix) return tl::unexpected(prefix.error());
  in.armored = crypto::looks_armored(*prefix);
  if (!in.armored) {
    in.scrypt = mentions_scrypt(*prefix);
    return in;
  }
  // Decode the whole lines the prefix holds; a damaged armor is reported by the real read.
  crypto::MemorySource memory(*prefix);
  crypto::BufferedSource lines(memory);
  crypto::ArmorDecoder decoder(lines);
  std::vector<std::uint8_t> decoded(kProbeBytes);
  std::size_t used = 0;
  while (used < decoded.size()) {
    auto n = decoder.read(std::span<std::uint8_t>(decoded).subspan(used));
    if (!n || *n == 0) break;
    used += *n;
  }
  in.scrypt = mentions_scrypt(std::span<const std::uint8_t>(decoded).first(used));
  return in;
}

ExitCode run_decrypt(const DecryptOptions& options) {
  if (options.passphrase && !options.identity_files.empty()) {
    return report_error(ExitCode::usage, "decrypt: -p cannot be combined with -i");
  }
  auto target = plan_output(options.input, options.output, OutputText::any);
  if (!target) return report_command_error("decrypt", target.error());
  auto input = open_input(options.input);
  if (!input) return report_command_error("decrypt", input.error());

  std::vector<crypto::Identity> identities;
  const bool ask = options.passphrase || (options.identity_files.empty() && input->scrypt);
  if (ask) {
    auto passphrase = read_passphrase(PassphrasePrompt::once);
    if (!passphrase) return report_command_error("decrypt", passphrase.error());
    identities.emplace_back(crypto::ScryptIdentity(std::move(*passphrase)));
  } else if (options.identity_files.empty()) {
    return report_error(ExitCode::usage, "decrypt: missing identity: give -i IDENTITY_FILE or -p");
  } else {
    auto loaded = load_identity_files(options.identity_files);
    if (!loaded) return report_command_error("decrypt", loaded.error());
    identities = std::move(*loaded);
  }
  const bool in_regular = !is_std_stream(options.input) && is_regular_file(options.input);
  Status done;
  if (in_regular && !input->armored && target->kind == OutputKind::file) {
    done = crypto::decrypt_file_parallel(options.input, options.output, identities);
  } else {
    auto sink = open_output_sink(*target);
    if (!sink) return report_command_error("decrypt", sink.error());
    if (in_regular && !input->armored) {
      done = crypto::decrypt_file_to_sink_parallel(options.input, identities, **sink);
    } else {
      crypto::BufferedSource* buffered = input->buffered.get();
      auto source = std::make_unique<crypto::CallbackSource>(
          [buffered](std::span<std::uint8_t> out) { return buffered->read_full(out); });
      done = crypto::decrypt_to(std::move(source), identities, **sink);
    }
  }
  if (!done) return report_command_error("decrypt", done.error());
  return ExitCode::ok;
}

}  // namespace

Command add_decrypt(CLI::App& parent) {
  auto options = std::make_shared<DecryptOptions>();
  CLI::App* app = parent.add_subcommand("decrypt", "Decrypt an age v1 file (as 'age -d')");
  app->add_option("-i,--identity", options->identity_files,
                  "Identity file (age-keygen format); repeatable")
      ->allow_extra_args(false);
  app->add_flag("-p,--passphrase", options->passphrase,
                "Decrypt with a passphrase, asked on the terminal or taken from "
                "CLINVID_PASSPHRASE (automatic for passphrase files when no -i is given)");
  app->add_option("-o,--output", options->output,
                  "Write to OUT, which appears only if the whole file authenticates; default or "
                  "'-': stdout");
  app->add_option("IN", options->input,
                  "File to decrypt, binary or armored; default or '-': stdin");
  app->footer(std::string(kAgeFailureHelp) +
              "\nTo stdout, plaintext is released chunk by chunk as it authenticates: on a "
              "non-zero exit,\ndiscard what was written.");
  return Command{app, [options] { return run_decrypt(*options); }};
}

}  // namespace clinvid::cli
