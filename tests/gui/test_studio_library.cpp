// The Library view (issue 8) driven by a script under Xvfb against an archive made with the
// CLI: thumbnails decrypted in memory appear for a video and a photo; the consent state of each
// item is shown; the video plays and steps with the arrow keys; a file typed into the import
// form is imported with the archive's quality advice; a photographer sees Erase disabled with
// the reason; the IG officer reads an item's audit trail and erases it with a reason and a
// confirmation, after which it is gone from the library and the erasure is audited.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "studio_test_util.hpp"

namespace clinvid::test {
namespace {

class StudioLibrary : public StudioArchiveTest {
 protected:
  void SetUp() override {
    StudioArchiveTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    patient_ = add_patient();
    consent_ = add_consent(
        patient_, Json::array({{{"purpose", "clinical_record"}, {"grant", "identifiable"}}}));
    video_id_ = import(patient_, consent_, video("clip", 2));
    photo_id_ = import(patient_, consent_, jpeg("hand.jpg"));
  }

  StudioRun studio(const std::string& user, const std::string& script) {
    StudioInvocation how;
    how.timeout_s = 90;
    how.args = "--camera none";
    return studio_as(user, user == "ig" ? "ig secret passphrase" : user + "-pass", script, how);
  }

  // A dark 1 s clip: the archive's quality checks advise a retake.
  fs::path dark_video() {
    const fs::path out = tmp_.path() / "dark.mp4";
    const std::string command =
        "ffmpeg -loglevel error -y -f lavfi -i color=c=0x101010:size=320x180:rate=30:duration=1 "
        "-c:v libx264 -preset ultrafast -pix_fmt yuv420p '" +
        out.string() + "'";
    EXPECT_EQ(std::system(command.c_str()), 0);
    return out;
  }

  static bool contains(const Json& array, const std::string& value) {
    return std::find(array.begin(), array.end(), Json(value)) != array.end();
  }

