// Sign-in: the archive's user name and passphrase (masked). The passphrase buffer is wiped
// after each attempt; the archive is opened and unlocked on a worker thread (the passphrase KDF
// takes a second or more), so the window keeps drawing. When the archive does not exist yet (a
// newcomer's first run), the view says who creates a real one and offers the demo archive instead:
// made-up people, created or opened on a worker thread (the passphrase KDF takes seconds), then
// signed in as `demo`. UI thread only.
#pragma once

#include <array>
#include <future>
#include <optional>
#include <string>

#include "archive/demo.hpp"
#include "script.hpp"
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
  // Collects the worker's archive when it is done (signing in); called every frame.
  void update();
  // Starts creating (or opening) the demo archive; invalid_argument while a sign-in is under way.
  [[nodiscard]] Status open_demo_archive();
  [[nodiscard]] bool busy() const noexcept { return pending_.valid(); }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }

  // `wait_signed_in`: waits for the demo archive (or any sign-in); fails with its error.
  void add_script_steps(ScriptVerbs& verbs);

 private:
  void submit();
  void draw_first_run();

  StudioModel* model_;
  std::array<char, 128> user_{};
  std::array<char, 256> passphrase_{};
  std::string error_;
  struct Unlocked {
    archive::Archive archive;
    crypto::SecretBytes passphrase;
  };
  std::future<Result<Unlocked>> pending_;  // a sign-in or the demo archive, on a worker
  std::optional<bool> archive_exists_;     // checked once per sign-in screen
};

}  // namespace clinvid::studio
