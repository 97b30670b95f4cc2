// Films from the command line as a script makes them: `clinvid project new/validate/otio/save`,
// `clinvid render` and `clinvid frame` in child processes against a real archive, the result
// read back with the `age` CLI and ffprobe.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "archive_cli_fixture.hpp"
#include "time_text.h"

namespace clinvid::test {
namespace {

namespace fs = std::filesystem;

const Json kTeachingAndRecord =
    Json::array({{{"purpose", "clinical_record"}, {"grant", "identifiable"}},
                 {{"purpose", "teaching"}, {"grant", "identifiable"}}});
const Json kRecordOnly = Json::array({{{"purpose", "clinical_record"}, {"grant", "identifiable"}},
                                      {{"purpose", "teaching"}, {"grant", "refused"}}});

class RenderCli : public ArchiveCli {
 protected:
  void SetUp() override {
    ArchiveCli::SetUp();
    add_user("edu", "educator");
  }

  std::string ffprobe(const fs::path& file) {
    std::string out;
    const std::string command =
        "ffprobe -v error -count_frames -show_entries "
        "format=duration:stream=codec_name,nb_read_frames,width -of "
        "default=noprint_wrappers=1 '" +
        file.string() + "' 2>&1";
    std::FILE* pipe = ::popen(command.c_str(), "r");
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
      out.append(buffer, n);
    ::pclose(pipe);
    return out;
  }
};

// Times typed on the command line are read exactly, in every form the help names.
TEST(TimeText, SecondsClockAndFractionsAreExact) {
  using cli::parse_time_text;
  EXPECT_EQ(parse_time_text("12").value(), Time(12, Rational()));
  EXPECT_EQ(parse_time_text("12.04").value(), Time(1204, Rational::make(1, 100).value()));
  EXPECT_EQ(parse_time_text("1:02.5").value(), Time(625, Rational::make(1, 10).value()));
  EXPECT_EQ(parse_time_text("01:00:02.500").value(),
            Time(3602500, Rational::make(1, 1000).value()));
  EXPECT_EQ(parse_time_text("1001/30000").value(), Time(1001, Rational::make(1, 30000).value()));
  for (const char* bad : {"", "soon", "-1", "1:75", "1:2:3:4", "1.2.3", "5/0", "1e3", "1/-2"}) {
    auto t = parse_time_text(bad);
    ASSERT_FALSE(t) << bad;
    EXPECT_EQ(t.error().code, Errc::invalid_argument) << bad;
  }
}

TEST_F(RenderCli, CommandsHaveHelp) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"render", "--help"},
                                                                {"project", "--help"},
                                                                {"project", "new", "--help"},
                                                                {"project", "otio", "--help"},
                                                                {"frame", "--help"}}) {
    const RunResult r = run_clinvid(args);
    EXPECT_EQ(r.exit_code, 0) << args[0];
    EXPECT_NE(r.out.find("Exit codes"), std::string::npos) << args[0] << r.out;
  }
  EXPECT_NE(run_clinvid({"render", "--help"}).out.find("gait-review"), std::string::npos);
}

