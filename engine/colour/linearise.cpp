#include "colour/linearise.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace clinvid::colour {
namespace {

struct Point {
  double v = 0.0;
  double y = 0.0;
};

struct CurveFit {
  std::array<double, 5> c{};
  double sse = 0.0;  // in ln y
};

// Least squares of ln y = k + c1 x + ... + cd x^d, x = ln(v - black); k (a gain) is dropped:
// it is white balance.
std::optional<CurveFit> fit_log_polynomial(const std::vector<Point>& pts, int degree,
                                           double black) {
  const auto n = static_cast<Eigen::Index>(pts.size());
  const auto terms = static_cast<Eigen::Index>(degree + 1);
  Eigen::MatrixXd a(n, terms);
  Eigen::VectorXd b(n);
  double x_lo = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const Point& p = pts[static_cast<std::size_t>(i)];
    if (!(p.v - black > 1e-4)) return std::nullopt;
    const double x = std::log(p.v - black);
    x_lo = std::min(x_lo, x);
    double xp = 1.0;
    for (Eigen::Index k = 0; k < terms; ++k, xp *= x) a(i, k) = xp;
    b(i) = std::log(p.y);
  }
  const Eigen::VectorXd sol = a.colPivHouseholderQr().solve(b);
  if (!sol.allFinite()) return std::nullopt;
  CurveFit fit;
  fit.c = {0.0, 0.0, 0.0, x_lo, black};
  for (Eigen::Index k = 1; k < terms; ++k) fit.c[static_cast<std::size_t>(k - 1)] = sol(k);
  fit.sse = (a * sol - b).squaredNorm();
  // Increasing over the measured range (and so everywhere, given the tangent extension).
  const double x_hi = std::log(1.0 - black);
  for (int i = 0; i <= 64; ++i) {
    const double x = x_lo + (x_hi - x_lo) * i / 64.0;
    const double slope = fit.c[0] + x * (2.0 * fit.c[1] + x * 3.0 * fit.c[2]);
    if (!(slope > 0.2 && slope < 8.0)) return std::nullopt;
  }
  return fit;
}

// y = g (exp(a v) - b): for a fixed rate a the gain g and g*b are linear least squares
// (relative error); the rate is searched on a log grid, then refined. Returns {a, b, 0, 0, 0}.
std::optional<CurveFit> fit_exponential(const std::vector<Point>& pts) {
  auto solve = [&](double a) -> std::optional<CurveFit> {
    Eigen::MatrixXd m(static_cast<Eigen::Index>(pts.size()), 2);
    Eigen::VectorXd r(static_cast<Eigen::Index>(pts.size()));
    for (std::size_t i = 0; i < pts.size(); ++i) {
      const auto k = static_cast<Eigen::Index>(i);
      m(k, 0) = std::exp(a * pts[i].v) / pts[i].y;
      m(k, 1) = -1.0 / pts[i].y;
      r(k) = 1.0;
    }
    const Eigen::Vector2d x = m.colPivHouseholderQr().solve(r);
    if (!x.allFinite() || !(x(0) > 0.0)) return std::nullopt;
    CurveFit f;
    f.c = {a, x(1) / x(0), 0.0, 0.0, 0.0};
    f.sse = (m * x - r).squaredNorm();
    return f;
  };
  std::optional<CurveFit> best;
  double best_a = 0.0;
  for (int i = 0; i <= 40; ++i) {
    const double a = 0.5 * std::pow(40.0, i / 40.0);  // 0.5 .. 20
    auto f = solve(a);
    if (f && (!best || f->sse < best->sse)) {
      best = f;
      best_a = a;
    }
  }
  if (!best) return std::nullopt;
  double lo = best_a / std::pow(40.0, 1.0 / 40.0);
  double hi = best_a * std::pow(40.0, 1.0 / 40.0);
  constexpr double kRatio = 0.6180339887498949;
  for (int it = 0; it < 30; ++it) {
    const double m1 = hi - kRatio * (hi - lo);
    const double m2 = lo + kRatio * (hi - lo);
    auto f1 = solve(m1);
    auto f2 = solve(m2);
    const double s1 = f1 ? f1->sse : 1e300;
    const double s2 = f2 ? f2->sse : 1e300;
    if (s1 < s2) {
      hi = m2;
      if (f1 && f1->sse < best->sse) best = f1;
    } else {
      lo = m1;
      if (f2 && f2->sse < best->sse) best = f2;
    }
  }
  return best;
}

