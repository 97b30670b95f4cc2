// clinvid-studio, run as a user would: under Xvfb (xvfb-run), on this machine's Vulkan device
// (lavapipe here), with its built-in test cameras showing videotestsrc's SMPTE bars
// (--pattern smpte). The screenshot must show the bars, through clinvidcolor or the
// videoconvert fallback.
#include <sys/wait.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <png.h>

namespace {

constexpr std::uint32_t kWidth = 1280;
constexpr std::uint32_t kHeight = 720;

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CommandResult run(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> chunk{};
  while (const std::size_t got = std::fread(chunk.data(), 1, chunk.size(), pipe)) {
    result.output.append(chunk.data(), got);
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string quoted(const std::string& text) {
  return "'" + text + "'";
}

// The studio under a fresh virtual screen, killed if it outlives two minutes.
std::string under_xvfb(const std::string& arguments) {
  return std::string("timeout 120 ") + CLINVID_XVFB_RUN + " -a -s '-screen 0 1280x800x24' " +
         quoted(CLINVID_STUDIO_EXE) + " " + arguments;
}

struct Rgba {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::vector<std::uint8_t> texels;
};

Rgba read_png(const std::string& path) {
  Rgba out;
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_file(&image, path.c_str()) == 0) return out;
  image.format = PNG_FORMAT_RGBA;
  std::vector<std::uint8_t> texels(std::size_t{image.width} * image.height * 4);
  if (png_image_finish_read(&image, nullptr, texels.data(), 0, nullptr) == 0) {
    png_image_free(&image);
    return out;
  }
  out.width = image.width;
  out.height = image.height;
  out.texels = std::move(texels);
  return out;
}

struct Colour {
  const char* name;
  int r, g, b;
};

// Pixels within `tolerance` of `colour` in every channel.
std::size_t count_near(const Rgba& image, const Colour& colour, int tolerance) {
  std::size_t count = 0;
  for (std::size_t i = 0; i + 3 < image.texels.size(); i += 4) {
    if (std::abs(image.texels[i] - colour.r) <= tolerance &&
        std::abs(image.texels[i + 1] - colour.g) <= tolerance &&
        std::abs(image.texels[i + 2] - colour.b) <= tolerance) {
      ++count;
    }
  }
  return count;
}

std::string screenshot_path(const char* name) {
  const std::filesystem::path dir = std::filesystem::path(CLINVID_BINARY_DIR) / "tests" / "gui";
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / name;
  std::filesystem::remove(path);
  return path.string();
}

// The screenshot is the window: the side panel and the preview of the SMPTE bars.
void expect_preview_of_smpte_bars(const std::string& png) {
  const Rgba image = read_png(png);
  ASSERT_EQ(image.width, kWidth) << png;
  ASSERT_EQ(image.height, kHeight) << png;

  std::set<std::uint32_t> distinct;
  std::size_t near_black = 0;
  for (std::size_t i = 0; i + 3 < image.texels.size(); i += 4) {
    distinct.insert((std::uint32_t{image.texels[i]} << 16U) |
                    (std::uint32_t{image.texels[i + 1]} << 8U) | image.texels[i + 2]);
    if (image.texels[i] < 16 && image.texels[i + 1] < 16 && image.texels[i + 2] < 16) {
      ++near_black;
    }
  }
  EXPECT_GT(distinct.size(), 200U) << "the window looks blank";
  EXPECT_LT(near_black, image.texels.size() / 4 / 2) << "the window is mostly black";

  // videotestsrc's top bars, full intensity. Each covers ~1/7 of the preview's top two
  // thirds: tens of thousands of pixels at any reasonable preview size. The tolerance leaves
  // room for clinvidcolor's YUV→RGB rounding.
  const std::array<Colour, 7> bars{{{"white", 255, 255, 255},
                                    {"yellow", 255, 255, 0},
                                    {"cyan", 0, 255, 255},
                                    {"green", 0, 255, 0},
                                    {"magenta", 255, 0, 255},
                                    {"red", 255, 0, 0},
                                    {"blue", 0, 0, 255}}};
  for (const Colour& bar : bars) {
    EXPECT_GT(count_near(image, bar, 24), 10'000U) << bar.name << " bar missing from " << png;
  }
}

bool have_xvfb() {
  return std::string(CLINVID_XVFB_RUN).size() > 0;
}

TEST(StudioCli, HelpAndVersion) {
  const CommandResult help = run(quoted(CLINVID_STUDIO_EXE) + " --help");
  EXPECT_EQ(help.exit_code, 0) << help.output;
  EXPECT_NE(help.output.find("--screenshot"), std::string::npos) << help.output;
  EXPECT_NE(help.output.find("--frames"), std::string::npos) << help.output;
  const CommandResult version = run(quoted(CLINVID_STUDIO_EXE) + " --version");
  EXPECT_EQ(version.exit_code, 0) << version.output;
  EXPECT_NE(version.output.find(CLINVID_VERSION), std::string::npos) << version.output;
}

TEST(StudioCli, WithoutDisplaySaysHowToRunUnderXvfbAndExits2) {
  const CommandResult result =
      run("env -u DISPLAY -u WAYLAND_DISPLAY " + quoted(CLINVID_STUDIO_EXE) +
          " --screenshot /nonexistent/never.png");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("no display found"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("xvfb-run"), std::string::npos) << result.output;
}

TEST(StudioCli, UnreachableDisplayExits2) {
  const CommandResult result =
      run("env -u WAYLAND_DISPLAY DISPLAY=:7391 " + quoted(CLINVID_STUDIO_EXE));
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("xvfb-run"), std::string::npos) << result.output;
}

TEST(StudioScreenshot, ShowsTheTestCameraPreview) {
  if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed";
  const std::string png = screenshot_path("studio.png");
  const CommandResult result =
      run("CLINVID_LOG=info " +
          under_xvfb("--pattern smpte --screenshot " + quoted(png) + " --frames 30"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  ASSERT_TRUE(std::filesystem::exists(png)) << result.output;
  expect_preview_of_smpte_bars(png);
  // DESIGN invariant 5: clinvidcolor inside the studio uses the studio's device, so the
  // engine opens exactly one Vulkan device in the process.
  const std::string opened = "gpu: using ";
  const auto first = result.output.find(opened);
  ASSERT_NE(first, std::string::npos) << result.output;
  EXPECT_EQ(result.output.find(opened, first + 1), std::string::npos) << result.output;
}

TEST(StudioScreenshot, FallsBackToVideoconvertWithoutThePlugin) {
  if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed";
  const std::string png = screenshot_path("studio_fallback.png");
  const CommandResult result =
      run("CLINVID_LOG=warn GST_PLUGIN_PATH=/nonexistent " +
          under_xvfb("--pattern smpte --screenshot " + quoted(png) + " --frames 10"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("clinvidcolor was not found"), std::string::npos) << result.output;
  expect_preview_of_smpte_bars(png);
}

}  // namespace
