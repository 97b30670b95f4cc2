// `clinvid calibrate` and `clinvid standardise` on synthetic charts (tests/colour's
// generator): a chart under tungsten light is calibrated from a PNG, standardised, and the
// chart in the output is measured against the reference; videos go through GStreamer.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "colour/chart.hpp"
#include "colour/ciede2000.hpp"
#include "colour/colour_math.hpp"
#include "colour/reference.hpp"
#include "run_clinvid.hpp"
#include "synthetic_chart.hpp"

namespace clinvid::test {
namespace {

namespace fs = std::filesystem;
using colour::testing::CameraSpec;
using colour::testing::SceneSpec;

colour::testing::SyntheticImage tungsten_chart(bool with_chart = true) {
  CameraSpec camera;
  camera.seed = 7;
  camera.illuminant = colour::testing::Illuminant::tungsten_2850k;
  SceneSpec scene;
  scene.seed = 7;
  scene.chart = with_chart;
  return colour::testing::render_scene(scene, colour::testing::make_camera(camera));
}

void write_png(const fs::path& path, const cv::Mat& rgb) {
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  ASSERT_TRUE(cv::imwrite(path.string(), bgr)) << path;
}

// Mean dE00 between the chart found in `path` (read as sRGB) and the reference.
double chart_delta_e00(const fs::path& path) {
  const cv::Mat bgr = cv::imread(path.string(), cv::IMREAD_COLOR);
  if (bgr.empty()) {
    ADD_FAILURE() << "cannot read " << path;
    return 1e9;
  }
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  const Frame frame = colour::testing::to_rgba_frame(rgb);
  auto chart = colour::detect_chart(frame.view());
  if (!chart) {
    ADD_FAILURE() << "no chart in " << path << ": " << chart.error().message();
    return 1e9;
  }
  const auto reference =
      colour::builtin_reference(colour::ReferenceSet::colorchecker24_after_2014).lab();
  double sum = 0.0;
  for (std::size_t i = 0; i < colour::kPatchCount; ++i) {
    const colour::Vec3& v = chart->patches[i].rgb;
    const colour::Vec3 linear{colour::srgb_decode(v[0]), colour::srgb_decode(v[1]),
                              colour::srgb_decode(v[2])};
    sum += colour::delta_e00(colour::linear_srgb_to_lab_d50(linear), reference[i]);
  }
  return sum / static_cast<double>(colour::kPatchCount);
}

// Stdout of a shell command (popen: GCC 12 reports a false -Wnull-dereference in
// istreambuf_iterator).
std::string command_output(const std::string& command) {
  std::string text;
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return text;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) text += buffer;
  pclose(pipe);
  return text;
}

// A short H.264 MP4 of a still PNG, made with gst-launch-1.0.
bool make_video(const fs::path& png, const fs::path& mp4) {
  const std::string command =
      "gst-launch-1.0 -q multifilesrc location='" + png.string() +
      "' loop=true num-buffers=15 caps=image/png,framerate=10/1 ! pngdec ! videoconvert ! "
      "video/x-raw,format=I420 ! x264enc ! mp4mux ! filesink location='" +
      mp4.string() + "' >/dev/null 2>&1";
  return std::system(command.c_str()) == 0 && fs::exists(mp4);
}

// The CLI finds clinvidcolor through a registry of its own, with this build's plugin first.
EnvChanges plugin_env(const fs::path& dir) {
  return {{"GST_PLUGIN_PATH", std::string(CLINVID_BINARY_DIR) + "/plugins/gst"},
          {"GST_PLUGIN_PATH_1_0", std::nullopt},
          {"GST_REGISTRY", (dir / "registry.bin").string()},
          {"GST_REGISTRY_1_0", std::nullopt}};
}

class cli_colour : public ::testing::Test {
 protected:
  void SetUp() override {
    chart_ = dir_.path() / "chart.png";
    ASSERT_NO_FATAL_FAILURE(write_png(chart_, tungsten_chart().rgb));
  }
  TempDir dir_;
  fs::path chart_;
};

TEST_F(cli_colour, calibrate_then_standardise_brings_a_tungsten_chart_to_reference) {
  const fs::path profile = dir_.path() / "p.json";
  const RunResult cal = run_clinvid({"calibrate", chart_.string(), "-o", profile.string()});
  ASSERT_EQ(cal.exit_code, 0) << cal.err;
  EXPECT_NE(cal.out.find("dark skin"), std::string::npos) << cal.out;
  EXPECT_NE(cal.out.find("left-out"), std::string::npos) << cal.out;
  EXPECT_NE(cal.out.find("mean"), std::string::npos) << cal.out;
  ASSERT_TRUE(fs::exists(profile));

  const double before = chart_delta_e00(chart_);
  const fs::path out = dir_.path() / "out.png";
  const RunResult std_run =
      run_clinvid({"standardise", "--profile", profile.string(), chart_.string(), out.string()});
  ASSERT_EQ(std_run.exit_code, 0) << std_run.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "out.png.tmp"));
  const double after = chart_delta_e00(out);
  std::printf("tungsten chart: mean dE00 %.2f before, %.2f after standardising\n", before, after);
  EXPECT_GT(before, 5.0);
  EXPECT_LE(after, 1.5);
}

