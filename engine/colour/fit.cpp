#include "colour/fit.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <Eigen/Dense>

#include "colour/ciede2000.hpp"
#include "colour/lm.hpp"

namespace clinvid::colour {
namespace {

using Mask = std::array<bool, kPatchCount>;
using Signals = std::array<Vec3, kPatchCount>;

struct Targets {
  std::array<Vec3, kPatchCount> lab{};
  std::array<Vec3, kPatchCount> linear{};  // linear sRGB D65
  std::array<double, kPatchCount> luminance{};
};

Targets targets_of(ReferenceSet set) {
  Targets t;
  const ChartReference& ref = builtin_reference(set);
  for (std::size_t i = 0; i < kPatchCount; ++i) {
    t.lab[i] = ref.patches[i].lab_d50;
    t.linear[i] = lab_d50_to_linear_srgb(t.lab[i]);
    t.luminance[i] = lightness_to_luminance(t.lab[i][0]);
  }
  return t;
}

constexpr double kHuberEps = 0.05;

Result<Linearisation> make_linearisation(const Signals& signal, const Mask& used, const Targets& t,
                                         const FitOptions& o) {
  if (o.linearisation == LinearisationKind::standard) return standard_linearisation(o.curve);
  std::array<Vec3, kNeutralCount> neutral{};
  std::array<double, kNeutralCount> luminance{};
  std::array<bool, kNeutralCount> usable{};
  for (std::size_t i = 0; i < kNeutralCount; ++i) {
    neutral[i] = signal[kFirstNeutral + i];
    luminance[i] = t.luminance[kFirstNeutral + i];
    usable[i] = used[kFirstNeutral + i];
  }
  return fit_linearisation(o.linearisation, neutral, luminance, usable, o.polynomial_degree);
}

Vec3 fit_white_balance(const std::array<Vec3, kPatchCount>& lin, const Mask& used,
                       const Targets& t) {
  Vec3 gains{1.0, 1.0, 1.0};
  for (std::size_t c = 0; c < 3; ++c) {
    double num = 0.0;
    double den = 0.0;
    for (std::size_t i = kFirstNeutral; i < kFirstNeutral + kNeutralCount; ++i) {
      if (!used[i]) continue;
      const double w = 1.0 / t.luminance[i];
      num += w * t.linear[i][c] * lin[i][c];
      den += w * lin[i][c] * lin[i][c];
    }
    if (den > 1e-12) gains[c] = num / den;
  }
  return gains;
}

// Weighted linear least squares of the model to the linear targets.
Result<ColourModel> least_squares(const std::array<std::array<double, 3>, kPatchCount>& w,
                                  const Mask& used, const Targets& t, ModelKind kind) {
  ColourModel model = ColourModel::identity(kind);
  if (kind == ModelKind::white_balance) return model;
  const std::size_t terms = term_count(kind);
  const std::size_t unknowns = kind == ModelKind::matrix_white_preserving ? 2 : terms;
  std::size_t n = 0;
  for (const bool u : used) n += u ? 1 : 0;
  if (n < unknowns + 1) {
    return fail(Errc::invalid_argument, std::to_string(n) + " usable patches are too few for " +
                                            std::string(to_string(kind)));
  }
  Eigen::MatrixXd a(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(unknowns));
  Eigen::MatrixXd b(static_cast<Eigen::Index>(n), 3);
  Eigen::Index row = 0;
  for (std::size_t i = 0; i < kPatchCount; ++i) {
    if (!used[i]) continue;
    const double weight = 1.0 / (t.luminance[i] + 0.05);
    const auto f = model.terms(w[i]);
    for (std::size_t k = 0; k < unknowns; ++k) {
      const double v = kind == ModelKind::matrix_white_preserving ? f[k] - f[2] : f[k];
      a(row, static_cast<Eigen::Index>(k)) = weight * v;
    }
    for (std::size_t c = 0; c < 3; ++c) {
      const double target =
          kind == ModelKind::matrix_white_preserving ? t.linear[i][c] - f[2] : t.linear[i][c];
      b(row, static_cast<Eigen::Index>(c)) = weight * target;
    }
    ++row;
  }
  const Eigen::MatrixXd x = a.colPivHouseholderQr().solve(b);
  if (!x.allFinite()) return fail(Errc::invalid_argument, "least squares did not converge");
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t k = 0; k < kMaxModelTerms; ++k) model.m[r][k] = 0.0;
    for (std::size_t k = 0; k < unknowns; ++k) {
      model.m[r][k] = x(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(r));
    }
    if (kind == ModelKind::matrix_white_preserving) {
      model.m[r][2] = 1.0 - model.m[r][0] - model.m[r][1];
    }
  }
  return model;
}

std::vector<double> pack(const Correction& c) {
  std::vector<double> p;
  const ModelKind kind = c.model.kind;
  if (kind == ModelKind::white_balance) return {c.white_balance.begin(), c.white_balance.end()};
  const std::size_t free = kind == ModelKind::matrix_white_preserving ? 2 : term_count(kind);
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t k = 0; k < free; ++k) p.push_back(c.model.m[r][k]);
  }
  return p;
}

