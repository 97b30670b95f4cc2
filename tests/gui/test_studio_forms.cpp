// The studio's forms and session driven through the real frame loop under Xvfb with synthetic
// input (issue 8): a consent form typed, signed on the pad, saved and then withdrawn; Settings
// listing users and adding one; the inactivity lock with a wrong and a right passphrase; the
// help overlay; the editor's trim handles, zoom, snapping and the unsaved-changes prompt.
// Every model change is checked through the JSON lines; the consent and settings screenshots
// (docs/images) are checked to show something.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "studio_test_util.hpp"

namespace clinvid::test {
namespace {

const Json kRecordAndTeaching =
    Json::array({{{"purpose", "clinical_record"}, {"grant", "identifiable"}},
                 {{"purpose", "teaching"}, {"grant", "identifiable"}}});

void expect_non_trivial(const fs::path& png) {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  const std::size_t colours = distinct_colours(png, width, height);
  EXPECT_EQ(width, 1280U) << png;
  EXPECT_EQ(height, 960U) << png;
  EXPECT_GT(colours, 20U) << png << " looks blank";
}

class StudioForms : public StudioArchiveTest {
 protected:
  StudioRun studio(const std::string& user, const std::string& passphrase,
                   const std::string& script, const std::string& extra = "") {
    StudioInvocation how;
    how.env = "CLINVID_ARCHIVE_KDF=fast";
    how.screen = "1280x1024x24";
    how.timeout_s = 150;
    how.args = "--camera none --height 960 " + extra;
    return studio_as(user, passphrase, script, how);
  }

