// Linearisation: the first step after decoding code values, turning the camera's encoded
// signal into values proportional to light. A standard curve may be assumed (sRGB, BT.709,
// BT.1886), but cameras rarely follow one exactly, so it can instead be fitted per channel
// from the six neutral patches, whose reference luminances are known. With u = v - black
// (a fitted black offset, 0 when none is needed; v <= black gives 0):
//  - power:       lin = u^c1                                   (a straight line in log-log)
//  - polynomial:  ln lin = c1 x + c2 x^2 + c3 x^3, x = ln u    (degree 2 or 3 in log-log)
//  - exponential: lin = exp(a v) - b                           (the inverse of a log curve)
// The polynomial lives in log-log space (as OpenCV ccm's "log polyfit" does) because a plain
// polynomial in v cannot follow a gamma curve at the dark end, where L* is most sensitive,
// and it extrapolates below black to negative light. A pure power law is its degree-1 case,
// so sRGB-like and gamma-like curves are fitted exactly and toes, shoulders and log curves
// approximately. The black offset takes up a pedestal (a log curve's, or limited-range video
// decoded as full range). Below the darkest neutral measured (x < x_lo) the polynomial
// continues as its tangent power law, so it stays increasing however far it extrapolates.
// Log-encoding cameras (Cineon, LogC, S-Log: v = c log(k x + m) + d) are inverted exactly
// by the exponential form, which no power or polynomial in log-log can follow near black.
//
// A fitted linearisation carries no gain of its own (the fit's intercept is dropped; without
// a black offset it maps v = 1 to 1): the white balance that follows sets each channel's
// scale, so linearisation is shape and white balance is scale.
#pragma once

#include <algorithm>
#include <array>
#include <string_view>

#include "colour/colour_math.hpp"
#include "colour/reference.hpp"
#include "core/result.hpp"

namespace clinvid::colour {

enum class LinearisationKind {
  invalid = 0,
  standard,     // the inverse of `curve`
  power,        // per channel: (v - c[4])^c[0]
  polynomial,   // per channel: exp(c[0] x + c[1] x^2 + c[2] x^3), x = ln(v - c[4]), c[3] = x_lo
  exponential,  // per channel: max(exp(c[0] v) - c[1], 0)
};
[[nodiscard]] std::string_view to_string(LinearisationKind kind) noexcept;
[[nodiscard]] Result<LinearisationKind> parse_linearisation_kind(std::string_view name);

struct Linearisation {
  LinearisationKind kind = LinearisationKind::standard;
  TransferCurve curve = TransferCurve::srgb;  // used by `standard`
  // Per channel (R, G, B): {c1, c2, c3, x_lo, black}; unused entries 0.
  std::array<std::array<double, 5>, 3> coefficients{};

  // Linear value of encoded `v` in `channel` (0..2). Float and double give the same
  // operations in the same order (the float one is the shader's reference).
  template <std::floating_point T>
  [[nodiscard]] T apply(std::size_t channel, T v) const noexcept {
    const auto& c = coefficients[channel];
    switch (kind) {
      case LinearisationKind::power: {
        const T u = v - static_cast<T>(c[4]);
        return u > T(0) ? std::pow(u, static_cast<T>(c[0])) : T(0);
      }
      case LinearisationKind::polynomial: {
        const T u = v - static_cast<T>(c[4]);
        if (!(u > T(0))) return T(0);
        const T x = std::log(u);
        const T x_lo = static_cast<T>(c[3]);
        const T c1 = static_cast<T>(c[0]);
        const T c2 = static_cast<T>(c[1]);
        const T c3 = static_cast<T>(c[2]);
        const T xc = std::max(x, x_lo);
        const T y = xc * (c1 + xc * (c2 + xc * c3));
        const T slope = c1 + x_lo * (T(2) * c2 + x_lo * T(3) * c3);
        return std::exp(x < x_lo ? y + slope * (x - x_lo) : y);
      }
      case LinearisationKind::exponential:
        return std::max(std::exp(static_cast<T>(c[0]) * v) - static_cast<T>(c[1]), T(0));
      case LinearisationKind::standard:
      case LinearisationKind::invalid: break;
    }
    return decode(curve, v);
  }
  [[nodiscard]] Vec3 apply(const Vec3& v) const noexcept {
    return {apply(0, v[0]), apply(1, v[1]), apply(2, v[2])};
  }
};

// A standard curve.
[[nodiscard]] Linearisation standard_linearisation(TransferCurve curve) noexcept;

// Fits `kind` (power, polynomial or exponential) per channel to the neutral patches: `signal[i]` is
// the encoded camera value of neutral i (white .. black), `luminance[i]` its reference Y (0..1).
// Neutrals flagged in `usable` false (clipped) are left out; at least 3 must remain.
// `polynomial_degree` is 1..3 (1 is the power law); a degree whose curve is not increasing
// over the measured range falls back to the next lower one. The black offset is searched in
// 0 .. 0.9 x the darkest neutral's signal when `fit_black` (else 0). Errc::invalid_argument when
// too few usable neutrals or non-increasing signal.
[[nodiscard]] Result<Linearisation> fit_linearisation(
    LinearisationKind kind, const std::array<Vec3, kNeutralCount>& signal,
    const std::array<double, kNeutralCount>& luminance,
    const std::array<bool, kNeutralCount>& usable, int polynomial_degree = 2,
    bool fit_black = true);

}  // namespace clinvid::colour
