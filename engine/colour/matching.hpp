// Camera matching: cameras in one session are each calibrated to the same reference, so they
// match each other; this reports how well, as the residual difference between their corrected
// views of the chart.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "colour/calibrate.hpp"
#include "colour/chart.hpp"
#include "colour/profile.hpp"
#include "core/frame.hpp"
#include "core/result.hpp"

namespace clinvid::colour {

// One camera: its profile and the chart measurement the profile was fitted to.
struct CameraCalibration {
  CalibrationProfile profile;
  ChartDetection chart;
};

struct CameraFrame {
  std::string camera_id;
  ConstFrameView frame;  // RGBA, showing the chart; must outlive the call
};

// Calibrates every camera with the same options (reference, model, linearisation); the
// camera id of each comes from its CameraFrame. Fails with the camera's id in the detail.
[[nodiscard]] Result<std::vector<CameraCalibration>> calibrate_cameras(
    const std::vector<CameraFrame>& cameras, const CalibrationOptions& options,
    const DetectOptions& detect = {});

struct CameraPairMatch {
  std::string camera_a;
  std::string camera_b;
  double delta_e00_mean = 0.0;  // over patches both cameras could use
  double delta_e00_max = 0.0;
  std::array<double, kPatchCount> per_patch{};
};

struct MatchReport {
  std::vector<CameraPairMatch> pairs;  // every unordered pair, in input order
  double worst_mean = 0.0;             // largest pair mean
  double worst_max = 0.0;              // largest pair max
};

// dE00 between the corrected patch colours (each camera's patches through its own profile,
// in L*a*b* D50) of every pair of cameras. Errc::invalid_argument when fewer than two cameras
// or when their profiles use different reference sets.
[[nodiscard]] Result<MatchReport> match_report(const std::vector<CameraCalibration>& cameras);

}  // namespace clinvid::colour
