#include "colour/model.hpp"

#include <string>

namespace clinvid::colour {

std::string_view to_string(ModelKind kind) noexcept {
  switch (kind) {
    case ModelKind::white_balance: return "white_balance";
    case ModelKind::matrix: return "matrix3x3";
    case ModelKind::matrix_white_preserving: return "matrix3x3_white_preserving";
    case ModelKind::affine: return "affine3x4";
    case ModelKind::root_polynomial: return "root_polynomial2";
    case ModelKind::invalid: break;
  }
  return "invalid";
}

Result<ModelKind> parse_model_kind(std::string_view name) {
  for (const ModelKind k :
       {ModelKind::white_balance, ModelKind::matrix, ModelKind::matrix_white_preserving,
        ModelKind::affine, ModelKind::root_polynomial}) {
    if (name == to_string(k)) return k;
  }
  return fail(Errc::invalid_argument, "unknown colour model \"" + std::string(name) + "\"");
}

std::size_t term_count(ModelKind kind) noexcept {
  switch (kind) {
    case ModelKind::affine: return 4;
    case ModelKind::root_polynomial: return 6;
    default: return 3;
  }
}

ColourModel ColourModel::identity(ModelKind kind) noexcept {
  ColourModel model;
  model.kind = kind;
  for (std::size_t r = 0; r < 3; ++r) model.m[r][r] = 1.0;
  return model;
}

Vec3 Correction::to_linear_srgb(const Vec3& encoded) const noexcept {
  const Vec3 l = linearisation.apply(encoded);
  const std::array<double, 3> w = {l[0] * white_balance[0], l[1] * white_balance[1],
                                   l[2] * white_balance[2]};
  return model.apply(w);
}

}  // namespace clinvid::colour
