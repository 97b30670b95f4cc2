// The studio's archive views end to end, driven by a script through the real frame loop under
// Xvfb: an archive made with the `clinvid` CLI (users, patient, teaching consent, an imported
// video), then the studio signs in, finds the recording in the Library, puts it on the
// timeline, steps the editor's composed preview, checks consent and exports a teaching film.
// The film must be in the archive (asked through the CLI) and each view's screenshot must
// show something.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <png.h>

#include "archive_cli_fixture.hpp"

namespace clinvid::test {
namespace {

const Json kTeachingAndRecord =
    Json::array({{{"purpose", "clinical_record"}, {"grant", "identifiable"}},
                 {{"purpose", "teaching"}, {"grant", "identifiable"}}});

struct Png {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::vector<std::uint8_t> rgba;
};

Png read_png(const fs::path& path) {
  Png out;
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_file(&image, path.c_str()) == 0) return out;
  image.format = PNG_FORMAT_RGBA;
  out.rgba.resize(std::size_t{image.width} * image.height * 4);
  if (png_image_finish_read(&image, nullptr, out.rgba.data(), 0, nullptr) == 0) {
    png_image_free(&image);
    out.rgba.clear();
    return out;
  }
  out.width = image.width;
  out.height = image.height;
  return out;
}

std::size_t distinct_colours(const Png& image) {
  std::set<std::uint32_t> distinct;
  for (std::size_t i = 0; i + 3 < image.rgba.size(); i += 4) {
    distinct.insert((std::uint32_t{image.rgba[i]} << 16U) |
                    (std::uint32_t{image.rgba[i + 1]} << 8U) | image.rgba[i + 2]);
  }
  return distinct.size();
}

// Screenshots go to the build tree, where docs/images can be refreshed from.
fs::path screenshot_path(const std::string& name) {
  const fs::path dir = fs::path(CLINVID_BINARY_DIR) / "tests" / "gui";
  fs::create_directories(dir);
  fs::remove(dir / name);
  return dir / name;
}

struct StudioRun {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::vector<Json> steps;  // the JSON lines the script printed
};

class StudioWorkflow : public ArchiveCli {
 protected:
  void SetUp() override {
    if (std::string(CLINVID_XVFB_RUN).empty()) GTEST_SKIP() << "xvfb-run is not installed";
    ArchiveCli::SetUp();
    add_user("edu", "educator");
  }

  StudioRun studio(const std::string& user, const std::string& passphrase,
                   const std::string& script) {
    const fs::path script_file = tmp_.path() / "steps.txt";
    write_text(script_file, script);
    const fs::path pass_file = tmp_.path() / (user + ".pass");
    write_text(pass_file, passphrase + "\n");
    const fs::path out_file = tmp_.path() / "studio.out";
    const fs::path err_file = tmp_.path() / "studio.err";
    const std::string command =
        std::string("timeout 120 ") + CLINVID_XVFB_RUN + " -a -s '-screen 0 1280x800x24' '" +
        CLINVID_STUDIO_EXE + "' --camera none --archive '" + archive_.string() + "' --user " +
        user + " --passphrase-file '" + pass_file.string() + "' --script '" + script_file.string() +
        "' > '" + out_file.string() + "' 2> '" + err_file.string() + "'";
    const int status = std::system(command.c_str());
    StudioRun run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = read_text(out_file);
    run.err = read_text(err_file);
    for (const std::string& line : lines_of(run.out)) {
      if (line.empty() || line.front() != '{') continue;
      auto parsed = parse_json(line);
      if (parsed) run.steps.push_back(*parsed);
    }
    return run;
  }

