// The Capture view's calibration wizard, driven by injected clicks through the real frame loop
// under Xvfb, against an archive made with the `clinvid` CLI:
//  - Calibrate on test://theatre (which films a ColorChecker) finds the chart and fits a
//    profile with mean dE00 < 2; the dE table, the difference view and the chart outline show;
//  - Calibrate on test://gait (no chart) says so, with what to do, and offers nothing to accept;
//    Match all fails naming that camera;
//  - Accept saves the profile under the archive; the preview turns standardised and the toggle
//    turns it raw again; a 2 s recording is catalogued naming the profile and its dE00.
#include <cstdint>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "studio_test_util.hpp"

namespace clinvid::test {
namespace {

const Json kRecordOnly = Json::array({{{"purpose", "clinical_record"}, {"grant", "identifiable"}}});

class StudioCalibration : public StudioArchiveTest {
 protected:
  StudioRun studio(const std::string& script) {
    StudioInvocation how;
    how.env = "CLINVID_ARCHIVE_KDF=fast";
    how.args =
        "--camera-uri 'test://theatre?width=640&height=360&rate=30/1'"
        " --camera-uri 'test://gait?width=320&height=180&rate=30/1'";
    return studio_as("photo", "photo-pass", script, how);
  }
};

TEST_F(StudioCalibration, CalibratesAcceptsAndRecordsWithTheProfile) {
  const std::string patient = add_patient();
  const std::string consent = add_consent(patient, kRecordOnly);
  const fs::path png = screenshot_path("studio_calibration.png");
  const std::string script =
      "sign_in\n"
      "view capture\n"
      "wait_cameras_live 5\n"
      "click capture.calibration_section\n"
      "expect_disabled capture.accept0\n"
      "expect_disabled capture.standardised\n"
      "click capture.calibrate1\n"
      "wait_calibration\n"
      "expect_disabled capture.accept1\n"
      "click capture.match_all\n"
      "wait_calibration\n"
      "click capture.calibrate0\n"
      "wait_calibration\n"
      "frames 3\n"
      "expect_enabled capture.accept0\n"
      "click capture.consent_section\n"
      "click capture.record_section\n"
      "frames 2\n"
      "screenshot " +
      png.string() +
      "\n"
      "click capture.accept0\n"
      "wait_calibration\n"
      "frames 20\n"
      "click capture.standardised\n"
      "frames 3\n"
      "click capture.standardised\n"
      "frames 3\n"
      "click capture.consent_section\n"
      "click capture.record_section\n"
      "frames 2\n"
      "capture_consent " +
      patient + " " + consent +
      " clinical_record hand:left\n"
      "click capture.check_consent\n"
      "click capture.record\n"
      "wait_recording 2\n"
      "click capture.stop\n"
      "wait_capture_stopped\n";
  const StudioRun run = studio(script);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  // Nothing calibrated yet: nothing to accept, no standardised preview to toggle.
  const Json* start = run.step("expect_disabled");
  ASSERT_NE(start, nullptr) << run.out;
  EXPECT_EQ((*start)["capture"]["calibration"]["cameras"][0]["state"], "none");

  // test://gait shows no chart: the clear message, nothing to accept.
  const Json* gait = run.step("wait_calibration", 0);
  ASSERT_NE(gait, nullptr) << run.out;
  const Json& gait_camera = (*gait)["capture"]["calibration"]["cameras"][1];
  EXPECT_EQ(gait_camera["state"], "no_chart") << gait_camera.dump();
  EXPECT_FALSE(gait_camera["chart_found"].get<bool>());
  EXPECT_NE(gait_camera["message"].get<std::string>().find(
                "no ColorChecker found: fill a quarter of the frame with it"),
            std::string::npos)
      << gait_camera.dump();
  EXPECT_FALSE(gait_camera.contains("delta_e00")) << gait_camera.dump();
  // Match all cannot match a camera without a chart, and says which.
  const Json& match = (*run.step("wait_calibration", 1))["capture"]["calibration"]["match"];
  EXPECT_EQ(match["state"], "no_chart") << match.dump();
  EXPECT_NE(match["message"].get<std::string>().find("cam1"), std::string::npos) << match.dump();

  // test://theatre: the chart found, the fit within 2 dE00 on average and better than before.
  const Json& theatre = (*run.step("wait_calibration", 2))["capture"]["calibration"]["cameras"][0];
  ASSERT_EQ(theatre["state"], "found") << theatre.dump();
  EXPECT_TRUE(theatre["chart_found"].get<bool>());
  const double mean = theatre["delta_e00"]["mean"].get<double>();
  EXPECT_LT(mean, 2.0) << theatre.dump();
  EXPECT_GT(theatre["delta_e00"]["max"].get<double>(), mean);
  // The test camera renders the chart close to sRGB already (before: mean ~0.5, max ~3.3 on
  // the saturated patches); the fit brings the worst patch down.
  EXPECT_LT(theatre["delta_e00"]["max"].get<double>(),
            theatre["before_delta_e00"]["max"].get<double>())
      << theatre.dump();
  EXPECT_FALSE(theatre["profile_accepted"].get<bool>());
  std::cout << "theatre dE00 mean " << mean << " max " << theatre["delta_e00"]["max"] << " before "
            << theatre["before_delta_e00"]["mean"] << "\n";

  // Accepted: saved under the archive, and the preview standardised on the worker thread.
  const Json& accepted = (*run.step("frames", 2))["capture"]["calibration"];
  const Json& cam0 = accepted["cameras"][0];
  ASSERT_TRUE(cam0["profile_accepted"].get<bool>()) << accepted.dump();
  const fs::path profile = cam0["profile"].get<std::string>();
  EXPECT_EQ(profile.parent_path(), archive_ / "calibration");
  EXPECT_TRUE(fs::is_regular_file(profile)) << profile;
  EXPECT_GT(cam0["standardised_frames"].get<std::uint64_t>(), 0U) << cam0.dump();
  EXPECT_EQ(cam0["preview"], "standardised") << cam0.dump();
  EXPECT_EQ(accepted["cameras"][1]["preview"], "raw");
  EXPECT_FALSE(accepted["cameras"][1]["profile_accepted"].get<bool>());
  // The toggle: raw, then standardised again.
  const Json& raw = (*run.step("frames", 3))["capture"]["calibration"];
  EXPECT_EQ(raw["preview_mode"], "raw");
  EXPECT_EQ(raw["cameras"][0]["preview"], "raw");
  const Json& back = (*run.step("frames", 4))["capture"]["calibration"];
  EXPECT_EQ(back["preview_mode"], "standardised");
  EXPECT_EQ(back["cameras"][0]["preview"], "standardised");

  // The recording: cam0's catalogue entry names the profile and its dE00; cam1's none.
  const Json& stopped = (*run.step("wait_capture_stopped"))["capture"];
  EXPECT_EQ(stopped["last_error"], "") << stopped.dump();
  ASSERT_EQ(stopped["last_recording_ids"].size(), 2U) << stopped.dump();
  const RunResult found = run_as("photo", {"archive", "search", "--json"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  const Json items = parse_json(found.out).value();
  ASSERT_EQ(items.size(), 2U) << found.out;
  for (const Json& item : items) {
    if (item["id"] == stopped["last_recording_ids"][0]) {
      EXPECT_EQ(item["calibration_profile"], profile.string()) << item.dump();
      ASSERT_TRUE(item.contains("delta_e00_mean")) << item.dump();
      EXPECT_NEAR(item["delta_e00_mean"].get<double>(), mean, 1e-9) << item.dump();
    } else {
      EXPECT_EQ(item["calibration_profile"], "") << item.dump();
      EXPECT_FALSE(item.contains("delta_e00_mean")) << item.dump();
    }
  }

  // The wizard with the chart outline, the dE table and the difference view.
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  EXPECT_GT(distinct_colours(png, width, height), 1000U) << png;
  EXPECT_EQ(width, 1280U);
}

}  // namespace
}  // namespace clinvid::test
