// Dear ImGui text fields over std::string (Debian's libimgui 1.86 ships imgui_stdlib.h but not
// its object code, so the studio carries these two small wrappers). UI thread only.
#pragma once

#include <string>

#include <imgui.h>

namespace clinvid::studio {

// As ImGui::InputTextWithHint, growing `text` as the user types.
bool input_text(const char* label, const char* hint, std::string& text,
                ImGuiInputTextFlags flags = ImGuiInputTextFlags_None);
// As ImGui::InputTextMultiline.
bool input_multiline(const char* label, std::string& text, ImVec2 size);

}  // namespace clinvid::studio
