// Capture: every camera's live preview in a grid, the consent panel whose check must pass before
// Record is enabled (the reason shown while it is not), Record/Stop for all cameras, markers
// (button and key M), per-camera fps/dropped/bytes, the recording timer, and the framing aids:
// a rule-of-thirds grid, a clipping (zebra) indicator and a ghost of the previous recording's
// last frame at an adjustable opacity. The GPU and workstation panels say what runs where. The
// calibration wizard and the standardised/raw toggle are CalibrationPanel's
// (capture_view_calibration.hpp).
//
// The view keeps only UI state (the consent form's text, the overlay switches); the cameras,
// the consent check and the recording are the CaptureController's. UI thread only.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "capture_controller.hpp"
#include "gpu/context.hpp"
#include "preview_texture.hpp"
#include "script.hpp"
#include "studio_model.hpp"
#include "views/capture_view_calibration.hpp"
#include "workstation.hpp"

namespace clinvid::studio {

// One camera's textures: its live preview, its ghost (the previous recording's last frame), its
// preview through the accepted calibration profile, and the calibration's difference view.
struct CameraTextures {
  PreviewTexture* live = nullptr;
  PreviewTexture* ghost = nullptr;
  PreviewTexture* standardised = nullptr;
  PreviewTexture* difference = nullptr;
};

class CaptureView {
 public:
  // All must outlive the view; `textures` has one entry per camera of `controller`.
  CaptureView(const gpu::Context& context, StudioModel& model, CaptureController& controller,
              std::vector<CameraTextures> textures, const Workstation& workstation);

  // Draws into the current ImGui window, filling the space left.
  void draw();
  // Registers the scripted test mode's steps and state for this view (script.hpp).
  void add_script_steps(ScriptVerbs& verbs);

  // The actions the widgets (and the scripted test mode) take. Each returns what failed.
  // Fills the consent panel as typing would; the purpose must be one the engine knows.
  [[nodiscard]] Status set_consent_form(const std::string& patient, const std::string& consent_id,
                                        const std::string& purpose, const std::string& body_site);
  [[nodiscard]] Status check_consent();
  [[nodiscard]] Status record();
  [[nodiscard]] Status add_marker();
  // Why Record is disabled now; empty when it is enabled.
  [[nodiscard]] std::string record_blocked_reason() const;

 private:
  enum class GhostMode { invalid = 0, off, on };
  enum class GridMode { invalid = 0, off, thirds };

  // The consent panel as the engine takes it; the error names the field.
  [[nodiscard]] Result<capture::ArchiveTarget> form_target() const;
  void draw_side_panel(const CaptureStatus& status);
  void draw_consent_section();
  void draw_record_section(const CaptureStatus& status);
  void draw_camera_table(const CaptureStatus& status) const;
  void draw_last_outcome(const CaptureStatus& status) const;
  void draw_overlay_section();
  void draw_gpu_section() const;
  void draw_workstation_section() const;
  void draw_previews(const CaptureStatus& status) const;
  void draw_tile(std::size_t camera, const CaptureStatus& status, float width, float height) const;
  void handle_keys(const CaptureStatus& status);
  void update_rates();
  [[nodiscard]] Json state_json() const;

  const gpu::Context* context_;
  StudioModel* model_;
  CaptureController* controller_;
  std::vector<CameraTextures> textures_;
  const Workstation* workstation_;
  CalibrationPanel calibration_;  // the calibration wizard (capture_view_calibration.cpp)

  // The consent panel.
  std::array<char, 64> patient_{};
  std::array<char, 64> consent_id_{};
  int purpose_index_ = 0;  // into consent::all_purposes()
  std::array<char, 64> body_site_{};
  std::string check_message_;  // the last check's answer, or why it could not ask
  bool check_allowed_ = false;
  std::string action_error_;  // the last Record/marker action that failed

  // Framing aids.
  GridMode grid_ = GridMode::off;
  bool zebra_ = false;
  bool peaking_ = false;
  GhostMode ghost_ = GhostMode::off;
  float ghost_opacity_ = 0.4F;

  // Preview rates over the last half second, per camera, measured where the user sees them.
  std::chrono::steady_clock::time_point rate_window_start_ = std::chrono::steady_clock::now();
  std::vector<std::uint64_t> rate_window_uploads_;
  std::vector<double> preview_fps_;

  // The scripted test mode's waits measure wall-clock time from their first call.
  std::chrono::steady_clock::time_point wait_started_;
  std::uint64_t wait_outcomes_ = 0;  // recordings ended when the wait began
};

}  // namespace clinvid::studio
