#include "capture/test_pattern.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numbers>
#include <optional>

#include "analysis/gait_review.hpp"
#include "analysis/synthetic_walker.hpp"
#include "colour/reference.hpp"

namespace clinvid::capture {
namespace {

struct Yuv {
  std::uint8_t y = 16;
  std::uint8_t u = 128;
  std::uint8_t v = 128;
};

// sRGB 8-bit → BT.709 limited-range Y'CbCr (the gamma-encoded values, as a camera sends them).
Yuv yuv_of(int r, int g, int b) {
  const double rn = r / 255.0;
  const double gn = g / 255.0;
  const double bn = b / 255.0;
  const double y = 0.2126 * rn + 0.7152 * gn + 0.0722 * bn;
  const double cb = (bn - y) / 1.8556;
  const double cr = (rn - y) / 1.5748;
  const auto clamp8 = [](double v) {
    return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
  };
  return {clamp8(16.0 + 219.0 * y), clamp8(128.0 + 224.0 * cb), clamp8(128.0 + 224.0 * cr)};
}

// Fills the rectangle [x0, x1) × [y0, y1), clipped to the frame.
void fill_rect(const FrameView& f, std::int64_t x0, std::int64_t y0, std::int64_t x1,
               std::int64_t y1, Yuv c) {
  const auto w = static_cast<std::int64_t>(f.width);
  const auto h = static_cast<std::int64_t>(f.height);
  x0 = std::clamp<std::int64_t>(x0, 0, w);
  x1 = std::clamp<std::int64_t>(x1, 0, w);
  y0 = std::clamp<std::int64_t>(y0, 0, h);
  y1 = std::clamp<std::int64_t>(y1, 0, h);
  if (x0 >= x1 || y0 >= y1) return;
  for (std::int64_t y = y0; y < y1; ++y) {
    std::memset(
        f.planes[0] + static_cast<std::size_t>(y) * f.strides[0] + static_cast<std::size_t>(x0),
        c.y, static_cast<std::size_t>(x1 - x0));
  }
  const std::int64_t cx0 = x0 / 2;
  const std::int64_t cx1 = (x1 + 1) / 2;
  for (std::int64_t y = y0 / 2; y < (y1 + 1) / 2; ++y) {
    const auto row = static_cast<std::size_t>(y);
    std::memset(f.planes[1] + row * f.strides[1] + static_cast<std::size_t>(cx0), c.u,
                static_cast<std::size_t>(cx1 - cx0));
    std::memset(f.planes[2] + row * f.strides[2] + static_cast<std::size_t>(cx0), c.v,
                static_cast<std::size_t>(cx1 - cx0));
  }
}

void render_theatre(const FrameView& f, std::int64_t frame) {
  const double w = f.width;
  const double h = f.height;
  fill_rect(f, 0, 0, f.width, f.height, yuv_of(118, 118, 112));  // drapes, near neutral
  // The chart: 6 × 4 patches with black borders, upper left, a third of the width.
  const auto& reference =
      colour::builtin_reference(colour::ReferenceSet::colorchecker24_after_2014);
  const double chart_w = w * 0.36;
  const double patch = chart_w / 6.6;
  const double gap = patch * 0.1;
  const double cx = w * 0.06;
  const double cy = h * 0.08;
  fill_rect(f, std::lround(cx - gap), std::lround(cy - gap), std::lround(cx + 6 * (patch + gap)),
            std::lround(cy + 4 * (patch + gap)), yuv_of(20, 20, 20));
  for (std::size_t i = 0; i < colour::kPatchCount; ++i) {
    const double col = static_cast<double>(i % colour::kChartColumns);
    const double row = static_cast<double>(i / colour::kChartColumns);
    const auto& rgb = reference.patches[i].srgb8;
    const double x = cx + col * (patch + gap);
    const double y = cy + row * (patch + gap);
    fill_rect(f, std::lround(x), std::lround(y), std::lround(x + patch), std::lround(y + patch),
              yuv_of(rgb[0], rgb[1], rgb[2]));
  }
  // The operating field (skin-like) and an instrument sweeping over it, 4 s per pass.
  fill_rect(f, std::lround(w * 0.5), std::lround(h * 0.45), std::lround(w * 0.92),
            std::lround(h * 0.9), yuv_of(196, 140, 118));
  const double phase = static_cast<double>(frame % 120) / 120.0;
  const double x = w * (0.5 + 0.38 * phase);
  fill_rect(f, std::lround(x), std::lround(h * 0.4), std::lround(x + w * 0.03),
            std::lround(h * 0.95), yuv_of(200, 205, 210));
}

// The gait scene is analysis::SyntheticWalker, so a recording of test://gait has exact ground
// truth. The walker is the one made for the session's frame rate (analysis::
// gait_scene_walker_spec: 120 steps/min, one gait cycle per second, at any rate) with
// pixels_per_metre scaled to the frame height (180 px/m at 360 px). Its motion repeats after
// rate.num() frames (a whole number of seconds, so of cycles: 30 at 30/1, 30000 at
// 30000/1001), so the scene renders frame n as frame n mod that period, and frame n of a
// recording is frame n of SyntheticWalker::make(gait_scene_walker_spec(w, h, count, rate))
// for any count. Walkers are cached per thread, size and rate (the probe renders from a
// streaming thread).
Status render_gait(const FrameView& f, std::int64_t frame, Rational rate) {
  if (f.width < 64 || f.height < 64) {  // below the walker's minimum: the floor only
    fill_rect(f, 0, 0, f.width, f.height, yuv_of(110, 100, 80));
    return {};
  }
  const std::int64_t period = rate.num();
  if (period > kMaxGaitPeriodFrames) {
    return fail(Errc::out_of_range, "test://gait: at " + rate.to_string() +
                                        " fps the walk repeats only every " +
                                        std::to_string(period) + " frames");
  }
  struct Cached {
    std::uint32_t width_px = 0;
    std::uint32_t height_px = 0;
    Rational rate;
    std::optional<analysis::SyntheticWalker> walker;
  };
  thread_local Cached cache;
  if (!cache.walker || cache.width_px != f.width || cache.height_px != f.height ||
      cache.rate != rate) {
    cache.walker.reset();
    auto walker = analysis::SyntheticWalker::make(
        analysis::gait_scene_walker_spec(f.width, f.height, period, rate));
    if (!walker) return with_context(walker.error(), "test://gait");
    cache = {f.width, f.height, rate, std::move(*walker)};
  }
  if (auto ok = cache.walker->render(((frame % period) + period) % period, f); !ok) return ok;
  // The walker's background is light (luma 150); scaled by 3/4 above black, the scene stays
  // below kFlashDetectLuma, so a flash detector watching this camera never fires. Positions,
  // and so the ground truth, are unchanged; the markers keep most of their contrast.
  for (std::uint32_t row = 0; row < f.height; ++row) {
    std::uint8_t* y = f.planes[0] + static_cast<std::size_t>(row) * f.strides[0];
    for (std::uint32_t col = 0; col < f.width; ++col) {
      y[col] = static_cast<std::uint8_t>(16 + (std::max(y[col], std::uint8_t{16}) - 16) * 3 / 4);
    }
  }
  return {};
}

void render_flash(const FrameView& f, std::int64_t frame, std::int64_t flash_frame) {
  if (frame == flash_frame) {
    fill_rect(f, 0, 0, f.width, f.height, Yuv{kFlashLuma, 128, 128});
    return;
  }
  fill_rect(f, 0, 0, f.width, f.height, Yuv{16, 128, 128});
  // A small moving square keeps the encoder honest without approaching the flash's luma.
  const std::int64_t side = std::max<std::int64_t>(2, f.width / 40);
  const std::int64_t x = (frame * side) % std::max<std::int64_t>(1, f.width - side);
  fill_rect(f, x, static_cast<std::int64_t>(f.height) / 2, x + side,
            static_cast<std::int64_t>(f.height) / 2 + side, Yuv{60, 128, 128});
}

}  // namespace

Status render_test_frame(TestScene scene, std::int64_t frame, const TestSceneOptions& options,
                         const FrameView& out) {
  if (out.format != PixelFormat::i420) {
    return fail(Errc::invalid_argument, "test scenes are rendered as I420");
  }
  if (auto ok = validate(out.as_const()); !ok) return ok;
  if (out.width < 16 || out.height < 16) {
    return fail(Errc::invalid_argument, "test scenes need at least 16x16 pixels");
  }
  switch (scene) {
    case TestScene::theatre: render_theatre(out, frame); return {};
    case TestScene::gait: return render_gait(out, frame, options.frame_rate);
    case TestScene::flash: render_flash(out, frame, options.flash_frame); return {};
    case TestScene::invalid: break;
  }
  return fail(Errc::invalid_argument, "unknown test scene");
}

}  // namespace clinvid::capture
