// clinvidcolor against the engine's CPU reference: every input x output format, odd and
// tiny sizes, BT.601/BT.709 x limited/full colorimetry, renegotiating one harness each time.
#include <gtest/gtest.h>

#include <array>
#include <ostream>
#include <string>

#include "gst_test_env.hpp"

namespace clinvid::test {
namespace {

struct FormatPair {
  const char* in;
  const char* out;
};

void PrintTo(const FormatPair& pair, std::ostream* os) {
  *os << pair.in << " -> " << pair.out;
}

struct Size {
  int width;
  int height;
};

// 385x289: odd both ways, chroma rounds up; 1x1 and 2x2: a single (partial) chroma block;
// 17x9: odd and narrower than the shaders' 16x16 workgroup in one direction.
constexpr std::array<Size, 5> kSizes = {{{385, 289}, {2, 2}, {1, 1}, {17, 9}, {640, 480}}};
constexpr std::array<Colorimetry, 4> kColorimetries = {
    Colorimetry::bt601_limited, Colorimetry::bt601_full, Colorimetry::bt709_limited,
    Colorimetry::bt709_full};

class ClinvidColorConversion : public ::testing::TestWithParam<FormatPair> {
 protected:
  void SetUp() override {
    std::string why;
    ASSERT_TRUE(init_gstreamer(&why)) << why;
    if (!gpu_available(&why)) GTEST_SKIP() << "no usable Vulkan device: " << why;
    harness_.reset(gst_harness_new("clinvidcolor"));
    ASSERT_TRUE(harness_);
  }

  // Renegotiates to `in_info` -> `out_info`, pushes one random frame and compares the output
  // with the CPU reference; returns the largest difference.
  void check_frame(const GstVideoInfo& in_info, const GstVideoInfo& out_info,
                   const gpu::YuvParams& in_params, const gpu::YuvParams& out_params,
                   int tolerance) {
    gst_harness_set_caps(harness_.get(), caps_of(in_info).release(), caps_of(out_info).release());
    BufferPtr input = random_frame(in_info, ++seed_);
    BufferPtr output(gst_harness_push_and_pull(harness_.get(), gst_buffer_ref(input.get())));
    ASSERT_TRUE(output) << "no output buffer";
    ASSERT_GE(gst_buffer_get_size(output.get()), GST_VIDEO_INFO_SIZE(&out_info));

    MappedFrame in_frame(in_info, input.get(), GST_MAP_READ);
    MappedFrame out_frame(out_info, output.get(), GST_MAP_READ);
    ASSERT_TRUE(in_frame.ok());
    ASSERT_TRUE(out_frame.ok());
    const ConstFrameView got = out_frame.const_view();
    const Frame expected =
        reference_output(in_frame.const_view(), got.format, in_params, out_params);
    std::string where;
    EXPECT_LE(max_abs_diff(got, expected.view(), &where), tolerance) << where;
  }

  HarnessPtr harness_;
  std::uint32_t seed_ = 0;
};

// Every input x output format.
class ClinvidColorFormats : public ClinvidColorConversion {};
// Both sides YUV.
class ClinvidColorYuvToYuv : public ClinvidColorConversion {};

TEST_P(ClinvidColorFormats, MatchesCpuReferenceAtEverySizeAndColorimetry) {
  const FormatPair pair = GetParam();
  for (const Size size : kSizes) {
    for (const Colorimetry colorimetry : kColorimetries) {
      SCOPED_TRACE(std::string(pair.in) + " -> " + pair.out + " " + std::to_string(size.width) +
                   "x" + std::to_string(size.height) + " " + to_string(colorimetry));
      const GstVideoInfo in_info = video_info(pair.in, size.width, size.height, colorimetry);
      const GstVideoInfo out_info = video_info(pair.out, size.width, size.height, colorimetry);
      const gpu::YuvParams params = yuv_params(colorimetry);
      ASSERT_NO_FATAL_FAILURE(check_frame(in_info, out_info, params, params, 1));
      const bool rgba_only = !GST_VIDEO_INFO_IS_YUV(&in_info) && !GST_VIDEO_INFO_IS_YUV(&out_info);
      if (rgba_only) break;  // colorimetry means nothing to an RGBA copy
    }
  }
}

// YUV -> YUV where the caps give each side its own matrix and range: decoded with the input's
// and re-encoded with the output's, through 8-bit RGBA on both CPU and GPU.
TEST_P(ClinvidColorYuvToYuv, ChangesMatrixAndRangeBetweenSides) {
  const FormatPair pair = GetParam();
  for (const Size size : kSizes) {
    SCOPED_TRACE(std::string(pair.in) + " bt601-full -> " + pair.out + " bt709-limited " +
                 std::to_string(size.width) + "x" + std::to_string(size.height));
    const GstVideoInfo in_info =
        video_info(pair.in, size.width, size.height, Colorimetry::bt601_full);
    const GstVideoInfo out_info =
        video_info(pair.out, size.width, size.height, Colorimetry::bt709_limited);
    // One LSB of the intermediate RGBA can move the re-encoded value by one more.
    ASSERT_NO_FATAL_FAILURE(check_frame(in_info, out_info, yuv_params(Colorimetry::bt601_full),
                                        yuv_params(Colorimetry::bt709_limited), 2));
  }
}

std::string pair_name(const ::testing::TestParamInfo<FormatPair>& info) {
  return std::string(info.param.in) + "_to_" + info.param.out;
}

INSTANTIATE_TEST_SUITE_P(AllPairs, ClinvidColorFormats,
                         ::testing::Values(FormatPair{"NV12", "NV12"}, FormatPair{"NV12", "I420"},
                                           FormatPair{"NV12", "RGBA"}, FormatPair{"I420", "NV12"},
                                           FormatPair{"I420", "I420"}, FormatPair{"I420", "RGBA"},
                                           FormatPair{"RGBA", "NV12"}, FormatPair{"RGBA", "I420"},
                                           FormatPair{"RGBA", "RGBA"}),
                         pair_name);
INSTANTIATE_TEST_SUITE_P(YuvPairs, ClinvidColorYuvToYuv,
                         ::testing::Values(FormatPair{"NV12", "NV12"}, FormatPair{"NV12", "I420"},
                                           FormatPair{"I420", "NV12"}, FormatPair{"I420", "I420"}),
                         pair_name);

}  // namespace
}  // namespace clinvid::test
