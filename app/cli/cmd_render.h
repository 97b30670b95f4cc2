#pragma once

#include "command.h"

namespace clinvid::cli {

// `clinvid render PROJECT --purpose P [--preset NAME] [-o OUT]`: a finished film.
Command add_render(CLI::App& parent);

}  // namespace clinvid::cli
