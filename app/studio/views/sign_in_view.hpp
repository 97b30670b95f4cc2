// Sign-in: the archive's user name and passphrase (masked). The passphrase buffer is wiped
// after each attempt. UI thread only.
#pragma once

#include <array>
#include <string>

#include "studio_model.hpp"

namespace clinvid::studio {

class SignInView {
 public:
  explicit SignInView(StudioModel& model) : model_(&model) {}
  ~SignInView();
  SignInView(const SignInView&) = delete;
  SignInView& operator=(const SignInView&) = delete;
  SignInView(SignInView&&) = delete;
  SignInView& operator=(SignInView&&) = delete;

  // Draws the form into the current window, or who is signed in and their role.
  void draw();

 private:
  void submit();

  StudioModel* model_;
  std::array<char, 128> user_{};
  std::array<char, 256> passphrase_{};
  std::string error_;
};

}  // namespace clinvid::studio
