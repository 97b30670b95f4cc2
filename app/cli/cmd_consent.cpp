#include "cmd_consent.h"

#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "archive_cli_common.h"

namespace clinvid::cli {
namespace {

struct ConsentOptions {
  ArchiveOptions archive;
  std::string file, id, on, recorded_by, recorded_by_role = "clinician", notes;
  std::vector<std::string> purposes;
};

ExitCode run_add(const ConsentOptions& o) {
  auto doc = read_json_file(o.file);
  if (!doc) return report_archive_error("consent add", doc.error());
  auto record = consent::consent_record_from_json(*doc);
  if (!record) {
    return report_error(ExitCode::usage,
                        "consent add: " + o.file + ": " + record.error().message());
  }
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("consent add", a.error());
  auto id = a->add_consent(std::move(*record));
  if (!id) return report_archive_error("consent add", id.error());
  print_result(o.archive, {{"id", *id}}, *id);
  return ExitCode::ok;
}

ExitCode run_show(const ConsentOptions& o) {
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("consent show", a.error());
  auto record = a->get_consent(o.id);
  if (!record) return report_archive_error("consent show", record.error());
  Json doc = consent::to_json(*record);
  Json states = Json::object();
  for (const auto p : consent::all_purposes()) {
    states[std::string(consent::to_string(p))] =
        consent::to_string(consent::consent_state(*record, p, archive::today_utc()));
  }
  doc["state_today"] = states;
  std::string text =
      fmt::format("consent {} for patient {} ({}, {}), taken {}\n", o.id, record->patient_ref,
                  consent::to_string(record->mode), consent::to_string(record->giver),
                  record->consented_on.to_string());
  for (auto it = states.begin(); it != states.end(); ++it) {
    text += fmt::format("  {:28} {}\n", it.key(), it.value().get<std::string>());
  }
  print_result(o.archive, doc, text);
  return ExitCode::ok;
}

ExitCode run_withdraw(const ConsentOptions& o) {
  consent::Withdrawal w;
  w.withdrawn_on = archive::today_utc();
  if (!o.on.empty()) {
    auto d = consent::Date::parse(o.on);
    if (!d) return report_archive_error("consent withdraw", d.error());
    w.withdrawn_on = *d;
  }
  for (const auto& p : o.purposes) {
    auto purpose = consent::parse_purpose(p);
    if (!purpose) return report_archive_error("consent withdraw", purpose.error());
    w.purposes.push_back(*purpose);
  }
  w.notes = o.notes;
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("consent withdraw", a.error());
  w.recorded_by =
      consent::Person{o.recorded_by.empty() ? a->user().name : o.recorded_by, o.recorded_by_role};
  auto flagged = a->withdraw_consent(o.id, std::move(w));
  if (!flagged) return report_archive_error("consent withdraw", flagged.error());
  Json items = Json::array();
  std::string text =
      fmt::format("consent {} withdrawn for {}\n", o.id, fmt::join(o.purposes, ", "));
  for (const auto& f : *flagged) {
    items.push_back({{"id", f.id}, {"reason", f.reason}});
    text += fmt::format("  flagged {}: {}\n", f.id, f.reason);
  }
  print_result(o.archive, {{"id", o.id}, {"flagged", items}}, text);
  return ExitCode::ok;
}

}  // namespace

Command add_consent(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand("consent", "Consent forms: record, show, withdraw");
  app->require_subcommand(1);
  auto add = std::make_shared<ConsentOptions>();
  CLI::App* c_add = app->add_subcommand("add", "Record a consent form (clinvid.consent/1 JSON)");
  add_archive_options(c_add, add->archive);
  c_add->add_option("FORM", add->file, "The form as JSON; patient_ref is the patient id (P-…)")
      ->required();
  c_add->footer(std::string(kArchivePassphraseHelp));
  auto show = std::make_shared<ConsentOptions>();
  CLI::App* c_show = app->add_subcommand("show", "Show a consent form and where it stands today");
  add_archive_options(c_show, show->archive);
  c_show->add_option("ID", show->id, "Consent id")->required();
  auto wd = std::make_shared<ConsentOptions>();
  CLI::App* c_wd = app->add_subcommand("withdraw", "Withdraw consent for purposes from a date");
  add_archive_options(c_wd, wd->archive);
  c_wd->add_option("ID", wd->id, "Consent id")->required();
  c_wd->add_option("--purpose", wd->purposes, "Purpose withdrawn (repeat)")->required();
  c_wd->add_option("--on", wd->on, "Withdrawn from YYYY-MM-DD (default today)");
  c_wd->add_option("--recorded-by", wd->recorded_by, "Who recorded the withdrawal (default you)");
  c_wd->add_option("--recorded-by-role", wd->recorded_by_role, "Their job title")
      ->capture_default_str();
  c_wd->add_option("--notes", wd->notes, "Notes");
  add_exit_code_footers(app);
  return Command{app, [=]() -> ExitCode {
                   if (c_add->parsed()) return run_add(*add);
                   if (c_show->parsed()) return run_show(*show);
                   if (c_wd->parsed()) return run_withdraw(*wd);
                   return report_error(ExitCode::usage, "consent: name a subcommand (see --help)");
                 }};
}

}  // namespace clinvid::cli
