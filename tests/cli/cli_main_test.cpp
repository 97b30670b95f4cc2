// The program surface every script relies on: --version, --help, and exit code 2 for
// anything the parser rejects, reported as "clinvid: <message>" on stderr.
#include <string>

#include <gtest/gtest.h>

#include "run_clinvid.hpp"

namespace clinvid::test {
namespace {

TEST(cli_main, version_prints_name_and_version) {
  const RunResult r = run_clinvid({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::string("clinvid ") + CLINVID_VERSION + "\n");
}

TEST(cli_main, help_lists_commands_and_exit_codes) {
  const RunResult r = run_clinvid({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("gpu-info"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("doctor"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Exit codes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2  usage error"), std::string::npos) << r.out;
}

TEST(cli_main, each_command_has_its_own_help) {
  for (const char* command : {"gpu-info", "doctor", "calibrate"}) {
    const RunResult r = run_clinvid({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command << ": " << r.err;
    EXPECT_NE(r.out.find(command), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--json"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Exit codes"), std::string::npos) << r.out;
  }
  const RunResult standardise = run_clinvid({"standardise", "--help"});
  EXPECT_EQ(standardise.exit_code, 0) << standardise.err;
  EXPECT_NE(standardise.out.find("--profile"), std::string::npos) << standardise.out;
  EXPECT_NE(standardise.out.find("Exit codes"), std::string::npos) << standardise.out;
  const RunResult gpu = run_clinvid({"gpu-info", "--help"});
  EXPECT_NE(gpu.out.find("CLINVID_VK_DEVICE"), std::string::npos) << gpu.out;
}

TEST(cli_main, unknown_command_is_a_usage_error) {
  const RunResult r = run_clinvid({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.starts_with("clinvid: ")) << r.err;
  EXPECT_NE(r.err.find("frobnicate"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(cli_main, unknown_option_is_a_usage_error) {
  const RunResult r = run_clinvid({"gpu-info", "--no-such-option"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.starts_with("clinvid: ")) << r.err;
  EXPECT_NE(r.err.find("--no-such-option"), std::string::npos) << r.err;
}

TEST(cli_main, no_command_is_a_usage_error) {
  const RunResult r = run_clinvid({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.starts_with("clinvid: ")) << r.err;
}

}  // namespace
}  // namespace clinvid::test
