// Fitting a Correction (linearisation, white balance, model) from measured chart patches to
// a reference set, judged by CIEDE2000, with leave-one-patch-out validation.
//
// Steps: (1) linearisation: a standard curve or fitted from the neutral row; (2) white
// balance: per-channel gains that best map the linearised neutrals to their reference
// luminance; (3) model: weighted linear least squares to the reference in linear sRGB, then
// (4) refinement: Levenberg-Marquardt on the model's parameters (the gains, for the
// white-balance model) minimising sum_i sqrt(dE00_i^2 + 0.05^2), a smooth stand-in for the
// mean dE00. Leave-one-out repeats (1)-(4) 24 times, each time without one patch, and
// reports the dE00 of the patch left out: an honest estimate of the error on colours that
// were not in the fit, which is what the skin and tissue in the video are.
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "colour/model.hpp"
#include "colour/reference.hpp"
#include "core/result.hpp"

namespace clinvid::colour {

struct DeltaEStats {
  double mean = 0.0;  // over the patches counted (see FitReport::used)
  double max = 0.0;
  std::array<double, kPatchCount> per_patch{};  // every patch, used or not
};

// Summary of a set of differences (entries where `counted` is false are ignored).
[[nodiscard]] DeltaEStats delta_e_stats(const std::array<double, kPatchCount>& per_patch,
                                        const std::array<bool, kPatchCount>& counted);

enum class Refinement {
  invalid = 0,
  delta_e00,  // Levenberg-Marquardt on dE00 after least squares
  none,       // least squares only
};

enum class Validation {
  invalid = 0,
  leave_one_out,  // 24 further fits, each without one patch
  none,
};

struct FitOptions {
  ReferenceSet reference = ReferenceSet::colorchecker24_after_2014;
  ModelKind model = ModelKind::root_polynomial;
  LinearisationKind linearisation = LinearisationKind::polynomial;
  TransferCurve curve = TransferCurve::srgb;  // when linearisation is `standard`
  int polynomial_degree = 2;
  Refinement refinement = Refinement::delta_e00;
  Validation validation = Validation::leave_one_out;
  int max_iterations = 60;
};

struct FitResult {
  Correction correction;
  DeltaEStats fit;  // patches used in the fit
  std::optional<DeltaEStats> leave_one_out;
  std::array<bool, kPatchCount> used{};  // false: clipped or otherwise excluded
};

// `signal` is each patch's encoded camera value (0..1), `usable` false for patches that must
// not be fitted (clipped). Errc::invalid_argument when too few patches remain for the model
// or the neutral row cannot be linearised.
[[nodiscard]] Result<FitResult> fit_correction(const std::array<Vec3, kPatchCount>& signal,
                                               const std::array<bool, kPatchCount>& usable,
                                               const FitOptions& options);

}  // namespace clinvid::colour
