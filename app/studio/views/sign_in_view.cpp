#include "views/sign_in_view.hpp"

#include <cstring>
#include <string_view>

#include <imgui.h>
#include <string.h>  // explicit_bzero

#include "theme.hpp"

namespace clinvid::studio {

SignInView::~SignInView() {
  explicit_bzero(passphrase_.data(), passphrase_.size());
}

void SignInView::submit() {
  const std::string_view passphrase(passphrase_.data(), std::strlen(passphrase_.data()));
  auto signed_in = model_->sign_in(user_.data(), crypto::SecretBytes::copy_of(passphrase));
  explicit_bzero(passphrase_.data(), passphrase_.size());
  error_ = signed_in ? std::string() : signed_in.error().message();
}

void SignInView::draw() {
  if (model_->signed_in()) {
    ImGui::Text("Signed in as %s (%s)", model_->user().name.c_str(),
                std::string(consent::to_string(model_->user().role)).c_str());
    ImGui::TextColored(kMutedColour, "Archive: %s", model_->archive_dir().c_str());
    return;
  }
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

}  // namespace clinvid::studio
