#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/id.hpp"
#include "core/paths.hpp"

namespace clinvid {
namespace {
namespace fs = std::filesystem;

class EnvGuard {
 public:
  explicit EnvGuard(const char* name) : name_(name) {
    if (const char* v = std::getenv(name)) saved_ = v;
  }
  ~EnvGuard() {
    if (saved_) {
      setenv(name_, saved_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;

 private:
  const char* name_;
  std::optional<std::string> saved_;
};

TEST(Paths, FollowXdgAndIgnoreRelativeValues) {
  const EnvGuard data("XDG_DATA_HOME"), home("HOME"), archive("CLINVID_ARCHIVE");
  unsetenv("CLINVID_ARCHIVE");
  setenv("HOME", "/home/tester", 1);
  setenv("XDG_DATA_HOME", "/srv/data", 1);
  EXPECT_EQ(paths::data_home(), fs::path("/srv/data"));
  EXPECT_EQ(paths::default_archive(), fs::path("/srv/data/clinvid/archive"));
  setenv("XDG_DATA_HOME", "relative/path", 1);  // the spec says: ignore
  EXPECT_EQ(paths::data_home(), fs::path("/home/tester/.local/share"));
  unsetenv("XDG_DATA_HOME");
  EXPECT_EQ(paths::data_home(), fs::path("/home/tester/.local/share"));
  setenv("CLINVID_ARCHIVE", "/mnt/theatre-archive", 1);
  EXPECT_EQ(paths::default_archive(), fs::path("/mnt/theatre-archive"));
}

TEST(Paths, EnsureDirectoryIsPrivate) {
  const fs::path root = fs::temp_directory_path() / ("clinvid-paths-" + Uuid::random().to_string());
  const fs::path leaf = root / "a" / "b";
  ASSERT_TRUE(paths::ensure_directory(leaf));
  struct stat st {};
  ASSERT_EQ(stat(leaf.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700U);
  // A file where a directory should be is an error, not a crash.
  const fs::path blocked = root / "file";
  { std::ofstream(blocked) << "x"; }
  EXPECT_FALSE(paths::ensure_directory(blocked / "sub"));
  fs::remove_all(root);
}

TEST(Uuid, RandomVersion4AndRoundTrip) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const Uuid id = Uuid::random();
    const std::string text = id.to_string();
    ASSERT_EQ(text.size(), 36U);
    EXPECT_EQ(text[14], '4');
    EXPECT_TRUE(text[19] == '8' || text[19] == '9' || text[19] == 'a' || text[19] == 'b');
    EXPECT_EQ(Uuid::parse(text).value(), id);
    seen.insert(text);
  }
  EXPECT_EQ(seen.size(), 1000U);
  EXPECT_TRUE(Uuid().is_nil());
}

TEST(Uuid, RejectsMalformedText) {
  for (const char* bad :
       {"", "not-a-uuid", "123e4567-e89b-12d3-a456-42661417400",
        "123e4567-e89b-12d3-a456-4266141740000", "123e4567xe89b-12d3-a456-426614174000",
        "123e4567-e89b-12d3-a456-42661417400g"}) {
    EXPECT_FALSE(Uuid::parse(bad)) << bad;
  }
  EXPECT_TRUE(Uuid::parse("123E4567-E89B-12D3-A456-426614174000"));
}

}  // namespace
}  // namespace clinvid