  static const Json* step(const StudioRun& run, const std::string& verb) {
    for (const Json& s : run.steps) {
      if (s.value("step", "") == verb) return &s;
    }
    return nullptr;
  }
};

TEST_F(StudioWorkflow, SearchAddToTimelineStepAndExportATeachingFilm) {
  const std::string patient = add_patient();
  const std::string consent = add_consent(patient, kTeachingAndRecord);
  const std::string recording = import(patient, consent, video("hand", 1));

  const fs::path library_png = screenshot_path("studio_library.png");
  const fs::path editor_png = screenshot_path("studio_editor.png");
  const fs::path export_png = screenshot_path("studio_export.png");
  const StudioRun run = studio("edu", "edu-pass",
                               "sign_in\n"
                               "view library\n"
                               "search nothing-matches-this\n"
                               "search Dupuytren\n"
                               "select 0\n"
                               "screenshot " +
                                   library_png.string() +
                                   "\n"
                                   "add_to_timeline\n"
                                   "view editor\n"
                                   "step 5\n"
                                   "step -2\n"
                                   "speed 1/2\n"
                                   "undo\n"
                                   "save studio-test\n"
                                   "screenshot " +
                                   editor_png.string() +
                                   "\n"
                                   "view export\n"
                                   "check_consent teaching\n"
                                   "export teaching archive\n"
                                   "wait_export\n"
                                   "screenshot " +
                                   export_png.string() + "\n");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  const Json* signed_in = step(run, "sign_in");
  ASSERT_NE(signed_in, nullptr) << run.out;
  EXPECT_EQ((*signed_in)["role"], "educator");
  // Both searches report: the first finds nothing, the second our recording.
  std::vector<std::size_t> found;
  for (const Json& s : run.steps) {
    if (s["step"] == "search") found.push_back(s["library_results"].get<std::size_t>());
  }
  ASSERT_EQ(found.size(), 2U) << run.out;
  EXPECT_EQ(found[0], 0U);
  EXPECT_EQ(found[1], 1U);
  EXPECT_EQ((*step(run, "select"))["recording"], recording);
  const Json* added = step(run, "add_to_timeline");
  ASSERT_NE(added, nullptr);
  EXPECT_EQ((*added)["clips"], 1);
  EXPECT_EQ((*added)["tracks"], 1);
  EXPECT_GE((*added)["frames"].get<int>(), 29);  // 1 s at 30000/1001
  // Frame steps move the playhead and the preview composed each frame.
  std::vector<int> playheads;
  for (const Json& s : run.steps) {
    if (s["step"] == "step") playheads.push_back(s["playhead"].get<int>());
  }
  EXPECT_EQ(playheads, (std::vector<int>{5, 3}));
  // Half speed doubles the clip on the timeline; undo restores it.
  const Json* slowed = step(run, "speed");
  ASSERT_NE(slowed, nullptr);
  EXPECT_GE((*slowed)["frames"].get<int>(), 2 * (*added)["frames"].get<int>() - 1);
  EXPECT_EQ((*step(run, "undo"))["frames"], (*added)["frames"]);
  EXPECT_EQ((*step(run, "save"))["revision"], 1);

  const Json* exported = step(run, "wait_export");
  ASSERT_NE(exported, nullptr) << run.out << run.err;
  const std::string film = (*exported)["film"];
  ASSERT_FALSE(film.empty());

  // The film is in the archive, for teaching, derived from the recording.
  const RunResult search = run_as("edu", {"archive", "search", "--purpose", "teaching", "--json"});
  ASSERT_EQ(search.exit_code, 0) << search.err;
  const Json items = parse_json(search.out).value();
  bool film_found = false;
  for (const Json& item : items) {
    if (item["id"] != film) continue;
    film_found = true;
    EXPECT_NE(item.dump().find(recording), std::string::npos) << item.dump();
  }
  EXPECT_TRUE(film_found) << search.out;

  // Each view's screenshot shows a drawn UI; the editor's also the composed testsrc2 frame.
  for (const fs::path& png : {library_png, editor_png, export_png}) {
    const Png image = read_png(png);
    ASSERT_EQ(image.width, 1280U) << png;
    ASSERT_EQ(image.height, 720U) << png;
    EXPECT_GT(distinct_colours(image), 20U) << png << " looks blank";
  }
  EXPECT_GT(distinct_colours(read_png(editor_png)), 300U) << "no video in the editor preview";
}

TEST_F(StudioWorkflow, BadScriptsWrongPassphraseAndRoleAreRefusedClearly) {
  // A step the studio does not know: refused before anything runs, naming the line.
  StudioRun run = studio("edu", "edu-pass", "sign_in\nview library\nfly away\n");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find(":3: unknown step `fly`"), std::string::npos) << run.err;
  EXPECT_TRUE(run.steps.empty()) << run.out;

  run = studio("edu", "edu-pass", "select\n");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("`select` takes 1 to 1 argument(s), not 0"), std::string::npos) << run.err;

  // Selecting past the results: the step fails with the count.
  run = studio("edu", "edu-pass", "search\nselect 3\n");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("script line 2 (`select`)"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("the library lists 0 recording(s)"), std::string::npos) << run.err;

  // A wrong passphrase: no window work at all, a clear sign-in error.
  run = studio("edu", "not-the-passphrase", "sign_in\n");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("signing in as `edu`"), std::string::npos) << run.err;

  // An auditor may not open the Library: the reason is the error.
  run = studio("aud", "aud-pass", "sign_in\nview library\n");
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_NE(run.err.find("auditors read the audit trail, never the media"), std::string::npos)
      << run.err;
  ASSERT_EQ(run.steps.size(), 1U) << run.out;
  EXPECT_EQ(run.steps[0]["role"], "auditor");
}

}  // namespace
}  // namespace clinvid::test
