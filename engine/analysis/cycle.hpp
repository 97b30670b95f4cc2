// Gait-cycle normalisation: a per-frame curve (a joint angle) cut at the heel strikes of one
// side and resampled to 0..100 % of the cycle, so cycles of different durations, and sessions
// filmed at different frame rates, can be averaged and compared point by point.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace clinvid::analysis {

inline constexpr int kCyclePoints = 101;  // 0, 1, ..., 100 % of the cycle

struct NormalisedCycles {
  std::vector<std::vector<double>> cycles;  // each kCyclePoints long, in the curve's unit
  std::vector<double> mean;                 // kCyclePoints
  std::vector<double> sd;                   // sample SD (n - 1); 0 with one cycle
  int skipped = 0;  // cycles dropped because a sample in them was NaN (lost tracking)
};

// Splits `curve` (one value per frame) at consecutive `heel_strike_frames` (ascending) and
// linearly interpolates each cycle at 0..100 % (point i at frame hs0 + i/100 * (hs1 - hs0)).
// Errc::invalid_argument when the heel strikes are not strictly ascending or fall outside the
// curve, and when no complete cycle without NaN remains.
[[nodiscard]] Result<NormalisedCycles> normalise_cycles(
    std::span<const double> curve, std::span<const std::int64_t> heel_strike_frames);

// Two sessions of the same curve (before/after treatment), for plotting together.
struct SessionCurve {
  std::string label;  // "before", "after 6 weeks"
  NormalisedCycles cycles;
};

struct CycleComparison {
  std::vector<double> mean_difference;  // second - first, per % of the cycle
  double rms_difference = 0.0;          // over the cycle
  double max_abs_difference = 0.0;
  int max_abs_difference_at_percent = 0;
};

// Errc::invalid_argument when either session has no mean curve.
[[nodiscard]] Result<CycleComparison> compare_sessions(const SessionCurve& first,
                                                       const SessionCurve& second);

}  // namespace clinvid::analysis
