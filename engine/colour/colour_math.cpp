#include "colour/colour_math.hpp"

#include <algorithm>

namespace clinvid::colour {
namespace {

Vec3 xy_to_xyz(double x, double y) noexcept {
  return {x / y, 1.0, (1.0 - x - y) / y};
}

Mat3 primaries_to_xyz(const std::array<std::array<double, 2>, 3>& xy, const Vec3& white) {
  Mat3 p{};
  for (std::size_t c = 0; c < 3; ++c) {
    const Vec3 col = xy_to_xyz(xy[c][0], xy[c][1]);
    for (std::size_t r = 0; r < 3; ++r) p[r][c] = col[r];
  }
  const Vec3 s = mul(inverse(p).value(), white);
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t c = 0; c < 3; ++c) p[r][c] *= s[c];
  }
  return p;
}

constexpr Mat3 kBradford = {{{0.8951, 0.2664, -0.1614},  //
                             {-0.7502, 1.7135, 0.0367},
                             {0.0389, -0.0685, 1.0296}}};

double lab_f(double t) noexcept {
  constexpr double kEpsilon = 216.0 / 24389.0;
  constexpr double kKappa = 24389.0 / 27.0;
  return t > kEpsilon ? std::cbrt(t) : (kKappa * t + 16.0) / 116.0;
}

double lab_f_inverse(double f) noexcept {
  constexpr double kKappa = 24389.0 / 27.0;
  const double f3 = f * f * f;
  return f3 > 216.0 / 24389.0 ? f3 : (116.0 * f - 16.0) / kKappa;
}

}  // namespace

Vec3 mul(const Mat3& m, const Vec3& v) noexcept {
  return {m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
          m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
          m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2]};
}

Mat3 mul(const Mat3& a, const Mat3& b) noexcept {
  Mat3 r{};
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 3; ++j) {
      r[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
    }
  }
  return r;
}

Result<Mat3> inverse(const Mat3& m) {
  const double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                     m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                     m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  if (!(std::abs(det) >= 1e-12)) return fail(Errc::invalid_argument, "singular 3x3 matrix");
  const double k = 1.0 / det;
  Mat3 r{};
  r[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) * k;
  r[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) * k;
  r[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) * k;
  r[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) * k;
  r[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) * k;
  r[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) * k;
  r[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) * k;
  r[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) * k;
  r[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) * k;
  return r;
}

std::string_view to_string(TransferCurve curve) noexcept {
  switch (curve) {
    case TransferCurve::linear: return "linear";
    case TransferCurve::srgb: return "srgb";
    case TransferCurve::bt709: return "bt709";
    case TransferCurve::bt1886: return "bt1886";
    case TransferCurve::invalid: break;
  }
  return "invalid";
}

Result<TransferCurve> parse_transfer_curve(std::string_view name) {
  for (const TransferCurve c :
       {TransferCurve::linear, TransferCurve::srgb, TransferCurve::bt709, TransferCurve::bt1886}) {
    if (name == to_string(c)) return c;
  }
  return fail(Errc::invalid_argument, "unknown transfer curve \"" + std::string(name) + "\"");
}

Vec3 white_d65() noexcept {
  return xy_to_xyz(0.3127, 0.3290);
}

Vec3 xyz_to_lab(const Vec3& xyz, const Vec3& white) noexcept {
  const double fx = lab_f(xyz[0] / white[0]);
  const double fy = lab_f(xyz[1] / white[1]);
  const double fz = lab_f(xyz[2] / white[2]);
  return {116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)};
}

Vec3 lab_to_xyz(const Vec3& lab, const Vec3& white) noexcept {
  const double fy = (lab[0] + 16.0) / 116.0;
  const double fx = fy + lab[1] / 500.0;
  const double fz = fy - lab[2] / 200.0;
  return {white[0] * lab_f_inverse(fx), white[1] * lab_f_inverse(fy), white[2] * lab_f_inverse(fz)};
}

const Mat3& srgb_to_xyz_d65() noexcept {
  static const Mat3 m = primaries_to_xyz({{{0.64, 0.33}, {0.30, 0.60}, {0.15, 0.06}}}, white_d65());
  return m;
}

const Mat3& xyz_d65_to_srgb() noexcept {
  static const Mat3 m = inverse(srgb_to_xyz_d65()).value();
  return m;
}

Mat3 bradford(const Vec3& from_white, const Vec3& to_white) noexcept {
  const Vec3 src = mul(kBradford, from_white);
  const Vec3 dst = mul(kBradford, to_white);
  const Mat3 scale = {
      {{dst[0] / src[0], 0.0, 0.0}, {0.0, dst[1] / src[1], 0.0}, {0.0, 0.0, dst[2] / src[2]}}};
  return mul(inverse(kBradford).value(), mul(scale, kBradford));
}

namespace {
const Mat3& srgb_to_xyz_d50() noexcept {
  static const Mat3 m = mul(bradford(white_d65(), kWhiteD50), srgb_to_xyz_d65());
  return m;
}
const Mat3& xyz_d50_to_srgb() noexcept {
  static const Mat3 m = inverse(srgb_to_xyz_d50()).value();
  return m;
}
}  // namespace

Vec3 linear_srgb_to_lab_d50(const Vec3& rgb) noexcept {
  return xyz_to_lab(mul(srgb_to_xyz_d50(), rgb), kWhiteD50);
}

Vec3 lab_d50_to_linear_srgb(const Vec3& lab) noexcept {
  return mul(xyz_d50_to_srgb(), lab_to_xyz(lab, kWhiteD50));
}

std::array<int, 3> lab_d50_to_srgb8(const Vec3& lab) noexcept {
  const Vec3 rgb = lab_d50_to_linear_srgb(lab);
  std::array<int, 3> out{};
  for (std::size_t c = 0; c < 3; ++c) {
    const double v = srgb_encode(std::clamp(rgb[c], 0.0, 1.0));
    out[c] = static_cast<int>(std::lround(255.0 * v));
  }
  return out;
}

double lightness_to_luminance(double l_star) noexcept {
  return lab_f_inverse((l_star + 16.0) / 116.0);
}

}  // namespace clinvid::colour
