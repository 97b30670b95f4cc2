#include "input_injector.hpp"

#include <array>
#include <cctype>
#include <string>
#include <utility>

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <fmt/format.h>

namespace clinvid::studio {

namespace {

constexpr int kDragSteps = 10;

struct NamedKey {
  std::string_view name;
  int key;
};

constexpr std::array kNamedKeys{
    NamedKey{"space", GLFW_KEY_SPACE},
    NamedKey{"enter", GLFW_KEY_ENTER},
    NamedKey{"escape", GLFW_KEY_ESCAPE},
    NamedKey{"tab", GLFW_KEY_TAB},
    NamedKey{"backspace", GLFW_KEY_BACKSPACE},
    NamedKey{"delete", GLFW_KEY_DELETE},
    NamedKey{"left", GLFW_KEY_LEFT},
    NamedKey{"right", GLFW_KEY_RIGHT},
    NamedKey{"up", GLFW_KEY_UP},
    NamedKey{"down", GLFW_KEY_DOWN},
    NamedKey{"home", GLFW_KEY_HOME},
    NamedKey{"end", GLFW_KEY_END},
    NamedKey{"f1", GLFW_KEY_F1},
    NamedKey{"f2", GLFW_KEY_F2},
    NamedKey{"plus", GLFW_KEY_EQUAL},
    NamedKey{"minus", GLFW_KEY_MINUS},
    NamedKey{"question", GLFW_KEY_SLASH},
};

std::optional<int> key_code(std::string_view name) {
  for (const NamedKey& named : kNamedKeys) {
    if (named.name == name) return named.key;
  }
  if (name.size() == 1) {
    const auto c = static_cast<unsigned char>(name[0]);
    if (std::isalpha(c) != 0) return GLFW_KEY_A + (std::tolower(c) - 'a');
    if (std::isdigit(c) != 0) return GLFW_KEY_0 + (c - '0');
  }
  return std::nullopt;
}

// Decodes UTF-8; malformed bytes become U+FFFD.
std::vector<unsigned> code_points(std::string_view text) {
  std::vector<unsigned> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 1;
    unsigned cp = lead;
    if (lead >= 0xF0U) {
      length = 4;
      cp = lead & 0x07U;
    } else if (lead >= 0xE0U) {
      length = 3;
      cp = lead & 0x0FU;
    } else if (lead >= 0xC0U) {
      length = 2;
      cp = lead & 0x1FU;
    }
    if (i + length > text.size()) {
      out.push_back(0xFFFDU);
      break;
    }
    for (std::size_t k = 1; k < length; ++k) {
      cp = (cp << 6U) | (static_cast<unsigned char>(text[i + k]) & 0x3FU);
    }
    out.push_back(lead >= 0x80U && lead < 0xC0U ? 0xFFFDU : cp);
    i += length;
  }
  return out;
}

}  // namespace

void InputInjector::click(ImVec2 at) {
  queue_.push_back({at, false, {}, {}, {}});
  queue_.push_back({at, true, {}, {}, {}});
  queue_.push_back({at, false, {}, {}, {}});
}

void InputInjector::drag(ImVec2 from, ImVec2 to) {
  queue_.push_back({from, false, {}, {}, {}});
  queue_.push_back({from, true, {}, {}, {}});
  for (int i = 1; i <= kDragSteps; ++i) {
    const float t = static_cast<float>(i) / static_cast<float>(kDragSteps);
    queue_.push_back(
        {ImVec2(from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t), true, {}, {}, {}});
  }
  queue_.push_back({to, false, {}, {}, {}});
}

void InputInjector::type(std::string_view text) {
  queue_.push_back({std::nullopt, std::nullopt, {}, {}, code_points(text)});
}

Status InputInjector::key(std::string_view chord) {
  std::vector<int> keys;
  std::string_view rest = chord;
  while (!rest.empty()) {
    const auto plus = rest.find('+', 1);
    const std::string_view part = rest.substr(0, plus);
    rest = plus == std::string_view::npos ? std::string_view() : rest.substr(plus + 1);
    if (part == "ctrl") {
      keys.push_back(GLFW_KEY_LEFT_CONTROL);
    } else if (part == "shift") {
      keys.push_back(GLFW_KEY_LEFT_SHIFT);
    } else if (part == "alt") {
      keys.push_back(GLFW_KEY_LEFT_ALT);
    } else if (auto code = key_code(part)) {
      keys.push_back(*code);
    } else {
      return fail(Errc::invalid_argument, fmt::format("unknown key `{}` in `{}`", part, chord));
    }
  }
  if (keys.empty()) return fail(Errc::invalid_argument, "key: no key given");
  queue_.push_back({std::nullopt, std::nullopt, keys, {}, {}});
  queue_.push_back({std::nullopt, std::nullopt, {}, std::move(keys), {}});
  return {};
}

void InputInjector::apply() {
  if (!queue_.empty()) {
    Frame frame = std::move(queue_.front());
    queue_.pop_front();
    if (frame.pointer) pointer_ = frame.pointer;
    if (frame.button) button_ = *frame.button;
    for (const int key : frame.press) ImGui_ImplGlfw_KeyCallback(window_, key, 0, GLFW_PRESS, 0);
    for (const int key : frame.release) {
      ImGui_ImplGlfw_KeyCallback(window_, key, 0, GLFW_RELEASE, 0);
    }
    for (const unsigned c : frame.chars) ImGui_ImplGlfw_CharCallback(window_, c);
  }
  if (pointer_) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = *pointer_;
    io.MouseDown[0] = button_;
  }
}

}  // namespace clinvid::studio
