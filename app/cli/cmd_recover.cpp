#include "cmd_recover.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "age_cli_common.h"
#include "crypto/recover.hpp"

namespace clinvid::cli {
namespace {

namespace crypto = clinvid::crypto;

struct RecoverOptions {
  std::vector<std::string> identity_files;
  std::vector<std::string> recipients;
  std::vector<std::string> recipient_files;
  std::string input;
  std::string output;
};

ExitCode run_recover(const RecoverOptions& options) {
  if (is_std_stream(options.output) || is_std_stream(options.input)) {
    return report_error(ExitCode::usage, "recover: IN and -o OUT must be files");
  }
  if (output_path_kind(options.output) != PathKind::regular_or_new) {
    return report_error(ExitCode::usage, "recover: OUT must be a regular file");
  }
  if (same_file(options.input, options.output)) {
    return report_error(ExitCode::usage, "recover: OUT must not be the same file as IN");
  }
  std::vector<crypto::Identity> identities;
  std::vector<crypto::Recipient> own_recipients;
  for (const std::string& path : options.identity_files) {
    auto keys = load_identity_file(path);
    if (!keys) return report_command_error("recover", keys.error());
    for (crypto::X25519Identity& key : *keys) {
      own_recipients.emplace_back(key.recipient());
      identities.emplace_back(std::move(key));
    }
  }
  auto recipients = load_recipients(options.recipients, options.recipient_files);
  if (!recipients) return report_command_error("recover", recipients.error());
  if (recipients->empty()) *recipients = std::move(own_recipients);

  auto report = crypto::recover_to(options.input, identities, *recipients, options.output);
  if (!report) return report_command_error("recover", report.error());
  const bool complete = report->final_chunk == crypto::FinalChunk::present;
  if (report->chunks_recovered == 0) {
    std::error_code ignored;
    std::filesystem::remove(options.output, ignored);
    return report_error(ExitCode::problem_found,
                        fmt::format("recover: payload failure: no chunk authenticated ({} bytes "
                                    "lost); nothing written",
                                    report->bytes_lost));
  }
  fmt::print(
      "recovered {} bytes ({} chunks) into {}, re-encrypted to {} recipient(s)\n"
      "lost {} bytes of {}; final chunk {}\n",
      report->plaintext_bytes, report->chunks_recovered, options.output, recipients->size(),
      report->bytes_lost, options.input,
      complete ? "present (the stream was complete)" : "missing (the stream was cut short)");
  std::fflush(stdout);
  return ExitCode::ok;
}

}  // namespace

Command add_recover(CLI::App& parent) {
  auto options = std::make_shared<RecoverOptions>();
  CLI::App* app = parent.add_subcommand(
      "recover", "Recover what authenticates from a truncated age file, re-encrypted");
  app->add_option("-i,--identity", options->identity_files,
                  "Identity file that opens IN; repeatable")
      ->required()
      ->allow_extra_args(false);
  app->add_option("-r,--recipient", options->recipients,
                  "Re-encrypt to this recipient (default: the identities' own); repeatable")
      ->allow_extra_args(false);
  app->add_option("-R,--recipients-file", options->recipient_files,
                  "Re-encrypt to every recipient in this file; repeatable")
      ->allow_extra_args(false);
  app->add_option("-o,--output", options->output, "The recovered, complete age file")->required();
  app->add_option("IN", options->input, "The damaged or truncated age file (binary)")->required();
  app->footer(std::string(kAgeFailureHelp) +
              "\nrecover exits 0 when anything was recovered, and reports the bytes lost and "
              "whether\nthe final chunk was missing; 1 when nothing authenticates.");
  return Command{app, [options] { return run_recover(*options); }};
}

}  // namespace clinvid::cli
