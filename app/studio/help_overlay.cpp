#include "help_overlay.hpp"

#include <GLFW/glfw3.h>

#include <string>

#include <imgui.h>

#include "theme.hpp"
#include "ui_probe.hpp"

namespace clinvid::studio {

namespace {

constexpr Shortcut kGlobal[] = {
    {"F1 or ?", "Show or hide this help"},
    {"Esc", "Close this help or a prompt"},
    {"Ctrl+L", "Lock the studio now (patient content hidden)"},
    {"Ctrl+Q", "Quit (asks first when the project has unsaved changes)"},
    {"Tab / Shift+Tab", "Next / previous field"},
};
constexpr Shortcut kCapture[] = {
    {"Check consent", "Record stays disabled, with the reason, until the check passes"},
    {"M", "Add a marker at this moment of the recording"},
    {"Calibrate", "Find the ColorChecker in a camera's preview and fit a profile (dE00 table)"},
    {"Accept", "Use the camera's profile for the next recording; toggle the standardised preview"},
    {"Mouse", "Record, Stop and Marker are buttons under the previews"},
};
constexpr Shortcut kLibrary[] = {
    {"Enter", "Search (in the search field)"},
    {"Click a row", "Select a recording to see its details"},
    {"Space", "Play / pause the selected recording"},
    {"Left / Right", "Step one frame (player paused)"},
};
constexpr Shortcut kEditor[] = {
    {"Left / Right", "Step one frame back / forward"},
    {"J / K / L", "Play backwards / stop / play forwards (press again: faster)"},
    {"Home / End", "Go to the start / end"},
    {"I / O", "Set the selected clip's in / out point at the playhead"},
    {"Ctrl+Z", "Undo"},
    {"Ctrl+Shift+Z", "Redo"},
    {"Ctrl+S", "Save the project"},
    {"+ / -", "Zoom the timeline in / out"},
    {"Ctrl+wheel", "Zoom the timeline at the pointer"},
    {"N", "Snapping on / off"},
    {"Drag a clip edge", "Trim its in / out point (snaps to edges and the playhead)"},
    {"Drag the ruler", "Scrub the playhead"},
    {"S", "Cut the selected clip at the playhead"},
    {"Drag on the preview", "Redact / mark a face / draw an arrow or line (the chosen tool)"},
    {"Three clicks on the preview", "Draw an angle (end, vertex, end); Esc drops it"},
};
constexpr Shortcut kReview[] = {
    {"Left / Right", "Step one frame back / forward, every view together"},
    {"Space", "Play / pause (at the chosen slow-motion speed)"},
    {"H / Shift+H", "Mark a right / left heel strike at this frame"},
    {"T / Shift+T", "Mark a right / left toe off at this frame"},
    {"Backspace / Delete", "Remove the last measurement"},
    {"Esc", "Put the measuring tool down"},
};
constexpr Shortcut kExport[] = {
    {"Mouse", "Choose a preset and purpose; Export and Cancel are buttons"},
};
constexpr Shortcut kConsent[] = {
    {"Drag on the pad", "Sign (mouse, finger or pen)"},
    {"Tab", "Next field"},
};
constexpr Shortcut kSettings[] = {
    {"Enter", "Add the user (in the user form)"},
};

constexpr HelpSection kSections[] = {
    {ViewId::invalid, "Everywhere", "Sign in, then work from left to right through the tabs.",
     kGlobal},
    {ViewId::capture, "Capture",
     "Check each camera's preview, pass the consent check, then press Record.", kCapture},
    {ViewId::library, "Library", "Search, select a recording, then Add to timeline.", kLibrary},
    {ViewId::editor, "Editor",
     "Trim and cut clips, add captions, redact on the preview, save, then Export.", kEditor},
    {ViewId::review, "Review", "Open recordings side by side, step through frames and measure.",
     kReview},
    {ViewId::export_film, "Export", "Choose a preset and the purpose, check consent, then Export.",
     kExport},
    {ViewId::consent, "Consent form",
     "Explain each purpose, record the answers, have the form signed, then Save consent.",
     kConsent},
    {ViewId::settings, "Settings",
     "Check cameras and encoders; set the lock timeout; an IG officer adds users here.", kSettings},
};

void draw_section(const HelpSection& section, bool current) {
  ImGui::TextColored(current ? kOkColour : ImGui::GetStyleColorVec4(ImGuiCol_Text), "%s%s",
                     std::string(section.title).c_str(), current ? "  (this view)" : "");
  ImGui::TextColored(kWarningColour, "Next: %s", std::string(section.next_step).c_str());
  if (ImGui::BeginTable(std::string(section.title).c_str(), 2,
                        ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
    for (const Shortcut& shortcut : section.shortcuts) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(std::string(shortcut.keys).c_str());
      ImGui::TableNextColumn();
      ImGui::TextColored(kMutedColour, "%s", std::string(shortcut.action).c_str());
    }
    ImGui::EndTable();
  }
  ImGui::Spacing();
}

}  // namespace

std::span<const HelpSection> help_sections() noexcept {
  return kSections;
}

// imgui_impl_glfw (1.86) indexes keys by GLFW key code; '?' is Shift+/ on most layouts.
void HelpOverlay::handle_keys() {
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsKeyPressed(GLFW_KEY_F1, false)) toggle();
  if (!io.WantTextInput && io.KeyShift && ImGui::IsKeyPressed(GLFW_KEY_SLASH, false)) toggle();
  if (open_ && ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false)) open_ = false;
}

void HelpOverlay::draw(ViewId current) {
  if (!open_) return;
  shown_for_ = current;
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x + viewport->WorkSize.x * 0.5F,
                                 viewport->WorkPos.y + viewport->WorkSize.y * 0.5F),
                          ImGuiCond_Always, ImVec2(0.5F, 0.5F));
  ImGui::SetNextWindowSize(ImVec2(620.0F, viewport->WorkSize.y * 0.85F), ImGuiCond_Always);
  ImGui::SetNextWindowFocus();
  if (!ImGui::Begin("Keyboard shortcuts and next steps", &open_,
                    ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                        ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) {
    ImGui::End();
    return;
  }
  probe_item("help.window");
  if (ImGui::Button("Close (Esc)")) open_ = false;
  probe_item("help.close");
  ImGui::Separator();
  for (const HelpSection& section : kSections) {
    if (section.view == current) draw_section(section, true);
  }
  for (const HelpSection& section : kSections) {
    if (section.view != current) draw_section(section, false);
  }
  ImGui::End();
}

void HelpOverlay::add_script_steps(ScriptVerbs& verbs) {
  verbs.add_state([this](Json& state) {
    state["help_open"] = open_;
    if (!open_) return;
    Json sections = Json::array();
    std::size_t shortcuts = 0;
    for (const HelpSection& section : kSections) {
      sections.push_back(std::string(section.title));
      shortcuts += section.shortcuts.size();
    }
    state["help_sections"] = sections;
    state["help_shortcuts"] = shortcuts;
    state["help_current"] = std::string(to_string(shown_for_));
  });
}

}  // namespace clinvid::studio
