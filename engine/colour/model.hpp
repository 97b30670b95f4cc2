// Colour correction models and the full per-pixel correction they belong to.
//
// Order of operations (identical in standardise_cpu.cpp and shaders/standardise.comp):
//   1. decode      code value / 255 -> encoded signal v (0..1), per channel
//   2. linearise   v -> l = Linearisation::apply(c, v)                (shape, l(1) = 1)
//   3. white bal.  w = gains * l                                       (diagonal)
//   4. model       o = M * terms(w), terms per ModelKind (below)       (linear sRGB, D65)
//   5. encode      clamp o to 0..1, sRGB OETF, * 255, round half up
// The fit targets the reference L*a*b* D50 through linear sRGB D65 (Bradford), so step 4
// outputs linear sRGB whose Lab matches the chart's published values.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <string_view>

#include "colour/colour_math.hpp"
#include "colour/linearise.hpp"
#include "core/result.hpp"

namespace clinvid::colour {

enum class ModelKind {
  invalid = 0,
  white_balance,            // "white_balance": M = identity, only the gains are fitted
  matrix,                   // "matrix3x3": terms R, G, B
  matrix_white_preserving,  // "matrix3x3_white_preserving": rows sum to 1, neutrals stay neutral
  affine,                   // "affine3x4": terms R, G, B, 1
  root_polynomial,          // "root_polynomial2": R, G, B, sqrt(RG), sqrt(GB), sqrt(RB)
};
[[nodiscard]] std::string_view to_string(ModelKind kind) noexcept;
[[nodiscard]] Result<ModelKind> parse_model_kind(std::string_view name);

inline constexpr std::size_t kMaxModelTerms = 6;
// Number of terms (columns of M) the model uses: 3, 4 or 6.
[[nodiscard]] std::size_t term_count(ModelKind kind) noexcept;

struct ColourModel {
  ModelKind kind = ModelKind::matrix;
  // Output channel r = sum_k m[r][k] * term_k; columns past term_count(kind) are 0.
  std::array<std::array<double, kMaxModelTerms>, 3> m{};

  [[nodiscard]] static ColourModel identity(ModelKind kind) noexcept;

  // The terms of a white-balanced linear colour. Root-polynomial terms use max(x*y, 0), so
  // a negative (below black) channel cannot produce a NaN. All three root terms scale like
  // the input: the model is exposure invariant.
  template <std::floating_point T>
  [[nodiscard]] std::array<T, kMaxModelTerms> terms(const std::array<T, 3>& w) const noexcept {
    std::array<T, kMaxModelTerms> t{w[0], w[1], w[2], T(0), T(0), T(0)};
    if (kind == ModelKind::affine) {
      t[3] = T(1);
    } else if (kind == ModelKind::root_polynomial) {
      t[3] = std::sqrt(std::max(w[0] * w[1], T(0)));
      t[4] = std::sqrt(std::max(w[1] * w[2], T(0)));
      t[5] = std::sqrt(std::max(w[0] * w[2], T(0)));
    }
    return t;
  }

  template <std::floating_point T>
  [[nodiscard]] std::array<T, 3> apply(const std::array<T, 3>& w) const noexcept {
    const auto t = terms(w);
    std::array<T, 3> out{};
    for (std::size_t r = 0; r < 3; ++r) {
      T acc = T(0);
      for (std::size_t k = 0; k < kMaxModelTerms; ++k) acc += static_cast<T>(m[r][k]) * t[k];
      out[r] = acc;
    }
    return out;
  }
};

// Everything between the camera's encoded signal and linear sRGB (steps 2-4 above).
struct Correction {
  Linearisation linearisation{};
  Vec3 white_balance{1.0, 1.0, 1.0};
  ColourModel model{};

  [[nodiscard]] Vec3 to_linear_srgb(const Vec3& encoded) const noexcept;
  [[nodiscard]] Vec3 to_lab_d50(const Vec3& encoded) const noexcept {
    return linear_srgb_to_lab_d50(to_linear_srgb(encoded));
  }
};

}  // namespace clinvid::colour
