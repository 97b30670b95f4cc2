// The studio's session around the views: the lock (inactivity, "Lock now", Ctrl+L), the help
// overlay (F1), sign-out and quit behind the unsaved-changes prompt, and their script steps.
#include <GLFW/glfw3.h>

#include <chrono>
#include <string>

#include <fmt/format.h>
#include <imgui.h>

#include "studio_app.hpp"
#include "ui_probe.hpp"

namespace clinvid::studio {

void StudioApp::draw_session_menu() {
  const bool signed_in = model_->signed_in();
  if (ImGui::MenuItem("Lock now", "Ctrl+L", false, signed_in && !lock_screen_->locked())) {
    lock_screen_->lock_now("locked from the File menu");
  }
  if (ImGui::MenuItem("Sign out", nullptr, false, signed_in && !lock_screen_->locked())) {
    if (unsaved_prompt_->allow(LeaveAction::sign_out)) leave(LeaveAction::sign_out);
  }
  if (ImGui::MenuItem("Keyboard shortcuts", "F1", help_overlay_.open())) help_overlay_.toggle();
  ImGui::Separator();
}

// imgui_impl_glfw (1.86) indexes keys by GLFW key code.
void StudioApp::handle_session_keys() {
  if (lock_screen_->locked()) return;
  help_overlay_.handle_keys();
  if (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_L, false)) {
    lock_screen_->lock_now("locked with Ctrl+L");
  }
}

void StudioApp::leave(LeaveAction action) {
  if (action == LeaveAction::quit) {
    quit_confirmed_ = true;
    glfwSetWindowShouldClose(window_.get(), GLFW_TRUE);
  } else if (action == LeaveAction::sign_out) {
    editor_view_->select_clip({});
    model_->sign_out();
  }
}

void StudioApp::add_session_steps() {
  verbs_.add("lock_after", 1, 1, [this](StepCall& call) -> Result<bool> {
    auto seconds = parse_step_int(call.step, call.step.args[0]);
    if (!seconds) return tl::unexpected(seconds.error());
    if (*seconds < 0) return fail(Errc::out_of_range, "lock_after: seconds must be 0 or more");
    lock_screen_->clock().set_timeout(std::chrono::seconds(*seconds), InactivityLock::Clock::now());
    return true;
  });
  // Waits, drawing frames and feeding no input, until the inactivity lock engages; fails if it
  // has not after MAX seconds.
  verbs_.add("wait_locked", 1, 1, [this](StepCall& call) -> Result<bool> {
    auto limit = parse_step_number(call.step, call.step.args[0]);
    if (!limit) return tl::unexpected(limit.error());
    if (!call.started) {
      call.started = true;
      wait_started_ = std::chrono::steady_clock::now();
    }
    if (lock_screen_->locked()) return true;
    const std::chrono::duration<double> waited = std::chrono::steady_clock::now() - wait_started_;
    if (waited.count() > *limit) {
      return fail(Errc::cancelled,
                  fmt::format("the studio did not lock within {:g} s (lock after {} s)", *limit,
                              lock_screen_->clock().timeout().count()));
    }
    return false;
  });
  // drag_to NAME TARGET DX DY: presses on NAME's centre and releases on TARGET's centre moved by
  // DX, DY pixels (a trim handle onto the playhead, say), through the same injected input.
  verbs_.add("drag_to", 4, 4, [this](StepCall& call) -> Result<bool> {
    if (!call.started) {
      const auto from = probed_item(call.step.args[0]);
      const auto to = probed_item(call.step.args[1]);
      if (!from || !to) {
        return fail(Errc::not_found, fmt::format("drag_to: `{}` is not on screen",
                                                 !from ? call.step.args[0] : call.step.args[1]));
      }
      auto dx = parse_step_number(call.step, call.step.args[2]);
      if (!dx) return tl::unexpected(dx.error());
      auto dy = parse_step_number(call.step, call.step.args[3]);
      if (!dy) return tl::unexpected(dy.error());
      const ImVec2 target = to->centre();
      injector_->drag(from->centre(), ImVec2(target.x + static_cast<float>(*dx),
                                             target.y + static_cast<float>(*dy)));
      call.started = true;
      return false;
    }
    return !injector_->busy() && call.waited_frames >= 1;
  });
  verbs_.add("sign_out", 0, 0, [this](StepCall&) -> Result<bool> {
    if (unsaved_prompt_->allow(LeaveAction::sign_out)) leave(LeaveAction::sign_out);
    return true;
  });
  verbs_.add_state([this](Json& state) {
    state["locked"] = lock_screen_->locked();
    if (!lock_screen_->error().empty()) state["lock_error"] = lock_screen_->error();
    state["lock_failed_attempts"] = lock_screen_->failed_attempts();
  });
}

}  // namespace clinvid::studio
