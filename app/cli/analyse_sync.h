// `clinvid analyse sync`: finds a clap (audio, sample-accurate) or a flash (video,
// frame-accurate) in each view of a review, or in recordings given with --recording / --file,
// prints each event on its recording's clock and the offset of every view against the first,
// and with -o writes the review aligned on the event (analysis/sync_detect.hpp, sync.hpp).
#pragma once

#include "cli11.h"

#include "command.h"

namespace clinvid::cli {

// Adds the `sync` subcommand to `analyse`.
Command add_analyse_sync(CLI::App* analyse);

}  // namespace clinvid::cli
