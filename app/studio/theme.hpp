// The studio's look: a dark theme (video is judged against a dark surround) with a muted
// accent, applied to the current ImGui context.
#pragma once

#include <string>

#include <imgui.h>

namespace clinvid::studio {

enum class Theme { invalid = 0, dark, light };

void apply_theme(Theme theme);

// Adds the studio's UI font (DejaVu Sans when installed, else ImGui's built-in font) to the
// current context's atlas, scaled by `content_scale` (the monitor's DPI scale).
void load_fonts(float content_scale);

// Colours views use for status text, so they stay consistent across views.
inline const ImVec4 kWarningColour{0.96F, 0.75F, 0.25F, 1.0F};
inline const ImVec4 kErrorColour{0.95F, 0.38F, 0.35F, 1.0F};
inline const ImVec4 kOkColour{0.45F, 0.80F, 0.50F, 1.0F};
inline const ImVec4 kMutedColour{0.60F, 0.62F, 0.66F, 1.0F};

// A line of status text in `colour`, wrapped at the window's edge.
inline void wrapped_text(const ImVec4& colour, const std::string& line) {
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  ImGui::PushTextWrapPos(0.0F);
  ImGui::TextUnformatted(line.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

}  // namespace clinvid::studio
