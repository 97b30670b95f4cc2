// CLI11 2.1 (Debian) with GCC 12's -Wnull-dereference false positive silenced: the warning
// fires inside CLI::detail::split after inlining std::vector growth, not in our code.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop
