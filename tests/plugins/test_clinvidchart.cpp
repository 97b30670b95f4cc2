// clinvidchart: a synthetic tungsten chart pushed through GstHarness is reported once it has
// held still, with a profile that brings the chart to the reference; a frame without a chart
// never is; NV12 works as RGBA does; buffers pass through untouched.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "colour/profile.hpp"
#include "colour_fixtures.hpp"
#include "core/json.hpp"
#include "gpu/yuv.hpp"
#include "gst_test_env.hpp"

namespace clinvid::test {
namespace {

// An RGBA or NV12 buffer of `image` laid out as `info` says.
BufferPtr buffer_of(const cv::Mat& rgb, const GstVideoInfo& info) {
  const Frame rgba = colour::testing::to_rgba_frame(rgb);
  BufferPtr buffer(gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&info), nullptr));
  MappedFrame frame(info, buffer.get(), GST_MAP_WRITE);
  if (!frame.ok()) throw std::runtime_error("cannot map");
  const FrameView dst = frame.view();
  if (dst.format == PixelFormat::nv12) {
    if (!gpu::rgba_to_yuv_cpu(rgba.view(), dst, yuv_params(Colorimetry::bt709_limited))) {
      throw std::runtime_error("rgba_to_yuv_cpu");
    }
    return buffer;
  }
  const ConstFrameView src = rgba.view();
  for (std::uint32_t y = 0; y < src.height; ++y) {
    std::memcpy(dst.planes[0] + y * dst.strides[0], src.planes[0] + y * src.strides[0],
                std::size_t{src.width} * 4);
  }
  return buffer;
}

class ClinvidChart : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    ASSERT_TRUE(init_gstreamer(&why)) << why;
  }

  // Pushes `count` copies of `rgb` through `launch` and returns its clinvid-chart messages.
  std::vector<MessagePtr> push_frames(const std::string& launch, const cv::Mat& rgb,
                                      const char* format, int count) {
    HarnessPtr h(gst_harness_new_parse(launch.c_str()));
    BusPtr bus(gst_bus_new());
    gst_element_set_bus(h->element, bus.get());
    const GstVideoInfo info = video_info(format, rgb.cols, rgb.rows, Colorimetry::bt709_limited);
    gst_harness_set_src_caps(h.get(), caps_of(info).release());
    const BufferPtr input = buffer_of(rgb, info);
    for (int i = 0; i < count; ++i) {
      BufferPtr output(gst_harness_push_and_pull(h.get(), gst_buffer_ref(input.get())));
      EXPECT_EQ(output.get(), input.get()) << "not passed through";
    }
    std::vector<MessagePtr> found;
    while (MessagePtr m{gst_bus_pop_filtered(bus.get(), GST_MESSAGE_ELEMENT)}) {
      if (gst_message_has_name(m.get(), "clinvid-chart")) found.push_back(std::move(m));
    }
    EXPECT_FALSE(pop_error(bus.get()));
    gst_element_set_bus(h->element, nullptr);
    return found;
  }

  ScratchDir dir_;
};

