// CPU reference of shaders/standardise.comp. Keep the float operations in the same order as
// the shader: a change here is a change there.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "colour/standardise.hpp"

namespace clinvid::colour {
namespace {

float linearise(const StandardiseParams& p, std::size_t c, float v) noexcept {
  const float* k = &p.linearisation[c * 5];
  switch (static_cast<LinearisationKind>(p.linearisation_kind)) {
    case LinearisationKind::power: {
      const float u = v - k[4];
      return u > 0.0F ? std::pow(u, k[0]) : 0.0F;
    }
    case LinearisationKind::polynomial: {
      const float u = v - k[4];
      if (!(u > 0.0F)) return 0.0F;
      const float x = std::log(u);
      const float xc = std::max(x, k[3]);
      const float y = xc * (k[0] + xc * (k[1] + xc * k[2]));
      const float slope = k[0] + k[3] * (2.0F * k[1] + k[3] * 3.0F * k[2]);
      return std::exp(x < k[3] ? y + slope * (x - k[3]) : y);
    }
    case LinearisationKind::exponential: return std::max(std::exp(k[0] * v) - k[1], 0.0F);
    case LinearisationKind::standard:
    case LinearisationKind::invalid: break;
  }
  return decode(static_cast<TransferCurve>(p.transfer_curve), v);
}

std::uint8_t quantise(float v) noexcept {
  return static_cast<std::uint8_t>(std::clamp(std::floor(v * 255.0F + 0.5F), 0.0F, 255.0F));
}

Status check_rgba_pair(const ConstFrameView& src, const FrameView& dst) {
  if (auto ok = validate(src); !ok) return ok;
  if (auto ok = validate(dst.as_const()); !ok) return ok;
  if (src.format != PixelFormat::rgba || dst.format != PixelFormat::rgba) {
    return fail(Errc::unsupported, "standardisation works on RGBA frames");
  }
  if (src.width != dst.width || src.height != dst.height) {
    return fail(Errc::invalid_argument, "source and destination sizes differ");
  }
  return {};
}

template <class Fn>
void for_each_pixel(const ConstFrameView& src, const FrameView& dst, Fn&& fn) {
  for (std::uint32_t y = 0; y < src.height; ++y) {
    const std::uint8_t* in = src.planes[0] + y * src.strides[0];
    std::uint8_t* out = dst.planes[0] + y * dst.strides[0];
    for (std::uint32_t x = 0; x < src.width; ++x, in += 4, out += 4) {
      const std::array<float, 3> v = {in[0] / 255.0F, in[1] / 255.0F, in[2] / 255.0F};
      const std::uint8_t alpha = in[3];
      const std::array<float, 3> o = fn(v);
      out[0] = quantise(o[0]);
      out[1] = quantise(o[1]);
      out[2] = quantise(o[2]);
      out[3] = alpha;
    }
  }
}

}  // namespace

StandardiseParams standardise_params(const Correction& c) {
  StandardiseParams p;
  p.linearisation_kind = static_cast<std::uint32_t>(c.linearisation.kind);
  p.transfer_curve = static_cast<std::uint32_t>(c.linearisation.curve);
  p.model_kind = static_cast<std::uint32_t>(c.model.kind);
  p.model_terms = static_cast<std::uint32_t>(term_count(c.model.kind));
  for (std::size_t ch = 0; ch < 3; ++ch) {
    for (std::size_t k = 0; k < 5; ++k) {
      p.linearisation[ch * 5 + k] = static_cast<float>(c.linearisation.coefficients[ch][k]);
    }
    p.white_balance[ch] = static_cast<float>(c.white_balance[ch]);
    for (std::size_t k = 0; k < kMaxModelTerms; ++k) {
      p.matrix[ch * kMaxModelTerms + k] = static_cast<float>(c.model.m[ch][k]);
    }
  }
  return p;
}

std::array<float, 3> standardise_pixel(const StandardiseParams& p,
                                       const std::array<float, 3>& encoded) noexcept {
  std::array<float, 3> w{};
  for (std::size_t c = 0; c < 3; ++c) w[c] = linearise(p, c, encoded[c]) * p.white_balance[c];
  std::array<float, kMaxModelTerms> t = {w[0], w[1], w[2], 0.0F, 0.0F, 0.0F};
  if (p.model_terms == 4) {
    t[3] = 1.0F;
  } else if (p.model_terms == 6) {
    t[3] = std::sqrt(std::max(w[0] * w[1], 0.0F));
    t[4] = std::sqrt(std::max(w[1] * w[2], 0.0F));
    t[5] = std::sqrt(std::max(w[0] * w[2], 0.0F));
  }
  std::array<float, 3> out{};
  for (std::size_t r = 0; r < 3; ++r) {
    float acc = 0.0F;
    for (std::size_t k = 0; k < kMaxModelTerms; ++k) acc += p.matrix[r * kMaxModelTerms + k] * t[k];
    out[r] = srgb_encode(std::clamp(acc, 0.0F, 1.0F));
  }
  return out;
}

Status standardise_cpu(const StandardiseParams& params, const ConstFrameView& src,
                       const FrameView& dst) {
  if (auto ok = check_rgba_pair(src, dst); !ok) return ok;
  for_each_pixel(src, dst,
                 [&](const std::array<float, 3>& v) { return standardise_pixel(params, v); });
  return {};
}

std::array<float, 3> Lut3d::lookup(const std::array<float, 3>& encoded) const noexcept {
  const float scale = static_cast<float>(size - 1);
  std::array<std::uint32_t, 3> i0{};
  std::array<float, 3> f{};
  for (std::size_t c = 0; c < 3; ++c) {
    const float x = std::clamp(encoded[c], 0.0F, 1.0F) * scale;
    const float fl = std::min(std::floor(x), scale - 1.0F);
    i0[c] = static_cast<std::uint32_t>(fl);
    f[c] = x - fl;
  }
  auto at = [&](std::uint32_t r, std::uint32_t g, std::uint32_t b, std::size_t c) {
    return rgb[((static_cast<std::size_t>(b) * size + g) * size + r) * 3 + c];
  };
  std::array<float, 3> out{};
  for (std::size_t c = 0; c < 3; ++c) {
    const auto [r, g, b] = i0;
    const float c00 = at(r, g, b, c) * (1 - f[0]) + at(r + 1, g, b, c) * f[0];
    const float c10 = at(r, g + 1, b, c) * (1 - f[0]) + at(r + 1, g + 1, b, c) * f[0];
    const float c01 = at(r, g, b + 1, c) * (1 - f[0]) + at(r + 1, g, b + 1, c) * f[0];
    const float c11 = at(r, g + 1, b + 1, c) * (1 - f[0]) + at(r + 1, g + 1, b + 1, c) * f[0];
    const float c0 = c00 * (1 - f[1]) + c10 * f[1];
    const float c1 = c01 * (1 - f[1]) + c11 * f[1];
    out[c] = c0 * (1 - f[2]) + c1 * f[2];
  }
  return out;
}

Result<Lut3d> bake_lut(const Correction& correction, std::uint32_t size) {
  if (size < 2 || size > 129) return fail(Errc::invalid_argument, "LUT size must be 2..129");
  const StandardiseParams params = standardise_params(correction);
  Lut3d lut;
  lut.size = size;
  lut.rgb.resize(static_cast<std::size_t>(size) * size * size * 3);
  const float step = 1.0F / static_cast<float>(size - 1);
  std::size_t k = 0;
  for (std::uint32_t b = 0; b < size; ++b) {
    for (std::uint32_t g = 0; g < size; ++g) {
      for (std::uint32_t r = 0; r < size; ++r) {
        const auto o =
            standardise_pixel(params, {static_cast<float>(r) * step, static_cast<float>(g) * step,
                                       static_cast<float>(b) * step});
        lut.rgb[k++] = o[0];
        lut.rgb[k++] = o[1];
        lut.rgb[k++] = o[2];
      }
    }
  }
  return lut;
}

Status apply_lut_cpu(const Lut3d& lut, const ConstFrameView& src, const FrameView& dst) {
  if (lut.size < 2 ||
      lut.rgb.size() != static_cast<std::size_t>(lut.size) * lut.size * lut.size * 3) {
    return fail(Errc::invalid_argument, "malformed 3D LUT");
  }
  if (auto ok = check_rgba_pair(src, dst); !ok) return ok;
  for_each_pixel(src, dst, [&](const std::array<float, 3>& v) { return lut.lookup(v); });
  return {};
}

std::string to_cube(const Lut3d& lut, const std::string& title) {
  std::string out = "TITLE \"" + title + "\"\nLUT_3D_SIZE " + std::to_string(lut.size) + "\n";
  std::array<char, 64> line{};
  for (std::size_t i = 0; i + 2 < lut.rgb.size(); i += 3) {
    const int n =
        std::snprintf(line.data(), line.size(), "%.6f %.6f %.6f\n", static_cast<double>(lut.rgb[i]),
                      static_cast<double>(lut.rgb[i + 1]), static_cast<double>(lut.rgb[i + 2]));
    out.append(line.data(), static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace clinvid::colour
