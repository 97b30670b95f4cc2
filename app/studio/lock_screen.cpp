#include "lock_screen.hpp"

#include <string.h>  // explicit_bzero
#include <cstring>

#include <fmt/format.h>
#include <imgui.h>

#include "core/log.hpp"
#include "studio_model.hpp"
#include "theme.hpp"
#include "ui_probe.hpp"

namespace clinvid::studio {

namespace {

constexpr std::string_view kLogModule = "studio";

bool any_input(const ImGuiIO& io) {
  if (io.MouseDelta.x != 0.0F || io.MouseDelta.y != 0.0F || io.MouseWheel != 0.0F ||
      io.MouseWheelH != 0.0F || io.InputQueueCharacters.Size > 0) {
    return true;
  }
  for (const bool down : io.MouseDown) {
    if (down) return true;
  }
  for (const bool down : io.KeysDown) {
    if (down) return true;
  }
  return false;
}

}  // namespace

LockScreen::~LockScreen() {
  explicit_bzero(passphrase_.data(), passphrase_.size());
}

void LockScreen::audit(archive::SessionEvent event, std::string_view reason) {
  if (!model_->signed_in()) return;
  // The lock must work even when the audit cannot be written (a full disk): log, carry on.
  if (auto written = model_->archive().record_session_event(event, reason); !written) {
    log(LogLevel::error, kLogModule, "audit of the screen lock: {}", written.error().message());
  }
}

void LockScreen::update() {
  const auto now = InactivityLock::Clock::now();
  if (!model_->signed_in()) {
    lock_.note_input(now);  // nothing to hide yet: the countdown starts at sign-in
    return;
  }
  if (any_input(ImGui::GetIO())) lock_.note_input(now);
  if (lock_.tick(now)) {
    focus_field_ = true;
    audit(archive::SessionEvent::locked,
          fmt::format("locked after {} s without input", lock_.timeout().count()));
  }
}

void LockScreen::lock_now(std::string_view why) {
  if (!model_->signed_in() || lock_.locked()) return;
  lock_.lock();
  focus_field_ = true;
  audit(archive::SessionEvent::locked, why);
}

Status LockScreen::try_unlock(std::string_view passphrase) {
  const bool matches = model_->signed_in() && model_->passphrase_matches(passphrase);
  if (!matches) {
    ++failed_attempts_;
    error_ = fmt::format(
        "Wrong passphrase for {} (attempt {}). Type the passphrase you signed in with; "
        "Caps Lock may be on.",
        model_->signed_in() ? model_->user().name : std::string("this user"), failed_attempts_);
    audit(archive::SessionEvent::unlock_refused, "wrong passphrase at the lock screen");
    return fail(Errc::crypto, error_);
  }
  error_.clear();
  failed_attempts_ = 0;
  lock_.unlock(InactivityLock::Clock::now());
  audit(archive::SessionEvent::unlocked, "unlocked with the user's passphrase");
  return {};
}

void LockScreen::draw() {
  const ImVec2 area = ImGui::GetContentRegionAvail();
  const float box_width = 440.0F;
  ImGui::SetCursorPos(ImVec2(ImGui::GetCursorPosX() + (area.x - box_width) * 0.5F,
                             ImGui::GetCursorPosY() + area.y * 0.25F));
  ImGui::BeginChild("lock.box", ImVec2(box_width, 220.0F), true);
  ImGui::TextUnformatted("The studio is locked");
  ImGui::Separator();
  if (model_->signed_in()) {
    ImGui::TextWrapped(
        "Signed in as %s. Patient content is hidden; recording, export and your "
        "project carry on.",
        model_->user().name.c_str());
  }
  ImGui::Spacing();
  if (focus_field_) {
    ImGui::SetKeyboardFocusHere();
    focus_field_ = false;
  }
  ImGui::SetNextItemWidth(260.0F);
  const bool entered =
      ImGui::InputText("Passphrase##lock", passphrase_.data(), passphrase_.size(),
                       ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
  probe_item("lock.passphrase");
  const bool clicked = ImGui::Button("Unlock");
  probe_item("lock.unlock");
  if (entered || clicked) {
    (void)try_unlock(std::string_view(passphrase_.data(), std::strlen(passphrase_.data())));
    explicit_bzero(passphrase_.data(), passphrase_.size());
    if (lock_.locked()) focus_field_ = true;
  }
  if (!error_.empty()) ImGui::TextColored(kErrorColour, "%s", error_.c_str());
  ImGui::EndChild();
}

}  // namespace clinvid::studio
