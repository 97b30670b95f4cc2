// Source URIs, presets and the built-in test scenes: parsing that refuses what it does not
// understand, and scenes that are a pure function of the frame index.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "capture/source.hpp"
#include "capture/test_pattern.hpp"
#include "core/frame.hpp"

namespace clinvid::capture {
namespace {

TEST(CaptureSource, ParsesTestCamerasWithOptions) {
  auto spec = parse_source("test://flash?width=320&height=240&rate=25&flash-frame=12");
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_EQ(spec->kind, SourceKind::test);
  EXPECT_EQ(spec->scene, TestScene::flash);
  EXPECT_EQ(spec->width, 320u);
  EXPECT_EQ(spec->height, 240u);
  EXPECT_EQ(spec->rate, Rational::make(25, 1).value());
  EXPECT_EQ(spec->scene_options.flash_frame, 12);
  auto gait = parse_source("test://gait?fail-after=40&rate=30000/1001&drop-every=7");
  ASSERT_TRUE(gait) << gait.error().message();
  EXPECT_EQ(gait->fail_after_frames, 40);
  EXPECT_EQ(gait->drop_every_frames, 7);
  EXPECT_EQ(gait->rate, Rational::make(30000, 1001).value());
  EXPECT_FALSE(gait->width);
}

TEST(CaptureSource, ParsesDeviceNetworkAndFileSources) {
  auto v4l2 = parse_source("v4l2:///dev/video2?width=1280&height=720");
  ASSERT_TRUE(v4l2) << v4l2.error().message();
  EXPECT_EQ(v4l2->kind, SourceKind::v4l2);
  EXPECT_EQ(v4l2->location, "/dev/video2");
  auto rtsp = parse_source("rtsp://10.0.0.5:554/stream1");
  ASSERT_TRUE(rtsp);
  EXPECT_EQ(rtsp->kind, SourceKind::rtsp);
  auto file = parse_source("file:///srv/clips/a.mp4");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->kind, SourceKind::file);
}

TEST(CaptureSource, RefusesWhatItDoesNotUnderstand) {
  for (const char* uri : {"test://nothing", "test://theatre?width=abc", "test://theatre?width=8",
                          "test://theatre?colour=red", "test://theatre?rate=0",
                          "test://theatre?width", "test://gait?drop-every=1", "v4l2://dev/video0",
                          "file://relative.mp4", "http://example/a", "", "rtsp://"}) {
    auto spec = parse_source(uri);
    ASSERT_FALSE(spec) << uri;
    EXPECT_EQ(spec.error().code, Errc::invalid_argument) << uri;
    EXPECT_FALSE(spec.error().detail.empty());
  }
}

TEST(CaptureSource, Microphones) {
  auto tone = parse_audio_source("test://tone?freq=1000");
  ASSERT_TRUE(tone) << tone.error().message();
  EXPECT_EQ(tone->kind, AudioKind::test_tone);
  EXPECT_EQ(tone->tone_hz, 1000.0);
  EXPECT_EQ(parse_audio_source("alsa://hw:1,0")->device, "hw:1,0");
  EXPECT_EQ(parse_audio_source("pulse://default")->kind, AudioKind::pulse);
  EXPECT_EQ(parse_audio_source("pipewire://42")->kind, AudioKind::pipewire);
  EXPECT_FALSE(parse_audio_source("test://noise"));
  EXPECT_FALSE(parse_audio_source("test://tone?freq=5"));
  EXPECT_FALSE(parse_audio_source("mic://x"));
}

TEST(CapturePreset, KnownPresetsAndBitrateFloor) {
  for (const std::string& name : preset_names()) {
    auto preset = find_preset(name);
    ASSERT_TRUE(preset) << name;
    EXPECT_GT(preset->width, 0u);
  }
  auto theatre = find_preset("theatre-1080p30");
  ASSERT_TRUE(theatre);
  EXPECT_EQ(theatre->rate, Rational::make(30, 1).value());
  auto gait = find_preset("gait-720p100");
  ASSERT_TRUE(gait);
  EXPECT_EQ(gait->height, 720u);
  auto unknown = find_preset("cinema-8k");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().detail.find("theatre-1080p30"), std::string::npos);
  // 1080p30 lands near 8 Mb/s; a tiny frame is held at the floor that bounds crash loss.
  const auto big = bitrate_kbps(*theatre, 1920, 1080, theatre->rate);
  EXPECT_GT(big, 7000u);
  EXPECT_LT(big, 9000u);
  EXPECT_EQ(bitrate_kbps(*theatre, 160, 120, theatre->rate), theatre->min_bitrate_kbps);
  EXPECT_GE(theatre->min_bitrate_kbps * 1000 / 8, 64u * 1024);  // a chunk fills within 1 s
}

