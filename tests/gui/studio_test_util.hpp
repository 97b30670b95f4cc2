// What the studio's GUI tests share: running clinvid-studio in a real window under Xvfb with a
// script (app/studio/script.hpp), reading back the JSON line it prints after every step, and
// looking at the screenshots it writes. Needs CLINVID_STUDIO_EXE and CLINVID_XVFB_RUN.
#pragma once

#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <png.h>

#include "archive_cli_fixture.hpp"

namespace clinvid::test {

struct StudioRun {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::vector<Json> steps;  // the JSON lines the script printed, in order

  // The `nth` step named `verb`, or nullptr.
  [[nodiscard]] const Json* step(const std::string& verb, std::size_t nth = 0) const {
    for (const Json& s : steps) {
      if (s.value("step", "") == verb && nth-- == 0) return &s;
    }
    return nullptr;
  }
};

struct StudioInvocation {
  std::string env;   // "NAME=value …" set for the studio
  std::string args;  // the studio's options (quoted as the shell needs)
  std::string screen = "1280x800x24";
  int timeout_s = 240;
};

// Runs the studio with `script`; its files (script, stdout, stderr) go in `work_dir`.
inline StudioRun run_studio(const fs::path& work_dir, const std::string& script,
                            const StudioInvocation& how) {
  const fs::path script_file = work_dir / "steps.txt";
  write_text(script_file, script);
  const fs::path out_file = work_dir / "studio.out";
  const fs::path err_file = work_dir / "studio.err";
  const std::string command = "env " + how.env + " timeout " + std::to_string(how.timeout_s) + " " +
                              CLINVID_XVFB_RUN + " -a -s '-screen 0 " + how.screen + "' '" +
                              CLINVID_STUDIO_EXE + "' " + how.args + " --script '" +
                              script_file.string() + "' > '" + out_file.string() + "' 2> '" +
                              err_file.string() + "'";
  const int status = std::system(command.c_str());
  StudioRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = read_text(out_file);
  run.err = read_text(err_file);
  for (const std::string& line : lines_of(run.out)) {
    if (line.empty() || line.front() != '{') continue;
    if (auto parsed = parse_json(line)) run.steps.push_back(*parsed);
  }
  return run;
}

// Distinct RGB colours of a PNG (0 when it cannot be read); its size in `width`, `height`.
inline std::size_t distinct_colours(const fs::path& path, std::uint32_t& width,
                                    std::uint32_t& height) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_file(&image, path.c_str()) == 0) return 0;
  image.format = PNG_FORMAT_RGBA;
  std::vector<std::uint8_t> rgba(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, rgba.data(), 0, nullptr) == 0) {
    png_image_free(&image);
    return 0;
  }
  width = image.width;
  height = image.height;
  std::set<std::uint32_t> distinct;
  for (std::size_t i = 0; i + 3 < rgba.size(); i += 4) {
    distinct.insert((std::uint32_t{rgba[i]} << 16U) | (std::uint32_t{rgba[i + 1]} << 8U) |
                    rgba[i + 2]);
  }
  return distinct.size();
}

// Where a test's screenshot goes: the build tree, from which docs/images is refreshed.
inline fs::path screenshot_path(const std::string& name) {
  const fs::path dir = fs::path(CLINVID_BINARY_DIR) / "tests" / "gui";
  fs::create_directories(dir);
  fs::remove(dir / name);
  return dir / name;
}

// An archive set up through the CLI (ArchiveCli: the IG officer, photo and the other users) and
// the studio run against it, signed in as one of them.
class StudioArchiveTest : public ArchiveCli {
 protected:
  void SetUp() override {
    if (std::string(CLINVID_XVFB_RUN).empty()) GTEST_SKIP() << "xvfb-run is not installed";
    ArchiveCli::SetUp();
  }

  // Runs `script` as `user` with `passphrase` (from a file), on the test archive; `how.args`
  // adds options after the archive's.
  StudioRun studio_as(const std::string& user, const std::string& passphrase,
                      const std::string& script, StudioInvocation how = {}) {
    const fs::path pass_file = tmp_.path() / (user + ".studio-pass");
    write_text(pass_file, passphrase + "\n");
    how.args = "--archive '" + archive_.string() + "' --user " + user + " --passphrase-file '" +
               pass_file.string() + "' " + how.args;
    return run_studio(tmp_.path(), script, how);
  }
};

}  // namespace clinvid::test
