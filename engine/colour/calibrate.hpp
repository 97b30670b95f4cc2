// Calibration: from a frame showing the chart (or measured patches) to a profile.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "colour/chart.hpp"
#include "colour/fit.hpp"
#include "colour/profile.hpp"
#include "core/frame.hpp"
#include "core/result.hpp"

namespace clinvid::colour {

enum class LinearisationChoice {
  invalid = 0,
  automatic,  // every candidate below; of the two that fit best, the lower leave-one-out
              // mean dE00 wins (the lower fit mean without validation)
  polynomial,
  power,
  exponential,
  srgb,
  bt709,
  bt1886,
};
[[nodiscard]] std::string_view to_string(LinearisationChoice choice) noexcept;

struct CalibrationOptions {
  std::string camera_id;
  ReferenceSet reference = ReferenceSet::colorchecker24_after_2014;
  ModelKind model = ModelKind::root_polynomial;
  LinearisationChoice linearisation = LinearisationChoice::automatic;
  int polynomial_degree = 2;
  Validation validation = Validation::leave_one_out;  // also how `automatic` chooses
  std::string created_utc;                            // empty: now
  // A patch is left out of the fit when more than this share of its pixels is clipped or
  // its mean reaches this code value in any channel (it no longer encodes its colour).
  double max_clipped_fraction = 0.02;
  double max_signal = 0.985;
};

// Which patches of a detection may be fitted (not clipped).
[[nodiscard]] std::array<bool, kPatchCount> usable_patches(const ChartDetection& chart,
                                                           const CalibrationOptions& options);

// Fits a profile to measured patches. The frame hash is left empty; the detection fields are
// copied from `chart`. Errc::invalid_argument when the fit is impossible (see fit.hpp).
[[nodiscard]] Result<CalibrationProfile> calibrate(const ChartDetection& chart,
                                                   const CalibrationOptions& options);

// Detects the chart in `rgba` (or measures it at `manual_corners` when given), fits, and
// records the SHA-256 of the frame. Errc::not_found when no chart is found.
[[nodiscard]] Result<CalibrationProfile> calibrate_frame(const ConstFrameView& rgba,
                                                         const CalibrationOptions& options,
                                                         const DetectOptions& detect = {});
[[nodiscard]] Result<CalibrationProfile> calibrate_frame_at(const ConstFrameView& rgba,
                                                            const ChartCorners& manual_corners,
                                                            const CalibrationOptions& options);

// SHA-256 (libsodium) of a frame's pixels: the visible bytes of every row of every plane,
// in order, without row padding, preceded by "<format> <width>x<height>\n", so that the same
// picture hashes the same whatever its stride. Lowercase hex.
[[nodiscard]] Result<std::string> frame_sha256(const ConstFrameView& frame);

// Now, as "YYYY-MM-DDTHH:MM:SSZ".
[[nodiscard]] std::string utc_now_iso8601();

}  // namespace clinvid::colour