Frame render(TestScene scene, std::int64_t index, std::uint32_t w, std::uint32_t h) {
  auto frame = Frame::allocate(PixelFormat::i420, w, h);
  EXPECT_TRUE(frame);
  TestSceneOptions options;
  options.flash_frame = 7;
  EXPECT_TRUE(render_test_frame(scene, index, options, frame->view()));
  return std::move(*frame);
}

double mean_luma(const Frame& f) {
  const ConstFrameView v = f.view();
  double sum = 0;
  for (std::uint32_t y = 0; y < v.height; ++y) {
    const std::uint8_t* row = v.planes[0] + y * v.strides[0];
    sum += std::accumulate(row, row + v.width, 0.0);
  }
  return sum / (static_cast<double>(v.width) * v.height);
}

bool same_pixels(const Frame& a, const Frame& b) {
  const ConstFrameView x = a.view();
  const ConstFrameView y = b.view();
  for (int p = 0; p < 3; ++p) {
    const auto extent = plane_extent(x.format, x.width, x.height, p);
    for (std::uint32_t r = 0; r < extent.rows; ++r) {
      const auto i = static_cast<std::size_t>(p);
      if (!std::equal(x.planes[i] + r * x.strides[i],
                      x.planes[i] + r * x.strides[i] + extent.row_bytes,
                      y.planes[i] + r * y.strides[i])) {
        return false;
      }
    }
  }
  return true;
}

TEST(CaptureTestScene, DeterministicAndMoving) {
  for (const TestScene scene : {TestScene::theatre, TestScene::gait, TestScene::flash}) {
    for (const auto& [w, h] : {std::pair{320u, 240u}, std::pair{385u, 289u}, std::pair{16u, 16u}}) {
      const Frame a = render(scene, 20, w, h);
      const Frame b = render(scene, 20, w, h);
      EXPECT_TRUE(same_pixels(a, b)) << static_cast<int>(scene) << " " << w << "x" << h;
      const Frame c = render(scene, 21, w, h);
      if (w >= 320) {
        EXPECT_FALSE(same_pixels(a, c)) << "scene does not move";
      }
    }
  }
}

TEST(CaptureTestScene, FlashOnlyOnItsFrame) {
  EXPECT_GT(mean_luma(render(TestScene::flash, 7, 320, 240)), kFlashDetectLuma);
  for (const std::int64_t i : {0, 6, 8, 100}) {
    EXPECT_LT(mean_luma(render(TestScene::flash, i, 320, 240)), 40.0) << i;
  }
  // Nothing else the test cameras draw reaches the flash threshold.
  for (const std::int64_t i : {0, 7, 50}) {
    EXPECT_LT(mean_luma(render(TestScene::theatre, i, 320, 240)), kFlashDetectLuma);
    EXPECT_LT(mean_luma(render(TestScene::gait, i, 320, 240)), kFlashDetectLuma);
  }
}

TEST(CaptureTestScene, RefusesOtherFormatsAndTinyFrames) {
  auto rgba = Frame::allocate(PixelFormat::rgba, 64, 64);
  ASSERT_TRUE(rgba);
  EXPECT_EQ(render_test_frame(TestScene::theatre, 0, {}, rgba->view()).error().code,
            Errc::invalid_argument);
  auto tiny = Frame::allocate(PixelFormat::i420, 8, 8);
  ASSERT_TRUE(tiny);
  EXPECT_FALSE(render_test_frame(TestScene::gait, 0, {}, tiny->view()));
}

}  // namespace
}  // namespace clinvid::capture
