// Settings: the cameras attached, the encoders this machine has (capture: GStreamer; export:
// FFmpeg), the archive's location, its users (and adding one, for the information-governance
// officer), the consent policy in force, the theme and the inactivity lock timeout.
//
// Slow work stays off the UI thread: encoders are probed once on a worker thread, and adding a
// user (Argon2id stretching of the new passphrase) runs on a worker with an Archive of its own.
// UI thread only otherwise.
#pragma once

#include <array>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "lock_screen.hpp"
#include "script.hpp"
#include "studio_model.hpp"
#include "theme.hpp"
#include "workstation.hpp"

namespace clinvid::studio {

struct EncoderInfo {
  std::string name;     // "x264enc", "h264_nvenc"
  std::string used_by;  // "capture (GStreamer)" or "export (FFmpeg)"
  std::string what;     // "H.264, software"
  bool available = false;
};

// Which H.264 encoders GStreamer and FFmpeg offer here. Initialises GStreamer if needed.
[[nodiscard]] std::vector<EncoderInfo> probe_encoders();

class SettingsView {
 public:
  // All must outlive the view. `theme` is the studio's current theme (changed here).
  SettingsView(StudioModel& model, const Workstation& workstation, LockScreen& lock, Theme& theme);
  ~SettingsView();
  SettingsView(const SettingsView&) = delete;
  SettingsView& operator=(const SettingsView&) = delete;
  SettingsView(SettingsView&&) = delete;
  SettingsView& operator=(SettingsView&&) = delete;

  void draw();
  void add_script_steps(ScriptVerbs& verbs);

  // The actions the widgets (and the scripted test mode) take.
  [[nodiscard]] Status refresh_users();
  // Starts adding the user in the form on a worker; the result shows when it finishes.
  [[nodiscard]] Status start_add_user();
  [[nodiscard]] bool adding_user() const noexcept { return adding_.valid(); }

 private:
  void poll();
  void draw_machine();
  void draw_archive();
  void draw_users();
  void draw_add_user();
  void draw_policy();
  void draw_preferences();

  StudioModel* model_;
  const Workstation* workstation_;
  LockScreen* lock_;
  Theme* theme_;
  std::future<std::vector<EncoderInfo>> probing_;
  std::optional<std::vector<EncoderInfo>> encoders_;
  std::optional<std::vector<archive::UserInfo>> users_;
  std::string users_error_;

  std::string new_user_;
  consent::Role new_role_ = consent::Role::clinician;
  std::array<char, 256> new_passphrase_{};
  std::array<char, 256> confirm_passphrase_{};
  std::future<Status> adding_;
  std::string add_message_;
  bool add_failed_ = false;
  int lock_minutes_ = 0;
};

}  // namespace clinvid::studio
