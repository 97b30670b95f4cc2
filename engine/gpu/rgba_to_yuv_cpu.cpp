// CPU reference of shaders/rgba_to_yuv.comp: same block means, same order of float operations.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "gpu/yuv.hpp"

namespace clinvid::gpu {
namespace {

using Rgb = std::array<float, 3>;

std::uint8_t to_byte(float v) {
  return static_cast<std::uint8_t>(std::clamp(std::floor(v + 0.5F), 0.0F, 255.0F));
}

float apply(const std::array<float, 9>& m, std::size_t row, float offset, const Rgb& rgb) {
  return m[3 * row] * rgb[0] + m[3 * row + 1] * rgb[1] + m[3 * row + 2] * rgb[2] + offset;
}

Rgb pixel(const ConstFrameView& src, std::uint32_t x, std::uint32_t y) {
  const std::uint8_t* p = src.planes[0] + y * src.strides[0] + 4 * std::size_t{x};
  return {static_cast<float>(p[0]), static_cast<float>(p[1]), static_cast<float>(p[2])};
}

Rgb block_mean(const ConstFrameView& src, std::uint32_t cx, std::uint32_t cy) {
  Rgb sum{0.0F, 0.0F, 0.0F};
  float count = 0.0F;
  for (std::uint32_t dy = 0; dy < 2; ++dy) {
    for (std::uint32_t dx = 0; dx < 2; ++dx) {
      const std::uint32_t x = cx * 2 + dx;
      const std::uint32_t y = cy * 2 + dy;
      if (x < src.width && y < src.height) {
        const Rgb p = pixel(src, x, y);
        for (std::size_t c = 0; c < 3; ++c) sum[c] += p[c];
        count += 1.0F;
      }
    }
  }
  for (auto& s : sum) s /= count;
  return sum;
}

}  // namespace

Status rgba_to_yuv_cpu(const ConstFrameView& src, const FrameView& dst, const YuvParams& params) {
  if (auto s = validate(src); !s) return s;
  if (auto s = validate(dst.as_const()); !s) return s;
  if (src.format != PixelFormat::rgba || !is_yuv420(dst.format)) {
    return fail(Errc::invalid_argument, "rgba_to_yuv_cpu: needs RGBA in, NV12/I420 out");
  }
  if (src.width != dst.width || src.height != dst.height) {
    return fail(Errc::invalid_argument, "rgba_to_yuv_cpu: sizes differ");
  }
  auto coeffs = yuv_coefficients(params);
  if (!coeffs) return tl::unexpected(coeffs.error());
  const auto& m = coeffs->to_yuv;
  const auto& off = coeffs->offset;

  for (std::uint32_t y = 0; y < src.height; ++y) {
    std::uint8_t* out = dst.planes[0] + y * dst.strides[0];
    for (std::uint32_t x = 0; x < src.width; ++x)
      out[x] = to_byte(apply(m, 0, off[0], pixel(src, x, y)));
  }
  const std::uint32_t cw = (src.width + 1) / 2;
  const std::uint32_t ch = (src.height + 1) / 2;
  for (std::uint32_t cy = 0; cy < ch; ++cy) {
    for (std::uint32_t cx = 0; cx < cw; ++cx) {
      const Rgb mean = block_mean(src, cx, cy);
      const std::uint8_t cb = to_byte(apply(m, 1, off[1], mean));
      const std::uint8_t cr = to_byte(apply(m, 2, off[2], mean));
      if (dst.format == PixelFormat::nv12) {
        std::uint8_t* row = dst.planes[1] + cy * dst.strides[1];
        row[2 * cx] = cb;
        row[2 * cx + 1] = cr;
      } else {
        dst.planes[1][cy * dst.strides[1] + cx] = cb;
        dst.planes[2][cy * dst.strides[2] + cx] = cr;
      }
    }
  }
  return {};
}

}  // namespace clinvid::gpu
