#include "analysis/filter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

namespace clinvid::analysis {

namespace {

// Winter's correction for a 2nd-order filter run twice: (2^(1/2) - 1)^(1/4).
const double kTwoPassCorrection = std::pow(std::sqrt(2.0) - 1.0, 0.25);

struct Biquad {
  double b0, b1, b2, a1, a2;
};

// `k` is the prewarped analogue cutoff tan(pi fc / fs) divided by the two-pass correction, so
// the squared response is 1/2 exactly at fc.
Biquad butterworth_lowpass(double k) {
  const double norm = 1.0 / (1.0 + std::numbers::sqrt2 * k + k * k);
  const double b0 = k * k * norm;
  return {b0, 2.0 * b0, b0, 2.0 * (k * k - 1.0) * norm,
          (1.0 - std::numbers::sqrt2 * k + k * k) * norm};
}

// One pass, transposed direct form II, its state started at the steady state for a constant
// input equal to the first sample (scipy's lfilter_zi), so a pass starts without a step.
void run(const Biquad& f, std::vector<double>& x) {
  const double dc_gain = (f.b0 + f.b1 + f.b2) / (1.0 + f.a1 + f.a2);
  double z2 = (f.b2 - f.a2 * dc_gain) * x.front();
  double z1 = (f.b1 - f.a1 * dc_gain) * x.front() + z2;
  for (double& v : x) {
    const double in = v;
    const double out = f.b0 * in + z1;
    z1 = f.b1 * in - f.a1 * out + z2;
    z2 = f.b2 * in - f.a2 * out;
    v = out;
  }
}

void filtfilt_run(const Biquad& f, std::span<const double> in, std::span<double> out,
                  std::size_t pad) {
  const std::size_t n = in.size();
  pad = std::min(pad, n - 1);
  std::vector<double> x;
  x.reserve(n + 2 * pad);
  // Odd reflection about the end samples keeps the signal and its slope continuous.
  for (std::size_t i = pad; i >= 1; --i) x.push_back(2.0 * in[0] - in[i]);
  x.insert(x.end(), in.begin(), in.end());
  for (std::size_t i = 1; i <= pad; ++i) x.push_back(2.0 * in[n - 1] - in[n - 1 - i]);
  run(f, x);
  std::reverse(x.begin(), x.end());
  run(f, x);
  std::reverse(x.begin(), x.end());
  std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(pad), n, out.begin());
}

}  // namespace

std::string LowPassSpec::describe() const {
  char text[128];
  std::snprintf(text, sizeof text,
                "Butterworth 2nd order low-pass, zero-phase (filtfilt), -3 dB at %.4g Hz",
                cutoff_hz);
  return text;
}

Result<std::vector<double>> lowpass_filtfilt(std::span<const double> samples, Rational sample_rate,
                                             const LowPassSpec& spec) {
  const double fs = sample_rate.to_double();
  if (!(spec.cutoff_hz > 0.0) || !(spec.cutoff_hz < 0.5 * fs)) {
    char text[160];
    std::snprintf(text, sizeof text,
                  "low-pass filter: cutoff %.4g Hz must be positive and below the Nyquist "
                  "frequency, %.4g Hz at %.4g samples/s",
                  spec.cutoff_hz, 0.5 * fs, fs);
    return fail(Errc::invalid_argument, text);
  }
  const Biquad f =
      butterworth_lowpass(std::tan(std::numbers::pi * spec.cutoff_hz / fs) / kTwoPassCorrection);
  // Pad by about one period of the cutoff: enough for the transient to die out.
  const auto pad = static_cast<std::size_t>(std::max(9.0, std::ceil(fs / spec.cutoff_hz)));
  std::vector<double> out(samples.begin(), samples.end());
  std::size_t i = 0;
  while (i < samples.size()) {
    if (!std::isfinite(samples[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < samples.size() && std::isfinite(samples[end])) ++end;
    if (end - i >= 4) {
      filtfilt_run(f, samples.subspan(i, end - i), std::span<double>(out).subspan(i, end - i), pad);
    }
    i = end;
  }
  return out;
}

}  // namespace clinvid::analysis
