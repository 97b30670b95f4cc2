#pragma once

#include "command.h"

namespace clinvid::cli {

// `clinvid frame RECORDING --at TIME -o FILE.png`: one still from an archive recording.
Command add_frame(CLI::App& parent);

}  // namespace clinvid::cli
