// Runs the real `clinvid` binary in a child process with a modified environment and
// captures its exit status, stdout and stderr. The CLI tests drive the program exactly as
// a script would.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace clinvid::test {

struct RunResult {
  int exit_code = -1;  // the child's exit status; 128 + signal when it was killed
  std::string out;
  std::string err;
};

// Name = value to set, or name = nullopt to remove from the inherited environment.
using EnvChanges = std::vector<std::pair<std::string, std::optional<std::string>>>;

// Runs CLINVID_CLI_PATH with `args`. Never throws on a failing child; fails the calling
// test (via ADD_FAILURE) only when the child could not be started at all.
RunResult run_clinvid(const std::vector<std::string>& args, const EnvChanges& env = {});

// A directory under the test temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&&) = delete;
  TempDir& operator=(TempDir&&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace clinvid::test
