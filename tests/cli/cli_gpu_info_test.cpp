// `clinvid gpu-info` against the real Vulkan loader; here that is Mesa's lavapipe.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"
#include "run_clinvid.hpp"

namespace clinvid::test {
namespace {

using Json = nlohmann::json;

const EnvChanges kNoOverride = {{"CLINVID_VK_DEVICE", std::nullopt}};

Json parse_or_fail(const std::string& text) {
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    ADD_FAILURE() << "not JSON (" << e.what() << "):\n" << text;
    return Json::object();
  }
}

TEST(cli_gpu_info, lists_llvmpipe_and_the_choice) {
  const RunResult r = run_clinvid({"gpu-info"}, kNoOverride);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  EXPECT_LT(find_line(lines, "[", {"llvmpipe"}), lines.size()) << r.out;
  EXPECT_LT(find_line(lines, "    compute queue:", {"yes"}), lines.size()) << r.out;
  EXPECT_LT(find_line(lines, "    workgroup:", {"invocations"}), lines.size()) << r.out;
  EXPECT_LT(find_line(lines, "chosen: [", {}), lines.size()) << r.out;
}

TEST(cli_gpu_info, override_selects_llvmpipe) {
  const RunResult r = run_clinvid({"gpu-info"}, {{"CLINVID_VK_DEVICE", "llvmpipe"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = lines_of(r.out);
  EXPECT_LT(find_line(lines, "chosen: [", {"llvmpipe", "CLINVID_VK_DEVICE=llvmpipe"}), lines.size())
      << r.out;
  EXPECT_LT(find_line(lines, "[", {"llvmpipe", "(chosen)"}), lines.size()) << r.out;
}

TEST(cli_gpu_info, json_has_devices_limits_and_choice) {
  const RunResult r = run_clinvid({"gpu-info", "--json"}, kNoOverride);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = parse_or_fail(r.out);
  ASSERT_TRUE(j.contains("devices") && j["devices"].is_array()) << r.out;
  ASSERT_FALSE(j["devices"].empty());
  bool saw_llvmpipe = false;
  for (const Json& d : j["devices"]) {
    if (d["name"].get<std::string>().find("llvmpipe") != std::string::npos) {
      saw_llvmpipe = true;
      EXPECT_EQ(d["type"], "cpu");
      EXPECT_EQ(d["driver_name"], "llvmpipe");
    }
    EXPECT_TRUE(d["has_compute_queue"].is_boolean());
    EXPECT_TRUE(d["limits"]["max_compute_workgroup_invocations"].is_number_unsigned());
    EXPECT_EQ(d["limits"]["max_compute_workgroup_size"].size(), 3U);
    EXPECT_TRUE(d["limits"]["timestamp_period_ns"].is_number());
    EXPECT_TRUE(d["limits"]["device_local_bytes"].is_number_unsigned());
  }
  EXPECT_TRUE(saw_llvmpipe) << r.out;
  ASSERT_TRUE(j["chosen"].is_object()) << r.out;
  EXPECT_FALSE(j["chosen"]["reason"].get<std::string>().empty());
  EXPECT_TRUE(j["override"].is_null());
}

TEST(cli_gpu_info, json_override_by_name_picks_llvmpipe) {
  const RunResult r = run_clinvid({"gpu-info", "--json"}, {{"CLINVID_VK_DEVICE", "LLVMPIPE"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = parse_or_fail(r.out);
  EXPECT_EQ(j["override"]["spec"], "LLVMPIPE");
  EXPECT_EQ(j["override"]["matched"], true);
  EXPECT_NE(j["chosen"]["name"].get<std::string>().find("llvmpipe"), std::string::npos);
}

// The engine refuses a CLINVID_VK_DEVICE that matches nothing rather than silently using
// another device, so gpu-info lists the devices to choose from and exits 3.
TEST(cli_gpu_info, override_matching_nothing_is_reported) {
  const RunResult r = run_clinvid({"gpu-info"}, {{"CLINVID_VK_DEVICE", "nonexistent"}});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(r.err.starts_with("clinvid: ")) << r.err;
  EXPECT_NE(r.err.find("CLINVID_VK_DEVICE=nonexistent"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("fix:"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("llvmpipe"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("chosen: none"), std::string::npos) << r.out;

  const RunResult j = run_clinvid({"gpu-info", "--json"}, {{"CLINVID_VK_DEVICE", "nonexistent"}});
  EXPECT_EQ(j.exit_code, 3);
  const Json doc = parse_or_fail(j.out);
  EXPECT_EQ(doc["override"]["matched"], false);
  EXPECT_TRUE(doc["chosen"].is_null());
  EXPECT_TRUE(doc["error"].is_string());
}

}  // namespace
}  // namespace clinvid::test
