// `clinvid demo`: the newcomer's whole path headless, through the real binary: demo archive,
// calibration, a consent-checked two-camera recording and a teaching film, then the same again
// on the archive it left; and the ways it must refuse.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_clinvid.hpp"

namespace clinvid::test {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

class CliDemo : public ::testing::Test {
 protected:
  RunResult demo(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"demo", "--archive", archive().string(), "--seconds", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_clinvid(args, env());
  }
  // Everything catalogued, read as the demo user with the passphrase the demo kept.
  Json search() {
    const RunResult r =
        run_clinvid({"archive", "search", "--archive", archive().string(), "--user", "demo",
                     "--passphrase-file", passphrase_file().string(), "--json"},
                    env());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Json::parse(r.out, nullptr, false);
  }
  [[nodiscard]] fs::path archive() const { return tmp_.path() / "demo"; }
  [[nodiscard]] fs::path passphrase_file() const { return tmp_.path() / "demo.passphrase"; }
  static EnvChanges env() { return {{"CLINVID_ARCHIVE_KDF", "fast"}}; }

 private:
  TempDir tmp_;
};

TEST_F(CliDemo, RecordsTwoCamerasAndExportsATeachingFilmThenAgainOnTheSameArchive) {
  const RunResult first = demo({"--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const Json made = Json::parse(first.out, nullptr, false);
  ASSERT_TRUE(made.is_object()) << first.out;
  EXPECT_TRUE(made["created"].get<bool>());
  ASSERT_EQ(made["recordings"].size(), 2U);
  EXPECT_LT(made["delta_e00_mean"].get<double>(), 2.0);  // the chart calibrates the camera
  EXPECT_NE(first.err.find("consent check: recording allowed"), std::string::npos) << first.err;

  // The passphrase is kept next to the archive, readable by its owner alone.
  struct stat st {};
  ASSERT_EQ(::stat(passphrase_file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777U, 0600U);

  const Json found = search();
  ASSERT_TRUE(found.is_array()) << found.dump();
  ASSERT_EQ(found.size(), 3U);  // two camera recordings and the film
  bool film_found = false;
  for (const Json& item : found) {
    if (item["id"] != made["film"]) continue;
    film_found = true;
    // A 2 s title card, then ~2 s of the two cameras side by side.
    const std::string duration = item["duration_s"];
    const auto slash = duration.find('/');
    const double seconds = slash == std::string::npos ? std::stod(duration)
                                                      : std::stod(duration.substr(0, slash)) /
                                                            std::stod(duration.substr(slash + 1));
    EXPECT_GT(seconds, 3.5);
    EXPECT_LT(seconds, 5.5);
    EXPECT_EQ(item["width"], 1920);  // the teaching preset
    EXPECT_EQ(item["height"], 1080);
  }
  EXPECT_TRUE(film_found) << found.dump(2);

  // Again: the archive is reused (same people), and grows by one session and one film.
  const RunResult second = demo({"--json"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const Json again = Json::parse(second.out, nullptr, false);
  EXPECT_FALSE(again["created"].get<bool>());
  EXPECT_EQ(again["patient"], made["patient"]);
  EXPECT_NE(again["recordings"], made["recordings"]);
  EXPECT_EQ(search().size(), 6U);
}

TEST_F(CliDemo, RefusesBadArgumentsAndAWrongPassphraseWithoutRecording) {
  const RunResult zero = demo({"--seconds", "0"});
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_NE(zero.err.find("--seconds"), std::string::npos) << zero.err;
  EXPECT_FALSE(fs::exists(archive()));  // refused before anything was created

  ASSERT_EQ(demo().exit_code, 0);
  const std::size_t before = search().size();
  std::string kept;
  std::getline(std::ifstream(passphrase_file()), kept);
  { std::ofstream(passphrase_file(), std::ios::trunc) << "not the passphrase\n"; }
  const RunResult wrong = demo();
  EXPECT_EQ(wrong.exit_code, 4) << wrong.err;
  EXPECT_NE(wrong.err.find("wrong passphrase"), std::string::npos) << wrong.err;
  { std::ofstream(passphrase_file(), std::ios::trunc) << kept << "\n"; }
  EXPECT_EQ(search().size(), before);  // nothing was recorded or exported

  fs::remove(passphrase_file());
  const RunResult missing = demo();
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
  EXPECT_NE(missing.err.find("start afresh"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace clinvid::test
