#include "colour/lm.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Dense>

namespace clinvid::colour::detail {
namespace {

double cost_of(const std::vector<double>& r) {
  double c = 0.0;
  for (const double v : r) c += v * v;
  return c;
}

}  // namespace

double levenberg_marquardt(const ResidualFn& fn, std::size_t residual_count,
                           std::vector<double>& params, const LmOptions& options) {
  const auto n = static_cast<Eigen::Index>(residual_count);
  const auto m = static_cast<Eigen::Index>(params.size());
  std::vector<double> r(residual_count);
  std::vector<double> r_step(residual_count);
  fn(params, r);
  double cost = cost_of(r);
  if (!std::isfinite(cost)) return cost;
  double lambda = 1e-3;
  Eigen::MatrixXd jac(n, m);
  std::vector<double> trial = params;
  for (int it = 0; it < options.max_iterations; ++it) {
    for (Eigen::Index k = 0; k < m; ++k) {
      const auto ks = static_cast<std::size_t>(k);
      const double h = 1e-7 * std::max(1.0, std::abs(params[ks]));
      trial = params;
      trial[ks] += h;
      fn(trial, r_step);
      for (Eigen::Index i = 0; i < n; ++i) {
        const auto is = static_cast<std::size_t>(i);
        jac(i, k) = (r_step[is] - r[is]) / h;
      }
    }
    const Eigen::Map<const Eigen::VectorXd> rv(r.data(), n);
    const Eigen::MatrixXd a = jac.transpose() * jac;
    const Eigen::VectorXd g = jac.transpose() * rv;
    bool improved = false;
    double new_cost = cost;
    while (lambda < 1e12) {
      Eigen::MatrixXd damped = a;
      for (Eigen::Index k = 0; k < m; ++k) damped(k, k) += lambda * (a(k, k) + 1e-12);
      const Eigen::VectorXd delta = damped.ldlt().solve(-g);
      for (Eigen::Index k = 0; k < m; ++k) {
        const auto ks = static_cast<std::size_t>(k);
        trial[ks] = params[ks] + delta(k);
      }
      fn(trial, r_step);
      new_cost = cost_of(r_step);
      if (std::isfinite(new_cost) && new_cost < cost) {
        params = trial;
        r.swap(r_step);
        lambda = std::max(lambda / 3.0, 1e-12);
        improved = true;
        break;
      }
      lambda *= 4.0;
    }
    if (!improved) break;
    const double gain = (cost - new_cost) / std::max(cost, 1e-300);
    cost = new_cost;
    if (gain < options.relative_tolerance) break;
  }
  return cost;
}

}  // namespace clinvid::colour::detail
