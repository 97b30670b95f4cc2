// CPU reference of shaders/standardise.comp over whole frames: the conventions of
// standardiser.hpp, pixel by pixel, with the same float operations in the same order as the
// shader. The per-pixel colour maths is standardise_pixel() / Lut3d::lookup() itself.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "colour/standardise_internal.hpp"

namespace clinvid::colour {
namespace detail {

Result<FrameCoefficients> frame_coefficients(const ConstFrameView& src, const FrameView& dst,
                                             const StandardiseSettings& settings) {
  FrameCoefficients k;
  if (is_yuv(src.format)) {
    auto d = gpu::yuv_coefficients(settings.input_yuv);
    if (!d) return with_context(d.error(), "input YUV");
    k.decode = *d;
  }
  if (is_yuv(dst.format)) {
    auto e = gpu::yuv_coefficients(settings.output_yuv);
    if (!e) return with_context(e.error(), "output YUV");
    k.encode = *e;
  }
  return k;
}

float difference_delta_e(const Rgb& a, const Rgb& b) noexcept {
  const auto& m = difference_xyz_matrix();
  auto lab = [&](const Rgb& e) {
    Rgb f{};
    const Rgb l = {srgb_decode(e[0]), srgb_decode(e[1]), srgb_decode(e[2])};
    for (std::size_t r = 0; r < 3; ++r) {
      const float t = m[3 * r] * l[0] + m[3 * r + 1] * l[1] + m[3 * r + 2] * l[2];
      f[r] = t > 0.008856452F ? std::pow(t, 1.0F / 3.0F) : t * 7.787037F + 0.13793103F;
    }
    return Rgb{116.0F * f[1] - 16.0F, 500.0F * (f[0] - f[1]), 200.0F * (f[1] - f[2])};
  };
  const Rgb la = lab(a);
  const Rgb lb = lab(b);
  const float dl = la[0] - lb[0];
  const float da = la[1] - lb[1];
  const float db = la[2] - lb[2];
  return std::sqrt(dl * dl + da * da + db * db);
}

Rgb false_colour(float delta_e) noexcept {
  static constexpr std::array<Rgb, 5> kStops = {{{0.0F, 0.0F, 1.0F},
                                                 {0.0F, 1.0F, 1.0F},
                                                 {0.0F, 1.0F, 0.0F},
                                                 {1.0F, 1.0F, 0.0F},
                                                 {1.0F, 0.0F, 0.0F}}};
  const float t = std::clamp(delta_e / kDifferenceFullScaleDeltaE, 0.0F, 1.0F);
  const float s = t * 4.0F;
  const float i = std::min(std::floor(s), 3.0F);
  const float f = s - i;
  const auto& lo = kStops[static_cast<std::size_t>(i)];
  const auto& hi = kStops[static_cast<std::size_t>(i) + 1];
  Rgb out{};
  for (std::size_t c = 0; c < 3; ++c) out[c] = (lo[c] * (1.0F - f) + hi[c] * f) * 255.0F;
  return out;
}

Rgb correct_pixel(StandardiseMode mode, CorrectionPath path, const PreparedCorrection* correction,
                  const Rgb& rgb8) noexcept {
  if (mode == StandardiseMode::passthrough) return rgb8;
  const Rgb v = {rgb8[0] / 255.0F, rgb8[1] / 255.0F, rgb8[2] / 255.0F};
  const Rgb o = path == CorrectionPath::lut ? correction->lut.lookup(v)
                                            : standardise_pixel(correction->params, v);
  if (mode == StandardiseMode::difference) return false_colour(difference_delta_e(v, o));
  return {o[0] * 255.0F, o[1] * 255.0F, o[2] * 255.0F};
}

}  // namespace detail

namespace {

using detail::Rgb;

struct Pixel {
  Rgb rgb{};
  std::uint8_t alpha = 255;
};

Pixel decode_pixel(const ConstFrameView& src, const gpu::YuvCoefficients& k, std::uint32_t x,
                   std::uint32_t y) {
  const std::uint32_t cw = (src.width + 1) / 2;
  const std::uint32_t ch = (src.height + 1) / 2;
  switch (src.format) {
    case PixelFormat::rgba:
    case PixelFormat::bgra: {
      const std::uint8_t* p = src.planes[0] + y * src.strides[0] + 4 * std::size_t{x};
      const bool bgr = src.format == PixelFormat::bgra;
      return {{static_cast<float>(p[bgr ? 2 : 0]), static_cast<float>(p[1]),
               static_cast<float>(p[bgr ? 0 : 2])},
              p[3]};
    }
    case PixelFormat::yuy2: {
      const std::uint8_t* row = src.planes[0] + y * src.strides[0];
      const detail::Taps tx = detail::chroma_taps(x, cw);
      const float luma = static_cast<float>(row[4 * std::size_t{x / 2} + 2 * (x & 1U)]);
      const float cb = static_cast<float>(row[4 * std::size_t{tx.a} + 1]) * tx.wa +
                       static_cast<float>(row[4 * std::size_t{tx.b} + 1]) * tx.wb;
      const float cr = static_cast<float>(row[4 * std::size_t{tx.a} + 3]) * tx.wa +
                       static_cast<float>(row[4 * std::size_t{tx.b} + 3]) * tx.wb;
      return {detail::yuv_to_rgb8(k, luma, cb, cr)};
    }
    case PixelFormat::nv12:
    case PixelFormat::i420: {
      const detail::Taps tx = detail::chroma_taps(x, cw);
      const detail::Taps ty = detail::chroma_taps(y, ch);
      auto sample = [&](const std::uint8_t* plane, std::size_t stride, std::size_t step) {
        auto at = [&](std::uint32_t cx, std::uint32_t cy) {
          return static_cast<float>(plane[cy * stride + cx * step]);
        };
        const float top = at(tx.a, ty.a) * tx.wa + at(tx.b, ty.a) * tx.wb;
        const float bottom = at(tx.a, ty.b) * tx.wa + at(tx.b, ty.b) * tx.wb;
        return top * ty.wa + bottom * ty.wb;
      };
      const float luma = static_cast<float>(src.planes[0][y * src.strides[0] + x]);
      const bool nv12 = src.format == PixelFormat::nv12;
      const float cb = nv12 ? sample(src.planes[1], src.strides[1], 2)
                            : sample(src.planes[1], src.strides[1], 1);
      const float cr = nv12 ? sample(src.planes[1] + 1, src.strides[1], 2)
                            : sample(src.planes[2], src.strides[2], 1);
      return {detail::yuv_to_rgb8(k, luma, cb, cr)};
    }
    case PixelFormat::invalid: break;
  }
  return {};
}

// Mean of the corrected pixels of the block at (bx, by) of size bw x bh inside the frame.
Rgb block_mean(const std::vector<Pixel>& px, std::uint32_t width, std::uint32_t height,
               std::uint32_t bx, std::uint32_t by, std::uint32_t bw, std::uint32_t bh) {
  Rgb sum{0.0F, 0.0F, 0.0F};
  float count = 0.0F;
  for (std::uint32_t dy = 0; dy < bh; ++dy) {
    for (std::uint32_t dx = 0; dx < bw; ++dx) {
      const std::uint32_t x = bx * bw + dx;
      const std::uint32_t y = by * bh + dy;
      if (x < width && y < height) {
        const Rgb& p = px[std::size_t{y} * width + x].rgb;
        for (std::size_t c = 0; c < 3; ++c) sum[c] += p[c];
        count += 1.0F;
      }
    }
  }
  for (auto& s : sum) s /= count;
  return sum;
}

void encode_frame(const std::vector<Pixel>& px, const gpu::YuvCoefficients& k,
                  const FrameView& dst) {
  using detail::to_byte;
  using detail::yuv_row;
  const std::uint32_t w = dst.width;
  const std::uint32_t h = dst.height;
  const std::uint32_t cw = (w + 1) / 2;
  const std::uint32_t ch = (h + 1) / 2;
  switch (dst.format) {
    case PixelFormat::rgba:
    case PixelFormat::bgra: {
      const bool bgr = dst.format == PixelFormat::bgra;
      for (std::uint32_t y = 0; y < h; ++y) {
        std::uint8_t* row = dst.planes[0] + y * dst.strides[0];
        for (std::uint32_t x = 0; x < w; ++x) {
          const Pixel& p = px[std::size_t{y} * w + x];
          row[4 * x + (bgr ? 2U : 0U)] = to_byte(p.rgb[0]);
          row[4 * x + 1] = to_byte(p.rgb[1]);
          row[4 * x + (bgr ? 0U : 2U)] = to_byte(p.rgb[2]);
          row[4 * x + 3] = p.alpha;
        }
      }
      return;
    }
    case PixelFormat::yuy2:
      for (std::uint32_t y = 0; y < h; ++y) {
        std::uint8_t* row = dst.planes[0] + y * dst.strides[0];
        for (std::uint32_t cx = 0; cx < cw; ++cx) {
          const std::uint32_t x = 2 * cx;
          const Rgb mean = block_mean(px, w, h, cx, y, 2, 1);
          row[4 * cx] = to_byte(yuv_row(k, 0, px[std::size_t{y} * w + x].rgb));
          row[4 * cx + 1] = to_byte(yuv_row(k, 1, mean));
          row[4 * cx + 2] =
              x + 1 < w ? to_byte(yuv_row(k, 0, px[std::size_t{y} * w + x + 1].rgb)) : 0;
          row[4 * cx + 3] = to_byte(yuv_row(k, 2, mean));
        }
      }
      return;
    case PixelFormat::nv12:
    case PixelFormat::i420:
      for (std::uint32_t y = 0; y < h; ++y) {
        std::uint8_t* row = dst.planes[0] + y * dst.strides[0];
        for (std::uint32_t x = 0; x < w; ++x) {
          row[x] = to_byte(yuv_row(k, 0, px[std::size_t{y} * w + x].rgb));
        }
      }
      for (std::uint32_t cy = 0; cy < ch; ++cy) {
        for (std::uint32_t cx = 0; cx < cw; ++cx) {
          const Rgb mean = block_mean(px, w, h, cx, cy, 2, 2);
          const std::uint8_t cb = to_byte(yuv_row(k, 1, mean));
          const std::uint8_t cr = to_byte(yuv_row(k, 2, mean));
          if (dst.format == PixelFormat::nv12) {
            dst.planes[1][cy * dst.strides[1] + 2 * cx] = cb;
            dst.planes[1][cy * dst.strides[1] + 2 * cx + 1] = cr;
          } else {
            dst.planes[1][cy * dst.strides[1] + cx] = cb;
            dst.planes[2][cy * dst.strides[2] + cx] = cr;
          }
        }
      }
      return;
    case PixelFormat::invalid: return;
  }
}

}  // namespace

const std::array<float, 9>& difference_xyz_matrix() noexcept {
  static const std::array<float, 9> m = [] {
    std::array<float, 9> out{};
    const Mat3& to_xyz = srgb_to_xyz_d65();
    const Vec3 white = white_d65();
    for (std::size_t r = 0; r < 3; ++r) {
      for (std::size_t c = 0; c < 3; ++c) {
        out[3 * r + c] = static_cast<float>(to_xyz[r][c] / white[r]);
      }
    }
    return out;
  }();
  return m;
}

Result<PreparedCorrection> prepare_correction(const Correction& correction) {
  auto lut = bake_lut(correction, kDefaultLutSize);
  if (!lut) return tl::unexpected(lut.error());
  return PreparedCorrection{correction, standardise_params(correction), std::move(*lut)};
}

Status check_standardise_args(const ConstFrameView& src, const FrameView& dst,
                              const StandardiseSettings& settings, bool have_correction) {
  if (auto s = validate(src); !s) return with_context(s.error(), "standardise source");
  if (auto s = validate(dst.as_const()); !s) {
    return with_context(s.error(), "standardise destination");
  }
  if (src.width != dst.width || src.height != dst.height) {
    return fail(Errc::invalid_argument, "standardise: source " + std::to_string(src.width) + "x" +
                                            std::to_string(src.height) + " and destination " +
                                            std::to_string(dst.width) + "x" +
                                            std::to_string(dst.height) + " differ in size");
  }
  switch (settings.mode) {
    case StandardiseMode::passthrough: return {};
    case StandardiseMode::standardise:
    case StandardiseMode::difference: break;
    case StandardiseMode::invalid: return fail(Errc::invalid_argument, "standardise: mode not set");
  }
  if (settings.path != CorrectionPath::model && settings.path != CorrectionPath::lut) {
    return fail(Errc::invalid_argument, "standardise: correction path not set");
  }
  if (!have_correction) {
    return fail(Errc::invalid_argument,
                "standardise: no correction set (call set_correction with a calibration "
                "profile's correction, or use passthrough mode)");
  }
  return {};
}

Status standardise_frame_cpu(const ConstFrameView& src, const FrameView& dst,
                             const StandardiseSettings& settings,
                             const PreparedCorrection* correction) {
  if (auto s = check_standardise_args(src, dst, settings, correction != nullptr); !s) return s;
  auto k = detail::frame_coefficients(src, dst, settings);
  if (!k) return tl::unexpected(k.error());
  std::vector<Pixel> px(std::size_t{src.width} * src.height);
  for (std::uint32_t y = 0; y < src.height; ++y) {
    for (std::uint32_t x = 0; x < src.width; ++x) {
      Pixel p = decode_pixel(src, k->decode, x, y);
      p.rgb = detail::correct_pixel(settings.mode, settings.path, correction, p.rgb);
      px[std::size_t{y} * src.width + x] = p;
    }
  }
  encode_frame(px, k->encode, dst);
  return {};
}

}  // namespace clinvid::colour
