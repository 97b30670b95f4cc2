// clinvid-studio: the clinical video studio (GLFW + Vulkan + Dear ImGui).
//
// Exit codes: 0 done, 1 failed (the message says why), 2 no display to open a window on;
// usage errors exit with CLI11's codes (above 100).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <GLFW/glfw3.h>
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "core/paths.hpp"
#include "core/result.hpp"
#include "studio_app.hpp"

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitNoDisplay = 2;

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// The command to run this again under Xvfb, with the user's own arguments.
std::string xvfb_hint(int argc, char** argv) {
  std::string command = "xvfb-run -a -s '-screen 0 1280x800x24' clinvid-studio";
  for (int i = 1; i < argc; ++i) {
    command += ' ';
    command += argv[i];
  }
  return command;
}

// Says plainly why no window can open and how to get one; returns false when there is no
// display to try.
bool check_display(int argc, char** argv) {
  if (!env_or_empty("DISPLAY").empty() || !env_or_empty("WAYLAND_DISPLAY").empty()) return true;
  fmt::print(stderr,
             "clinvid-studio: no display found (DISPLAY is not set). Run it under a virtual "
             "display: {}\n",
             xvfb_hint(argc, argv));
  return false;
}

bool init_glfw(int argc, char** argv) {
  if (glfwInit() == GLFW_TRUE) return true;
  const char* description = nullptr;
  glfwGetError(&description);
  const std::string display = env_or_empty("DISPLAY");
  fmt::print(stderr,
             "clinvid-studio: cannot open the display {} ({}). Run it under a virtual display: "
             "{}\n",
             display.empty() ? "(DISPLAY is not set)" : "DISPLAY=" + display,
             description != nullptr ? description : "GLFW did not initialise",
             xvfb_hint(argc, argv));
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  using clinvid::studio::StudioOptions;
  CLI::App cli{
      "clinvid-studio: live camera preview, the archive's library, the editor and film export.",
      "clinvid-studio"};
  cli.set_version_flag("--version", std::string("clinvid-studio ") + CLINVID_VERSION);

  StudioOptions options;
  std::string pattern = "scene";
  std::string camera_format = "nv12";
  std::string theme = "dark";
  double first_frame_timeout_s = 20.0;
  std::string camera = "test";
  std::string archive_dir = clinvid::paths::default_archive().string();
  std::string passphrase_file;
  std::string script;
  cli.add_option("--screenshot", options.screenshot_path,
                 "Write the window to this PNG once --frames frames have shown the preview, "
                 "then exit");
  cli.add_option("--frames", options.screenshot_frames,
                 "Frames to draw with the preview before the screenshot")
      ->check(CLI::Range(1U, 100'000U))
      ->capture_default_str();
  cli.add_option("--first-frame-timeout", first_frame_timeout_s,
                 "With --screenshot: seconds to wait for the camera's first frame")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  cli.add_option("--pattern", pattern,
                 "What the test cameras' previews show: their scene (what is recorded), or a "
                 "videotestsrc pattern for display checks")
      ->check(CLI::IsMember({"scene", "smpte", "ball"}))
      ->capture_default_str();
  cli.add_option("--camera-format", camera_format,
                 "Pixel format the test camera sends to clinvidcolor")
      ->check(CLI::IsMember({"nv12", "i420", "rgba"}))
      ->capture_default_str();
  cli.add_option("--width", options.window_width, "Window width in screen units")
      ->check(CLI::Range(320U, 16384U))
      ->capture_default_str();
  cli.add_option("--height", options.window_height, "Window height in screen units")
      ->check(CLI::Range(240U, 16384U))
      ->capture_default_str();
  cli.add_option("--theme", theme, "Colour theme")
      ->check(CLI::IsMember({"dark", "light"}))
      ->capture_default_str();
  cli.add_option("--camera", camera,
                 "The Capture view's cameras: the built-in test cameras (or --camera-uri), or none")
      ->check(CLI::IsMember({"test", "none"}))
      ->capture_default_str();
  cli.add_option(
         "--camera-uri", options.camera_uris,
         "A camera to capture instead of the test cameras: test://theatre|gait|flash[?...], "
         "v4l2:///dev/videoN, rtsp://..., file:///...; repeatable")
      ->allow_extra_args(false);
  cli.add_option("--archive", archive_dir,
                 "The archive to sign in to (CLINVID_ARCHIVE overrides "
                 "the default)")
      ->capture_default_str();
  CLI::Option* user_option =
      cli.add_option("--user", options.user, "Sign in as this archive user at start");
  CLI::Option* passphrase_option =
      cli.add_option("--passphrase-file", passphrase_file,
                     "With --user: the file whose first line is the user's passphrase")
          ->check(CLI::ExistingFile);
  user_option->needs(passphrase_option);
  passphrase_option->needs(user_option);
  cli.add_option("--script", script,
                 "Run these UI steps through the frame loop, printing the model as JSON lines, "
                 "then exit (see app/studio/script.hpp)")
      ->check(CLI::ExistingFile);
  double lock_after_s = 300.0;
  cli.add_option("--lock-after", lock_after_s,
                 "Lock the studio after this many seconds without input (0: only with Ctrl+L)")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  options.lock_after =
      std::chrono::seconds(static_cast<std::chrono::seconds::rep>(std::lround(lock_after_s)));
  options.camera = camera == "none" ? clinvid::studio::CameraMode::none
                                    : clinvid::studio::CameraMode::test_pattern;
  options.archive_dir = archive_dir;
  options.passphrase_file = passphrase_file;
  options.script_path = script;

  options.pattern = clinvid::studio::parse_test_pattern(pattern);
  options.camera_format = clinvid::studio::parse_camera_format(camera_format);
  options.theme = theme == "light" ? clinvid::studio::Theme::light : clinvid::studio::Theme::dark;
  options.first_frame_timeout = std::chrono::milliseconds(
      static_cast<std::chrono::milliseconds::rep>(first_frame_timeout_s * 1000.0));

  if (!check_display(argc, argv) || !init_glfw(argc, argv)) return kExitNoDisplay;

  // The window is left to the process's exit: see the note in studio_app.cpp.
  auto app = clinvid::studio::StudioApp::create(options);
  if (!app) {
    fmt::print(stderr, "clinvid-studio: {}\n", app.error().message());
    return kExitFailed;
  }
  if (auto ran = (*app)->run(); !ran) {
    fmt::print(stderr, "clinvid-studio: {}\n", ran.error().message());
    return kExitFailed;
  }
  return EXIT_SUCCESS;
}
