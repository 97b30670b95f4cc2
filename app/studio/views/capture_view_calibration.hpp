// The Capture view's calibration wizard: per camera, Calibrate (the ColorChecker found in the
// latest preview frame and a profile fitted, on the CalibrationWorker's thread), the chart's
// corners drawn over the preview, the dE00 table (each patch before and after, mean and max),
// the difference view (before | after split, or the dE false-colour map), Accept (the profile
// is saved under <archive>/calibration/ and the next recording uses it) and Reject; Match all
// (every camera to one reference, the worst pair's dE00); and the standardised/raw preview
// toggle once a profile is accepted.
//
// UI state only (the toggle, the difference view's mode); the fits and the accepted profiles
// are the CaptureController's CalibrationWorker's. UI thread only.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <imgui.h>

#include "capture_controller.hpp"
#include "preview_texture.hpp"
#include "script.hpp"
#include "studio_model.hpp"

namespace clinvid::studio {

struct CameraTextures;

class CalibrationPanel {
 public:
  // All must outlive the panel; `textures` has one entry per camera of `controller`.
  CalibrationPanel(StudioModel& model, CaptureController& controller,
                   const std::vector<CameraTextures>& textures);

  // The side panel's Calibration section.
  void draw_section(const CaptureStatus& status);
  // What a camera's tile shows: the standardised preview when a profile is accepted and the
  // toggle says so (and nothing records: then the live picture is what is recorded).
  [[nodiscard]] const PreviewTexture& tile_texture(std::size_t camera,
                                                   const CaptureStatus& status) const;
  // The chart-found outline (the candidate's corners) over a tile's picture at min..max.
  void draw_tile_overlay(std::size_t camera, ImVec2 min, ImVec2 max) const;

  // The actions the widgets (and the scripted test mode) take.
  [[nodiscard]] Status calibrate(std::size_t camera);
  [[nodiscard]] Status accept(std::size_t camera);
  [[nodiscard]] Status reject(std::size_t camera);
  [[nodiscard]] Status match_all();

  void add_script_steps(ScriptVerbs& verbs);
  [[nodiscard]] Json state_json(const CaptureStatus& status) const;

 private:
  enum class PreviewMode { invalid = 0, raw, standardised };
  enum class DifferenceMode { invalid = 0, split, delta_e_map };

  [[nodiscard]] bool shows_standardised(std::size_t camera, const CaptureStatus& status) const;
  void draw_camera_row(std::size_t camera, const CameraCalibrationView& view, bool can_calibrate);
  void draw_details(std::size_t camera, const CameraCalibrationView& view);
  void draw_match(const CalibrationSnapshot& snapshot, bool can_calibrate);

  StudioModel* model_;
  CaptureController* controller_;
  const std::vector<CameraTextures>* textures_;
  PreviewMode preview_mode_ = PreviewMode::standardised;
  DifferenceMode difference_mode_ = DifferenceMode::split;
  std::string action_error_;
  // A snapshot per frame, taken in draw_section(), for the tiles' overlays.
  CalibrationSnapshot snapshot_;
  std::chrono::steady_clock::time_point wait_started_;
};

}  // namespace clinvid::studio
