// YUV <-> RGBA conversion: the coefficients shared by the shader and the CPU reference,
// and the CPU reference itself (shaders/yuv_to_rgba.comp <-> yuv_to_rgba_cpu.cpp,
// shaders/rgba_to_yuv.comp <-> rgba_to_yuv_cpu.cpp).
//
// Conventions, identical on CPU and GPU:
//  - 4:2:0 chroma is sited at the centre of each 2x2 luma block (JPEG/H.261 siting);
//    upsampling is bilinear with edge clamping, downsampling is the mean of the block's
//    pixels that lie inside the frame (odd sizes have partial blocks).
//  - Arithmetic in 32-bit float, results rounded half up and clamped to 0..255.
#pragma once

#include <array>
#include <string_view>

#include "core/frame.hpp"
#include "core/result.hpp"

namespace clinvid::gpu {

enum class YuvMatrix { invalid = 0, bt601, bt709 };
enum class YuvRange { invalid = 0, limited, full };

[[nodiscard]] std::string_view to_string(YuvMatrix matrix) noexcept;
[[nodiscard]] std::string_view to_string(YuvRange range) noexcept;

struct YuvParams {
  YuvMatrix matrix = YuvMatrix::bt709;
  YuvRange range = YuvRange::limited;
};

// rgb8 = to_rgb * (yuv8 - offset);  yuv8 = to_yuv * rgb8 + offset. Row-major, 8-bit scale.
struct YuvCoefficients {
  std::array<float, 9> to_rgb{};
  std::array<float, 9> to_yuv{};
  std::array<float, 3> offset{};  // Y, Cb, Cr
};

[[nodiscard]] Result<YuvCoefficients> yuv_coefficients(const YuvParams& params);

// CPU reference conversions. `src` and `dst` must have the same size.
[[nodiscard]] Status yuv_to_rgba_cpu(const ConstFrameView& src, const FrameView& dst,
                                     const YuvParams& params);
[[nodiscard]] Status rgba_to_yuv_cpu(const ConstFrameView& src, const FrameView& dst,
                                     const YuvParams& params);

}  // namespace clinvid::gpu
