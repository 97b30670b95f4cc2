// `clinvid analyse film`: a gait sequence film (analysis/gait_film.hpp) from one review, or two
// for before/after, rendered into the archive with render::render_film (consent-gated for the
// purpose over every recording, encrypted, catalogued as derived from all of them).
#pragma once

#include "cli11.h"

#include "command.h"

namespace clinvid::cli {

// Adds the `film` subcommand to `analyse`.
Command add_analyse_film(CLI::App* analyse);

}  // namespace clinvid::cli