TEST_F(cli_colour, calibrate_json_reports_the_profile) {
  const fs::path profile = dir_.path() / "p.json";
  const RunResult r = run_clinvid({"calibrate", chart_.string(), "-o", profile.string(), "--json",
                                   "--model", "linear3x3", "--camera-id", "cam-a"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["profile"]["camera_id"], "cam-a");
  EXPECT_EQ(json["profile"]["model"]["kind"], "matrix3x3");
  EXPECT_LT(json["profile"]["report"]["fit"]["delta_e00_mean"].get<double>(), 3.0);
  EXPECT_TRUE(json["profile"]["report"]["leave_one_out"].is_object());
}

TEST_F(cli_colour, corners_measure_the_chart_where_given) {
  const colour::testing::SyntheticImage image = tungsten_chart();
  std::string corners;
  for (const colour::Point2& p : image.corners) {
    corners += (corners.empty() ? "" : ",") + std::to_string(p.x) + "," + std::to_string(p.y);
  }
  const fs::path profile = dir_.path() / "p.json";
  const RunResult r = run_clinvid(
      {"calibrate", chart_.string(), "--corners", corners, "-o", profile.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["profile"]["detection"]["method"], "manual");
  EXPECT_LT(json["profile"]["report"]["fit"]["delta_e00_mean"].get<double>(), 3.0);

  const RunResult bad =
      run_clinvid({"calibrate", chart_.string(), "--corners", "1,2,3", "-o", profile.string()});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

TEST_F(cli_colour, image_without_a_chart_is_no_chart_found) {
  const fs::path empty = dir_.path() / "empty.png";
  ASSERT_NO_FATAL_FAILURE(write_png(empty, tungsten_chart(false).rgb));
  const fs::path profile = dir_.path() / "p.json";
  const RunResult r = run_clinvid({"calibrate", empty.string(), "-o", profile.string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("no chart found"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(profile));
}

TEST_F(cli_colour, malformed_profile_is_a_clear_error_and_writes_nothing) {
  const fs::path profile = dir_.path() / "bad.json";
  std::ofstream(profile) << R"({"schema": "clinvid.calibration/1", "camera_id": 3})";
  const fs::path out = dir_.path() / "out.png";
  const RunResult r =
      run_clinvid({"standardise", "--profile", profile.string(), chart_.string(), out.string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(r.err.starts_with("clinvid: cannot use profile")) << r.err;
  EXPECT_NE(r.err.find("bad.json"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(dir_.path() / "out.png.tmp"));

  const RunResult missing =
      run_clinvid({"standardise", "--profile", (dir_.path() / "none.json").string(),
                   chart_.string(), out.string()});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(cli_colour, missing_input_is_a_runtime_error) {
  const RunResult r =
      run_clinvid({"calibrate", (dir_.path() / "nothing.png").string(), "-o", "/dev/null/p.json"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("nothing.png"), std::string::npos) << r.err;
}

TEST_F(cli_colour, video_is_calibrated_and_standardised_to_a_playable_mp4) {
  const fs::path in = dir_.path() / "in.mp4";
  if (!make_video(chart_, in)) GTEST_SKIP() << "gst-launch-1.0 could not make an H.264 MP4 here";
  const fs::path profile = dir_.path() / "p.json";
  const RunResult cal =
      run_clinvid({"calibrate", in.string(), "-o", profile.string()}, plugin_env(dir_.path()));
  ASSERT_EQ(cal.exit_code, 0) << cal.err;

  const fs::path out = dir_.path() / "out.mp4";
  const RunResult r =
      run_clinvid({"standardise", "--profile", profile.string(), in.string(), out.string()},
                  plugin_env(dir_.path()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "out.mp4.tmp"));
  const std::string text = command_output(
      "ffprobe -v error -count_frames -select_streams v:0 -show_entries "
      "stream=codec_name,nb_read_frames,width,height -of default=nw=1 '" +
      out.string() + "'");
  EXPECT_NE(text.find("codec_name=h264"), std::string::npos) << text;
  EXPECT_NE(text.find("width=960"), std::string::npos) << text;
  EXPECT_NE(text.find("nb_read_frames=15"), std::string::npos) << text;
  // The film is standardised, not just re-encoded (H.264 adds a little error).
  const fs::path still = dir_.path() / "still.png";
  // Decoded by GStreamer, which reads the colorimetry the encoder was given, as the CLI does.
  command_output("gst-launch-1.0 -q filesrc location='" + out.string() +
                 "' ! decodebin ! videoconvert ! video/x-raw,format=RGB ! pngenc snapshot=true ! "
                 "filesink location='" +
                 still.string() + "'");
  const double after = chart_delta_e00(still);
  std::printf("tungsten chart video: mean dE00 %.2f after standardising\n", after);
  EXPECT_LE(after, 2.5);
}

TEST_F(cli_colour, video_without_a_chart_is_no_chart_found) {
  const fs::path empty = dir_.path() / "empty.png";
  ASSERT_NO_FATAL_FAILURE(write_png(empty, tungsten_chart(false).rgb));
  const fs::path in = dir_.path() / "empty.mp4";
  if (!make_video(empty, in)) GTEST_SKIP() << "gst-launch-1.0 could not make an H.264 MP4 here";
  const RunResult r = run_clinvid(
      {"calibrate", in.string(), "-o", (dir_.path() / "p.json").string()}, plugin_env(dir_.path()));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("no chart found"), std::string::npos) << r.err;
}

TEST_F(cli_colour, failed_video_leaves_no_output) {
  const fs::path profile = dir_.path() / "p.json";
  ASSERT_EQ(run_clinvid({"calibrate", chart_.string(), "-o", profile.string()}).exit_code, 0);
  const fs::path not_video = dir_.path() / "notes.mp4";
  std::ofstream(not_video) << "not a video";
  const fs::path out = dir_.path() / "out.mp4";
  const RunResult r =
      run_clinvid({"standardise", "--profile", profile.string(), not_video.string(), out.string()},
                  plugin_env(dir_.path()));
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(dir_.path() / "out.mp4.tmp"));
}

}  // namespace
}  // namespace clinvid::test
