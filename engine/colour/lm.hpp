// Levenberg-Marquardt for small dense problems (internal to engine/colour).
#pragma once

#include <functional>
#include <vector>

namespace clinvid::colour::detail {

// Fills `residuals` (fixed length) for parameters `params`.
using ResidualFn =
    std::function<void(const std::vector<double>& params, std::vector<double>& residuals)>;

struct LmOptions {
  int max_iterations = 60;
  double relative_tolerance = 1e-9;  // stop when the cost improves by less than this share
};

// Minimises the sum of squared residuals from `params` (updated in place) with a
// forward-difference Jacobian. Returns the final cost.
double levenberg_marquardt(const ResidualFn& fn, std::size_t residual_count,
                           std::vector<double>& params, const LmOptions& options);

}  // namespace clinvid::colour::detail
