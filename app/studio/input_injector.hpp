// Synthetic mouse and keyboard input for the scripted test mode. Events enter Dear ImGui where
// the GLFW platform backend's own land: keys and characters through the backend's callbacks,
// the pointer and the left button written over what the backend read from the window (under
// Xvfb the window may not have the pointer). Widgets cannot tell them from a person's.
//
// The frame loop calls apply() once per frame between ImGui_ImplGlfw_NewFrame() and
// ImGui::NewFrame(); each queued frame of input is applied in turn. UI thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <vector>

#include <imgui.h>

#include "core/result.hpp"

struct GLFWwindow;

namespace clinvid::studio {

class InputInjector {
 public:
  explicit InputInjector(GLFWwindow* window) : window_(window) {}

  // Moves to `at`, presses and releases the left button (three frames).
  void click(ImVec2 at);
  // Presses at `from`, moves to `to` over several frames with the button held, releases.
  void drag(ImVec2 from, ImVec2 to);
  // Types `text` (UTF-8) into whatever has keyboard focus (one frame).
  void type(std::string_view text);
  // Presses and releases a chord such as "space", "left", "m", "ctrl+z", "shift+f1" (two
  // frames). Errc::invalid_argument for a key name it does not know.
  [[nodiscard]] Status key(std::string_view chord);

  // True while queued input remains.
  [[nodiscard]] bool busy() const noexcept { return !queue_.empty(); }
  void apply();

 private:
  struct Frame {
    std::optional<ImVec2> pointer;
    std::optional<bool> button;  // left button held this frame
    std::vector<int> press;      // GLFW key codes pressed this frame
    std::vector<int> release;    // released this frame
    std::vector<unsigned> chars;
  };

  GLFWwindow* window_;
  std::deque<Frame> queue_;
  std::optional<ImVec2> pointer_;  // held over frames once a script has moved the pointer
  bool button_ = false;
};

}  // namespace clinvid::studio
