// media/image_codec: PNG and JPEG through FFmpeg's codecs, checked against OpenCV's imgcodecs
// (an independent libpng/libjpeg decoder), and its failures on damaged and foreign input.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/frame.hpp"
#include "core/id.hpp"
#include "media/image_codec.hpp"

namespace {

using namespace clinvid;
using media::ImageFormat;

// A smooth colour field with a sharp edge: detail for the JPEG quantiser to lose a little of.
Frame test_image(std::uint32_t w, std::uint32_t h) {
  Frame f = Frame::allocate(PixelFormat::rgba, w, h).value();
  FrameView v = f.view();
  for (std::uint32_t y = 0; y < h; ++y) {
    for (std::uint32_t x = 0; x < w; ++x) {
      std::uint8_t* p = v.planes[0] + y * v.strides[0] + 4 * x;
      p[0] = static_cast<std::uint8_t>(x * 255 / (w - 1));
      p[1] = static_cast<std::uint8_t>(y * 255 / (h - 1));
      p[2] = x < w / 2 ? 40 : 200;
      p[3] = 255;
    }
  }
  return f;
}

int max_difference(const ConstFrameView& a, const ConstFrameView& b, bool alpha = true) {
  int worst = 0;
  for (std::uint32_t y = 0; y < a.height; ++y) {
    for (std::uint32_t x = 0; x < a.width; ++x) {
      for (std::uint32_t c = 0; c < (alpha ? 4U : 3U); ++c) {
        const int d = std::abs(a.planes[0][y * a.strides[0] + 4 * x + c] -
                               b.planes[0][y * b.strides[0] + 4 * x + c]);
        worst = std::max(worst, d);
      }
    }
  }
  return worst;
}

TEST(ImageCodec, PngRoundTripIsExactAndOpenCvAgrees) {
  const Frame image = test_image(97, 61);  // odd sizes
  auto png = media::encode_image(image.view(), ImageFormat::png);
  ASSERT_TRUE(png) << png.error().message();
  EXPECT_EQ(media::sniff_image(*png), ImageFormat::png);
  auto back = media::decode_image(*png);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->width(), 97U);
  EXPECT_EQ(back->height(), 61U);
  EXPECT_EQ(max_difference(image.view(), back->view()), 0);

  const cv::Mat decoded = cv::imdecode(
      cv::Mat(1, static_cast<int>(png->size()), CV_8UC1, png->data()), cv::IMREAD_COLOR);
  ASSERT_EQ(decoded.cols, 97);
  const ConstFrameView v = image.view();
  EXPECT_EQ(decoded.at<cv::Vec3b>(30, 50)[2], v.planes[0][30 * v.strides[0] + 4 * 50 + 0]);
  EXPECT_EQ(decoded.at<cv::Vec3b>(30, 50)[1], v.planes[0][30 * v.strides[0] + 4 * 50 + 1]);
}