  // The JSON line of the script's `line`-th step (1-based, as in the file).
  static const Json& at_line(const StudioRun& run, std::size_t line) {
    static const Json kMissing = Json::object();
    for (const Json& s : run.steps) {
      if (s.value("line", 0U) == line) return s;
    }
    return kMissing;
  }
};

TEST_F(StudioForms, ConsentFormIsTypedSignedSavedEncryptedAndWithdrawn) {
  const std::string patient = add_patient();
  const fs::path consent_png = screenshot_path("studio_consent.png");
  const std::string script =
      "sign_in\n"                // 1
      "view consent\n"           // 2
      "click consent.save\n"     // 3: empty form: the patient is missing
      "click consent.patient\n"  // 4
      "type " +
      patient +
      "\n"                                              // 5
      "click consent.purpose.clinical_record\n"         // 6
      "click consent.purpose.teaching\n"                // 7
      "click consent.grant.teaching.anonymised_only\n"  // 8
      "click consent.body_sites\n"                      // 9
      "type hand\n"                                     // 10
      "click consent.taken_by_name\n"                   // 11
      "type Mary Taker\n"                               // 12
      "click consent.taken_by_role\n"                   // 13
      "type Clinical photographer\n"                    // 14
      "click consent.save\n"                            // 15: written, unsigned: the pad
      "drag consent.signature_pad 150 20\n"             // 16
      "drag consent.signature_pad -90 -30\n"            // 17
      "screenshot " +
      consent_png.string() +
      "\n"                                         // 18
      "click consent.save\n"                       // 19: saved
      "click consent.tab.withdraw\n"               // 20
      "click consent.withdraw.load\n"              // 21
      "click consent.withdraw.purpose.teaching\n"  // 22
      "click consent.withdraw.submit\n";           // 23
  const StudioRun run = studio("photo", "photo-pass", script);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  const Json& empty = at_line(run, 3)["consent"];
  EXPECT_EQ(empty["problem_field"], "consent.patient") << empty.dump();
  EXPECT_FALSE(empty["next_step"].get<std::string>().empty());
  EXPECT_EQ(at_line(run, 5)["consent"]["patient"], patient);
  EXPECT_EQ(at_line(run, 8)["consent"]["purposes"],
            (Json{{"clinical_record", "identifiable"}, {"teaching", "anonymised_only"}}));
  EXPECT_EQ(at_line(run, 15)["consent"]["problem_field"], "consent.signature_pad")
      << at_line(run, 15).dump();
  const Json& signed_form = at_line(run, 17)["consent"];
  EXPECT_EQ(signed_form["strokes"], 2);
  EXPECT_GE(signed_form["stroke_points"].get<int>(), 10);
  const std::string id = at_line(run, 19)["consent"]["saved"];
  ASSERT_FALSE(id.empty()) << at_line(run, 19).dump();
  EXPECT_FALSE(at_line(run, 19)["consent"].contains("problem_field"));
  EXPECT_EQ(at_line(run, 21)["consent"]["loaded_states"]["teaching"], "anonymised_only");
  EXPECT_EQ(at_line(run, 23)["consent"]["withdrawals"], 1) << at_line(run, 23).dump();
  EXPECT_EQ(at_line(run, 23)["consent"]["loaded_states"]["teaching"], "withdrawn");

  // The archive holds the form, its signature as an age file, and the withdrawal.
  const RunResult shown = run_as("photo", {"consent", "show", id, "--json"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const Json form = parse_json(shown.out).value();
  EXPECT_EQ(form["patient_ref"], patient);
  EXPECT_EQ(form["taken_by"]["name"], "Mary Taker");
  EXPECT_EQ(form["body_sites"], Json::array({"hand"}));
  EXPECT_EQ(form["state_today"]["teaching"], "withdrawn");
  EXPECT_EQ(form["state_today"]["clinical_record"], "identifiable");
  const std::string media_ref = form["signature"]["media_ref"];
  const fs::path signature = archive_ / "signatures" / (media_ref + ".age");
  const std::string bytes = read_text(signature);
  EXPECT_TRUE(bytes.starts_with("age-encryption.org/v1\n")) << signature;
  EXPECT_EQ(bytes.find("IHDR"), std::string::npos) << "the signature PNG is not in clear";

  expect_non_trivial(consent_png);
}

TEST_F(StudioForms, SettingsAddsAUserAndTheStudioLocksAfterInactivity) {
  const fs::path settings_png = screenshot_path("studio_settings.png");
  const std::string ig = "ig secret passphrase";
  const std::string script =
      "sign_in\n"        // 1
      "view settings\n"  // 2
      "wait_settings\n"  // 3
      "screenshot " +
      settings_png.string() +
      "\n"                                   // 4
      "click settings.new_user\n"            // 5
      "type newbie\n"                        // 6
      "click settings.role.researcher\n"     // 7
      "click settings.new_passphrase\n"      // 8
      "type newbie-pass-1\n"                 // 9
      "click settings.confirm_passphrase\n"  // 10
      "type newbie-pass-1\n"                 // 11
      "click settings.add_user\n"            // 12
      "wait_settings\n"                      // 13
      "click settings.theme.light\n"         // 14
      "click settings.theme.dark\n"          // 15
      "lock_after 1\n"                       // 16
      "wait_locked 20\n"                     // 17
      "click lock.passphrase\n"              // 18
      "type not-the-passphrase\n"            // 19
      "key enter\n"                          // 20: refused
      "type " +
      ig +
      "\n"                       // 21
      "key enter\n"              // 22: unlocked
      "lock_after 0\n"           // 23
      "key ctrl+l\n"             // 24: locked now
      "click lock.passphrase\n"  // 25
      "type " +
      ig +
      "\n"                   // 26
      "click lock.unlock\n"  // 27
      "view editor\n"        // 28
      "key f1\n"             // 29
      "key escape\n";        // 30
  const StudioRun run = studio("ig", ig, script);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  const Json& settings = at_line(run, 3)["settings"];
  EXPECT_EQ(settings["users"], Json::array({"aud", "ig", "photo"})) << settings.dump();
  EXPECT_EQ(settings["policy"], "clinvid-default");
  EXPECT_GT(settings["policy_rules"].get<int>(), 5);
  EXPECT_GE(settings["encoders_available"].get<int>(), 1) << "x264 is installed here";
  const Json& added = at_line(run, 13);
  EXPECT_EQ(added["settings"]["users"], Json::array({"aud", "ig", "newbie", "photo"}))
      << added.dump();
  EXPECT_FALSE(added["settings"]["add_user_failed"].get<bool>());
  EXPECT_EQ(at_line(run, 14)["settings"]["theme"], "light");
  EXPECT_EQ(at_line(run, 15)["settings"]["theme"], "dark");

  EXPECT_FALSE(at_line(run, 16)["locked"].get<bool>());
  EXPECT_TRUE(at_line(run, 17)["locked"].get<bool>());
  const Json& wrong = at_line(run, 20);
  EXPECT_TRUE(wrong["locked"].get<bool>());
  EXPECT_NE(wrong.value("lock_error", "").find("Wrong passphrase"), std::string::npos)
      << wrong.dump();
  EXPECT_FALSE(at_line(run, 22)["locked"].get<bool>()) << at_line(run, 22).dump();
  EXPECT_TRUE(at_line(run, 24)["locked"].get<bool>());
  EXPECT_FALSE(at_line(run, 27)["locked"].get<bool>());
  const Json& help = at_line(run, 29);
  EXPECT_TRUE(help["help_open"].get<bool>()) << help.dump();
  EXPECT_EQ(help["help_sections"].size(), 8U);
  EXPECT_EQ(help["help_current"], "editor");
  EXPECT_GE(help["help_shortcuts"].get<int>(), 20);
  EXPECT_FALSE(at_line(run, 30)["help_open"].get<bool>());

  // The new user signs in; the lock events are in the audit trail.
  const RunResult users = run_as("newbie", {"user", "list", "--json"});
  EXPECT_EQ(users.exit_code, 0) << users.err;
  const RunResult audit = run_as("ig", {"audit", "export"});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_NE(audit.out.find("\"session_lock\""), std::string::npos);
  EXPECT_NE(audit.out.find("wrong passphrase at the lock screen"), std::string::npos);

  expect_non_trivial(settings_png);
}

TEST_F(StudioForms, TrimHandlesZoomSnapAndTheUnsavedChangesPrompt) {
  add_user("edu", "educator");
  const std::string patient = add_patient();
  const std::string consent = add_consent(patient, kRecordAndTeaching);
  import(patient, consent, video("long", 20));
  const std::string script =
      "sign_in\n"                                         // 1
      "view library\n"                                    // 2
      "search Dupuytren\n"                                // 3
      "select 0\n"                                        // 4
      "add_to_timeline\n"                                 // 5
      "view editor\n"                                     // 6
      "drag editor.trim_out.c2 -40 0\n"                   // 7
      "drag editor.trim_in.c2 30 0\n"                     // 8
      "key ctrl+z\n"                                      // 9
      "step 300\n"                                        // 10
      "drag_to editor.trim_out.c2 editor.playhead 1 0\n"  // 11: snaps onto the playhead
      "key ctrl+z\n"                                      // 12
      "key n\n"                                           // 13: snapping off
      "drag_to editor.trim_out.c2 editor.playhead 1 0\n"  // 14: lands beside it
      "click editor.zoom_in\n"                            // 15
      "drag editor.ruler 60 0\n"                          // 16: scrub
      "key ctrl+q\n"                                      // 17: unsaved: asks
      "frames 2\n"                                        // 18: the prompt appears
      "click prompt.cancel\n"                             // 19
      "key ctrl+q\n"                                      // 20
      "frames 2\n"                                        // 21
      "click prompt.discard\n"                            // 22: quits
      "frames 5\n";                                       // 23: never reached
  const StudioRun run = studio("edu", "edu-pass", script);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  ASSERT_EQ(at_line(run, 5)["clip"], "c2") << at_line(run, 5).dump();

  const auto span = [&](std::size_t line) { return at_line(run, line)["clip_spans"][0]; };
  const Json added = span(5);
  const Json out_trimmed = span(7);
  EXPECT_LT(out_trimmed["out_s"].get<double>(), added["out_s"].get<double>() - 0.3)
      << out_trimmed.dump();
  EXPECT_EQ(out_trimmed["start_frame"], 0);
  const Json in_trimmed = span(8);
  EXPECT_GT(in_trimmed["in_s"].get<double>(), 0.3) << in_trimmed.dump();
  EXPECT_GT(in_trimmed["start_frame"].get<int>(), 0) << "the in edge moves the clip's start";
  EXPECT_EQ(in_trimmed["end_frame"], out_trimmed["end_frame"]) << "the other edge stays";
  EXPECT_EQ(at_line(run, 8)["undo_depth"].get<int>(), at_line(run, 7)["undo_depth"].get<int>() + 1)
      << "one drag, one undo step";
  EXPECT_EQ(span(9), out_trimmed) << "undo restores the clip";

  const int playhead = at_line(run, 10)["playhead"];
  EXPECT_EQ(playhead, 300);
  EXPECT_EQ(span(11)["end_frame"], playhead) << "snapped onto the playhead: " << span(11).dump();
  EXPECT_FALSE(at_line(run, 13)["snap"].get<bool>());
  EXPECT_GT(span(14)["end_frame"].get<int>(), playhead) << "without snapping it lands beside";
  EXPECT_GT(at_line(run, 15)["zoom"].get<double>(), 1.0);
  EXPECT_NE(at_line(run, 16)["playhead"], playhead) << "dragging the ruler scrubs";

  EXPECT_TRUE(at_line(run, 18)["unsaved_prompt"].get<bool>()) << at_line(run, 18).dump();
  EXPECT_FALSE(at_line(run, 19)["unsaved_prompt"].get<bool>()) << at_line(run, 19).dump();
  EXPECT_TRUE(at_line(run, 21)["unsaved_prompt"].get<bool>());
  EXPECT_TRUE(at_line(run, 23).empty()) << "Discard quits before the rest of the script";
}

}  // namespace
}  // namespace clinvid::test
