#include "unsaved_prompt.hpp"

#include <GLFW/glfw3.h>

#include <imgui.h>

#include "theme.hpp"
#include "ui_probe.hpp"

namespace clinvid::studio {

namespace {

constexpr const char* kPopup = "Unsaved changes";

const char* action_words(LeaveAction action) {
  return action == LeaveAction::sign_out ? "signing out" : "quitting";
}

}  // namespace

bool UnsavedPrompt::allow(LeaveAction action) {
  if (!model_->signed_in() || !model_->unsaved_changes()) return true;
  pending_ = action;
  popup_requested_ = true;
  error_.clear();
  return false;
}

LeaveAction UnsavedPrompt::draw() {
  if (pending_ == LeaveAction::invalid) return LeaveAction::invalid;
  if (popup_requested_) {
    ImGui::OpenPopup(kPopup);
    popup_requested_ = false;
  }
  LeaveAction decided = LeaveAction::invalid;
  // A fixed size and place: an auto-sized window spends its first frame hidden and measuring,
  // with its buttons elsewhere than where they then appear.
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x + viewport->WorkSize.x * 0.5F,
                                 viewport->WorkPos.y + viewport->WorkSize.y * 0.5F),
                          ImGuiCond_Always, ImVec2(0.5F, 0.5F));
  ImGui::SetNextWindowSize(ImVec2(560.0F, 140.0F), ImGuiCond_Always);
  if (!ImGui::BeginPopupModal(
          kPopup, nullptr,
          ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings)) {
    pending_ = LeaveAction::invalid;  // closed from outside
    return decided;
  }
  ImGui::Text("The project `%s` has changes that are not saved.", model_->project_name().c_str());
  ImGui::Text("Save them before %s?", action_words(pending_));
  if (ImGui::Button("Save")) {
    if (auto saved = model_->save_project(); saved) {
      decided = pending_;
    } else {
      error_ = saved.error().message() + " — fix the project name in the Editor, or Discard.";
    }
  }
  probe_item("prompt.save");
  ImGui::SameLine();
  if (ImGui::Button("Discard changes")) decided = pending_;
  probe_item("prompt.discard");
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false)) {
    pending_ = LeaveAction::invalid;
    ImGui::CloseCurrentPopup();
  }
  probe_item("prompt.cancel");
  if (!error_.empty()) ImGui::TextColored(kErrorColour, "%s", error_.c_str());
  if (decided != LeaveAction::invalid) {
    pending_ = LeaveAction::invalid;
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
  return decided;
}

void UnsavedPrompt::add_script_steps(ScriptVerbs& verbs) {
  verbs.add_state([this](Json& state) {
    state["unsaved_prompt"] = open();
    state["unsaved_changes"] = model_->signed_in() && model_->unsaved_changes();
  });
}

}  // namespace clinvid::studio
