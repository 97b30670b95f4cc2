// Chart detection on synthetic photographs: every condition of the brief across seeds, each
// detector on its own, frames without a chart, the manual four-corner fallback, and the
// orientation search.
#include <cmath>
#include <cstdio>
#include <random>

#include <gtest/gtest.h>

#include "colour/chart.hpp"
#include "synthetic_cases.hpp"

namespace clinvid::colour::testing {
namespace {

// Pixels per patch side, from the true corners.
double patch_side_px(const ChartCorners& c) {
  const double top = std::hypot(c[1].x - c[0].x, c[1].y - c[0].y);
  const double bottom = std::hypot(c[2].x - c[3].x, c[2].y - c[3].y);
  return 0.5 * (top + bottom) / kGridWidth;
}

double corner_error(const ChartCorners& a, const ChartCorners& b) {
  double worst = 0.0;
  for (std::size_t k = 0; k < 4; ++k) {
    worst = std::max(worst, std::hypot(a[k].x - b[k].x, a[k].y - b[k].y));
  }
  return worst;
}

void expect_found(const RenderedCase& rc, const Result<ChartDetection>& d,
                  const std::string& what) {
  ASSERT_TRUE(d.has_value()) << what << ": " << d.error().message();
  const double side = patch_side_px(rc.image.corners);
  // Corners in chart order (so the orientation is right) and within a tenth of a patch.
  EXPECT_LT(corner_error(d->corners, rc.image.corners), 0.1 * side) << what;
  EXPECT_EQ(d->mirrored, rc.spec.scene.mirrored) << what;
  EXPECT_GE(d->confidence, 0.6) << what;
  // Patch means agree with the camera's noise-free signal where the light is even.
  if (rc.spec.scene.illumination_gradient == 0.0) {
    for (std::size_t i = 0; i < kPatchCount; ++i) {
      for (std::size_t c = 0; c < 3; ++c) {
        // Near zero the noise is clipped at 0 in the camera, so its mean is biased up.
        if (rc.image.truth[i][c] < 0.04) continue;
        EXPECT_NEAR(d->patches[i].rgb[c], rc.image.truth[i][c], 0.02)
            << what << " patch " << i + 1 << " channel " << c;
      }
    }
  }
}

class DetectEveryCase : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(DetectEveryCase, FindsTheChartOrientedWithAccurateCorners) {
  for (const SyntheticCase& c : synthetic_cases(GetParam())) {
    const RenderedCase& rc = rendered(c);
    expect_found(rc, detect_chart(rc.frame.view()), c.name);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, DetectEveryCase, ::testing::Values(1U, 2U, 3U));

// Each detector alone, over every condition of one seed. Our grid finder must find them all;
// mcc (OpenCV contrib, no neural net) is the second opinion: it must find most, and what it
// misses is printed (see chart_detect.cpp for why the grid runs first).
TEST(Detect, EachDetectorOnItsOwn) {
  int mcc_found = 0;
  int total = 0;
  for (const SyntheticCase& c : synthetic_cases(4)) {
    const RenderedCase& rc = rendered(c);
    DetectOptions grid;
    grid.detector = DetectorChoice::grid_only;
    auto g = detect_chart(rc.frame.view(), grid);
    expect_found(rc, g, c.name + " (grid)");
    if (g) {
      EXPECT_EQ(g->method, DetectionMethod::grid);
    }
    DetectOptions mcc;
    mcc.detector = DetectorChoice::mcc_only;
    auto m = detect_chart(rc.frame.view(), mcc);
    ++total;
    if (m && corner_error(m->corners, rc.image.corners) < 0.1 * patch_side_px(rc.image.corners)) {
      ++mcc_found;
      EXPECT_EQ(m->method, DetectionMethod::mcc);
    } else {
      std::printf("mcc alone misses: %s\n", c.name.c_str());
    }
  }
  std::printf("mcc alone found %d of %d charts\n", mcc_found, total);
  EXPECT_GE(mcc_found, total / 2);
}

TEST(Detect, FramesWithoutAChartAreNotFound) {
  for (std::uint32_t seed = 1; seed <= 3; ++seed) {
    SceneSpec scene;
    scene.seed = seed;
    scene.chart = false;  // clutter only, including grids of coloured squares
    CameraSpec camera;
    camera.seed = seed;
    const SyntheticImage img = render_scene(scene, make_camera(camera));
    const Frame frame = to_rgba_frame(img.rgb);
    auto d = detect_chart(frame.view());
    ASSERT_FALSE(d.has_value()) << "seed " << seed << " confidence " << d->confidence;
    EXPECT_EQ(d.error().code, Errc::not_found);
    EXPECT_NE(d.error().detail.find("no chart found"), std::string::npos);
  }
  // Flat grey and pure noise.
  cv::Mat grey(480, 640, CV_8UC3, cv::Scalar(128, 128, 128));
  cv::Mat noise(480, 640, CV_8UC3);
  cv::randu(noise, 0, 256);
  for (const cv::Mat& m : {grey, noise}) {
    const Frame frame = to_rgba_frame(m);
    auto d = detect_chart(frame.view());
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().code, Errc::not_found);
  }
}

TEST(Detect, RejectsFramesItCannotRead) {
  Frame nv12 = Frame::allocate(PixelFormat::nv12, 64, 48).value();
  auto d = detect_chart(nv12.view());
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, Errc::unsupported);
  ConstFrameView empty;
  EXPECT_FALSE(detect_chart(empty).has_value());
}

TEST(ManualCorners, MeasureTheChartAtGivenCorners) {
  const RenderedCase& rc = rendered(synthetic_cases(5)[9]);  // perspective_rotation
  SampleOptions as_given;
  as_given.orientation = Orientation::as_given;
  auto d = sample_chart(rc.frame.view(), rc.image.corners, as_given);
  ASSERT_TRUE(d.has_value()) << d.error().message();
  EXPECT_EQ(d->method, DetectionMethod::manual);
  expect_found(rc, d, "manual");
}

TEST(ManualCorners, AnyCornerOrderIsPutRight) {
  const RenderedCase& rc = rendered(synthetic_cases(6)[0]);
  const ChartCorners& truth = rc.image.corners;
  for (int rotation = 0; rotation < 4; ++rotation) {
    for (const bool reversed : {false, true}) {
      ChartCorners clicked{};
      for (int k = 0; k < 4; ++k) {
        const int from = reversed ? (rotation - k + 4) % 4 : (rotation + k) % 4;
        clicked[static_cast<std::size_t>(k)] = truth[static_cast<std::size_t>(from)];
      }
      auto d = sample_chart(rc.frame.view(), clicked);
      ASSERT_TRUE(d.has_value()) << d.error().message();
      EXPECT_LT(corner_error(d->corners, truth), 1e-9) << rotation << " " << reversed;
      EXPECT_FALSE(d->mirrored);
    }
  }
}

TEST(ManualCorners, CornersOutsideTheFrameAreRefused) {
  const RenderedCase& rc = rendered(synthetic_cases(6)[0]);
  ChartCorners corners = rc.image.corners;
  corners[2] = {-5.0, 10.0};
  auto d = sample_chart(rc.frame.view(), corners);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, Errc::out_of_range);
}

TEST(ChartGeometry, CornersAndCentresFollowTheDocumentedLayout) {
  EXPECT_DOUBLE_EQ(grid_corner(0).x, 0.0);
  EXPECT_DOUBLE_EQ(grid_corner(2).x, kGridWidth);
  EXPECT_DOUBLE_EQ(grid_corner(2).y, kGridHeight);
  EXPECT_DOUBLE_EQ(patch_centre(0).x, 0.5);
  EXPECT_DOUBLE_EQ(patch_centre(5).x, 5 * kPatchPitch + 0.5);
  EXPECT_DOUBLE_EQ(patch_centre(23).y, 3 * kPatchPitch + 0.5);
}

}  // namespace
}  // namespace clinvid::colour::testing
