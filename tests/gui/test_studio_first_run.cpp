// Signing in (issue 8). A newcomer's first run ("a newcomer can calibrate, record, edit and export
// within minutes"): the studio opens on a default archive that does not exist yet, says who
// creates a real one, and offers the demo archive; one click makes it (on a worker thread) and
// signs in as the demo photographer. And the form itself, typed into: a wrong passphrase is
// shown and leaves the studio locked out, the right one signs in; both unlock off the UI thread.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "studio_test_util.hpp"

namespace clinvid::test {
namespace {

class StudioFirstRun : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(CLINVID_XVFB_RUN).empty()) GTEST_SKIP() << "xvfb-run is not installed";
  }
  TempDir tmp_;
};

TEST_F(StudioFirstRun, OffersTheDemoArchiveAndSignsInToIt) {
  const fs::path data = tmp_.path() / "data";
  const fs::path shot = screenshot_path("first_run.png");
  StudioInvocation how;
  // No --archive: the default one under XDG_DATA_HOME, which does not exist yet.
  how.env = "-u CLINVID_ARCHIVE CLINVID_ARCHIVE_KDF=fast XDG_DATA_HOME='" + data.string() + "'";
  how.args = "--camera none";
  const StudioRun run = run_studio(tmp_.path(),
                                   "view library\n"
                                   "screenshot " +
                                       shot.string() +
                                       "\n"
                                       "expect_enabled signin.demo\n"
                                       "click signin.demo\n"
                                       "wait_signed_in\n"
                                       "view capture\n"
                                       "quit\n",
                                   how);
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  const Json* before = run.step("view");
  ASSERT_NE(before, nullptr);
  EXPECT_FALSE((*before)["signed_in"].get<bool>());
  const Json* after = run.step("wait_signed_in");
  ASSERT_NE(after, nullptr) << run.out;
  EXPECT_TRUE((*after)["signed_in"].get<bool>());
  EXPECT_EQ((*after)["user"], "demo");
  EXPECT_EQ((*after)["role"], "photographer");
  const fs::path demo = data / "clinvid" / "demo";
  EXPECT_EQ((*after)["archive"], demo.string());

  // The demo archive is a real archive beside the default one, never in its place, and its
  // passphrase is readable by its owner alone.
  EXPECT_TRUE(fs::exists(demo / "catalogue.db"));
  EXPECT_FALSE(fs::exists(data / "clinvid" / "archive" / "catalogue.db"));
  struct stat st {};
  ASSERT_EQ(::stat((data / "clinvid" / "demo.passphrase").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777U, 0600U);

  std::uint32_t width = 0;
  std::uint32_t height = 0;
  EXPECT_GT(distinct_colours(shot, width, height), 20U) << shot << " looks blank";
}

// Signs in through the form itself, so it runs the studio without studio_as's passphrase file.
class StudioSignIn : public StudioArchiveTest {};

TEST_F(StudioSignIn, TheFormShowsAWrongPassphraseThenSignsInWithTheRightOne) {
  StudioInvocation how;
  how.env = "CLINVID_ARCHIVE_KDF=fast";
  how.args = "--camera none --archive '" + archive_.string() + "'";
  const StudioRun run = run_studio(tmp_.path(),
                                   "view library\n"
                                   "click signin.user\n"
                                   "type photo\n"
                                   "click signin.passphrase\n"
                                   "type not-the-passphrase\n"
                                   "click signin.submit\n"
                                   "wait_sign_in_attempt\n"
                                   "click signin.passphrase\n"
                                   "type photo-pass\n"
                                   "key enter\n"
                                   "wait_signed_in\n"
                                   "quit\n",
                                   how);
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  const Json* refused = run.step("wait_sign_in_attempt");
  ASSERT_NE(refused, nullptr) << run.out;
  EXPECT_FALSE((*refused)["signed_in"].get<bool>());
  EXPECT_NE((*refused)["sign_in_error"].get<std::string>().find("passphrase"), std::string::npos)
      << refused->dump();
  const Json* signed_in = run.step("wait_signed_in");
  ASSERT_NE(signed_in, nullptr) << run.out;
  EXPECT_EQ((*signed_in)["user"], "photo");
  EXPECT_EQ((*signed_in)["sign_in_error"], "");
  // The wrong passphrase reached the audit trail as a refused login by photo.
  const RunResult audit = run_as("ig", {"audit", "export"});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  bool refused_login = false;
  for (const std::string& line : lines_of(audit.out)) {
    refused_login = refused_login || (line.find("\"login\"") != std::string::npos &&
                                      line.find("\"refuse\"") != std::string::npos &&
                                      line.find("photo") != std::string::npos);
  }
  EXPECT_TRUE(refused_login) << audit.out;
}

}  // namespace
}  // namespace clinvid::test
