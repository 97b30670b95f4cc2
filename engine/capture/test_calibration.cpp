#include "capture/test_calibration.hpp"

#include <utility>

#include "capture/test_pattern.hpp"
#include "core/frame.hpp"
#include "gpu/yuv.hpp"

namespace clinvid::capture {

Result<colour::CalibrationProfile> calibrate_test_theatre(std::uint32_t width,
                                                          std::uint32_t height) {
  auto yuv = Frame::allocate(PixelFormat::i420, width, height);
  if (!yuv) return with_context(yuv.error(), "test://theatre chart frame");
  auto rgba = Frame::allocate(PixelFormat::rgba, width, height);
  if (!rgba) return with_context(rgba.error(), "test://theatre chart frame");
  if (auto drawn = render_test_frame(TestScene::theatre, 0, {}, yuv->view()); !drawn) {
    return tl::unexpected(drawn.error());
  }
  if (auto converted =
          gpu::yuv_to_rgba_cpu(std::as_const(*yuv).view(), rgba->view(), gpu::YuvParams{});
      !converted) {
    return tl::unexpected(converted.error());
  }
  colour::CalibrationOptions options;
  options.camera_id = "test://theatre";
  auto profile = colour::calibrate_frame(std::as_const(*rgba).view(), options);
  if (!profile) return with_context(profile.error(), "calibrating test://theatre");
  return profile;
}

}  // namespace clinvid::capture
