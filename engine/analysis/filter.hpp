// Zero-phase low-pass smoothing of kinematic signals: a 2nd-order Butterworth run forwards
// and backwards (filtfilt), as recommended by Winter (Biomechanics and Motor Control of Human
// Movement, 4th ed., ch. 2: 6 Hz for walking markers).
//
// Two passes square the magnitude response, which would move the -3 dB point below the
// requested cutoff; the prewarped design cutoff is raised by Winter's correction factor
// C = (2^(1/2) - 1)^(1/4) = 0.802 (K = tan(pi fc / fs) / C), so that `cutoff_hz` is exactly the
// -3 dB point of the whole filter. The response is |H(f)|^2 = 1 / (1 + (tan(pi f / fs) / K)^4)
// and the phase is zero at every frequency.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/rational.hpp"
#include "core/result.hpp"

namespace clinvid::analysis {

struct LowPassSpec {
  double cutoff_hz = 6.0;
  // "Butterworth 2nd order low-pass, zero-phase (filtfilt), -3 dB at 6 Hz": for export headers.
  [[nodiscard]] std::string describe() const;
};

// Filters `samples` taken at `sample_rate` Hz. NaN samples (lost tracking) stay NaN; each run
// of finite samples is filtered on its own, its ends padded by odd reflection to suppress the
// start-up transient; runs shorter than 4 samples are returned unfiltered.
// Errc::invalid_argument when the cutoff is not positive or not below the Nyquist frequency.
[[nodiscard]] Result<std::vector<double>> lowpass_filtfilt(std::span<const double> samples,
                                                           Rational sample_rate,
                                                           const LowPassSpec& spec);

}  // namespace clinvid::analysis
