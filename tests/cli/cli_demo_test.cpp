// `clinvid demo`: the newcomer's whole path headless, through the real binary: demo archive,
// calibration, a consent-checked two-camera recording and a teaching film, then the same again
// on the archive it left; and the ways it must refuse.
#include <sys/stat.h>

#include <algorithm>
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
  // A 2 s title card, then the two cameras side by side for as long as the longer recording
  // (each as many frames as the camera delivered in the 2 s: fewer on a loaded machine).
  const auto seconds_of = [](const Json& item) {
    const std::string duration = item["duration_s"];
    const auto slash = duration.find('/');
    return slash == std::string::npos
               ? std::stod(duration)
               : std::stod(duration.substr(0, slash)) / std::stod(duration.substr(slash + 1));
  };
  const Json* film = nullptr;
  double longest_recording = 0;
  for (const Json& item : found) {
    if (item["id"] == made["film"]) {
      film = &item;
    } else {
      EXPECT_GT(seconds_of(item), 0.0) << item.dump();  // under ASan: a few frames only
      longest_recording = std::max(longest_recording, seconds_of(item));
    }
  }
  ASSERT_NE(film, nullptr) << found.dump(2);
  EXPECT_NEAR(seconds_of(*film), 2.0 + longest_recording, 0.1) << film->dump();
  EXPECT_EQ((*film)["width"], 1920);  // the teaching preset
  EXPECT_EQ((*film)["height"], 1080);

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
