// How a subcommand plugs into `clinvid`: each cmd_<name>.h declares one
// `Command add_<name>(CLI::App& parent)` and main.cpp lists it in its command table.
#pragma once

#include <functional>

#include "cli11.h"

#include "exit_codes.h"

namespace clinvid::cli {

struct Command {
  // The subcommand, owned by the parent CLI::App; parsed() tells whether it was invoked.
  CLI::App* app = nullptr;
  // Runs the command after a successful parse. Reads the options the subcommand bound.
  std::function<ExitCode()> run;
};

}  // namespace clinvid::cli
