// Exit codes of `clinvid`, and how every command reports an error. Scripts rely on these
// values: append only, never renumber.
#pragma once

#include <string_view>

#include <fmt/format.h>

namespace clinvid::cli {

// The values are the process exit status itself, so ok is 0 (not the usual invalid zero).
enum class ExitCode : int {
  ok = 0,             // the command did what was asked and found nothing wrong
  problem_found = 1,  // the command ran and found a problem (e.g. doctor found gaps)
  usage = 2,          // the command line was malformed: unknown command or option, bad value
  runtime_error = 3,  // the command could not run (e.g. no Vulkan, unreadable file)
  refused = 4,        // refused: the consent policy, a role rule or a wrong passphrase said no
};

[[nodiscard]] constexpr int to_int(ExitCode code) noexcept {
  return static_cast<int>(code);
}

// The --help footer of the program and of every subcommand.
inline constexpr std::string_view kExitCodeHelp =
    "Exit codes:\n"
    "  0  ok\n"
    "  1  the command ran and found a problem (e.g. doctor found gaps)\n"
    "  2  usage error\n"
    "  3  runtime error (e.g. no Vulkan device)\n"
    "  4  refused (consent policy, role, or wrong passphrase; the audit records it)\n"
    "Errors and warnings go to stderr as \"clinvid: <message>\".";

// "clinvid: <message>" on stderr. Returns `code` so a command can `return report(...)`.
inline ExitCode report_error(ExitCode code, std::string_view message) {
  fmt::print(stderr, "clinvid: {}\n", message);
  return code;
}

inline void report_warning(std::string_view message) {
  fmt::print(stderr, "clinvid: warning: {}\n", message);
}

}  // namespace clinvid::cli