void unpack(const std::vector<double>& p, Correction& c) {
  const ModelKind kind = c.model.kind;
  if (kind == ModelKind::white_balance) {
    for (std::size_t k = 0; k < 3; ++k) c.white_balance[k] = p[k];
    return;
  }
  const std::size_t free = kind == ModelKind::matrix_white_preserving ? 2 : term_count(kind);
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t k = 0; k < free; ++k) c.model.m[r][k] = p[r * free + k];
    if (kind == ModelKind::matrix_white_preserving) {
      c.model.m[r][2] = 1.0 - c.model.m[r][0] - c.model.m[r][1];
    }
  }
}

// `linear` holds each patch's linearised signal; the linearisation is fixed here.
void refine(Correction& correction, const std::array<Vec3, kPatchCount>& linear, const Mask& used,
            const Targets& t, int max_iterations) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < kPatchCount; ++i) {
    if (used[i]) idx.push_back(i);
  }
  Correction work = correction;
  auto residuals = [&](const std::vector<double>& p, std::vector<double>& r) {
    unpack(p, work);
    for (std::size_t j = 0; j < idx.size(); ++j) {
      const Vec3& l = linear[idx[j]];
      const std::array<double, 3> w = {l[0] * work.white_balance[0], l[1] * work.white_balance[1],
                                       l[2] * work.white_balance[2]};
      const double e = delta_e00(linear_srgb_to_lab_d50(work.model.apply(w)), t.lab[idx[j]]);
      r[j] = std::pow(e * e + kHuberEps * kHuberEps, 0.25);
    }
  };
  std::vector<double> params = pack(correction);
  detail::levenberg_marquardt(residuals, idx.size(), params, {max_iterations, 1e-7});
  unpack(params, correction);
}

// Steps (1)-(4). `warm` (optional) is a nearby solution to start the refinement from, used by
// the leave-one-out folds, which differ from the full fit by one patch.
Result<Correction> fit_once(const Signals& signal, const Mask& used, const Targets& t,
                            const FitOptions& o, const Correction* warm = nullptr) {
  Correction c;
  auto lin = make_linearisation(signal, used, t, o);
  if (!lin) return tl::unexpected(lin.error());
  c.linearisation = *lin;
  std::array<Vec3, kPatchCount> linear{};
  for (std::size_t i = 0; i < kPatchCount; ++i) linear[i] = c.linearisation.apply(signal[i]);
  c.white_balance = fit_white_balance(linear, used, t);
  if (warm != nullptr && o.refinement == Refinement::delta_e00) {
    c.model = warm->model;
    if (o.model == ModelKind::white_balance) c.white_balance = warm->white_balance;
  } else {
    std::array<std::array<double, 3>, kPatchCount> balanced{};
    for (std::size_t i = 0; i < kPatchCount; ++i) {
      for (std::size_t k = 0; k < 3; ++k) balanced[i][k] = linear[i][k] * c.white_balance[k];
    }
    auto model = least_squares(balanced, used, t, o.model);
    if (!model) return tl::unexpected(model.error());
    c.model = *model;
  }
  if (o.refinement == Refinement::delta_e00) refine(c, linear, used, t, o.max_iterations);
  return c;
}

}  // namespace

DeltaEStats delta_e_stats(const std::array<double, kPatchCount>& per_patch,
                          const std::array<bool, kPatchCount>& counted) {
  DeltaEStats s;
  s.per_patch = per_patch;
  std::size_t n = 0;
  for (std::size_t i = 0; i < kPatchCount; ++i) {
    if (!counted[i]) continue;
    s.mean += per_patch[i];
    s.max = std::max(s.max, per_patch[i]);
    ++n;
  }
  if (n > 0) s.mean /= static_cast<double>(n);
  return s;
}

Result<FitResult> fit_correction(const Signals& signal, const Mask& usable,
                                 const FitOptions& options) {
  if (options.model == ModelKind::invalid || options.linearisation == LinearisationKind::invalid ||
      options.refinement == Refinement::invalid || options.validation == Validation::invalid) {
    return fail(Errc::invalid_argument, "fit options leave a mode unset");
  }
  const Targets t = targets_of(options.reference);
  FitResult result;
  result.used = usable;
  auto c = fit_once(signal, usable, t, options);
  if (!c) return tl::unexpected(c.error());
  result.correction = *c;
  std::array<double, kPatchCount> de{};
  for (std::size_t i = 0; i < kPatchCount; ++i) {
    de[i] = delta_e00(result.correction.to_lab_d50(signal[i]), t.lab[i]);
  }
  result.fit = delta_e_stats(de, usable);
  if (options.validation == Validation::leave_one_out) {
    std::array<double, kPatchCount> loo{};
    Mask counted = usable;
    for (std::size_t j = 0; j < kPatchCount; ++j) {
      if (!usable[j]) continue;
      Mask without = usable;
      without[j] = false;
      FitOptions fold = options;
      fold.max_iterations = std::min(options.max_iterations, 15);
      auto cj = fit_once(signal, without, t, fold, &result.correction);
      // A fold that cannot be fitted at all (too few neutrals left) is left out of the
      // statistics; its per-patch entry stays 0.
      if (cj) loo[j] = delta_e00(cj->to_lab_d50(signal[j]), t.lab[j]);
      counted[j] = cj.has_value();
    }
    result.leave_one_out = delta_e_stats(loo, counted);
  }
  return result;
}

}  // namespace clinvid::colour