TEST_F(ClinvidChart, StableChartPostsOneMessageWithAProfileThatCorrectsIt) {
  const auto location = dir_.path() / "cam-a.json";
  const std::string launch = "clinvidchart camera-id=cam-a profile-location=" + location.string();
  // interval 5, stable-frames 10: detections at frames 0, 5, 10 agree -> reported at 10.
  const auto messages = push_frames(launch, tungsten_chart_image().rgb, "RGBA", 30);
  ASSERT_EQ(messages.size(), 1U);
  const GstStructure* s = gst_message_get_structure(messages[0].get());
  guint64 frame = 0;
  ASSERT_TRUE(gst_structure_get_uint64(s, "frame", &frame));
  EXPECT_EQ(frame, 10U);
  double confidence = 0.0;
  ASSERT_TRUE(gst_structure_get_double(s, "confidence", &confidence));
  EXPECT_GT(confidence, 0.6);
  EXPECT_EQ(gst_value_array_get_size(gst_structure_get_value(s, "patches")), 72U);
  EXPECT_EQ(gst_value_array_get_size(gst_structure_get_value(s, "corners")), 8U);
  // The corners are where the chart was drawn (grid corners, chart order).
  const auto& truth = tungsten_chart_image().corners;
  const GValue* corners = gst_structure_get_value(s, "corners");
  for (guint k = 0; k < 4; ++k) {
    EXPECT_NEAR(g_value_get_double(gst_value_array_get_value(corners, 2 * k)), truth[k].x, 3.0);
    EXPECT_NEAR(g_value_get_double(gst_value_array_get_value(corners, 2 * k + 1)), truth[k].y, 3.0);
  }
  // The profile corrects the camera: the chart's true signals come out near the reference.
  const char* json_text = gst_structure_get_string(s, "profile");
  ASSERT_NE(json_text, nullptr);
  auto json = parse_json(json_text);
  ASSERT_TRUE(json);
  auto profile = colour::profile_from_json(*json);
  ASSERT_TRUE(profile) << profile.error().message();
  EXPECT_EQ(profile->camera_id, "cam-a");
  EXPECT_EQ(profile->chart_frame_sha256.size(), 64U);
  const double uncorrected = uncorrected_truth_delta_e00();
  const double corrected = corrected_truth_delta_e00(profile->correction);
  std::printf("clinvidchart: truth dE00 %.2f uncorrected, %.2f with the posted profile\n",
              uncorrected, corrected);
  EXPECT_GT(uncorrected, 5.0);
  EXPECT_LT(corrected, 1.5);
  // Saved where asked, and the same profile.
  EXPECT_STREQ(gst_structure_get_string(s, "profile-location"), location.c_str());
  auto saved = colour::load_profile(location);
  ASSERT_TRUE(saved) << saved.error().message();
  EXPECT_EQ(saved->fit.mean, profile->fit.mean);
}

TEST_F(ClinvidChart, FramesWithoutAChartNeverPost) {
  EXPECT_TRUE(
      push_frames("clinvidchart interval=1 stable-frames=2", no_chart_image().rgb, "RGBA", 12)
          .empty());
}

TEST_F(ClinvidChart, Nv12StreamIsWatchedToo) {
  const auto messages = push_frames("clinvidchart interval=2 stable-frames=4 model=linear3x3",
                                    tungsten_chart_image().rgb, "NV12", 8);
  ASSERT_EQ(messages.size(), 1U);
  const char* json_text =
      gst_structure_get_string(gst_message_get_structure(messages[0].get()), "profile");
  ASSERT_NE(json_text, nullptr);
  auto profile = colour::profile_from_json(*parse_json(json_text));
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->correction.model.kind, colour::ModelKind::matrix);
  EXPECT_LT(corrected_truth_delta_e00(profile->correction), 3.0);
}

TEST_F(ClinvidChart, PropertiesHaveDefaults) {
  const ElementPtr element(gst_element_factory_make("clinvidchart", nullptr));
  ASSERT_TRUE(element);
  guint interval = 0;
  guint stable = 0;
  g_object_get(element.get(), "interval", &interval, "stable-frames", &stable, nullptr);
  EXPECT_EQ(interval, 5U);
  EXPECT_EQ(stable, 10U);
  for (const char* name : {"model", "reference", "camera-id", "profile-location"}) {
    EXPECT_NE(g_object_class_find_property(G_OBJECT_GET_CLASS(element.get()), name), nullptr)
        << name;
  }
}

TEST_F(ClinvidChart, LaunchLineRunsToEos) {
  GError* error = nullptr;
  ElementPtr pipeline(gst_parse_launch(
      "videotestsrc num-buffers=20 ! video/x-raw,width=320,height=240 ! clinvidchart interval=1 "
      "! fakesink",
      &error));
  ASSERT_EQ(error, nullptr);
  gst_element_set_state(pipeline.get(), GST_STATE_PLAYING);
  BusPtr bus(gst_element_get_bus(pipeline.get()));
  MessagePtr message(
      gst_bus_timed_pop_filtered(bus.get(), 60 * GST_SECOND,
                                 static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR)));
  ASSERT_TRUE(message);
  EXPECT_EQ(GST_MESSAGE_TYPE(message.get()), GST_MESSAGE_EOS);
  gst_element_set_state(pipeline.get(), GST_STATE_NULL);
}

}  // namespace
}  // namespace clinvid::test
