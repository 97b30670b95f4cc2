// The studio's Capture view end to end (issue 8's must-show), driven by a script through the
// real frame loop under Xvfb, against an archive made with the `clinvid` CLI:
//  - two test cameras live; the consent check passes; Record is clicked; 5 s later Stop; the
//    recording is found in the Library, put on the timeline and exported as a teaching film;
//  - Record stays disabled, with the refusal shown, when consent does not allow the recording,
//    and nothing is registered;
//  - a camera that vanishes mid-recording is reported while the other camera's file is kept.
// Each view's screenshot must show something; the Capture one is what docs/images holds.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/rational.hpp"
#include "studio_test_util.hpp"

namespace clinvid::test {
namespace {

const Json kRecordAndTeaching =
    Json::array({{{"purpose", "clinical_record"}, {"grant", "identifiable"}},
                 {{"purpose", "teaching"}, {"grant", "identifiable"}}});
const Json kRecordOnly = Json::array({{{"purpose", "clinical_record"}, {"grant", "identifiable"}}});

class StudioCapture : public StudioArchiveTest {
 protected:
  // The studio as `photo`, with its two built-in test cameras unless `cameras` are given.
  StudioRun studio(const std::string& script, const std::vector<std::string>& cameras = {}) {
    StudioInvocation how;
    how.env = "CLINVID_ARCHIVE_KDF=fast";
    for (const std::string& uri : cameras) how.args += " --camera-uri '" + uri + "'";
    return studio_as("photo", "photo-pass", script, how);
  }

  static const Json* step(const StudioRun& run, const std::string& verb, std::size_t nth = 0) {
    return run.step(verb, nth);
  }

  std::size_t media_files() {
    const fs::path media = archive_ / "media";
    if (!fs::exists(media)) return 0;
    std::size_t count = 0;
    for (const auto& entry : fs::directory_iterator(media)) count += entry.is_regular_file();
    return count;
  }

