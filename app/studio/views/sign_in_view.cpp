#include "views/sign_in_view.hpp"

#include <chrono>
#include <cstring>
#include <string_view>

#include <fmt/format.h>
#include <imgui.h>
#include <string.h>  // explicit_bzero

#include "theme.hpp"
#include "ui_probe.hpp"

namespace clinvid::studio {

SignInView::~SignInView() {
  explicit_bzero(passphrase_.data(), passphrase_.size());
  if (pending_.valid()) pending_.wait();  // the worker uses nothing of ours, but must end first
}

void SignInView::submit() {
  if (busy()) return;
  const std::string_view typed(passphrase_.data(), std::strlen(passphrase_.data()));
  crypto::SecretBytes passphrase = crypto::SecretBytes::copy_of(typed);
  explicit_bzero(passphrase_.data(), passphrase_.size());
  error_.clear();
  pending_ =
      std::async(std::launch::async, [dir = model_->archive_dir(), user = std::string(user_.data()),
                                      secret = std::move(passphrase)]() mutable {
        auto opened = StudioModel::open_unlocked(dir, user, secret);
        if (!opened) return Result<Unlocked>(tl::unexpected(opened.error()));
        return Result<Unlocked>(Unlocked{std::move(*opened), std::move(secret)});
      });
}

Status SignInView::open_demo_archive() {
  if (busy()) return fail(Errc::invalid_argument, "a sign-in is under way");
  if (model_->signed_in()) return fail(Errc::invalid_argument, "already signed in");
  error_.clear();
  pending_ = std::async(std::launch::async, [dir = archive::default_demo_archive()] {
    auto demo = archive::open_or_create_demo(dir);
    if (!demo) return Result<Unlocked>(tl::unexpected(demo.error()));
    return Result<Unlocked>(Unlocked{std::move(demo->archive), std::move(demo->passphrase)});
  });
  return {};
}

void SignInView::update() {
  if (!busy() || pending_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
  auto unlocked = pending_.get();
  if (!unlocked) {
    error_ = unlocked.error().message();
    return;
  }
  if (auto adopted = model_->adopt(std::move(unlocked->archive), std::move(unlocked->passphrase));
      !adopted) {
    error_ = adopted.error().message();
  }
  archive_exists_.reset();
}

void SignInView::draw_first_run() {
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + 560.0F);
  ImGui::TextColored(kWarningColour, "There is no archive at %s yet.",
                     model_->archive_dir().c_str());
  ImGui::TextUnformatted(
      "An archive for real patients is created by your information-governance officer, who "
      "becomes its first user and adds yours: `clinvid archive init`, then `clinvid user add`.");
  ImGui::Spacing();
  ImGui::TextUnformatted(
      "To try clinvid now, use the demo archive: made-up people only (a photographer `demo`, a "
      "fictitious patient and their consent), so you can calibrate, record, edit and export "
      "in minutes. Never put a real patient in it.");
  ImGui::PopTextWrapPos();
  ImGui::BeginDisabled(busy());
  if (ImGui::Button(busy() ? "Opening..." : "Use the demo archive")) {
    if (auto started = open_demo_archive(); !started) error_ = started.error().message();
  }
  probe_item("signin.demo");
  ImGui::EndDisabled();
  ImGui::TextColored(kMutedColour, "%s", archive::default_demo_archive().c_str());
  ImGui::Separator();
}

void SignInView::draw() {
  update();
  if (model_->signed_in()) {
    ImGui::Text("Signed in as %s (%s)", model_->user().name.c_str(),
                std::string(consent::to_string(model_->user().role)).c_str());
    ImGui::TextColored(kMutedColour, "Archive: %s", model_->archive_dir().c_str());
    return;
  }
  if (!archive_exists_) {
    std::error_code ec;
    archive_exists_ = std::filesystem::exists(model_->archive_dir() / archive::kCatalogueFile, ec);
  }
  if (!*archive_exists_) draw_first_run();
  ImGui::TextUnformatted("Sign in to the archive");
  ImGui::TextColored(kMutedColour, "%s", model_->archive_dir().c_str());
  ImGui::SetNextItemWidth(280.0F);
  ImGui::InputText("User", user_.data(), user_.size());
  probe_item("signin.user");
  ImGui::SetNextItemWidth(280.0F);
  const bool entered =
      ImGui::InputText("Passphrase", passphrase_.data(), passphrase_.size(),
                       ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
  probe_item("signin.passphrase");
  ImGui::BeginDisabled(busy());
  if (ImGui::Button(busy() ? "Signing in..." : "Sign in") || (entered && !busy())) submit();
  probe_item("signin.submit");
  ImGui::EndDisabled();
  if (!error_.empty()) ImGui::TextColored(kErrorColour, "%s", error_.c_str());
}

void SignInView::add_script_steps(ScriptVerbs& verbs) {
  // Waits for a sign-in typed into the form to finish, whatever its outcome (see the state's
  // sign_in_error).
  verbs.add("wait_sign_in_attempt", 0, 0, [this](StepCall& /*call*/) -> Result<bool> {
    update();
    return !busy();
  });
  verbs.add_state([this](Json& state) { state["sign_in_error"] = error_; });
  verbs.add("wait_signed_in", 0, 0, [this](StepCall& call) -> Result<bool> {
    update();
    if (model_->signed_in()) {
      call.extra["archive"] = model_->archive_dir().string();
      return true;
    }
    if (busy()) return false;
    return fail(Errc::invalid_argument,
                error_.empty() ? std::string("not signed in, and no sign-in under way") : error_);
  });
}

}  // namespace clinvid::studio
