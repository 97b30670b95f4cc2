#include "cmd_user.h"

#include <memory>
#include <string>

#include <fmt/format.h>

#include "archive_cli_common.h"

namespace clinvid::cli {
namespace {

struct UserOptions {
  ArchiveOptions archive;
  std::string name;
  std::string role;
  std::string new_passphrase_file;
};

ExitCode run_add(const UserOptions& o) {
  auto role = consent::parse_role(o.role);
  if (!role) return report_archive_error("user add", role.error());
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("user add", a.error());
  auto pass = new_passphrase(o.new_passphrase_file, "CLINVID_NEW_PASSPHRASE");
  if (!pass) return report_archive_error("user add", pass.error());
  if (auto ok = a->add_user(o.name, *role, *pass); !ok)
    return report_archive_error("user add", ok.error());
  print_result(o.archive, {{"user", o.name}, {"role", o.role}},
               fmt::format("user {} added ({})", o.name, consent::label(*role)));
  return ExitCode::ok;
}

ExitCode run_list(const UserOptions& o) {
  auto a = archive::Archive::open(archive_dir(o.archive));
  if (!a) return report_archive_error("user list", a.error());
  auto users = a->list_users();
  if (!users) return report_archive_error("user list", users.error());
  Json out = Json::array();
  std::string text;
  for (const auto& u : *users) {
    out.push_back(
        {{"user", u.name}, {"role", consent::to_string(u.role)}, {"created_at", u.created_at}});
    text += fmt::format("{}  {}  {}\n", u.name, consent::to_string(u.role), u.created_at);
  }
  print_result(o.archive, out, text);
  return ExitCode::ok;
}

}  // namespace

Command add_user(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand("user", "Archive users and their roles");
  app->require_subcommand(1);
  auto add = std::make_shared<UserOptions>();
  CLI::App* c_add = app->add_subcommand("add", "Add a user (information-governance officer only)");
  add_archive_options(c_add, add->archive);
  c_add->add_option("NAME", add->name, "The new user's name")->required();
  c_add
      ->add_option("--role", add->role,
                   "photographer, clinician, educator, researcher, "
                   "information_governance_officer, auditor, trainee, assistant_practitioner")
      ->required();
  c_add->add_option("--new-passphrase-file", add->new_passphrase_file,
                    "The new user's passphrase, first line of FILE (else "
                    "$CLINVID_NEW_PASSPHRASE, else asked twice)");
  c_add->footer(std::string(kArchivePassphraseHelp));
  auto list = std::make_shared<UserOptions>();
  CLI::App* c_list = app->add_subcommand("list", "List users and roles (no passphrase needed)");
  add_archive_options(c_list, list->archive);
  add_exit_code_footers(app);
  return Command{app, [=]() -> ExitCode {
                   if (c_add->parsed()) return run_add(*add);
                   if (c_list->parsed()) return run_list(*list);
                   return report_error(ExitCode::usage, "user: name a subcommand (see --help)");
                 }};
}

}  // namespace clinvid::cli
