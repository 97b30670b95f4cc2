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
  if (demo_.valid()) demo_.wait();  // the worker uses nothing of ours, but must not outlive us
}

void SignInView::submit() {
  const std::string_view passphrase(passphrase_.data(), std::strlen(passphrase_.data()));
  auto signed_in = model_->sign_in(user_.data(), crypto::SecretBytes::copy_of(passphrase));
  explicit_bzero(passphrase_.data(), passphrase_.size());
  error_ = signed_in ? std::string() : signed_in.error().message();
}

Status SignInView::open_demo_archive() {
  if (demo_.valid()) return fail(Errc::invalid_argument, "the demo archive is being opened");
  if (model_->signed_in()) return fail(Errc::invalid_argument, "already signed in");
  error_.clear();
  demo_ = std::async(std::launch::async, [dir = archive::default_demo_archive()] {
    return archive::open_or_create_demo(dir);
  });
  return {};
}

void SignInView::update() {
  if (!demo_.valid() || demo_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    return;
  }
  auto demo = demo_.get();
  if (!demo) {
    error_ = demo.error().message();
    return;
  }
  if (auto adopted = model_->adopt(std::move(demo->archive), std::move(demo->passphrase));
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
  ImGui::BeginDisabled(opening_demo());
  if (ImGui::Button(opening_demo() ? "Opening the demo archive..." : "Use the demo archive")) {
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
  ImGui::SetNextItemWidth(280.0F);
  const bool entered =
      ImGui::InputText("Passphrase", passphrase_.data(), passphrase_.size(),
                       ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
  if (ImGui::Button("Sign in") || entered) submit();
  if (!error_.empty()) ImGui::TextColored(kErrorColour, "%s", error_.c_str());
}

void SignInView::add_script_steps(ScriptVerbs& verbs) {
  verbs.add("wait_signed_in", 0, 0, [this](StepCall& call) -> Result<bool> {
    update();
    if (model_->signed_in()) {
      call.extra["archive"] = model_->archive_dir().string();
      return true;
    }
    if (opening_demo()) return false;
    return fail(Errc::invalid_argument,
                error_.empty() ? std::string("not signed in, and no sign-in under way") : error_);
  });
}

}  // namespace clinvid::studio
