// Where the project commands and `render` read a project from: a JSON file when PROJECT names
// one, else the archive's saved project of that name (sealed in the catalogue).
#pragma once

#include <optional>
#include <string>

#include "archive/archive.hpp"
#include "core/result.hpp"
#include "timeline/model.hpp"

namespace clinvid::cli {

struct LoadedProject {
  timeline::Project project;
  std::string name;  // the archive name, or the file's stem
  bool from_archive = false;
};

// `archive` is needed (unlocked) only when `project` is not a file.
[[nodiscard]] Result<LoadedProject> load_project_from(const std::string& project,
                                                      archive::Archive* archive);
[[nodiscard]] bool is_project_file(const std::string& project);

}  // namespace clinvid::cli
