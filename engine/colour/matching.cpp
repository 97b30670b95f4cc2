#include "colour/matching.hpp"

#include <algorithm>

#include "colour/ciede2000.hpp"

namespace clinvid::colour {

Result<std::vector<CameraCalibration>> calibrate_cameras(const std::vector<CameraFrame>& cameras,
                                                         const CalibrationOptions& options,
                                                         const DetectOptions& detect) {
  std::vector<CameraCalibration> out;
  for (const CameraFrame& camera : cameras) {
    auto chart = detect_chart(camera.frame, detect);
    if (!chart) return with_context(chart.error(), "camera " + camera.camera_id);
    CalibrationOptions o = options;
    o.camera_id = camera.camera_id;
    auto profile = calibrate(*chart, o);
    if (!profile) return with_context(profile.error(), "camera " + camera.camera_id);
    auto hash = frame_sha256(camera.frame);
    if (!hash) return with_context(hash.error(), "camera " + camera.camera_id);
    profile->chart_frame_sha256 = *hash;
    out.push_back({std::move(*profile), std::move(*chart)});
  }
  return out;
}

Result<MatchReport> match_report(const std::vector<CameraCalibration>& cameras) {
  if (cameras.size() < 2) return fail(Errc::invalid_argument, "matching needs two cameras");
  for (const CameraCalibration& c : cameras) {
    if (c.profile.reference != cameras.front().profile.reference) {
      return fail(Errc::invalid_argument, "cameras " + cameras.front().profile.camera_id + " and " +
                                              c.profile.camera_id +
                                              " were calibrated to different reference sets");
    }
  }
  std::vector<std::array<Vec3, kPatchCount>> corrected(cameras.size());
  for (std::size_t k = 0; k < cameras.size(); ++k) {
    for (std::size_t i = 0; i < kPatchCount; ++i) {
      corrected[k][i] = cameras[k].profile.correction.to_lab_d50(cameras[k].chart.patches[i].rgb);
    }
  }
  MatchReport report;
  for (std::size_t a = 0; a < cameras.size(); ++a) {
    for (std::size_t b = a + 1; b < cameras.size(); ++b) {
      CameraPairMatch m;
      m.camera_a = cameras[a].profile.camera_id;
      m.camera_b = cameras[b].profile.camera_id;
      std::size_t n = 0;
      for (std::size_t i = 0; i < kPatchCount; ++i) {
        m.per_patch[i] = delta_e00(corrected[a][i], corrected[b][i]);
        if (!cameras[a].profile.patches_used[i] || !cameras[b].profile.patches_used[i]) continue;
        m.delta_e00_mean += m.per_patch[i];
        m.delta_e00_max = std::max(m.delta_e00_max, m.per_patch[i]);
        ++n;
      }
      if (n > 0) m.delta_e00_mean /= static_cast<double>(n);
      report.worst_mean = std::max(report.worst_mean, m.delta_e00_mean);
      report.worst_max = std::max(report.worst_max, m.delta_e00_max);
      report.pairs.push_back(std::move(m));
    }
  }
  return report;
}

}  // namespace clinvid::colour
