#pragma once

#include "command.h"

namespace clinvid::cli {

// `clinvid demo`: the newcomer's path headless: a demo archive, a calibrated test camera,
// five seconds from two test cameras under a consent check, a side-by-side teaching film.
Command add_demo(CLI::App& parent);

}  // namespace clinvid::cli
