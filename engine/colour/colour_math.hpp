// Colour maths shared by fitting, detection, profiles and the CPU reference of the
// standardisation shader: transfer curves, CIE XYZ / L*a*b*, chromatic adaptation.
//
// Conventions:
//  - Encoded and linear signals are relative, 0..1 (1 = diffuse white / full code value).
//  - "Linear sRGB" is IEC 61966-2-1 primaries with a D65 white; XYZ has Y = 1 for white.
//  - L*a*b* is relative to a stated white: the ColorChecker references are D50 (ICC white
//    X=0.9642 Y=1 Z=0.8249), so linear sRGB goes to Lab through Bradford D65 -> D50, the
//    same route the reference files used to derive their sRGB columns.
#pragma once

#include <array>
#include <cmath>
#include <concepts>
#include <string_view>

#include "core/result.hpp"

namespace clinvid::colour {

using Vec3 = std::array<double, 3>;
// Row-major 3x3: m[row][column].
using Mat3 = std::array<std::array<double, 3>, 3>;

[[nodiscard]] Vec3 mul(const Mat3& m, const Vec3& v) noexcept;
[[nodiscard]] Mat3 mul(const Mat3& a, const Mat3& b) noexcept;
// Errc::invalid_argument when the matrix is singular (|det| < 1e-12).
[[nodiscard]] Result<Mat3> inverse(const Mat3& m);

// Standard transfer curves. `decode` maps an encoded signal to linear light, `encode` the
// reverse. Inputs outside 0..1 are mirrored about zero (sign kept) and extended, so that
// decode(encode(x)) == x for every finite x; callers clamp where a display would.
enum class TransferCurve {
  invalid = 0,
  linear,  // identity
  srgb,    // IEC 61966-2-1 piecewise curve (display encoding of sRGB)
  bt709,   // ITU-R BT.709 camera OETF (linear toe below 0.018)
  bt1886,  // ITU-R BT.1886 reference EOTF with Lw = 1, Lb = 0: a pure 2.4 power
};

[[nodiscard]] std::string_view to_string(TransferCurve curve) noexcept;
[[nodiscard]] Result<TransferCurve> parse_transfer_curve(std::string_view name);

template <std::floating_point T>
[[nodiscard]] T srgb_decode(T v) noexcept {
  const T a = std::abs(v);
  const T r = a <= T(0.04045) ? a / T(12.92) : std::pow((a + T(0.055)) / T(1.055), T(2.4));
  return std::copysign(r, v);
}
template <std::floating_point T>
[[nodiscard]] T srgb_encode(T l) noexcept {
  const T a = std::abs(l);
  const T r = a <= T(0.0031308) ? a * T(12.92) : T(1.055) * std::pow(a, T(1) / T(2.4)) - T(0.055);
  return std::copysign(r, l);
}
template <std::floating_point T>
[[nodiscard]] T bt709_decode(T v) noexcept {
  const T a = std::abs(v);
  const T r = a < T(0.081) ? a / T(4.5) : std::pow((a + T(0.099)) / T(1.099), T(1) / T(0.45));
  return std::copysign(r, v);
}
template <std::floating_point T>
[[nodiscard]] T bt709_encode(T l) noexcept {
  const T a = std::abs(l);
  const T r = a < T(0.018) ? a * T(4.5) : T(1.099) * std::pow(a, T(0.45)) - T(0.099);
  return std::copysign(r, l);
}
template <std::floating_point T>
[[nodiscard]] T bt1886_decode(T v) noexcept {
  return std::copysign(std::pow(std::abs(v), T(2.4)), v);
}
template <std::floating_point T>
[[nodiscard]] T bt1886_encode(T l) noexcept {
  return std::copysign(std::pow(std::abs(l), T(1) / T(2.4)), l);
}

template <std::floating_point T>
[[nodiscard]] T decode(TransferCurve curve, T v) noexcept {
  switch (curve) {
    case TransferCurve::srgb: return srgb_decode(v);
    case TransferCurve::bt709: return bt709_decode(v);
    case TransferCurve::bt1886: return bt1886_decode(v);
    case TransferCurve::linear:
    case TransferCurve::invalid: break;
  }
  return v;
}
template <std::floating_point T>
[[nodiscard]] T encode(TransferCurve curve, T l) noexcept {
  switch (curve) {
    case TransferCurve::srgb: return srgb_encode(l);
    case TransferCurve::bt709: return bt709_encode(l);
    case TransferCurve::bt1886: return bt1886_encode(l);
    case TransferCurve::linear:
    case TransferCurve::invalid: break;
  }
  return l;
}

// Reference whites, XYZ with Y = 1.
inline constexpr Vec3 kWhiteD50 = {0.9642, 1.0, 0.8249};  // ICC profile connection space
[[nodiscard]] Vec3 white_d65() noexcept;                  // from xy (0.3127, 0.3290)

// XYZ (white-relative, Y = 1) <-> CIE 1976 L*a*b*.
[[nodiscard]] Vec3 xyz_to_lab(const Vec3& xyz, const Vec3& white) noexcept;
[[nodiscard]] Vec3 lab_to_xyz(const Vec3& lab, const Vec3& white) noexcept;

// Linear sRGB (D65) <-> XYZ D65, derived from the primaries and white chromaticities.
[[nodiscard]] const Mat3& srgb_to_xyz_d65() noexcept;
[[nodiscard]] const Mat3& xyz_d65_to_srgb() noexcept;
// Bradford chromatic adaptation between two whites (von Kries in the Bradford cone space).
[[nodiscard]] Mat3 bradford(const Vec3& from_white, const Vec3& to_white) noexcept;

// The routes the fitting uses: linear sRGB D65 <-> L*a*b* D50 via Bradford.
[[nodiscard]] Vec3 linear_srgb_to_lab_d50(const Vec3& rgb) noexcept;
[[nodiscard]] Vec3 lab_d50_to_linear_srgb(const Vec3& lab) noexcept;
// L*a*b* D50 -> sRGB encoded 0..255, clipped and rounded as the reference files were made.
[[nodiscard]] std::array<int, 3> lab_d50_to_srgb8(const Vec3& lab) noexcept;

// Relative luminance Y (0..1) of a lightness L*.
[[nodiscard]] double lightness_to_luminance(double l_star) noexcept;

}  // namespace clinvid::colour
