// test://gait walks in real time at any session frame rate: 120 steps/min whether the camera
// runs at 30, 60 or 30000/1001 fps (before, the walker made for 30 fps was drawn frame for
// frame, so at 60 fps it walked twice as fast).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <gtest/gtest.h>

#include "analysis/gait.hpp"
#include "analysis/gait_review.hpp"
#include "analysis/synthetic_walker.hpp"
#include "capture/test_pattern.hpp"
#include "core/frame.hpp"

namespace clinvid::analysis {
namespace {

using capture::TestScene;
using capture::TestSceneOptions;

Frame render_gait(std::int64_t index, Rational rate) {
  Frame frame = Frame::allocate(PixelFormat::i420, 640, 360).value();
  TestSceneOptions options;
  options.frame_rate = rate;
  EXPECT_TRUE(capture::render_test_frame(TestScene::gait, index, options, frame.view()));
  return frame;
}

// Luma samples differing by more than `tolerance` codes. Poses at equal instants are computed
// along different floating-point paths (n/30 vs 2n/60), so an anti-aliased edge may move by
// one code; a different pose moves hundreds of pixels by far more.
std::size_t differing(const ConstFrameView& a, const ConstFrameView& b, int tolerance = 1) {
  std::size_t count = 0;
  for (std::uint32_t y = 0; y < a.height; ++y) {
    for (std::uint32_t x = 0; x < a.width; ++x) {
      const int d = int{a.planes[0][y * a.strides[0] + x]} - int{b.planes[0][y * b.strides[0] + x]};
      count += std::abs(d) > tolerance;
    }
  }
  return count;
}

bool same_luma(const Frame& a, const Frame& b) {
  return differing(a.view(), b.view()) == 0;
}

bool different_pose(const Frame& a, const Frame& b) {
  return differing(a.view(), b.view(), 10) > 50;
}

TEST(GaitSceneRate, SixtyFpsShowsThirtyFpsPosesAtTheSameInstants) {
  const Rational thirty = Rational::make(30, 1).value();
  const Rational sixty = Rational::make(60, 1).value();
  for (std::int64_t n : {1, 7, 29, 31}) {
    EXPECT_TRUE(same_luma(render_gait(2 * n, sixty), render_gait(n, thirty))) << n;
  }
  // Frame 1 at 60 fps is half-way between frames 0 and 1 at 30 fps: a pose of its own.
  EXPECT_TRUE(different_pose(render_gait(1, sixty), render_gait(1, thirty)));
  EXPECT_TRUE(different_pose(render_gait(1, sixty), render_gait(0, thirty)));
}

TEST(GaitSceneRate, CadenceIs120StepsPerMinuteAtEveryRate) {
  for (const Rational rate :
       {Rational::make(25, 1).value(), Rational::make(60, 1).value(),
        Rational::make(100, 1).value(), Rational::make(30000, 1001).value()}) {
    const auto frames = static_cast<std::int64_t>(6.0 * rate.to_double());
    auto walker = SyntheticWalker::make(gait_scene_walker_spec(640, 360, frames, rate));
    ASSERT_TRUE(walker) << walker.error().message();
    auto params = gait_parameters(walker->truth().events, rate);
    ASSERT_TRUE(params) << params.error().message();
    // Events are rounded to whole frames: one frame of error over the span.
    EXPECT_NEAR(params->cadence_steps_per_min, 120.0, 120.0 / (5.0 * rate.to_double()) + 1e-9)
        << rate.to_string();
    // The scene draws exactly the walker made for its rate.
    Frame drawn = render_gait(frames / 2, rate);
    Frame truth = Frame::allocate(PixelFormat::i420, 640, 360).value();
    ASSERT_TRUE(walker->render(frames / 2, truth.view()));
    // test://gait scales the walker's luma by 3/4 above black.
    Frame expected = Frame::allocate(PixelFormat::i420, 640, 360).value();
    const ConstFrameView t = std::as_const(truth).view();
    for (std::uint32_t y = 0; y < t.height; ++y) {
      for (std::uint32_t x = 0; x < t.width; ++x) {
        expected.view().planes[0][y * expected.view().strides[0] + x] = static_cast<std::uint8_t>(
            16 + (std::max<int>(t.planes[0][y * t.strides[0] + x], 16) - 16) * 3 / 4);
      }
    }
    EXPECT_TRUE(different_pose(drawn, render_gait(frames / 2 + 1, rate))) << rate.to_string();
    EXPECT_EQ(differing(drawn.view(), std::as_const(expected).view()), 0U) << rate.to_string();
  }
}

TEST(GaitSceneRate, ARateWhoseWalkNeverRepeatsSoonIsRefused) {
  Frame frame = Frame::allocate(PixelFormat::i420, 640, 360).value();
  TestSceneOptions options;
  options.frame_rate = Rational::make(1000000, 1001).value();
  auto drawn = capture::render_test_frame(TestScene::gait, 5, options, frame.view());
  ASSERT_FALSE(drawn);
  EXPECT_EQ(drawn.error().code, Errc::out_of_range);
}

}  // namespace
}  // namespace clinvid::analysis
