#include "cmd_audit.h"

#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "archive_cli_common.h"
#include "crypto/io.hpp"

namespace clinvid::cli {
namespace {

struct AuditOptions {
  ArchiveOptions archive;
  std::string output;
};

ExitCode run_verify(const AuditOptions& o) {
  auto a = archive::Archive::open(archive_dir(o.archive));
  if (!a) return report_archive_error("audit verify", a.error());
  auto report = a->verify_audit();
  if (!report) return report_archive_error("audit verify", report.error());
  const Json doc = {{"ok", report->ok},
                    {"rows", report->rows},
                    {"checkpoints", report->checkpoints},
                    {"last_checkpoint_seq", report->last_checkpoint_seq},
                    {"unanchored_rows", report->unanchored_rows},
                    {"head_hash", report->head_hash_hex},
                    {"problems", report->problems}};
  std::string text;
  if (report->ok) {
    text = fmt::format("audit trail verified: {} rows, {} signed checkpoints, head {}",
                       report->rows, report->checkpoints, report->head_hash_hex);
    if (report->unanchored_rows > 0) {
      text += fmt::format(
          "\n{} row(s) after the last checkpoint (e.g. failed logins) are chained "
          "but not yet signed",
          report->unanchored_rows);
    }
  } else {
    text = "AUDIT TRAIL TAMPERED WITH:";
    for (const auto& p : report->problems) text += "\n  " + p;
  }
  if (o.archive.json) {
    fmt::print("{}\n", doc.dump(2));
  } else if (report->ok) {
    fmt::print("{}\n", text);
  } else {
    fmt::print(stderr, "clinvid: {}\n", text);
  }
  std::fflush(stdout);
  return report->ok ? ExitCode::ok : ExitCode::problem_found;
}

ExitCode run_export(const AuditOptions& o) {
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("audit export", a.error());
  std::string out;
  auto ok = a->export_audit([&](const std::string& line) { out += line + "\n"; });
  if (!ok) return report_archive_error("audit export", ok.error());
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(out.data()),
                                            out.size());
  if (o.output.empty() || o.output == "-") {
    fmt::print("{}", out);
    std::fflush(stdout);
    return ExitCode::ok;
  }
  auto sink = crypto::AtomicFileSink::create(o.output);
  if (!sink) return report_archive_error("audit export", sink.error());
  if (auto w = (*sink)->write(bytes); !w) return report_archive_error("audit export", w.error());
  if (auto c = (*sink)->close(); !c) return report_archive_error("audit export", c.error());
  return ExitCode::ok;
}

}  // namespace

Command add_audit(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand("audit", "The tamper-evident audit trail: verify, export");
  app->require_subcommand(1);
  auto verify = std::make_shared<AuditOptions>();
  CLI::App* c_verify = app->add_subcommand(
      "verify", "Check the hash chain and its signed checkpoints (exit 1 when tampered with)");
  add_archive_options(c_verify, verify->archive);
  auto exp = std::make_shared<AuditOptions>();
  CLI::App* c_exp = app->add_subcommand(
      "export", "Write every audit row as JSON lines for an IG review (auditor, IG officer)");
  add_archive_options(c_exp, exp->archive);
  c_exp->add_option("-o,--output", exp->output, "Output file (default stdout)");
  c_exp->footer(std::string(kArchivePassphraseHelp));
  add_exit_code_footers(app);
  return Command{app, [=]() -> ExitCode {
                   if (c_verify->parsed()) return run_verify(*verify);
                   if (c_exp->parsed()) return run_export(*exp);
                   return report_error(ExitCode::usage, "audit: name a subcommand (see --help)");
                 }};
}

}  // namespace clinvid::cli
