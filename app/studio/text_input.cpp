#include "text_input.hpp"

namespace clinvid::studio {
namespace {

// ImGui asks to grow the buffer through this callback; the string is resized and handed back.
int resize_callback(ImGuiInputTextCallbackData* data) {
  if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) {
    auto* text = static_cast<std::string*>(data->UserData);
    text->resize(static_cast<std::size_t>(data->BufTextLen));
    data->Buf = text->data();
  }
  return 0;
}

}  // namespace

bool input_text(const char* label, const char* hint, std::string& text, ImGuiInputTextFlags flags) {
  return ImGui::InputTextWithHint(label, hint, text.data(), text.capacity() + 1,
                                  flags | ImGuiInputTextFlags_CallbackResize, resize_callback,
                                  &text);
}

bool input_multiline(const char* label, std::string& text, ImVec2 size) {
  return ImGui::InputTextMultiline(label, text.data(), text.capacity() + 1, size,
                                   ImGuiInputTextFlags_CallbackResize, resize_callback, &text);
}

}  // namespace clinvid::studio
