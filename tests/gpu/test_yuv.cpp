// The YUV shaders against their CPU reference (DESIGN invariant 6), and the reference
// against known values from the standards.
#include <cstdlib>
#include <random>
#include <tuple>

#include <gtest/gtest.h>

#include "gpu/yuv.hpp"
#include "gpu/yuv_converter.hpp"

namespace clinvid::gpu {
namespace {

Frame make_frame(PixelFormat format, std::uint32_t w, std::uint32_t h) {
  return Frame::allocate(format, w, h).value();
}

// Smooth gradients plus noise: exercises interpolation, clamping and every code value.
void fill_pattern(Frame& frame, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> noise(-40, 40);
  FrameView v = frame.view();
  for (int p = 0; p < plane_count(v.format); ++p) {
    const auto i = static_cast<std::size_t>(p);
    const PlaneExtent e = plane_extent(v.format, v.width, v.height, p);
    for (std::uint32_t y = 0; y < e.rows; ++y) {
      for (std::size_t x = 0; x < e.row_bytes; ++x) {
        const int base = static_cast<int>((x * 255) / (e.row_bytes + 1) + y * 3 + i * 50);
        v.planes[i][y * v.strides[i] + x] =
            static_cast<std::uint8_t>(std::clamp(base % 256 + noise(rng), 0, 255));
      }
    }
  }
}

int max_difference(const Frame& a, const Frame& b) {
  int worst = 0;
  const ConstFrameView va = a.view();
  const ConstFrameView vb = b.view();
  for (int p = 0; p < plane_count(va.format); ++p) {
    const auto i = static_cast<std::size_t>(p);
    const PlaneExtent e = plane_extent(va.format, va.width, va.height, p);
    for (std::uint32_t y = 0; y < e.rows; ++y) {
      for (std::size_t x = 0; x < e.row_bytes; ++x) {
        worst = std::max(worst, std::abs(va.planes[i][y * va.strides[i] + x] -
                                         vb.planes[i][y * vb.strides[i] + x]));
      }
    }
  }
  return worst;
}

std::array<int, 4> rgba_at(const Frame& f, std::uint32_t x, std::uint32_t y) {
  const std::uint8_t* p = f.view().planes[0] + y * f.view().strides[0] + 4 * x;
  return {p[0], p[1], p[2], p[3]};
}

void fill_solid_yuv(Frame& f, std::uint8_t y, std::uint8_t u, std::uint8_t v) {
  FrameView view = f.view();
  for (std::uint32_t r = 0; r < f.height(); ++r) {
    std::fill_n(view.planes[0] + r * view.strides[0], f.width(), y);
  }
  const PlaneExtent c = plane_extent(f.format(), f.width(), f.height(), 1);
  for (std::uint32_t r = 0; r < c.rows; ++r) {
    if (f.format() == PixelFormat::nv12) {
      for (std::size_t x = 0; x < c.row_bytes; x += 2) {
        view.planes[1][r * view.strides[1] + x] = u;
        view.planes[1][r * view.strides[1] + x + 1] = v;
      }
    } else {
      std::fill_n(view.planes[1] + r * view.strides[1], c.row_bytes, u);
      std::fill_n(view.planes[2] + r * view.strides[2], c.row_bytes, v);
    }
  }
}

TEST(YuvReference, KnownValuesFromTheStandards) {
  struct Case {
    YuvParams params;
    std::uint8_t y, u, v;
    std::array<int, 4> rgba;
  };
  const YuvParams bt709_limited{YuvMatrix::bt709, YuvRange::limited};
  const YuvParams bt601_full{YuvMatrix::bt601, YuvRange::full};
  const Case cases[] = {
      {bt709_limited, 16, 128, 128, {0, 0, 0, 255}},
      {bt709_limited, 235, 128, 128, {255, 255, 255, 255}},
      {bt709_limited, 63, 102, 240, {255, 0, 0, 255}},  // BT.709 100% red
      {bt709_limited, 173, 42, 26, {0, 255, 0, 255}},   // BT.709 100% green
      {bt709_limited, 32, 240, 118, {0, 0, 255, 255}},  // BT.709 100% blue
      {bt601_full, 0, 128, 128, {0, 0, 0, 255}},
      {bt601_full, 255, 128, 128, {255, 255, 255, 255}},
      {bt601_full, 76, 85, 255, {254, 0, 0, 255}},  // JFIF red (76, 85, 255.5 clamps)
  };
  for (const auto& c : cases) {
    Frame yuv = make_frame(PixelFormat::i420, 4, 4);
    fill_solid_yuv(yuv, c.y, c.u, c.v);
    Frame rgba = make_frame(PixelFormat::rgba, 4, 4);
    ASSERT_TRUE(yuv_to_rgba_cpu(yuv.view(), rgba.view(), c.params));
    const auto got = rgba_at(rgba, 1, 1);
    for (int k = 0; k < 4; ++k) {
      EXPECT_NEAR(got[static_cast<std::size_t>(k)], c.rgba[static_cast<std::size_t>(k)], 1)
          << "Y=" << int{c.y} << " U=" << int{c.u} << " V=" << int{c.v} << " channel " << k;
    }
  }
  // And back: BT.709 limited red encodes to (63, 102, 240).
  Frame red = make_frame(PixelFormat::rgba, 2, 2);
  for (std::size_t i = 0; i < red.bytes().size(); i += 4) {
    red.bytes()[i] = 255;
    red.bytes()[i + 3] = 255;
  }
  Frame out = make_frame(PixelFormat::nv12, 2, 2);
  ASSERT_TRUE(rgba_to_yuv_cpu(red.view(), out.view(), bt709_limited));
  EXPECT_EQ(out.view().planes[0][0], 63);
  EXPECT_EQ(out.view().planes[1][0], 102);
  EXPECT_EQ(out.view().planes[1][1], 240);
}

TEST(YuvReference, RejectsMismatchedFrames) {
  Frame yuv = make_frame(PixelFormat::i420, 8, 8);
  Frame small = make_frame(PixelFormat::rgba, 4, 8);
  Frame rgba = make_frame(PixelFormat::rgba, 8, 8);
  EXPECT_FALSE(yuv_to_rgba_cpu(yuv.view(), small.view(), {}));
  EXPECT_FALSE(yuv_to_rgba_cpu(rgba.view(), rgba.view(), {}));
  EXPECT_FALSE(rgba_to_yuv_cpu(yuv.view(), yuv.view(), {}));
  EXPECT_FALSE(yuv_to_rgba_cpu(yuv.view(), rgba.view(), {YuvMatrix::invalid, YuvRange::full}));
}

class YuvGpu : public testing::TestWithParam<
                   std::tuple<PixelFormat, YuvMatrix, YuvRange, std::pair<int, int>>> {
 protected:
  static void SetUpTestSuite() {
    auto ctx = Context::shared();
    ASSERT_TRUE(ctx) << ctx.error().message();
    auto conv = YuvConverter::create(*ctx);
    ASSERT_TRUE(conv) << conv.error().message();
    converter_ = std::move(*conv);
  }
  static void TearDownTestSuite() { converter_.reset(); }
  static inline std::unique_ptr<YuvConverter> converter_;
};

TEST_P(YuvGpu, MatchesCpuWithinOneLsbBothWays) {
  const auto [format, matrix, range, size] = GetParam();
  const auto w = static_cast<std::uint32_t>(size.first);
  const auto h = static_cast<std::uint32_t>(size.second);
  const YuvParams params{matrix, range};

  Frame yuv = make_frame(format, w, h);
  fill_pattern(yuv, w * 31 + h);
  Frame cpu_rgba = make_frame(PixelFormat::rgba, w, h);
  Frame gpu_rgba = make_frame(PixelFormat::rgba, w, h);
  ASSERT_TRUE(yuv_to_rgba_cpu(yuv.view(), cpu_rgba.view(), params));
  auto s = converter_->convert(yuv.view(), gpu_rgba.view(), params);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_LE(max_difference(cpu_rgba, gpu_rgba), 1);

  Frame rgba = make_frame(PixelFormat::rgba, w, h);
  fill_pattern(rgba, w + h * 17);
  Frame cpu_yuv = make_frame(format, w, h);
  Frame gpu_yuv = make_frame(format, w, h);
  ASSERT_TRUE(rgba_to_yuv_cpu(rgba.view(), cpu_yuv.view(), params));
  ASSERT_TRUE(converter_->convert(rgba.view(), gpu_yuv.view(), params));
  EXPECT_LE(max_difference(cpu_yuv, gpu_yuv), 1);
}

INSTANTIATE_TEST_SUITE_P(FormatsMatricesRangesSizes, YuvGpu,
                         testing::Combine(testing::Values(PixelFormat::nv12, PixelFormat::i420),
                                          testing::Values(YuvMatrix::bt601, YuvMatrix::bt709),
                                          testing::Values(YuvRange::limited, YuvRange::full),
                                          testing::Values(std::pair{385, 289}, std::pair{1, 1},
                                                          std::pair{2, 2}, std::pair{17, 9},
                                                          std::pair{640, 360},
                                                          std::pair{1920, 1080})));

TEST(YuvGpuRoundTrip, YuvThroughRgbaStaysClose) {
  auto conv = YuvConverter::create(Context::shared().value()).value();
  // A smooth frame survives YUV -> RGBA -> YUV within a few codes (rounding + clamping).
  Frame src = make_frame(PixelFormat::nv12, 64, 48);
  FrameView v = src.view();
  for (std::uint32_t y = 0; y < 48; ++y) {
    for (std::uint32_t x = 0; x < 64; ++x)
      v.planes[0][y * v.strides[0] + x] = static_cast<std::uint8_t>(60 + x + y);
  }
  for (std::uint32_t y = 0; y < 24; ++y) {
    for (std::uint32_t x = 0; x < 64; ++x)
      v.planes[1][y * v.strides[1] + x] = static_cast<std::uint8_t>(120 + (x % 16));
  }
  Frame dst = make_frame(PixelFormat::i420, 64, 48);
  ASSERT_TRUE(conv->convert(src.view(), dst.view(), {}));
  const ConstFrameView d = dst.view();
  for (std::uint32_t y = 0; y < 48; ++y) {
    for (std::uint32_t x = 0; x < 64; ++x) {
      ASSERT_NEAR(d.planes[0][y * d.strides[0] + x], 60 + x + y, 2) << x << "," << y;
    }
  }
}

TEST(YuvGpuErrors, BadFramesAreErrorsNotCrashes) {
  auto conv = YuvConverter::create(Context::shared().value()).value();
  Frame a = make_frame(PixelFormat::i420, 16, 16);
  Frame b = make_frame(PixelFormat::rgba, 8, 8);
  EXPECT_EQ(conv->convert(a.view(), b.view(), {}).error().code, Errc::invalid_argument);
  ConstFrameView broken = a.view();
  broken.planes[2] = nullptr;
  Frame c = make_frame(PixelFormat::rgba, 16, 16);
  EXPECT_FALSE(conv->convert(broken, c.view(), {}));
  EXPECT_FALSE(conv->convert(a.view(), c.view(), {YuvMatrix::bt709, YuvRange::invalid}));
  EXPECT_FALSE(YuvConverter::create(nullptr));
}

}  // namespace
}  // namespace clinvid::gpu