TEST(ImageCodec, JpegRoundTripIsCloseBothWaysWithOpenCv) {
  const Frame image = test_image(128, 96);
  auto jpeg = media::encode_image(image.view(), ImageFormat::jpeg, 95);
  ASSERT_TRUE(jpeg) << jpeg.error().message();
  EXPECT_EQ(media::sniff_image(*jpeg), ImageFormat::jpeg);
  // A JFIF APP0 right after SOI, and no comment segment naming the encoder.
  ASSERT_GT(jpeg->size(), 10U);
  EXPECT_EQ((*jpeg)[3], 0xE0);
  EXPECT_EQ(std::string(jpeg->begin() + 6, jpeg->begin() + 10), "JFIF");
  EXPECT_EQ(std::string(jpeg->begin(), jpeg->end()).find("Lavc"), std::string::npos);
  auto back = media::decode_image(*jpeg);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_LE(max_difference(image.view(), back->view()), 12) << "quality 95, 4:4:4";

  // OpenCV (libjpeg) reads ours, and we read OpenCV's, to the same picture.
  const cv::Mat theirs = cv::imdecode(
      cv::Mat(1, static_cast<int>(jpeg->size()), CV_8UC1, jpeg->data()), cv::IMREAD_COLOR);
  ASSERT_FALSE(theirs.empty());
  const ConstFrameView ours = back->view();
  int worst = 0;
  for (int y = 0; y < theirs.rows; ++y) {
    for (int x = 0; x < theirs.cols; ++x) {
      for (int c = 0; c < 3; ++c) {
        const int d =
            std::abs(theirs.at<cv::Vec3b>(y, x)[2 - c] -
                     ours.planes[0][static_cast<std::size_t>(y) * ours.strides[0] +
                                    4 * static_cast<std::size_t>(x) + static_cast<std::size_t>(c)]);
        worst = std::max(worst, d);
      }
    }
  }
  EXPECT_LE(worst, 3) << "two decoders of one JPEG differ only by IDCT rounding";

  cv::Mat bgr(96, 128, CV_8UC3);
  for (int y = 0; y < 96; ++y) {
    for (int x = 0; x < 128; ++x) bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(10, 128, 250);
  }
  std::vector<std::uint8_t> encoded;
  ASSERT_TRUE(cv::imencode(".jpg", bgr, encoded, {cv::IMWRITE_JPEG_QUALITY, 90}));
  auto read = media::decode_image(encoded);  // 4:2:0, as cameras write
  ASSERT_TRUE(read) << read.error().message();
  const std::uint8_t* p = read->view().planes[0] + 40 * read->view().strides[0] + 4 * 60;
  EXPECT_NEAR(p[0], 250, 4);
  EXPECT_NEAR(p[1], 128, 4);
  EXPECT_NEAR(p[2], 10, 4);
  EXPECT_EQ(p[3], 255);
}

TEST(ImageCodec, DamagedAndForeignInputFailClearly) {
  const Frame image = test_image(64, 64);
  const auto png = media::encode_image(image.view(), ImageFormat::png).value();
  const auto jpeg = media::encode_image(image.view(), ImageFormat::jpeg).value();

  EXPECT_EQ(media::decode_image({}).error().code, Errc::unsupported);
  const std::vector<std::uint8_t> text = {'h', 'e', 'l', 'l', 'o'};
  EXPECT_EQ(media::decode_image(text).error().code, Errc::unsupported);

  for (const auto* whole : {&png, &jpeg}) {
    const std::vector<std::uint8_t> half(whole->begin(),
                                         whole->begin() + static_cast<long>(whole->size() / 2));
    auto r = media::decode_image(half);
    ASSERT_FALSE(r) << "a truncated image must not decode";
    EXPECT_EQ(r.error().code, Errc::corrupt) << r.error().message();
    const std::vector<std::uint8_t> head(whole->begin(), whole->begin() + 12);
    EXPECT_FALSE(media::decode_image(head));
  }
  std::vector<std::uint8_t> flipped = png;
  flipped[flipped.size() / 2] ^= 0x55;  // a damaged IDAT fails its CRC
  EXPECT_FALSE(media::decode_image(flipped));

  EXPECT_EQ(media::read_image("/nonexistent/clinvid.png").error().code, Errc::not_found);
  EXPECT_EQ(media::encode_image(image.view(), ImageFormat::jpeg, 0).error().code,
            Errc::invalid_argument);
  EXPECT_EQ(media::encode_image(image.view(), ImageFormat::invalid).error().code,
            Errc::invalid_argument);
  const Frame nv12 = Frame::allocate(PixelFormat::nv12, 16, 16).value();
  EXPECT_EQ(media::encode_image(nv12.view(), ImageFormat::png).error().code,
            Errc::invalid_argument);
}

TEST(ImageCodec, FormatByExtensionAndFile) {
  EXPECT_EQ(media::image_format_for("a/B.PNG"), ImageFormat::png);
  EXPECT_EQ(media::image_format_for("c.JpEg"), ImageFormat::jpeg);
  EXPECT_EQ(media::image_format_for("c.jpg"), ImageFormat::jpeg);
  EXPECT_EQ(media::image_format_for("c.tiff"), ImageFormat::invalid);
  EXPECT_EQ(media::image_format_for("png"), ImageFormat::invalid);

  const auto path = std::filesystem::temp_directory_path() /
                    ("clinvid-image-" + Uuid::random().to_string() + ".png");
  const auto bytes = media::encode_image(test_image(20, 10).view(), ImageFormat::png).value();
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  auto read = media::read_image(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_EQ(read->width(), 20U);
}

}  // namespace