  std::string patient_, consent_, video_id_, photo_id_;
};

TEST_F(StudioLibrary, ThumbnailsPlayImportAndEraseRefusedForAPhotographer) {
  const fs::path dark = dark_video();
  const fs::path png = screenshot_path("studio_library.png");
  const std::string script =
      "view library\n"
      "frames 2\n"
      "wait_thumbnails\n"
      "select_recording " +
      video_id_ +
      "\n"
      "frames 2\n"
      "click library.play\n"
      "wait_playing 8\n"
      "click library.play\n"
      "frames 2\n"
      "key right\n"
      "wait_player_idle\n"
      "key right\n"
      "wait_player_idle\n"
      "key left\n"
      "wait_player_idle\n"
      "expect_disabled library.erase\n"
      "click library.import_toggle\n"
      "frames 2\n"
      "click library.import_path\n"
      "type " +
      dark.string() +
      "\n"
      "click library.import_patient\n"
      "type " +
      patient_ +
      "\n"
      "click library.import_consent\n"
      "type " +
      consent_ +
      "\n"
      "click library.import_site\n"
      "type hand:left\n"
      "click library.import_procedure\n"
      "type Dark clip\n"
      "click library.import_go\n"
      "wait_import\n"
      "click library.import_toggle\n"
      "wait_thumbnails\n"
      "select_recording " +
      video_id_ +
      "\n"
      "frames 2\n"
      "click library.play\n"
      "wait_playing 20\n"
      "frames 2\n"
      "screenshot " +
      png.string() +
      "\n"
      "quit\n";
  const StudioRun run = studio("photo", script);
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;

  // Both thumbnails were decoded (from the age files, in memory) into real pictures.
  const Json* thumbs = run.step("wait_thumbnails");
  ASSERT_NE(thumbs, nullptr) << run.out;
  EXPECT_EQ((*thumbs)["library_thumbnails_ready"], 2) << thumbs->dump();
  ASSERT_EQ((*thumbs)["thumbnail_colours"].size(), 2U);
  for (const Json& colours : (*thumbs)["thumbnail_colours"]) EXPECT_GT(colours.get<int>(), 20);
  // The consent state of each item for clinical_record.
  EXPECT_EQ((*thumbs)["library_consent_states"], Json::array({"identifiable", "identifiable"}));

  // Play advanced the frames at the recording's rate; the arrows stepped while paused.
  const Json* played = run.step("wait_playing");
  ASSERT_NE(played, nullptr);
  EXPECT_EQ((*played)["library_player_recording"], video_id_);
  EXPECT_GE((*played)["library_player_frames_shown"].get<int>(), 8);
  const Json* right1 = run.step("wait_player_idle", 0);
  const Json* right2 = run.step("wait_player_idle", 1);
  const Json* left = run.step("wait_player_idle", 2);
  ASSERT_TRUE(right1 && right2 && left);
  EXPECT_FALSE((*right1)["library_playing"].get<bool>());
  const std::int64_t first = (*right1)["library_player_frame"];
  EXPECT_GT(first, 0);
  EXPECT_EQ((*right2)["library_player_frame"], first + 1);
  EXPECT_EQ((*left)["library_player_frame"], first);

  // A photographer may not erase: the button is disabled and says why.
  const Json* disabled = run.step("expect_disabled");
  ASSERT_NE(disabled, nullptr);
  EXPECT_NE((*disabled)["library_erase_unavailable"].get<std::string>().find(
                "information-governance officer"),
            std::string::npos);

  // The typed import: catalogued, listed, with the archive's retake advice.
  const Json* imported = run.step("wait_import");
  ASSERT_NE(imported, nullptr);
  const Json& outcome = (*imported)["library_import"];
  EXPECT_EQ(outcome["error"], "") << outcome.dump();
  const std::string new_id = outcome["recording"];
  ASSERT_FALSE(new_id.empty());
  ASSERT_FALSE(outcome["advice"].empty()) << outcome.dump();
  EXPECT_NE(outcome["advice"][0].get<std::string>().find("retake"), std::string::npos);
  EXPECT_TRUE(contains((*imported)["library_ids"], new_id));
  EXPECT_EQ((*imported)["library_results"], 3);
  EXPECT_NE((*imported)["library_message"].get<std::string>().find("too dark"), std::string::npos);
  const Json* after = run.step("wait_thumbnails", 1);
  ASSERT_NE(after, nullptr);
  EXPECT_EQ((*after)["library_thumbnails_ready"], 3) << after->dump();
  const RunResult listed = run_as("photo", {"archive", "search", "--json"});
  EXPECT_NE(listed.out.find(new_id), std::string::npos) << listed.out;

  std::uint32_t width = 0;
  std::uint32_t height = 0;
  EXPECT_GT(distinct_colours(png, width, height), 200U);
  EXPECT_EQ(width, 1280U);
}

TEST_F(StudioLibrary, InformationGovernanceOfficerReadsTheAuditTrailAndErases) {
  const std::string script =
      "view library\n"
      "frames 2\n"
      "wait_thumbnails\n"
      "select_recording " +
      photo_id_ +
      "\n"
      "frames 2\n"
      "click library.audit_load\n"
      "wait_audit\n"
      "click library.erase_reason\n"
      "type patient asked for erasure DPO-17\n"
      "frames 2\n"
      "click library.erase\n"
      "frames 2\n"
      "click library.erase_confirm\n"
      "wait_erase\n"
      "frames 2\n"
      "quit\n";
  const StudioRun run = studio("ig", script);
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;

  const Json* audit = run.step("wait_audit");
  ASSERT_NE(audit, nullptr);
  EXPECT_EQ((*audit)["library_audit_recording"], photo_id_);
  EXPECT_GE((*audit)["library_audit_rows"].get<int>(), 2) << audit->dump();
  EXPECT_TRUE(contains((*audit)["library_audit_actions"], "view")) << audit->dump();
  EXPECT_EQ((*audit)["library_erase_unavailable"], "");

  const Json* erased = run.step("wait_erase");
  ASSERT_NE(erased, nullptr);
  EXPECT_EQ((*erased)["library_erased"], photo_id_) << erased->dump();
  EXPECT_FALSE(contains((*erased)["library_ids"], photo_id_));
  EXPECT_TRUE(contains((*erased)["library_ids"], video_id_));
  EXPECT_FALSE(fs::exists(archive_ / "media" / (photo_id_ + ".age")));

  bool audited = false;
  for (const Json& row : audit_rows()) {
    if (row.value("target", "") == photo_id_ && row.value("action", "") == "erase_done" &&
        row.value("user", "") == "ig") {
      audited = true;
    }
  }
  EXPECT_TRUE(audited);
}

TEST_F(StudioLibrary, AWithdrawnConsentShowsAndRefusesThumbnailsAndPlay) {
  const RunResult withdrawn =
      run_as("photo", {"consent", "withdraw", consent_, "--purpose", "clinical_record"});
  ASSERT_EQ(withdrawn.exit_code, 0) << withdrawn.err;
  const std::string script =
      "view library\n"
      "frames 2\n"
      "wait_thumbnails\n"
      "select_recording " +
      video_id_ +
      "\n"
      "frames 2\n"
      "click library.play\n"
      "frames 2\n"
      "quit\n";
  const StudioRun run = studio("photo", script);
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  const Json* thumbs = run.step("wait_thumbnails");
  ASSERT_NE(thumbs, nullptr);
  EXPECT_EQ((*thumbs)["library_consent_states"], Json::array({"withdrawn", "withdrawn"}));
  EXPECT_EQ((*thumbs)["library_thumbnails"], Json::array({"refused", "refused"}));
  EXPECT_EQ((*thumbs)["library_thumbnails_ready"], 0);
  const Json* clicked = run.step("click");
  ASSERT_NE(clicked, nullptr);
  const std::string why = (*clicked)["library_player_message"];
  EXPECT_NE(why.find("consent-withdrawn"), std::string::npos) << why;
  EXPECT_EQ((*clicked)["library_player_recording"], "");
}

}  // namespace
}  // namespace clinvid::test
