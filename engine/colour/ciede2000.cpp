#include "colour/ciede2000.hpp"

#include <numbers>

namespace clinvid::colour {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

double pow7(double x) noexcept {
  const double x2 = x * x;
  return x2 * x2 * x2 * x;
}

// Hue angle in degrees, 0..360; 0 for an achromatic colour.
double hue_deg(double b, double a) noexcept {
  if (a == 0.0 && b == 0.0) return 0.0;
  const double h = std::atan2(b, a) / kDeg;
  return h < 0.0 ? h + 360.0 : h;
}

}  // namespace

double delta_e00(const Vec3& lab1, const Vec3& lab2, const Ciede2000Weights& weights) noexcept {
  const double c1 = std::hypot(lab1[1], lab1[2]);
  const double c2 = std::hypot(lab2[1], lab2[2]);
  const double c_mean = 0.5 * (c1 + c2);
  const double g = 0.5 * (1.0 - std::sqrt(pow7(c_mean) / (pow7(c_mean) + pow7(25.0))));
  const double a1p = (1.0 + g) * lab1[1];
  const double a2p = (1.0 + g) * lab2[1];
  const double c1p = std::hypot(a1p, lab1[2]);
  const double c2p = std::hypot(a2p, lab2[2]);
  const double h1p = hue_deg(lab1[2], a1p);
  const double h2p = hue_deg(lab2[2], a2p);

  const double dl = lab2[0] - lab1[0];
  const double dc = c2p - c1p;
  double dh = 0.0;
  if (c1p * c2p != 0.0) {
    dh = h2p - h1p;
    if (dh > 180.0)
      dh -= 360.0;
    else if (dh < -180.0)
      dh += 360.0;
  }
  const double dh_big = 2.0 * std::sqrt(c1p * c2p) * std::sin(0.5 * dh * kDeg);

  const double l_mean = 0.5 * (lab1[0] + lab2[0]);
  const double cp_mean = 0.5 * (c1p + c2p);
  double hp_mean = h1p + h2p;
  if (c1p * c2p != 0.0) {
    if (std::abs(h1p - h2p) <= 180.0)
      hp_mean *= 0.5;
    else if (h1p + h2p < 360.0)
      hp_mean = 0.5 * (hp_mean + 360.0);
    else
      hp_mean = 0.5 * (hp_mean - 360.0);
  }

  const double t = 1.0 - 0.17 * std::cos((hp_mean - 30.0) * kDeg) +
                   0.24 * std::cos(2.0 * hp_mean * kDeg) +
                   0.32 * std::cos((3.0 * hp_mean + 6.0) * kDeg) -
                   0.20 * std::cos((4.0 * hp_mean - 63.0) * kDeg);
  const double d_theta = 30.0 * std::exp(-std::pow((hp_mean - 275.0) / 25.0, 2.0));
  const double r_c = 2.0 * std::sqrt(pow7(cp_mean) / (pow7(cp_mean) + pow7(25.0)));
  const double l50 = (l_mean - 50.0) * (l_mean - 50.0);
  const double s_l = 1.0 + 0.015 * l50 / std::sqrt(20.0 + l50);
  const double s_c = 1.0 + 0.045 * cp_mean;
  const double s_h = 1.0 + 0.015 * cp_mean * t;
  const double r_t = -std::sin(2.0 * d_theta * kDeg) * r_c;

  const double tl = dl / (weights.k_l * s_l);
  const double tc = dc / (weights.k_c * s_c);
  const double th = dh_big / (weights.k_h * s_h);
  return std::sqrt(tl * tl + tc * tc + th * th + r_t * tc * th);
}

}  // namespace clinvid::colour
