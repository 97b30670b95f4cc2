// Where clinvid keeps things, following the XDG Base Directory specification.
// Every function reads the environment when called (tests change it), and never creates
// directories except ensure_directory().
#pragma once

#include <filesystem>

#include "core/result.hpp"

namespace clinvid::paths {

// $XDG_DATA_HOME or ~/.local/share
[[nodiscard]] std::filesystem::path data_home();
// $XDG_CONFIG_HOME or ~/.config
[[nodiscard]] std::filesystem::path config_home();
// $XDG_CACHE_HOME or ~/.cache
[[nodiscard]] std::filesystem::path cache_home();
// $XDG_RUNTIME_DIR, or a per-user directory under the system temp dir when unset.
[[nodiscard]] std::filesystem::path runtime_dir();

// <data_home>/clinvid/archive: the default local archive (catalogue + encrypted media).
// CLINVID_ARCHIVE overrides it.
[[nodiscard]] std::filesystem::path default_archive();
// <config_home>/clinvid
[[nodiscard]] std::filesystem::path config_dir();

// Creates the directory and its parents with mode 0700 for the leaf (patient data).
[[nodiscard]] Status ensure_directory(const std::filesystem::path& dir);

}  // namespace clinvid::paths
