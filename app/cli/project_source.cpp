#include "project_source.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "timeline/project_file.hpp"

namespace clinvid::cli {

bool is_project_file(const std::string& project) {
  std::error_code ec;
  return std::filesystem::is_regular_file(project, ec) || project.find('/') != std::string::npos ||
         project.ends_with(".json");
}

Result<LoadedProject> load_project_from(const std::string& project, archive::Archive* archive) {
  LoadedProject out;
  std::string text;
  if (is_project_file(project)) {
    std::ifstream in(project, std::ios::binary);
    if (!in) return fail(Errc::not_found, "cannot read the project file " + project);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
    out.name = std::filesystem::path(project).stem().string();
  } else {
    if (archive == nullptr) {
      return fail(Errc::invalid_argument, "\"" + project +
                                              "\" is not a file; open the archive to "
                                              "load a saved project of that name");
    }
    auto loaded = archive->load_project(project);
    if (!loaded) return tl::unexpected(loaded.error());
    text = std::move(*loaded);
    out.name = project;
    out.from_archive = true;
  }
  auto parsed = timeline::load_project(text);
  if (!parsed) return with_context(parsed.error(), "project " + project);
  out.project = std::move(*parsed);
  return out;
}

}  // namespace clinvid::cli
