// The studio's views drawn off-screen (issue 8: "the studio renders off-screen (Vulkan,
// lavapipe)"): no display, no window, no swapchain. Real views (the first-run sign-in panel and
// the help overlay) are laid out by Dear ImGui, drawn by the studio's own Vulkan renderer into an
// image on the process's device (lavapipe here) and read back: they must show something, the
// same frame must give the same pixels, and the two themes must differ.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <vector>

#include <gtest/gtest.h>
#include <imgui.h>

#include "help_overlay.hpp"
#include "imgui_renderer.hpp"
#include "offscreen.hpp"
#include "screenshot.hpp"
#include "studio_model.hpp"
#include "theme.hpp"
#include "views/sign_in_view.hpp"

namespace clinvid::studio {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kWidth = 1024;
constexpr std::uint32_t kHeight = 640;

std::size_t distinct_colours(const std::vector<std::uint8_t>& rgba) {
  std::set<std::uint32_t> distinct;
  for (std::size_t i = 0; i + 3 < rgba.size(); i += 4) {
    distinct.insert((std::uint32_t{rgba[i]} << 16U) | (std::uint32_t{rgba[i + 1]} << 8U) |
                    rgba[i + 2]);
  }
  return distinct.size();
}

class StudioOffscreen : public ::testing::Test {
 protected:
  void SetUp() override {
    gpu::ContextOptions options;
    options.graphics = true;
    auto context = gpu::Context::create(options);
    ASSERT_TRUE(context) << context.error().message();
    context_ = std::move(*context);
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(static_cast<float>(kWidth), static_cast<float>(kHeight));
    io.DeltaTime = 1.0F / 60.0F;
    apply_theme(Theme::dark);
    load_fonts(1.0F);
    auto canvas = OffscreenCanvas::create(*context_, kWidth, kHeight);
    ASSERT_TRUE(canvas) << canvas.error().message();
    canvas_ = std::move(*canvas);
    auto renderer = ImGuiRenderer::create(*context_, canvas_->render_pass(), 1);
    ASSERT_TRUE(renderer) << renderer.error().message();
    renderer_ = std::move(*renderer);
    ASSERT_TRUE(renderer_->upload_fonts());
  }
  void TearDown() override {
    renderer_.reset();
    canvas_.reset();
    if (ImGui::GetCurrentContext() != nullptr) ImGui::DestroyContext();
  }

  // One frame of the sign-in view on a first run (no archive yet) with the help overlay open.
  std::vector<std::uint8_t> draw_frame() {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("clinvid studio", nullptr, ImGuiWindowFlags_NoDecoration);
    sign_in_.draw();
    ImGui::End();
    help_.draw(ViewId::editor);
    ImGui::Render();
    auto rgba = canvas_->render(*renderer_, *ImGui::GetDrawData(),
                                ImGui::GetStyleColorVec4(ImGuiCol_WindowBg));
    EXPECT_TRUE(rgba) << rgba.error().message();
    return rgba ? std::move(*rgba) : std::vector<std::uint8_t>();
  }

  std::shared_ptr<gpu::Context> context_;
  std::unique_ptr<OffscreenCanvas> canvas_;
  std::unique_ptr<ImGuiRenderer> renderer_;
  StudioModel model_{fs::path(::testing::TempDir()) / "no-archive-here"};
  SignInView sign_in_{model_};
  HelpOverlay help_;
};

TEST_F(StudioOffscreen, ViewsDrawWithoutAWindowTheSameEachTimeInEitherTheme) {
  help_.toggle();
  draw_frame();  // the first frame settles window sizes
  const std::vector<std::uint8_t> dark = draw_frame();
  ASSERT_EQ(dark.size(), std::size_t{kWidth} * kHeight * 4);
  EXPECT_GT(distinct_colours(dark), 30U) << "text and widgets should be drawn";
  EXPECT_EQ(draw_frame(), dark) << "the same frame must give the same pixels";

  // Somewhere in the first rows is text (the first-run message): not all background.
  const std::uint8_t r = dark[0];
  bool text_found = false;
  for (std::size_t i = 0; i < std::size_t{kWidth} * 80 * 4 && !text_found; i += 4) {
    text_found = dark[i] != r && dark[i] > 150;  // light text on the dark theme
  }
  EXPECT_TRUE(text_found);

  apply_theme(Theme::light);
  draw_frame();
  const std::vector<std::uint8_t> light = draw_frame();
  EXPECT_NE(light, dark);
  EXPECT_GT(light[0], dark[0]) << "the light theme's background is lighter";

  const fs::path png = fs::path(CLINVID_BINARY_DIR) / "tests" / "gui" / "studio_offscreen.png";
  fs::create_directories(png.parent_path());
  EXPECT_TRUE(write_png(png.string(), dark, kWidth, kHeight));
}

TEST_F(StudioOffscreen, AnEmptyCanvasIsRefused) {
  auto canvas = OffscreenCanvas::create(*context_, 0, 480);
  ASSERT_FALSE(canvas);
  EXPECT_EQ(canvas.error().code, Errc::invalid_argument);
}

}  // namespace
}  // namespace clinvid::studio
