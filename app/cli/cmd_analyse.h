#pragma once

#include "command.h"

namespace clinvid::cli {

// `clinvid analyse`: movement analysis of recordings for research, in batch (issue 9):
// demo-review, track, angles, events, csv, plot.
Command add_analyse(CLI::App& parent);

}  // namespace clinvid::cli
