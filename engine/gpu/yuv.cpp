#include "gpu/yuv.hpp"

namespace clinvid::gpu {

std::string_view to_string(YuvMatrix matrix) noexcept {
  switch (matrix) {
    case YuvMatrix::bt601: return "bt601";
    case YuvMatrix::bt709: return "bt709";
    case YuvMatrix::invalid: break;
  }
  return "invalid";
}

std::string_view to_string(YuvRange range) noexcept {
  switch (range) {
    case YuvRange::limited: return "limited";
    case YuvRange::full: return "full";
    case YuvRange::invalid: break;
  }
  return "invalid";
}

Result<YuvCoefficients> yuv_coefficients(const YuvParams& params) {
  double kr = 0.0;
  double kb = 0.0;
  switch (params.matrix) {
    case YuvMatrix::bt601:
      kr = 0.299;
      kb = 0.114;
      break;  // ITU-R BT.601
    case YuvMatrix::bt709:
      kr = 0.2126;
      kb = 0.0722;
      break;  // ITU-R BT.709
    case YuvMatrix::invalid: return fail(Errc::invalid_argument, "YUV matrix not set");
  }
  double y_scale = 0.0;  // 8-bit codes spanning 0..1 of Y'
  double c_scale = 0.0;  // 8-bit codes spanning -0.5..0.5 of Pb/Pr
  double y_offset = 0.0;
  switch (params.range) {
    case YuvRange::limited:
      y_scale = 219.0;
      c_scale = 224.0;
      y_offset = 16.0;
      break;
    case YuvRange::full:
      y_scale = 255.0;
      c_scale = 255.0;
      y_offset = 0.0;
      break;
    case YuvRange::invalid: return fail(Errc::invalid_argument, "YUV range not set");
  }
  const double kg = 1.0 - kr - kb;
  const double ys = 255.0 / y_scale;
  const double cs = 255.0 / c_scale;
  const double to_rgb[9] = {
      ys,
      0.0,
      2.0 * (1.0 - kr) * cs,
      ys,
      -2.0 * kb * (1.0 - kb) / kg * cs,
      -2.0 * kr * (1.0 - kr) / kg * cs,
      ys,
      2.0 * (1.0 - kb) * cs,
      0.0,
  };
  const double yn = y_scale / 255.0;
  const double cb = c_scale / (255.0 * 2.0 * (1.0 - kb));
  const double cr = c_scale / (255.0 * 2.0 * (1.0 - kr));
  const double to_yuv[9] = {
      kr * yn,         kg * yn,         kb * yn,  -kr * cb, -kg * cb,
      (1.0 - kb) * cb, (1.0 - kr) * cr, -kg * cr, -kb * cr,
  };
  YuvCoefficients c;
  for (std::size_t i = 0; i < 9; ++i) {
    c.to_rgb[i] = static_cast<float>(to_rgb[i]);
    c.to_yuv[i] = static_cast<float>(to_yuv[i]);
  }
  c.offset = {static_cast<float>(y_offset), 128.0F, 128.0F};
  return c;
}

}  // namespace clinvid::gpu