  static void expect_drawn(const fs::path& png, std::size_t min_colours) {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    const std::size_t colours = distinct_colours(png, width, height);
    EXPECT_EQ(width, 1280U) << png;
    EXPECT_EQ(height, 720U) << png;
    EXPECT_GT(colours, min_colours) << png << " looks blank";
  }
};

TEST_F(StudioCapture, RecordsTwoTestCamerasAfterTheConsentCheckThenFindsEditsAndExports) {
  add_user("edu", "educator");
  const std::string patient = add_patient();
  const std::string consent = add_consent(patient, kRecordAndTeaching);
  const fs::path capture_png = screenshot_path("studio_capture.png");
  const fs::path library_png = tmp_.path() / "library.png";
  const fs::path editor_png = tmp_.path() / "editor.png";
  const fs::path export_png = tmp_.path() / "export.png";
  const std::string script =
      "sign_in\n"
      "view capture\n"
      "wait_cameras_live 10\n"
      "frames 20\n"
      "capture_consent " +
      patient + " " + consent +
      " clinical_record hand:left\n"
      "expect_disabled capture.record\n"
      "click capture.check_consent\n"
      "expect_enabled capture.record\n"
      "click capture.grid\n"
      "click capture.record\n"
      "wait_recording 5\n"
      "key m\n"
      "frames 3\n"
      "screenshot " +
      capture_png.string() +
      "\n"
      "click capture.stop\n"
      "wait_capture_stopped\n"
      "view library\n"
      "search\n"
      "select 0\n"
      "screenshot " +
      library_png.string() +
      "\n"
      "add_to_timeline\n"
      "view editor\n"
      "screenshot " +
      editor_png.string() +
      "\n"
      "view export\n"
      "check_consent teaching\n"
      "export teaching archive\n"
      "wait_export\n"
      "screenshot " +
      export_png.string() + "\n";
  const StudioRun run = studio(script);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  // Both cameras live before anything records, their frames advancing.
  const Json* live = step(run, "wait_cameras_live");
  const Json* later = step(run, "frames");
  ASSERT_NE(live, nullptr) << run.out;
  ASSERT_NE(later, nullptr) << run.out;
  EXPECT_EQ((*live)["capture"]["cameras"], 2);
  EXPECT_EQ((*live)["capture"]["cameras_live"], 2);
  for (std::size_t camera = 0; camera < 2; ++camera) {
    EXPECT_GT((*later)["capture"]["frames"][camera].get<std::uint64_t>(),
              (*live)["capture"]["frames"][camera].get<std::uint64_t>())
        << "camera " << camera << " is not live";
  }
  // Record is disabled until the check passes, with the reason; then enabled.
  const Json& before = (*step(run, "expect_disabled"))["capture"];
  EXPECT_FALSE(before["record_enabled"].get<bool>());
  EXPECT_EQ(before["record_disabled_reason"], "Check consent first.");
  const Json& checked = (*step(run, "expect_enabled"))["capture"];
  EXPECT_TRUE(checked["record_enabled"].get<bool>()) << checked.dump();
  EXPECT_TRUE(checked["consent_allowed"].get<bool>()) << checked.dump();

  // The click on Record started both cameras; 5 s later both streams had written data.
  const Json& recording = (*step(run, "wait_recording"))["capture"];
  EXPECT_TRUE(recording["recording"].get<bool>());
  EXPECT_GE(recording["elapsed_s"].get<double>(), 5.0);
  ASSERT_EQ(recording["streams"].size(), 2U) << recording.dump();
  for (const Json& stream : recording["streams"]) {
    EXPECT_EQ(stream["state"], "recording") << stream.dump();
    EXPECT_GT(stream["frames"].get<std::uint64_t>(), 60U) << stream.dump();
    EXPECT_GT(stream["bytes"].get<std::uint64_t>(), 0U) << stream.dump();
  }
  const Json* marked = step(run, "frames", 1);
  ASSERT_NE(marked, nullptr);
  EXPECT_EQ((*marked)["capture"]["markers"], 1) << "the M key added no marker";

  // Stop: both files catalogued.
  const Json& stopped = (*step(run, "wait_capture_stopped"))["capture"];
  EXPECT_EQ(stopped["last_error"], "") << stopped.dump();
  EXPECT_EQ(stopped["last_problem"], "") << stopped.dump();
  ASSERT_EQ(stopped["last_recording_ids"].size(), 2U) << stopped.dump();
  EXPECT_GE(stopped["last_seconds"].get<double>(), 5.0);
  const std::vector<std::string> ids = stopped["last_recording_ids"];

  // The Library finds both; the first goes on the timeline and becomes a teaching film.
  EXPECT_EQ((*step(run, "search"))["library_results"], 2);
  const std::string selected = (*step(run, "select"))["recording"];
  EXPECT_TRUE(selected == ids[0] || selected == ids[1]) << selected;
  const Json* added = step(run, "add_to_timeline");
  ASSERT_NE(added, nullptr);
  EXPECT_EQ((*added)["clips"], 1);
  // The whole recording: as many frames as the camera delivered in the 5 s (fewer than 150 on a
  // loaded machine, where the test camera cannot keep its rate), never a stub.
  EXPECT_GT((*added)["frames"].get<int>(), 60);
  const Json* exported = step(run, "wait_export");
  ASSERT_NE(exported, nullptr) << run.out << run.err;
  const std::string film = (*exported)["film"];
  ASSERT_FALSE(film.empty());

  // Asked through the CLI: the recordings, with their markers, and the film derived from one.
  const RunResult found = run_as("photo", {"archive", "search", "--json"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  const Json items = parse_json(found.out).value();
  std::size_t recordings = 0;
  bool film_found = false;
  for (const Json& item : items) {
    const std::string id = item["id"];
    if (id == ids[0] || id == ids[1]) {
      ++recordings;
      EXPECT_EQ(item["patient"], patient) << item.dump();
      EXPECT_EQ(item["width"], 640) << item.dump();
    }
    if (id == film) {
      film_found = true;
      EXPECT_NE(item.dump().find(selected), std::string::npos) << item.dump();
    }
  }
  EXPECT_EQ(recordings, 2U) << found.out;
  EXPECT_TRUE(film_found) << found.out;

  // The live previews make the Capture screenshot far richer than a drawn UI alone.
  expect_drawn(capture_png, 1000);
  for (const fs::path& png : {library_png, editor_png, export_png}) expect_drawn(png, 20);
}

TEST_F(StudioCapture, RecordStaysDisabledWithTheReasonWhenConsentRefuses) {
  const std::string patient = add_patient();
  const std::string consent = add_consent(patient, kRecordOnly);
  const std::size_t audit_before = audit_rows().size();
  const fs::path refused_png = tmp_.path() / "refused.png";
  // Teaching is not in the consent: the check refuses, Record stays disabled, and both the
  // button's action and a click on it are refused.
  const std::string script =
      "sign_in\n"
      "view capture\n"
      "wait_cameras_live 3\n"
      "capture_consent " +
      patient + " " + consent +
      " teaching hand:left\n"
      "click capture.check_consent\n"
      "expect_disabled capture.record\n"
      "screenshot " +
      refused_png.string() + "\ncapture_record\n";
  StudioRun run = studio(script);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const Json* disabled = step(run, "expect_disabled");
  ASSERT_NE(disabled, nullptr) << run.out << run.err;
  const Json& capture = (*disabled)["capture"];
  EXPECT_FALSE(capture["record_enabled"].get<bool>());
  const std::string reason = capture["record_disabled_reason"];
  EXPECT_NE(reason.find("refused by rule no-consent"), std::string::npos) << reason;
  EXPECT_NE(reason.find("teaching"), std::string::npos) << reason;
  EXPECT_FALSE(capture["consent_allowed"].get<bool>());
  EXPECT_NE(run.err.find("script line 8 (`capture_record`)"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("refused by rule no-consent"), std::string::npos) << run.err;
  expect_drawn(refused_png, 1000);

  // A click on the disabled button is refused too; and a consent form the archive does not
  // know blocks Record with that reason.
  run = studio("sign_in\nview capture\ncapture_consent " + patient +
               " 00000000-0000-4000-8000-000000000000 clinical_record hand:left\n"
               "click capture.check_consent\nexpect_disabled capture.record\n"
               "click capture.record\n");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find("the widget `capture.record` is disabled"), std::string::npos) << run.err;
  const Json* unknown = step(run, "expect_disabled");
  ASSERT_NE(unknown, nullptr) << run.out << run.err;
  EXPECT_NE((*unknown)["capture"]["record_disabled_reason"].get<std::string>().find(
                "Consent does not allow this recording"),
            std::string::npos)
      << unknown->dump();

  // Nothing was registered or filmed: no media, no catalogue row; the gate's refusals are
  // audited (invariant 3) and nothing else about recordings is.
  EXPECT_EQ(media_files(), 0U);
  const RunResult found = run_as("photo", {"archive", "search", "--json"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  EXPECT_TRUE(parse_json(found.out).value().empty()) << found.out;
  const std::vector<Json> rows = audit_rows();
  bool refusal_audited = false;
  for (std::size_t i = audit_before; i < rows.size(); ++i) {
    const std::string action = rows[i].value("action", "");
    EXPECT_NE(action, "catalogue") << rows[i].dump();
    if (action == "record") {
      EXPECT_EQ(rows[i]["outcome"], "refuse") << rows[i].dump();
      refusal_audited = refusal_audited || rows[i]["rule"] == "no-consent";
    }
  }
  EXPECT_TRUE(refusal_audited);
}

TEST_F(StudioCapture, ACameraThatVanishesMidRecordingIsReportedAndTheOtherKept) {
  const std::string patient = add_patient();
  const std::string consent = add_consent(patient, kRecordOnly);
  // cam1 disappears after 45 frames (1.5 s): the session ends it alone and cam0 goes on.
  const StudioRun run = studio(
      "sign_in\nview capture\nwait_cameras_live 3\ncapture_consent " + patient + " " + consent +
          " clinical_record hand:left\nclick capture.check_consent\nclick capture.record\n"
          "wait_recording 3\nclick capture.stop\nwait_capture_stopped\nframes 3\n"
          "expect_disabled capture.stop\nclick capture.ghost\nclick capture.zebra\n"
          "click capture.peaking\nframes 10\n",
      {"test://theatre?width=320&height=180&rate=30/1",
       "test://theatre?width=320&height=180&rate=30/1&fail-after=45"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const Json& recording = (*step(run, "wait_recording"))["capture"];
  ASSERT_EQ(recording["streams"].size(), 2U) << recording.dump();
  EXPECT_EQ(recording["streams"][0]["state"], "recording") << recording.dump();
  EXPECT_EQ(recording["streams"][1]["state"], "failed") << recording.dump();
  EXPECT_NE(recording["streams"][1]["error"].get<std::string>().find("disappeared"),
            std::string::npos)
      << recording.dump();

  const Json& stopped = (*step(run, "wait_capture_stopped"))["capture"];
  EXPECT_EQ(stopped["last_error"], "") << stopped.dump();
  const std::string problem = stopped["last_problem"];
  EXPECT_NE(problem.find("cam1"), std::string::npos) << problem;
  EXPECT_NE(problem.find("disappeared"), std::string::npos) << problem;
  // The last frames became the ghost for the next recording; Stop is disabled again.
  const Json& after = (*step(run, "expect_disabled"))["capture"];
  EXPECT_EQ(after["ghost_frames"], Json::array({true, true})) << after.dump();
  const Json* zebra = step(run, "click", 4);
  ASSERT_NE(zebra, nullptr) << run.out;
  EXPECT_TRUE((*zebra)["capture"]["ghost"].get<bool>());
  EXPECT_TRUE((*zebra)["capture"]["zebra"].get<bool>());
  // Focus peaking on: the chart's sharp patch edges are painted and read as a focus measure.
  const Json* peaking = step(run, "frames", 1);
  ASSERT_NE(peaking, nullptr) << run.out;
  const Json& capture = (*peaking)["capture"];
  EXPECT_TRUE(capture["peaking"].get<bool>());
  EXPECT_GT(capture["exposure"][0]["peaks"].get<std::size_t>(), 0U) << capture.dump();
  EXPECT_GT(capture["exposure"][0]["mean_gradient"].get<double>(), 0.0) << capture.dump();
  EXPECT_GT(capture["exposure"][0]["mean_luma"].get<double>(), 10.0) << capture.dump();

  // Both files were kept: cam0 whole, cam1 up to where it vanished.
  ASSERT_EQ(stopped["last_recording_ids"].size(), 2U) << stopped.dump();
  const RunResult found = run_as("photo", {"archive", "search", "--json"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  const Json items = parse_json(found.out).value();
  ASSERT_EQ(items.size(), 2U) << found.out;
  for (const Json& item : items) {
    const Rational duration = Rational::parse(item["duration_s"].get<std::string>()).value();
    if (item["id"] == stopped["last_recording_ids"][0]) {
      EXPECT_GE(duration.to_double(), 2.5) << item.dump();
    } else {
      EXPECT_LT(duration.to_double(), 2.5) << item.dump();
    }
  }
}

}  // namespace
}  // namespace clinvid::test