TEST_F(RenderCli, SideBySideFilmWithTitleCaptionAndRedactionFromTheCommandLine) {
  const std::string patient = add_patient();
  const std::string consent = add_consent(patient, kTeachingAndRecord);
  const std::string before = import(patient, consent, video("before"));
  const std::string after = import(patient, consent, video("after"));

  const fs::path project = tmp_.path() / "knee.json";
  const RunResult made = run_as("edu", {"project",
                                        "new",
                                        "-o",
                                        project.string(),
                                        "--title",
                                        "Gait before and after",
                                        "--size",
                                        "320x180",
                                        "--rate",
                                        "30",
                                        "--layout",
                                        "side-by-side",
                                        "--clip",
                                        before,
                                        "--clip",
                                        after,
                                        "--face",
                                        "1:0.4,0.1,0.2,0.3",
                                        "--redact",
                                        "1:0.35,0.05,0.3,0.4:pixelate",
                                        "--caption",
                                        "0.5-1.5 Heel strike on the left",
                                        "--title-card",
                                        "Gait review|Six weeks",
                                        "--consent-ref",
                                        "Consent on file",
                                        "--end-card",
                                        "--json"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(parse_json(made.out).value()["clips"], 2);

  const RunResult valid = run_as("edu", {"project", "validate", project.string()});
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
  EXPECT_NE(valid.out.find("valid"), std::string::npos);

  const fs::path otio = tmp_.path() / "knee.otio";
  const RunResult o = run_as("edu", {"project", "otio", project.string(), "-o", otio.string()});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  auto otio_json = parse_json(read_text(otio));
  ASSERT_TRUE(otio_json) << read_text(otio);
  EXPECT_EQ((*otio_json)["OTIO_SCHEMA"], "Timeline.1");

  // Rendered for teaching, and a copy encrypted to a recipient of our own.
  const fs::path key = tmp_.path() / "key.txt";
  ASSERT_EQ(std::system(("age-keygen -o '" + key.string() + "' 2>/dev/null").c_str()), 0);
  std::string recipient;
  for (const auto& line : lines_of(read_text(key))) {
    if (line.rfind("# public key: ", 0) == 0) recipient = line.substr(14);
  }
  const fs::path copy = tmp_.path() / "film.mp4.age";
  const RunResult r = run_as("edu", {"render", project.string(), "--purpose", "teaching",
                                     "--preset", "archive", "-o", copy.string(), "-r", recipient});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("100%"), std::string::npos) << r.err;  // the progress bar
  // FFmpeg's own chatter (x264 statistics) stays out of the user's terminal.
  EXPECT_EQ(r.err.find("libx264"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("derived from"), std::string::npos) << r.out;

  const fs::path plain = tmp_.path() / "film.mp4";
  ASSERT_EQ(std::system(("age -d -i '" + key.string() + "' -o '" + plain.string() + "' '" +
                         copy.string() + "'")
                            .c_str()),
            0);
  const std::string report = ffprobe(plain);
  EXPECT_NE(report.find("codec_name=h264"), std::string::npos) << report;
  // 3 s title card + 2 s of the two recordings side by side + 4 s end card.
  EXPECT_NE(report.find("nb_read_frames=270"), std::string::npos) << report;
  const auto at = report.find("duration=");
  ASSERT_NE(at, std::string::npos) << report;
  EXPECT_NEAR(std::stod(report.substr(at + 9)), 9.0, 0.05) << report;

  // The film is in the archive as a teaching film derived from both recordings.
  const RunResult found = run_as("edu", {"archive", "search", "--purpose", "teaching", "--json"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  auto films = parse_json(found.out);
  ASSERT_TRUE(films);
  bool derived = false;
  for (const auto& f : *films) {
    if (f.value("derived_from", Json::array()).size() == 2) derived = true;
  }
  EXPECT_TRUE(derived) << found.out;

  // Saved in the archive (sealed), listed, and rendered again by name.
  ASSERT_EQ(run_as("edu", {"project", "save", project.string(), "--name", "knee"}).exit_code, 0);
  const RunResult list = run_as("edu", {"project", "list"});
  EXPECT_NE(list.out.find("knee"), std::string::npos) << list.out;
  EXPECT_FALSE(any_file_contains(archive_, "Heel strike on the left"));
}

TEST_F(RenderCli, RefusedClipIsNamedWithExitCodeFour) {
  const std::string patient = add_patient();
  const std::string ok = add_consent(patient, kTeachingAndRecord);
  const std::string no_teaching =
      add_consent(patient, kRecordOnly, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
  const std::string allowed = import(patient, ok, video("ok"));
  const std::string refused = import(patient, no_teaching, video("refused"));
  const fs::path project = tmp_.path() / "mixed.json";
  ASSERT_EQ(run_as("edu", {"project", "new", "-o", project.string(), "--size", "320x180",
                           "--layout", "side-by-side", "--clip", allowed, "--clip", refused})
                .exit_code,
            0);
  const RunResult r =
      run_as("edu", {"render", project.string(), "--purpose", "teaching", "--preset", "archive"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("clip c"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(refused), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(no_teaching), std::string::npos) << r.err;
}

TEST_F(RenderCli, MalformedProjectsAreRejectedWithWhereAndWhat) {
  const fs::path bad = tmp_.path() / "bad.json";
  write_text(bad, R"({"format": "clinvid-project", "version": 7})");
  RunResult r = run_as("edu", {"project", "validate", bad.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("version"), std::string::npos) << r.err;
  write_text(bad, "{ not json");
  r = run_as("edu", {"project", "validate", bad.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("project"), std::string::npos) << r.err;
  r = run_as("edu", {"project", "validate", (tmp_.path() / "missing.json").string()});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  r = run_as("edu", {"render", bad.string(), "--purpose", "teaching"});
  EXPECT_NE(r.exit_code, 0);
  r = run_as("edu", {"render", bad.string(), "--purpose", "holiday-snaps"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = run_as("edu", {"project", "new", "-o", bad.string(), "--caption", "5-2 backwards"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST_F(RenderCli, FrameExportsOneGatedAuditedStill) {
  const std::string patient = add_patient();
  const std::string consent = add_consent(patient, kTeachingAndRecord);
  const std::string id = import(patient, consent, video("still"));
  const fs::path png = tmp_.path() / "still.png";
  const RunResult r = run_as("photo", {"frame", id, "--at", "1.0", "-o", png.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string bytes = read_text(png);
  ASSERT_GT(bytes.size(), 8U);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
  EXPECT_EQ(parse_json(r.out).value()["width"], 320);
  bool audited = false;
  for (const Json& row : audit_rows()) {
    if (row.value("target", "") == id &&
        row.value("detail", Json::object()).dump().find("still") != std::string::npos) {
      audited = true;
    }
  }
  EXPECT_TRUE(audited);
  // A bad time, and an unknown recording.
  EXPECT_EQ(run_as("photo", {"frame", id, "--at", "soon", "-o", png.string()}).exit_code, 2);
  EXPECT_NE(run_as("photo", {"frame", "no-such-id", "--at", "1", "-o", png.string()}).exit_code, 0);
}

}  // namespace
}  // namespace clinvid::test