std::optional<CurveFit> fit_channel(const std::vector<Point>& pts, int degree, bool fit_black) {
  const std::optional<CurveFit> plain = fit_log_polynomial(pts, degree, 0.0);
  if (!fit_black) return plain;
  std::optional<CurveFit> best = plain;
  double v_min = 1.0;
  for (const Point& p : pts) v_min = std::min(v_min, p.v);
  const double top = 0.9 * v_min;
  constexpr int kSteps = 24;
  double best_black = 0.0;
  for (int i = 1; i <= kSteps; ++i) {
    const double black = top * i / kSteps;
    auto f = fit_log_polynomial(pts, degree, black);
    if (f && (!best || f->sse < best->sse)) {
      best = f;
      best_black = black;
    }
  }
  // Golden-section refinement around the best grid point.
  double lo = std::max(0.0, best_black - top / kSteps);
  double hi = std::min(top, best_black + top / kSteps);
  constexpr double kRatio = 0.6180339887498949;
  for (int it = 0; it < 24 && best; ++it) {
    const double m1 = hi - kRatio * (hi - lo);
    const double m2 = lo + kRatio * (hi - lo);
    auto f1 = fit_log_polynomial(pts, degree, m1);
    auto f2 = fit_log_polynomial(pts, degree, m2);
    const double s1 = f1 ? f1->sse : 1e300;
    const double s2 = f2 ? f2->sse : 1e300;
    if (s1 < s2) {
      hi = m2;
      if (f1 && f1->sse < best->sse) best = f1;
    } else {
      lo = m1;
      if (f2 && f2->sse < best->sse) best = f2;
    }
  }
  // An offset is one more parameter fitted to six points: keep it only when it explains far
  // more than noise would (a real pedestal cuts the log residual by orders of magnitude).
  if (plain && best && best->sse > 0.25 * plain->sse) return plain;
  return best;
}

}  // namespace

std::string_view to_string(LinearisationKind kind) noexcept {
  switch (kind) {
    case LinearisationKind::standard: return "standard";
    case LinearisationKind::power: return "power";
    case LinearisationKind::polynomial: return "polynomial";
    case LinearisationKind::exponential: return "exponential";
    case LinearisationKind::invalid: break;
  }
  return "invalid";
}

Result<LinearisationKind> parse_linearisation_kind(std::string_view name) {
  for (const LinearisationKind k :
       {LinearisationKind::standard, LinearisationKind::power, LinearisationKind::polynomial,
        LinearisationKind::exponential}) {
    if (name == to_string(k)) return k;
  }
  return fail(Errc::invalid_argument, "unknown linearisation \"" + std::string(name) + "\"");
}

Linearisation standard_linearisation(TransferCurve curve) noexcept {
  Linearisation l;
  l.kind = LinearisationKind::standard;
  l.curve = curve;
  return l;
}

Result<Linearisation> fit_linearisation(LinearisationKind kind,
                                        const std::array<Vec3, kNeutralCount>& signal,
                                        const std::array<double, kNeutralCount>& luminance,
                                        const std::array<bool, kNeutralCount>& usable,
                                        int polynomial_degree, bool fit_black) {
  if (kind == LinearisationKind::standard || kind == LinearisationKind::invalid) {
    return fail(Errc::invalid_argument, "only power, polynomial and exponential are fitted");
  }
  if (polynomial_degree < 1 || polynomial_degree > 3) {
    return fail(Errc::invalid_argument, "polynomial degree must be 1..3");
  }
  Linearisation out;
  out.kind = kind;
  out.curve = TransferCurve::linear;
  for (std::size_t c = 0; c < 3; ++c) {
    std::vector<Point> pts;
    for (std::size_t i = 0; i < kNeutralCount; ++i) {
      if (usable[i] && signal[i][c] > 1e-3 && luminance[i] > 0.0) {
        pts.push_back({signal[i][c], luminance[i]});
      }
    }
    if (pts.size() < 3) {
      return fail(Errc::invalid_argument,
                  "fewer than 3 usable neutral patches in channel " + std::to_string(c));
    }
    for (std::size_t i = 1; i < pts.size(); ++i) {
      if (!(pts[i].v < pts[i - 1].v)) {
        return fail(
            Errc::invalid_argument,
            "neutral patches do not darken from white to black in channel " + std::to_string(c));
      }
    }
    const int top = kind == LinearisationKind::power
                        ? 1
                        : std::min(polynomial_degree, static_cast<int>(pts.size()) - 2);
    std::optional<CurveFit> fitted;
    if (kind == LinearisationKind::exponential) fitted = fit_exponential(pts);
    for (int degree = std::max(top, 1); degree >= 1 && !fitted; --degree) {
      if (kind == LinearisationKind::exponential) break;
      fitted = fit_channel(pts, degree, fit_black);
    }
    if (!fitted) {
      return fail(Errc::invalid_argument,
                  "no increasing curve fits the neutral patches in channel " + std::to_string(c));
    }
    if (kind == LinearisationKind::power) fitted->c[3] = 0.0;
    out.coefficients[c] = fitted->c;
  }
  return out;
}

}  // namespace clinvid::colour
