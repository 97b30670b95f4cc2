// Per-pixel pieces shared by the CPU reference (standardise_frame_cpu.cpp) and the fast CPU
// backend (standardise_fast_cpu.cpp); shaders/standardise.comp mirrors them operation for
// operation. Not a public header.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>

#include "colour/standardiser.hpp"
#include "gpu/yuv.hpp"

namespace clinvid::colour::detail {

using Rgb = std::array<float, 3>;

// Decode and encode coefficients for a frame pair; identity-free: unused sides are zero.
struct FrameCoefficients {
  gpu::YuvCoefficients decode{};
  gpu::YuvCoefficients encode{};
};
[[nodiscard]] Result<FrameCoefficients> frame_coefficients(const ConstFrameView& src,
                                                           const FrameView& dst,
                                                           const StandardiseSettings& settings);

// Bilinear chroma taps of luma coordinate c (gpu/yuv_to_rgba_cpu.cpp's).
struct Taps {
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  float wa = 0.0F;
  float wb = 0.0F;
};
[[nodiscard]] inline Taps chroma_taps(std::uint32_t c, std::uint32_t chroma_size) noexcept {
  const std::uint32_t half = c >> 1;
  if ((c & 1U) == 0U) return {half == 0 ? 0U : half - 1U, half, 0.25F, 0.75F};
  return {half, std::min(half + 1U, chroma_size - 1U), 0.75F, 0.25F};
}

[[nodiscard]] inline std::uint8_t to_byte(float v) noexcept {
  return static_cast<std::uint8_t>(std::clamp(std::floor(v + 0.5F), 0.0F, 255.0F));
}

// rgb8 = to_rgb * (yuv - offset), clamped to 0..255 (not rounded).
[[nodiscard]] inline Rgb yuv_to_rgb8(const gpu::YuvCoefficients& k, float luma, float cb,
                                     float cr) noexcept {
  const auto& m = k.to_rgb;
  const float v0 = luma - k.offset[0];
  const float v1 = cb - k.offset[1];
  const float v2 = cr - k.offset[2];
  return {std::clamp(m[0] * v0 + m[1] * v1 + m[2] * v2, 0.0F, 255.0F),
          std::clamp(m[3] * v0 + m[4] * v1 + m[5] * v2, 0.0F, 255.0F),
          std::clamp(m[6] * v0 + m[7] * v1 + m[8] * v2, 0.0F, 255.0F)};
}

// Row `row` of to_yuv applied to rgb8, plus the offset (unrounded).
[[nodiscard]] inline float yuv_row(const gpu::YuvCoefficients& k, std::size_t row,
                                   const Rgb& rgb) noexcept {
  const auto& m = k.to_yuv;
  return m[3 * row] * rgb[0] + m[3 * row + 1] * rgb[1] + m[3 * row + 2] * rgb[2] + k.offset[row];
}

// CIE76 dE between encoded sRGB colours a and b (see standardiser.hpp).
[[nodiscard]] float difference_delta_e(const Rgb& a, const Rgb& b) noexcept;
// The difference view's false colour of `delta_e`, on the 8-bit scale.
[[nodiscard]] Rgb false_colour(float delta_e) noexcept;

// Step 2 of standardiser.hpp for one pixel: rgb8 in, rgb8' out. `correction` is non-null
// unless the mode is passthrough.
[[nodiscard]] Rgb correct_pixel(StandardiseMode mode, CorrectionPath path,
                                const PreparedCorrection* correction, const Rgb& rgb8) noexcept;

// The fast CPU backend (standardise_fast_cpu.cpp) and the GPU one (standardiser.cpp).
[[nodiscard]] std::unique_ptr<Standardiser> make_fast_cpu_standardiser();
[[nodiscard]] Result<std::unique_ptr<Standardiser>> make_gpu_standardiser(
    std::shared_ptr<gpu::Context> context);

}  // namespace clinvid::colour::detail
