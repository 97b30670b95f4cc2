#include "theme.hpp"

#include <filesystem>
#include <system_error>

namespace clinvid::studio {

namespace {

constexpr const char* kUiFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr float kUiFontSizePx = 15.0F;

}  // namespace

void load_fonts(float content_scale) {
  ImGuiIO& io = ImGui::GetIO();
  const float scale = content_scale > 0.0F ? content_scale : 1.0F;
  std::error_code error;
  if (std::filesystem::is_regular_file(kUiFontPath, error) &&
      io.Fonts->AddFontFromFileTTF(kUiFontPath, kUiFontSizePx * scale) != nullptr) {
    return;
  }
  ImFontConfig config;
  config.SizePixels = 13.0F * scale;
  io.Fonts->AddFontDefault(&config);
}

void apply_theme(Theme theme) {
  ImGuiStyle& style = ImGui::GetStyle();
  if (theme == Theme::light) {
    ImGui::StyleColorsLight(&style);
    return;
  }
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 0.0F;
  style.ChildRounding = 3.0F;
  style.FrameRounding = 3.0F;
  style.TabRounding = 3.0F;
  style.WindowBorderSize = 0.0F;
  style.ItemSpacing = ImVec2(8.0F, 6.0F);

  // Neutral greys keep the surround from tinting how the video's colour is perceived.
  ImVec4* colours = style.Colors;
  colours[ImGuiCol_WindowBg] = ImVec4(0.11F, 0.11F, 0.12F, 1.0F);
  colours[ImGuiCol_ChildBg] = ImVec4(0.14F, 0.14F, 0.15F, 1.0F);
  colours[ImGuiCol_PopupBg] = ImVec4(0.13F, 0.13F, 0.14F, 0.98F);
  colours[ImGuiCol_MenuBarBg] = ImVec4(0.15F, 0.15F, 0.16F, 1.0F);
  colours[ImGuiCol_Border] = ImVec4(0.25F, 0.25F, 0.27F, 1.0F);
  colours[ImGuiCol_FrameBg] = ImVec4(0.19F, 0.19F, 0.21F, 1.0F);
  colours[ImGuiCol_FrameBgHovered] = ImVec4(0.25F, 0.25F, 0.28F, 1.0F);
  colours[ImGuiCol_FrameBgActive] = ImVec4(0.29F, 0.29F, 0.32F, 1.0F);
  colours[ImGuiCol_TitleBg] = ImVec4(0.11F, 0.11F, 0.12F, 1.0F);
  colours[ImGuiCol_TitleBgActive] = ImVec4(0.15F, 0.15F, 0.16F, 1.0F);
  colours[ImGuiCol_Header] = ImVec4(0.22F, 0.30F, 0.40F, 1.0F);
  colours[ImGuiCol_HeaderHovered] = ImVec4(0.26F, 0.36F, 0.48F, 1.0F);
  colours[ImGuiCol_HeaderActive] = ImVec4(0.29F, 0.41F, 0.55F, 1.0F);
  colours[ImGuiCol_Tab] = ImVec4(0.16F, 0.16F, 0.18F, 1.0F);
  colours[ImGuiCol_TabHovered] = ImVec4(0.29F, 0.41F, 0.55F, 1.0F);
  colours[ImGuiCol_TabActive] = ImVec4(0.22F, 0.30F, 0.40F, 1.0F);
  colours[ImGuiCol_Button] = ImVec4(0.22F, 0.30F, 0.40F, 1.0F);
  colours[ImGuiCol_ButtonHovered] = ImVec4(0.26F, 0.36F, 0.48F, 1.0F);
  colours[ImGuiCol_ButtonActive] = ImVec4(0.29F, 0.41F, 0.55F, 1.0F);
}

}  // namespace clinvid::studio
