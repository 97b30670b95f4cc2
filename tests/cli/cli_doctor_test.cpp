// `clinvid doctor` on this machine (set up by scripts/install-deps.sh), and on the same
// machine with GStreamer's system plugins hidden, so the gaps it reports are real ones.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"
#include "run_clinvid.hpp"

namespace clinvid::test {
namespace {

using Json = nlohmann::json;

// Where the build puts libgstclinvid.so (plugins/gst/CMakeLists.txt).
constexpr const char* kBuildPluginDir = CLINVID_BINARY_DIR "/plugins/gst";

// Checks that depend on the environment rather than this machine's packages.
EnvChanges hermetic() {
  return {{"CLINVID_VK_DEVICE", std::nullopt}};
}

// GStreamer with no system plugins: an empty system plugin dir and a registry cache that
// does not exist yet, so every element from a Debian package vanishes. The project's own
// plugin is still found through the build tree.
EnvChanges without_system_plugins(const TempDir& dir) {
  const auto empty = dir.path() / "no-plugins";
  std::filesystem::create_directory(empty);
  EnvChanges env = hermetic();
  env.emplace_back("GST_PLUGIN_SYSTEM_PATH_1_0", empty.string());
  env.emplace_back("GST_PLUGIN_SYSTEM_PATH", empty.string());
  env.emplace_back("GST_REGISTRY_1_0", (dir.path() / "registry.bin").string());
  env.emplace_back("GST_REGISTRY", std::nullopt);
  env.emplace_back("GST_PLUGIN_PATH", std::nullopt);
  env.emplace_back("GST_PLUGIN_PATH_1_0", std::nullopt);
  return env;
}

TEST(cli_doctor, passes_on_this_machine) {
  const RunResult r = run_clinvid({"doctor"}, hermetic());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto lines = lines_of(r.out);
  EXPECT_LT(find_line(lines, "ok ", {"x264enc"}), lines.size()) << r.out;
  EXPECT_LT(find_line(lines, "ok ", {"vulkan compute"}), lines.size()) << r.out;
  // lavapipe is the only Vulkan device here: live standardisation runs on the CPU, and the
  // doctor says so (a warning, not a failure) with what would take it off the CPU.
  EXPECT_LT(find_line(lines, "warn", {"live colour standardisation", "on the CPU", "llvmpipe"}),
            lines.size())
      << r.out;
  EXPECT_LT(find_line(lines, "ok ", {"ffmpeg libx264 encoder"}), lines.size()) << r.out;
  EXPECT_LT(find_line(lines, "ok ", {"age-keygen"}), lines.size()) << r.out;
  EXPECT_EQ(find_line(lines, "FAIL", {}), lines.size()) << r.out;
  for (const char* element :
       {"x264enc", "matroskamux", "mp4mux", "qtdemux", "v4l2src", "rtspsrc", "videoconvert",
        "appsink", "videotestsrc", "audiotestsrc", "clinvidcolor"}) {
    EXPECT_LT(find_line(lines, "", {element}), lines.size()) << element << "\n" << r.out;
  }
}

// The project's own element: found through GST_PLUGIN_PATH, or in the build tree with a
// warning that names the export other programs need.
TEST(cli_doctor, clinvidcolor_is_found_through_gst_plugin_path) {
  EnvChanges env = hermetic();
  env.emplace_back("GST_PLUGIN_PATH", kBuildPluginDir);
  const RunResult r = run_clinvid({"doctor"}, env);
  const auto lines = lines_of(r.out);
  EXPECT_LT(find_line(lines, "ok ", {"clinvidcolor", "libgstclinvid.so"}), lines.size()) << r.out;
}

TEST(cli_doctor, clinvidcolor_in_build_tree_only_names_the_export) {
  EnvChanges env = hermetic();
  env.emplace_back("GST_PLUGIN_PATH", std::nullopt);
  env.emplace_back("GST_PLUGIN_PATH_1_0", std::nullopt);
  const RunResult r = run_clinvid({"doctor"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto lines = lines_of(r.out);
  const std::size_t line = find_line(lines, "warn", {"clinvidcolor", "build tree"});
  ASSERT_LT(line + 1, lines.size()) << r.out;
  EXPECT_NE(lines[line + 1].find(std::string("fix: export GST_PLUGIN_PATH=") + kBuildPluginDir),
            std::string::npos)
      << r.out;
}

TEST(cli_doctor, json_has_a_checks_array) {
  const RunResult r = run_clinvid({"doctor", "--json"}, hermetic());
  Json j;
  ASSERT_NO_THROW(j = Json::parse(r.out)) << r.out;
  ASSERT_TRUE(j.contains("checks") && j["checks"].is_array()) << r.out;
  ASSERT_GE(j["checks"].size(), 20U);
  std::size_t failures = 0;
  for (const Json& c : j["checks"]) {
    ASSERT_TRUE(c["name"].is_string()) << c;
    ASSERT_TRUE(c["category"].is_string()) << c;
    ASSERT_TRUE(c["detail"].is_string()) << c;
    const auto status = c["status"].get<std::string>();
    EXPECT_TRUE(status == "ok" || status == "warn" || status == "fail") << c;
    EXPECT_EQ(c["fix"].is_null(), status == "ok") << c;
    if (status == "fail") ++failures;
  }
  EXPECT_EQ(j["summary"]["fail"], failures);
  EXPECT_EQ(j["ok"], failures == 0);
  EXPECT_EQ(r.exit_code, failures == 0 ? 0 : 1) << r.err;
}

TEST(cli_doctor, missing_element_fails_and_names_the_package) {
  const TempDir dir;
  const RunResult r = run_clinvid({"doctor"}, without_system_plugins(dir));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(r.err.starts_with("clinvid: doctor:")) << r.err;

  const auto lines = lines_of(r.out);
  const std::size_t x264 = find_line(lines, "FAIL", {"x264enc"});
  ASSERT_LT(x264 + 1, lines.size()) << r.out;
  EXPECT_NE(lines[x264 + 1].find("fix:"), std::string::npos) << r.out;
  EXPECT_NE(lines[x264 + 1].find("sudo apt-get install gstreamer1.0-plugins-ugly"),
            std::string::npos)
      << r.out;

  const std::size_t mkv = find_line(lines, "FAIL", {"matroskamux"});
  ASSERT_LT(mkv + 1, lines.size()) << r.out;
  EXPECT_NE(lines[mkv + 1].find("gstreamer1.0-plugins-good"), std::string::npos) << r.out;
  const std::size_t testsrc = find_line(lines, "FAIL", {"videotestsrc"});
  ASSERT_LT(testsrc + 1, lines.size()) << r.out;
  EXPECT_NE(lines[testsrc + 1].find("gstreamer1.0-plugins-base"), std::string::npos) << r.out;

  // Only the system plugins were taken away: the project's own element and the other checks
  // still pass.
  EXPECT_EQ(find_line(lines, "FAIL", {"clinvidcolor"}), lines.size()) << r.out;
  EXPECT_LT(find_line(lines, "ok ", {"vulkan compute"}), lines.size()) << r.out;
  EXPECT_LT(find_line(lines, "ok ", {"ffmpeg libx264 encoder"}), lines.size()) << r.out;
}

TEST(cli_doctor, missing_element_shows_in_json) {
  const TempDir dir;
  const RunResult r = run_clinvid({"doctor", "--json"}, without_system_plugins(dir));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  Json j;
  ASSERT_NO_THROW(j = Json::parse(r.out)) << r.out;
  EXPECT_EQ(j["ok"], false);
  bool found = false;
  for (const Json& c : j["checks"]) {
    if (c["name"] != "x264enc") continue;
    found = true;
    EXPECT_EQ(c["status"], "fail");
    EXPECT_NE(c["fix"].get<std::string>().find("gstreamer1.0-plugins-ugly"), std::string::npos);
  }
  EXPECT_TRUE(found) << r.out;
}

}  // namespace
}  // namespace clinvid::test
