// Applying a calibration to frames: the CPU reference of shaders/standardise.comp (and of its
// LUT variant), per pixel, in float32, in the order documented in model.hpp:
//   code/255 -> linearise (per channel) -> white balance -> model (3x3 / 3x4 / root-poly)
//   -> clamp 0..1 -> sRGB OETF -> *255, round half up. Alpha is copied.
// The shader reads StandardiseParams as its uniform block, so both sides compute with the
// same float values; a test compares them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "colour/model.hpp"
#include "core/frame.hpp"
#include "core/result.hpp"

namespace clinvid::colour {

// Flattened Correction, float32, laid out for a std430 storage buffer (scalars first, then
// tightly packed float arrays).
struct StandardiseParams {
  std::uint32_t linearisation_kind = 0;   // LinearisationKind value
  std::uint32_t transfer_curve = 0;       // TransferCurve value (kind == standard)
  std::uint32_t model_kind = 0;           // ModelKind value
  std::uint32_t model_terms = 3;          // 3, 4 or 6
  std::array<float, 15> linearisation{};  // [channel * 5 + k], k as Linearisation
  std::array<float, 3> white_balance{};
  std::array<float, 18> matrix{};  // [row * 6 + term]
};

[[nodiscard]] StandardiseParams standardise_params(const Correction& correction);

// One pixel: encoded camera signal 0..1 in, sRGB-encoded 0..1 out (clamped, not quantised).
[[nodiscard]] std::array<float, 3> standardise_pixel(const StandardiseParams& params,
                                                     const std::array<float, 3>& encoded) noexcept;

// Whole RGBA frames; `src` and `dst` same size, both RGBA; they may be the same memory.
[[nodiscard]] Status standardise_cpu(const StandardiseParams& params, const ConstFrameView& src,
                                     const FrameView& dst);

// A 3D LUT baked from a correction: node (r, g, b) at encoded camera values (i / (size-1))
// holds standardise_pixel of it. Trilinear interpolation between nodes.
struct Lut3d {
  std::uint32_t size = 0;
  std::vector<float> rgb;  // size^3 * 3, red fastest: ((b * size + g) * size + r) * 3 + c

  [[nodiscard]] std::array<float, 3> lookup(const std::array<float, 3>& encoded) const noexcept;
};

inline constexpr std::uint32_t kDefaultLutSize = 33;

// Errc::invalid_argument for size < 2 or > 129.
[[nodiscard]] Result<Lut3d> bake_lut(const Correction& correction,
                                     std::uint32_t size = kDefaultLutSize);
[[nodiscard]] Status apply_lut_cpu(const Lut3d& lut, const ConstFrameView& src,
                                   const FrameView& dst);
// The LUT as an Adobe/Resolve ".cube" text (LUT_3D_SIZE, red fastest), for other tools.
[[nodiscard]] std::string to_cube(const Lut3d& lut, const std::string& title);

}  // namespace clinvid::colour
