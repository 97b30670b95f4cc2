// The help overlay (F1 or ?): every keyboard shortcut of every view, and one line per view
// saying what to do next. The table is data (help_sections()), so the overlay, the user guide
// and the scripted test read the same list. UI thread only.
#pragma once

#include <span>
#include <string_view>

#include "script.hpp"
#include "studio_model.hpp"

namespace clinvid::studio {

struct Shortcut {
  std::string_view keys;    // "Ctrl+Shift+Z"
  std::string_view action;  // "Redo"
};

struct HelpSection {
  ViewId view = ViewId::invalid;  // invalid: the whole studio
  std::string_view title;
  std::string_view next_step;  // "what to do next" in this view
  std::span<const Shortcut> shortcuts;
};

// The whole studio first, then each view in tab order.
[[nodiscard]] std::span<const HelpSection> help_sections() noexcept;

class HelpOverlay {
 public:
  // F1, or ? while no text field has focus, toggles; Escape closes. Call once per frame.
  void handle_keys();
  // Draws the overlay when open; `current` is listed first.
  void draw(ViewId current);
  void toggle() noexcept { open_ = !open_; }
  [[nodiscard]] bool open() const noexcept { return open_; }
  // The scripted test mode's state: whether the overlay is open and what it lists.
  void add_script_steps(ScriptVerbs& verbs);

 private:
  bool open_ = false;
  ViewId shown_for_ = ViewId::invalid;
};

}  // namespace clinvid::studio
