// CPU reference of shaders/yuv_to_rgba.comp: same taps, same order of float operations.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "gpu/yuv.hpp"

namespace clinvid::gpu {
namespace {

struct Taps {
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  float wa = 0.0F;
  float wb = 0.0F;
};

Taps taps(std::uint32_t c, std::uint32_t chroma_size) {
  const std::uint32_t half = c >> 1;
  if ((c & 1U) == 0U) return {half == 0 ? 0U : half - 1U, half, 0.25F, 0.75F};
  return {half, std::min(half + 1U, chroma_size - 1U), 0.75F, 0.25F};
}

float sample(const std::uint8_t* plane, std::size_t stride, std::size_t step, const Taps& tx,
             const Taps& ty) {
  auto at = [&](std::uint32_t x, std::uint32_t y) {
    return static_cast<float>(plane[y * stride + x * step]);
  };
  const float top = at(tx.a, ty.a) * tx.wa + at(tx.b, ty.a) * tx.wb;
  const float bottom = at(tx.a, ty.b) * tx.wa + at(tx.b, ty.b) * tx.wb;
  return top * ty.wa + bottom * ty.wb;
}

std::uint8_t to_byte(float v) {
  return static_cast<std::uint8_t>(std::clamp(std::floor(v + 0.5F), 0.0F, 255.0F));
}

}  // namespace

Status yuv_to_rgba_cpu(const ConstFrameView& src, const FrameView& dst, const YuvParams& params) {
  if (auto s = validate(src); !s) return s;
  if (auto s = validate(dst.as_const()); !s) return s;
  if (!is_yuv420(src.format) || dst.format != PixelFormat::rgba) {
    return fail(Errc::invalid_argument, "yuv_to_rgba_cpu: needs NV12/I420 in, RGBA out");
  }
  if (src.width != dst.width || src.height != dst.height) {
    return fail(Errc::invalid_argument, "yuv_to_rgba_cpu: sizes differ");
  }
  auto coeffs = yuv_coefficients(params);
  if (!coeffs) return tl::unexpected(coeffs.error());
  const auto& m = coeffs->to_rgb;
  const auto& off = coeffs->offset;
  const std::uint32_t cw = (src.width + 1) / 2;
  const std::uint32_t ch = (src.height + 1) / 2;
  const bool nv12 = src.format == PixelFormat::nv12;

  for (std::uint32_t y = 0; y < src.height; ++y) {
    const Taps ty = taps(y, ch);
    std::uint8_t* out = dst.planes[0] + y * dst.strides[0];
    for (std::uint32_t x = 0; x < src.width; ++x) {
      const Taps tx = taps(x, cw);
      const float luma = static_cast<float>(src.planes[0][y * src.strides[0] + x]);
      float cb = 0.0F;
      float cr = 0.0F;
      if (nv12) {
        cb = sample(src.planes[1], src.strides[1], 2, tx, ty);
        cr = sample(src.planes[1] + 1, src.strides[1], 2, tx, ty);
      } else {
        cb = sample(src.planes[1], src.strides[1], 1, tx, ty);
        cr = sample(src.planes[2], src.strides[2], 1, tx, ty);
      }
      const float v0 = luma - off[0];
      const float v1 = cb - off[1];
      const float v2 = cr - off[2];
      out[4 * x + 0] = to_byte(m[0] * v0 + m[1] * v1 + m[2] * v2);
      out[4 * x + 1] = to_byte(m[3] * v0 + m[4] * v1 + m[5] * v2);
      out[4 * x + 2] = to_byte(m[6] * v0 + m[7] * v1 + m[8] * v2);
      out[4 * x + 3] = 255;
    }
  }
  return {};
}

}  // namespace clinvid::gpu
