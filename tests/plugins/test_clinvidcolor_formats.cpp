// clinvidcolor (no profile: format conversion) against the engine's CPU reference, or the
// input itself where format and colorimetry are the same on both sides: every input x output
// format, odd and tiny sizes, BT.601/BT.709 x limited/full colorimetry, on
// both backends, renegotiating one harness each time.
#include <gtest/gtest.h>

#include <array>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gst_test_env.hpp"

namespace clinvid::test {
namespace {

struct FormatPair {
  const char* in;
  const char* out;
  const char* backend;  // "gpu" or "cpu"
};

void PrintTo(const FormatPair& pair, std::ostream* os) {
  *os << pair.in << " -> " << pair.out << " on " << pair.backend;
}

constexpr std::array<const char*, 5> kFormats = {"NV12", "I420", "YUY2", "RGBA", "BGRA"};
constexpr std::array<const char*, 3> kYuvFormats = {"NV12", "I420", "YUY2"};

std::vector<FormatPair> pairs_of(std::span<const char* const> formats) {
  std::vector<FormatPair> pairs;
  for (const char* backend : {"gpu", "cpu"}) {
    for (const char* in : formats) {
      for (const char* out : formats) pairs.push_back({in, out, backend});
    }
  }
  return pairs;
}

// The GPU matches the reference within 1 LSB; the fast CPU path within kFastCpuMaxLsb.
int tolerance(const FormatPair& pair) {
  return std::string_view(pair.backend) == "gpu" ? 1 : colour::kFastCpuMaxLsb;
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
    harness_.reset(
        gst_harness_new_parse((std::string("clinvidcolor backend=") + GetParam().backend).c_str()));
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
    std::string where;
    const bool same_format = GST_VIDEO_INFO_FORMAT(&in_info) == GST_VIDEO_INFO_FORMAT(&out_info);
    const bool same_params =
        !GST_VIDEO_INFO_IS_YUV(&in_info) ||
        (in_params.matrix == out_params.matrix && in_params.range == out_params.range);
    if (same_format && same_params) {
      // Nothing to convert: the frame itself comes out, bit for bit, not a copy of it.
      EXPECT_EQ(output.get(), input.get()) << "an identical frame was copied";
      EXPECT_EQ(max_abs_diff(got, in_frame.const_view(), &where), 0) << where;
      return;
    }
    const Frame expected =
        reference_output(in_frame.const_view(), got.format, in_params, out_params);
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
      ASSERT_NO_FATAL_FAILURE(check_frame(in_info, out_info, params, params, tolerance(pair)));
      const bool rgba_only = !GST_VIDEO_INFO_IS_YUV(&in_info) && !GST_VIDEO_INFO_IS_YUV(&out_info);
      if (rgba_only) break;  // colorimetry means nothing to an RGBA copy
    }
  }
}

// YUV -> YUV where the caps give each side its own matrix and range: decoded with the input's
// and re-encoded with the output's.
TEST_P(ClinvidColorYuvToYuv, ChangesMatrixAndRangeBetweenSides) {
  const FormatPair pair = GetParam();
  for (const Size size : kSizes) {
    SCOPED_TRACE(std::string(pair.in) + " bt601-full -> " + pair.out + " bt709-limited " +
                 std::to_string(size.width) + "x" + std::to_string(size.height));
    const GstVideoInfo in_info =
        video_info(pair.in, size.width, size.height, Colorimetry::bt601_full);
    const GstVideoInfo out_info =
        video_info(pair.out, size.width, size.height, Colorimetry::bt709_limited);
    ASSERT_NO_FATAL_FAILURE(check_frame(in_info, out_info, yuv_params(Colorimetry::bt601_full),
                                        yuv_params(Colorimetry::bt709_limited), tolerance(pair)));
  }
}

std::string pair_name(const ::testing::TestParamInfo<FormatPair>& info) {
  return std::string(info.param.in) + "_to_" + info.param.out + "_" + info.param.backend;
}

INSTANTIATE_TEST_SUITE_P(AllPairs, ClinvidColorFormats, ::testing::ValuesIn(pairs_of(kFormats)),
                         pair_name);
INSTANTIATE_TEST_SUITE_P(YuvPairs, ClinvidColorYuvToYuv, ::testing::ValuesIn(pairs_of(kYuvFormats)),
                         pair_name);

}  // namespace
}  // namespace clinvid::test
