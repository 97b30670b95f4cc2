#include <gtest/gtest.h>

#include "core/frame.hpp"

namespace clinvid {
namespace {

TEST(Frame, LayoutMatchesGStreamerDefaults) {
  // GStreamer I420 385x289: Y stride 388, chroma 193 wide -> stride 196, 145 rows.
  const Frame f = Frame::allocate(PixelFormat::i420, 385, 289).value();
  const ConstFrameView v = f.view();
  EXPECT_EQ(v.strides[0], 388U);
  EXPECT_EQ(v.strides[1], 196U);
  EXPECT_EQ(v.planes[1] - v.planes[0], 388 * 289);
  EXPECT_EQ(f.bytes().size(), 388U * 289 + 2U * 196 * 145);
  const Frame nv = Frame::allocate(PixelFormat::nv12, 385, 289).value();
  EXPECT_EQ(nv.view().strides[1], 388U);  // 193 Cb/Cr pairs = 386 bytes -> 388
  EXPECT_TRUE(validate(nv.view()));
}

TEST(Frame, RejectsBadSizesAndViews) {
  EXPECT_EQ(Frame::allocate(PixelFormat::rgba, 0, 10).error().code, Errc::out_of_range);
  EXPECT_EQ(Frame::allocate(PixelFormat::rgba, 20000, 10).error().code, Errc::out_of_range);
  EXPECT_FALSE(Frame::allocate(PixelFormat::invalid, 2, 2));
  Frame f = Frame::allocate(PixelFormat::rgba, 4, 4).value();
  ConstFrameView v = f.view();
  v.strides[0] = 15;  // narrower than 4 pixels of RGBA
  EXPECT_EQ(validate(v).error().code, Errc::invalid_argument);
  v = f.view();
  v.planes[0] = nullptr;
  EXPECT_FALSE(validate(v));
  EXPECT_EQ(parse_pixel_format("NV12").value(), PixelFormat::nv12);
  EXPECT_FALSE(parse_pixel_format("P010"));
}

}  // namespace
}  // namespace clinvid
