// Lock after inactivity: after `timeout` without input (or "Lock now", Ctrl+L) the studio hides
// every view and shows only this screen, which asks for the signed-in user's passphrase. Work in
// progress (the project, an export, a recording) goes on underneath: only drawing stops.
//
// InactivityLock is the clock and state, free of any UI so tests drive it with their own times;
// LockScreen draws the screen and checks the passphrase against the signed-in session's
// (StudioModel::passphrase_matches), auditing lock, unlock and refused unlocks in the archive.
// UI thread only.
#pragma once

#include <array>
#include <chrono>
#include <string>

#include "archive/archive.hpp"
#include "core/result.hpp"

namespace clinvid::studio {

class StudioModel;

inline constexpr std::chrono::seconds kDefaultLockAfter{5 * 60};

class InactivityLock {
 public:
  using Clock = std::chrono::steady_clock;

  // A zero timeout never locks by itself ("Lock now" still does).
  explicit InactivityLock(std::chrono::seconds timeout = kDefaultLockAfter,
                          Clock::time_point now = Clock::now())
      : timeout_(timeout), last_input_(now) {}

  [[nodiscard]] std::chrono::seconds timeout() const noexcept { return timeout_; }
  void set_timeout(std::chrono::seconds timeout, Clock::time_point now) {
    timeout_ = timeout;
    last_input_ = now;
  }
  // Input restarts the countdown; while locked it changes nothing (only the passphrase unlocks).
  void note_input(Clock::time_point now) {
    if (!locked_) last_input_ = now;
  }
  // True on the call that locks.
  [[nodiscard]] bool tick(Clock::time_point now) {
    if (locked_ || timeout_.count() <= 0 || now - last_input_ < timeout_) return false;
    locked_ = true;
    return true;
  }
  void lock() { locked_ = true; }
  void unlock(Clock::time_point now) {
    locked_ = false;
    last_input_ = now;
  }
  [[nodiscard]] bool locked() const noexcept { return locked_; }
  // Seconds of inactivity left before the lock; 0 when locked or never locking.
  [[nodiscard]] double seconds_left(Clock::time_point now) const {
    if (locked_ || timeout_.count() <= 0) return 0.0;
    const std::chrono::duration<double> left = timeout_ - (now - last_input_);
    return left.count() > 0 ? left.count() : 0.0;
  }

 private:
  std::chrono::seconds timeout_;
  Clock::time_point last_input_;
  bool locked_ = false;
};

class LockScreen {
 public:
  explicit LockScreen(StudioModel& model, std::chrono::seconds timeout = kDefaultLockAfter)
      : model_(&model), lock_(timeout) {}
  ~LockScreen();
  LockScreen(const LockScreen&) = delete;
  LockScreen& operator=(const LockScreen&) = delete;
  LockScreen(LockScreen&&) = delete;
  LockScreen& operator=(LockScreen&&) = delete;

  // Called once per frame after ImGui::NewFrame: notes input, locks on timeout (only while
  // signed in: there is nothing to hide before).
  void update();
  [[nodiscard]] bool locked() const noexcept { return lock_.locked(); }
  // "Lock now" (menu, Ctrl+L). Audited.
  void lock_now(std::string_view why);
  // Checks the passphrase; Errc::crypto "wrong passphrase" when it does not match. Audited
  // either way. The buffer is wiped.
  [[nodiscard]] Status try_unlock(std::string_view passphrase);
  // Draws the full-window lock screen (call instead of the views while locked()).
  void draw();

  [[nodiscard]] InactivityLock& clock() noexcept { return lock_; }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  [[nodiscard]] int failed_attempts() const noexcept { return failed_attempts_; }

 private:
  void audit(archive::SessionEvent event, std::string_view reason);

  StudioModel* model_;
  InactivityLock lock_;
  std::array<char, 256> passphrase_{};
  std::string error_;
  int failed_attempts_ = 0;
  bool focus_field_ = false;
};

}  // namespace clinvid::studio
