// `clinvid`: every capability of the suite from the command line, for automation and tests.
// Each subcommand lives in its own cmd_<name>.{h,cpp}; add it to kCommands below.
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "cli11.h"

#include "cmd_analyse.h"
#include "cmd_archive.h"
#include "cmd_audit.h"
#include "cmd_calibrate.h"
#include "cmd_consent.h"
#include "cmd_decrypt.h"
#include "cmd_demo.h"
#include "cmd_doctor.h"
#include "cmd_encrypt.h"
#include "cmd_frame.h"
#include "cmd_gpu_info.h"
#include "cmd_keygen.h"
#include "cmd_patient.h"
#include "cmd_project.h"
#include "cmd_record.h"
#include "cmd_recover.h"
#include "cmd_render.h"
#include "cmd_sources.h"
#include "cmd_standardise.h"
#include "cmd_user.h"
#include "command.h"
#include "exit_codes.h"

namespace {

using namespace clinvid::cli;

using AddCommand = Command (*)(CLI::App&);
constexpr AddCommand kCommands[] = {
    &add_gpu_info, &add_doctor,  &add_calibrate, &add_standardise, &add_keygen,
    &add_encrypt,  &add_decrypt, &add_recover,   &add_record,      &add_sources,
    &add_archive,  &add_user,    &add_patient,   &add_consent,     &add_audit,
    &add_project,  &add_render,  &add_frame,     &add_analyse,     &add_demo,
};

// --help and --version are "errors" with exit code 0 in CLI11; everything else is a usage
// error, reported in our own format rather than CLI11's.
int handle_parse_error(const CLI::App& app, const CLI::ParseError& e) {
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
  const std::vector<CLI::App*> parsed = app.get_subcommands();
  std::string message = e.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr && parsed.empty()) {
    message = "unknown command: " + CLI::detail::join(app.remaining(), " ");
  }
  const std::string help_for = parsed.empty() ? "clinvid" : "clinvid " + parsed.front()->get_name();
  report_error(ExitCode::usage, message + "\nRun '" + help_for + " --help' for usage.");
  return to_int(ExitCode::usage);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"clinvid: clinical video recording, editing and review", "clinvid"};
  app.set_version_flag("--version", std::string("clinvid ") + CLINVID_VERSION);
  app.footer(std::string(kExitCodeHelp));
  // No require_subcommand(): CLI11 would then report "A subcommand is required" for a
  // misspelt command instead of naming it.

  std::vector<Command> commands;
  for (const AddCommand add : kCommands) {
    Command command = add(app);
    const std::string own_footer = command.app->get_footer();
    command.app->footer((own_footer.empty() ? "" : own_footer + "\n\n") +
                        std::string(kExitCodeHelp));
    commands.push_back(std::move(command));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return handle_parse_error(app, e);
  }

  try {
    for (const Command& command : commands) {
      if (command.app->parsed()) return to_int(command.run());
    }
  } catch (const std::exception& e) {
    return to_int(
        report_error(ExitCode::runtime_error, std::string("internal error: ") + e.what()));
  }
  return to_int(report_error(ExitCode::usage, "no command given\n" + app.help()));
}
