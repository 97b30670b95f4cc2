// The unsaved-changes prompt: before quitting or signing out with an edit project that changed
// since it was saved, ask "Save / Discard / Cancel". UI thread only.
#pragma once

#include <string>

#include "script.hpp"
#include "studio_model.hpp"

namespace clinvid::studio {

enum class LeaveAction { invalid = 0, quit, sign_out };

class UnsavedPrompt {
 public:
  explicit UnsavedPrompt(StudioModel& model) : model_(&model) {}

  // True when `action` may go ahead now (nothing unsaved); otherwise opens the prompt and the
  // action waits for the answer.
  [[nodiscard]] bool allow(LeaveAction action);
  // Draws the prompt when open. Returns the action to carry out now (after Save succeeded or
  // Discard), or LeaveAction::invalid while undecided or after Cancel.
  [[nodiscard]] LeaveAction draw();
  [[nodiscard]] bool open() const noexcept { return pending_ != LeaveAction::invalid; }
  void add_script_steps(ScriptVerbs& verbs);

 private:
  StudioModel* model_;
  LeaveAction pending_ = LeaveAction::invalid;
  bool popup_requested_ = false;
  std::string error_;
};

}  // namespace clinvid::studio
