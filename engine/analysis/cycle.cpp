#include "analysis/cycle.hpp"

#include <cmath>
#include <string>

namespace clinvid::analysis {

Result<NormalisedCycles> normalise_cycles(std::span<const double> curve,
                                          std::span<const std::int64_t> heel_strike_frames) {
  const auto frames = static_cast<std::int64_t>(curve.size());
  for (std::size_t i = 0; i < heel_strike_frames.size(); ++i) {
    const std::int64_t f = heel_strike_frames[i];
    if (f < 0 || f >= frames) {
      return fail(Errc::invalid_argument, "cycle normalisation: heel strike " + std::to_string(i) +
                                              " at frame " + std::to_string(f) +
                                              " is outside the curve (0.." +
                                              std::to_string(frames - 1) + ")");
    }
    if (i > 0 && f <= heel_strike_frames[i - 1]) {
      return fail(Errc::invalid_argument, "cycle normalisation: heel strike " + std::to_string(i) +
                                              " at frame " + std::to_string(f) +
                                              " does not follow frame " +
                                              std::to_string(heel_strike_frames[i - 1]));
    }
  }
  NormalisedCycles out;
  for (std::size_t c = 0; c + 1 < heel_strike_frames.size(); ++c) {
    const auto start = static_cast<double>(heel_strike_frames[c]);
    const auto length = static_cast<double>(heel_strike_frames[c + 1] - heel_strike_frames[c]);
    std::vector<double> cycle(kCyclePoints);
    bool complete = true;
    for (int p = 0; p < kCyclePoints && complete; ++p) {
      const double t = start + length * p / (kCyclePoints - 1);
      const auto i0 = static_cast<std::size_t>(std::floor(t));
      const double w = t - static_cast<double>(i0);
      const double a = curve[i0];
      const double b = w > 0.0 ? curve[i0 + 1] : a;
      cycle[static_cast<std::size_t>(p)] = a + (b - a) * w;
      complete = std::isfinite(cycle[static_cast<std::size_t>(p)]);
    }
    if (complete) {
      out.cycles.push_back(std::move(cycle));
    } else {
      ++out.skipped;
    }
  }
  if (out.cycles.empty()) {
    return fail(Errc::invalid_argument, "cycle normalisation: no complete cycle (" +
                                            std::to_string(heel_strike_frames.size()) +
                                            " heel strikes, " + std::to_string(out.skipped) +
                                            " cycles with lost samples)");
  }
  const auto n = static_cast<double>(out.cycles.size());
  out.mean.assign(kCyclePoints, 0.0);
  out.sd.assign(kCyclePoints, 0.0);
  for (std::size_t p = 0; p < kCyclePoints; ++p) {
    double sum = 0.0;
    for (const auto& c : out.cycles) sum += c[p];
    out.mean[p] = sum / n;
    if (out.cycles.size() > 1) {
      double sq = 0.0;
      for (const auto& c : out.cycles) sq += (c[p] - out.mean[p]) * (c[p] - out.mean[p]);
      out.sd[p] = std::sqrt(sq / (n - 1.0));
    }
  }
  return out;
}

Result<CycleComparison> compare_sessions(const SessionCurve& first, const SessionCurve& second) {
  for (const SessionCurve* s : {&first, &second}) {
    if (s->cycles.mean.size() != kCyclePoints) {
      return fail(Errc::invalid_argument,
                  "cycle comparison: session \"" + s->label + "\" has no normalised mean curve");
    }
  }
  CycleComparison out;
  double sq = 0.0;
  for (std::size_t p = 0; p < kCyclePoints; ++p) {
    const double d = second.cycles.mean[p] - first.cycles.mean[p];
    out.mean_difference.push_back(d);
    sq += d * d;
    if (std::abs(d) > out.max_abs_difference) {
      out.max_abs_difference = std::abs(d);
      out.max_abs_difference_at_percent = static_cast<int>(p);
    }
  }
  out.rms_difference = std::sqrt(sq / kCyclePoints);
  return out;
}

}  // namespace clinvid::analysis
