// clinvidcolor with a calibration profile: the properties, standardising a synthetic tungsten
// chart to the reference on both backends and both correction paths (checked against the
// engine's CPU reference and by measuring the chart), and the errors a bad setup gives.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "colour/profile.hpp"
#include "colour/standardiser.hpp"
#include "colour_fixtures.hpp"
#include "gpu/context.hpp"
#include "gpu/host_frame.hpp"
#include "gst_test_env.hpp"

namespace clinvid::test {
namespace {

namespace fs = std::filesystem;

std::string string_of(GObject* object, const char* name) {
  gchar* value = nullptr;
  g_object_get(object, name, &value, nullptr);
  const std::string text = value != nullptr ? value : "<null>";
  g_free(value);
  return text;
}

std::string nick_of(GObject* object, const char* name) {
  GParamSpec* pspec = g_object_class_find_property(G_OBJECT_GET_CLASS(object), name);
  gint value = 0;
  g_object_get(object, name, &value, nullptr);
  GEnumValue* e = g_enum_get_value(G_PARAM_SPEC_ENUM(pspec)->enum_class, value);
  return e != nullptr ? e->value_nick : "?";
}

class ClinvidColorProfile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    ASSERT_TRUE(init_gstreamer(&why)) << why;
    if (!gpu_available(&why)) GTEST_SKIP() << "no usable Vulkan device: " << why;
    profile_ = dir_.path() / "p.json";
    ASSERT_TRUE(colour::save_profile(profile_, tungsten_profile()));
  }

  // Runs `description` to EOS or ERROR; returns the error text ("" at EOS).
  static std::string run_pipeline(const std::string& description) {
    GError* error = nullptr;
    ElementPtr pipeline(gst_parse_launch(description.c_str(), &error));
    if (error != nullptr) {
      const std::string text = error->message;
      g_error_free(error);
      return "parse: " + text;
    }
    gst_element_set_state(pipeline.get(), GST_STATE_PLAYING);
    BusPtr bus(gst_element_get_bus(pipeline.get()));
    MessagePtr message(gst_bus_timed_pop_filtered(
        bus.get(), 60 * GST_SECOND,
        static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR)));
    gst_element_set_state(pipeline.get(), GST_STATE_NULL);
    if (!message) return "timeout";
    return GST_MESSAGE_TYPE(message.get()) == GST_MESSAGE_ERROR ? describe(message.get()) : "";
  }

  ScratchDir dir_;
  fs::path profile_;
};

TEST_F(ClinvidColorProfile, PropertiesHaveDefaultsAndCanBeSet) {
  const ElementPtr element(gst_element_factory_make("clinvidcolor", nullptr));
  GObject* object = G_OBJECT(element.get());
  EXPECT_EQ(string_of(object, "profile"), "<null>");
  EXPECT_EQ(nick_of(object, "mode"), "auto");
  EXPECT_EQ(nick_of(object, "backend"), "auto");
  EXPECT_EQ(nick_of(object, "correction"), "model");
  EXPECT_EQ(string_of(object, "active-backend"), "none");
  gst_util_set_object_arg(object, "mode", "difference");
  gst_util_set_object_arg(object, "backend", "cpu");
  gst_util_set_object_arg(object, "correction", "lut");
  g_object_set(object, "profile", profile_.c_str(), nullptr);
  EXPECT_EQ(nick_of(object, "mode"), "difference");
  EXPECT_EQ(nick_of(object, "backend"), "cpu");
  EXPECT_EQ(nick_of(object, "correction"), "lut");
  EXPECT_EQ(string_of(object, "profile"), profile_.string());
}

TEST_F(ClinvidColorProfile, AutoBackendIsGpuUnlessTheDeviceIsACpu) {
  const ElementPtr element(gst_element_factory_make("clinvidcolor", nullptr));
  ASSERT_EQ(gst_element_set_state(element.get(), GST_STATE_PAUSED), GST_STATE_CHANGE_SUCCESS);
  auto context = gpu::Context::shared();
  ASSERT_TRUE(context);
  const bool cpu_device = (*context)->info().type == VK_PHYSICAL_DEVICE_TYPE_CPU;
  EXPECT_EQ(string_of(G_OBJECT(element.get()), "active-backend"), cpu_device ? "cpu" : "gpu");
  gst_element_set_state(element.get(), GST_STATE_NULL);
  EXPECT_EQ(string_of(G_OBJECT(element.get()), "active-backend"), "none");
}

// The tungsten chart as an RGBA buffer laid out as `info`.
BufferPtr chart_buffer(const GstVideoInfo& info, const Frame& chart) {
  BufferPtr buffer(gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&info), nullptr));
  MappedFrame frame(info, buffer.get(), GST_MAP_WRITE);
  if (!frame.ok()) return nullptr;
  const FrameView dst = frame.view();
  const ConstFrameView src = chart.view();
  for (std::uint32_t y = 0; y < src.height; ++y) {
    std::memcpy(dst.planes[0] + y * dst.strides[0], src.planes[0] + y * src.strides[0],
                std::size_t{src.width} * 4);
  }
  return buffer;
}

TEST_F(ClinvidColorProfile, StandardisesTheTungstenChartOnEveryBackendAndPath) {
  const auto& image = tungsten_chart_image();
  const Frame input_frame = colour::testing::to_rgba_frame(image.rgb);
  const GstVideoInfo info =
      video_info("RGBA", image.rgb.cols, image.rgb.rows, Colorimetry::bt709_limited);
  auto prepared = colour::prepare_correction(tungsten_profile().correction);
  ASSERT_TRUE(prepared);
  for (const char* backend : {"gpu", "cpu"}) {
    for (const char* correction : {"model", "lut"}) {
      SCOPED_TRACE(std::string(backend) + " " + correction);
      const std::string launch = std::string("clinvidcolor backend=") + backend +
                                 " correction=" + correction + " profile=" + profile_.string();
      HarnessPtr h(gst_harness_new_parse(launch.c_str()));
      gst_harness_set_caps(h.get(), caps_of(info).release(), caps_of(info).release());
      BufferPtr input = chart_buffer(info, input_frame);
      ASSERT_TRUE(input);
      BufferPtr output(gst_harness_push_and_pull(h.get(), gst_buffer_ref(input.get())));
      ASSERT_TRUE(output);
      MappedFrame out(info, output.get(), GST_MAP_READ);
      ASSERT_TRUE(out.ok());

      Frame expected =
          *Frame::allocate(PixelFormat::rgba, input_frame.width(), input_frame.height());
      colour::StandardiseSettings settings;
      settings.path = std::string(correction) == "lut" ? colour::CorrectionPath::lut
                                                       : colour::CorrectionPath::model;
      ASSERT_TRUE(
          colour::standardise_frame_cpu(input_frame.view(), expected.view(), settings, &*prepared));
      std::string where;
      const int tolerance = std::string(backend) == "gpu" ? 1 : colour::kFastCpuMaxLsb;
      EXPECT_LE(max_abs_diff(out.const_view(), std::as_const(expected).view(), &where), tolerance)
          << where;
      EXPECT_LE(chart_delta_e00(out.const_view()), 1.5);
    }
  }
}

// Frames pass untouched (the same buffer) while there is nothing to correct, and a profile
// set while playing applies from the next frame; dropping it, or mode=passthrough, lets
// frames through untouched again.
TEST_F(ClinvidColorProfile, FramesPassUntouchedUntilAProfileIsSetWhilePlaying) {
  const Frame chart = colour::testing::to_rgba_frame(tungsten_chart_image().rgb);
  const GstVideoInfo info =
      video_info("RGBA", static_cast<int>(chart.width()), static_cast<int>(chart.height()),
                 Colorimetry::bt709_limited);
  HarnessPtr h(gst_harness_new_parse("clinvidcolor backend=cpu"));
  gst_harness_set_caps(h.get(), caps_of(info).release(), caps_of(info).release());
  const ElementPtr colour(gst_harness_find_element(h.get(), "clinvidcolor"));
  ASSERT_TRUE(colour);
  GObject* element = G_OBJECT(colour.get());
  // Pushes the chart; whether the same buffer came out, and the output's chart ΔE00.
  const auto push = [&](bool& same, double& delta_e) {
    BufferPtr input = chart_buffer(info, chart);
    ASSERT_TRUE(input);
    BufferPtr output(gst_harness_push_and_pull(h.get(), gst_buffer_ref(input.get())));
    ASSERT_TRUE(output);
    same = output.get() == input.get();
    MappedFrame out(info, output.get(), GST_MAP_READ);
    ASSERT_TRUE(out.ok());
    delta_e = chart_delta_e00(out.const_view());
  };
  bool same = false;
  double raw_delta_e = 0;
  ASSERT_NO_FATAL_FAILURE(push(same, raw_delta_e));
  EXPECT_TRUE(same) << "no profile: the frame should pass untouched";
  EXPECT_GT(raw_delta_e, 5.0) << "the tungsten chart is far from the reference uncorrected";

  g_object_set(element, "profile", profile_.c_str(), nullptr);
  double delta_e = 0;
  ASSERT_NO_FATAL_FAILURE(push(same, delta_e));
  EXPECT_FALSE(same) << "a profile was set: the frame must be standardised";
  EXPECT_LE(delta_e, 1.5);

  gst_util_set_object_arg(element, "mode", "passthrough");
  ASSERT_NO_FATAL_FAILURE(push(same, delta_e));
  EXPECT_TRUE(same) << "mode=passthrough";
  EXPECT_DOUBLE_EQ(delta_e, raw_delta_e);

  gst_util_set_object_arg(element, "mode", "auto");
  g_object_set(element, "profile", nullptr, nullptr);
  ASSERT_NO_FATAL_FAILURE(push(same, delta_e));
  EXPECT_TRUE(same) << "the profile was dropped";
  EXPECT_DOUBLE_EQ(delta_e, raw_delta_e);
}

std::uint64_t staged_frames(GstElement* element) {
  guint64 staged = 0;
  g_object_get(element, "staged-frames", &staged, nullptr);
  return staged;
}

// On the GPU backend the element offers upstream a pool of host frame memory and writes into
// one of its own: a frame from that pool is standardised with no CPU copy (staged-frames stays
// 0) and into memory the device wrote in place, with the same result as the same frame from
// ordinary memory, which is staged.
TEST_F(ClinvidColorProfile, GpuBackendStandardisesFramesFromItsPoolsInPlace) {
  const GstVideoInfo info = video_info("I420", 640, 360, Colorimetry::bt709_limited);
  HarnessPtr h(
      gst_harness_new_parse(("clinvidcolor backend=gpu profile=" + profile_.string()).c_str()));
  gst_harness_set_caps(h.get(), caps_of(info).release(), caps_of(info).release());
  const ElementPtr colour(gst_harness_find_element(h.get(), "clinvidcolor"));
  ASSERT_TRUE(colour);

  const CapsPtr caps = caps_of(info);
  GstQuery* query = gst_query_new_allocation(caps.get(), TRUE);
  ASSERT_TRUE(gst_pad_peer_query(h->srcpad, query));
  ASSERT_GE(gst_query_get_n_allocation_pools(query), 1U);
  GstBufferPool* pool = nullptr;
  guint size = 0;
  guint min = 0;
  guint max = 0;
  gst_query_parse_nth_allocation_pool(query, 0, &pool, &size, &min, &max);
  gst_query_unref(query);
  ASSERT_NE(pool, nullptr);
  const std::unique_ptr<GstBufferPool, ObjectDeleter> pool_owner(pool);  // unref at the end
  GstStructure* config = gst_buffer_pool_get_config(pool);
  gst_buffer_pool_config_set_params(config, caps.get(), size, min, max);
  gst_buffer_pool_config_add_option(config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  ASSERT_TRUE(gst_buffer_pool_set_config(pool, config));
  ASSERT_TRUE(gst_buffer_pool_set_active(pool, TRUE));

  const BufferPtr ordinary = random_frame(info, 7);
  GstBuffer* pooled = nullptr;
  ASSERT_EQ(gst_buffer_pool_acquire_buffer(pool, &pooled, nullptr), GST_FLOW_OK);
  {
    GstMapInfo map;
    ASSERT_TRUE(gst_buffer_map(ordinary.get(), &map, GST_MAP_READ));
    EXPECT_EQ(gst_buffer_fill(pooled, 0, map.data, map.size), map.size);
    gst_buffer_unmap(ordinary.get(), &map);
  }
  BufferPtr in_place(gst_harness_push_and_pull(h.get(), pooled));
  ASSERT_TRUE(in_place);
  EXPECT_EQ(staged_frames(colour.get()), 0U) << "a frame from the pool was copied";
  auto context = gpu::Context::shared();
  ASSERT_TRUE(context);
  MappedFrame got(info, in_place.get(), GST_MAP_READ);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(gpu::find_host_frame(**context, got.const_view()))
      << "the output is not in host frame memory";

  BufferPtr staged(gst_harness_push_and_pull(h.get(), gst_buffer_ref(ordinary.get())));
  ASSERT_TRUE(staged);
  EXPECT_EQ(staged_frames(colour.get()), 1U);
  MappedFrame want(info, staged.get(), GST_MAP_READ);
  ASSERT_TRUE(want.ok());
  std::string where;
  EXPECT_EQ(max_abs_diff(got.const_view(), want.const_view(), &where), 0) << where;
  EXPECT_TRUE(gst_buffer_pool_set_active(pool, FALSE));
}

// In a live pipeline (a camera, queues, a tee and an encoder as a capture branch has them), the
// camera writes into the offered pool and the encoder reads from the element's own: no frame
// is copied on the CPU.
TEST_F(ClinvidColorProfile, GpuBackendCopiesNoFrameInACaptureLikePipeline) {
  GError* error = nullptr;
  const ElementPtr pipeline(gst_parse_launch(
      ("videotestsrc num-buffers=12 ! video/x-raw,format=I420,width=320,height=240 ! queue ! "
       "clinvidcolor name=colour backend=gpu profile=" +
       profile_.string() +
       " ! video/x-raw,format=I420 ! tee name=t t. ! queue ! fakesink t. ! queue ! "
       "x264enc tune=zerolatency speed-preset=ultrafast ! fakesink")
          .c_str(),
      &error));
  ASSERT_EQ(error, nullptr) << error->message;
  gst_element_set_state(pipeline.get(), GST_STATE_PLAYING);
  const BusPtr bus(gst_element_get_bus(pipeline.get()));
  const MessagePtr message(
      gst_bus_timed_pop_filtered(bus.get(), 60 * GST_SECOND,
                                 static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR)));
  ASSERT_TRUE(message);
  EXPECT_EQ(GST_MESSAGE_TYPE(message.get()), GST_MESSAGE_EOS) << describe(message.get());
  const ElementPtr colour(gst_bin_get_by_name(GST_BIN(pipeline.get()), "colour"));
  EXPECT_EQ(staged_frames(colour.get()), 0U);
  gst_element_set_state(pipeline.get(), GST_STATE_NULL);
}

// A profile set while playing that does not load stops every frame after it (no frame goes on
// uncorrected) until a good one is set.
TEST_F(ClinvidColorProfile, AProfileThatFailsToLoadStopsFramesUntilAGoodOneIsSet) {
  const GstVideoInfo info = video_info("I420", 64, 48, Colorimetry::bt709_limited);
  HarnessPtr h(gst_harness_new_parse("clinvidcolor backend=cpu"));
  gst_harness_set_caps(h.get(), caps_of(info).release(), caps_of(info).release());
  const ElementPtr colour(gst_harness_find_element(h.get(), "clinvidcolor"));
  ASSERT_TRUE(colour);
  const fs::path bad = dir_.path() / "broken.json";
  std::ofstream(bad) << "{ not json";
  g_object_set(colour.get(), "profile", bad.c_str(), nullptr);
  EXPECT_EQ(gst_harness_push(h.get(), random_frame(info, 1).release()), GST_FLOW_ERROR);
  EXPECT_EQ(gst_harness_push(h.get(), random_frame(info, 2).release()), GST_FLOW_ERROR);
  EXPECT_EQ(gst_harness_buffers_received(h.get()), 0U);
  g_object_set(colour.get(), "profile", profile_.c_str(), nullptr);
  EXPECT_EQ(gst_harness_push(h.get(), random_frame(info, 3).release()), GST_FLOW_OK);
  EXPECT_EQ(gst_harness_buffers_received(h.get()), 1U);
}

TEST_F(ClinvidColorProfile, LaunchLineWithAProfileRuns) {
  for (const std::string tail : {"", " mode=difference", " backend=cpu correction=lut"}) {
    EXPECT_EQ(run_pipeline("videotestsrc num-buffers=10 ! clinvidcolor profile=" +
                           profile_.string() + tail + " ! fakesink"),
              "")
        << tail;
  }
  EXPECT_EQ(run_pipeline("videotestsrc num-buffers=5 ! video/x-raw,format=YUY2 ! clinvidcolor "
                         "profile=" +
                         profile_.string() + " ! video/x-raw,format=BGRA ! fakesink"),
            "");
}

TEST_F(ClinvidColorProfile, BadProfileIsAnElementErrorNamingTheFile) {
  const fs::path bad = dir_.path() / "broken.json";
  std::ofstream(bad) << "{ this is not json";
  std::string error = run_pipeline(
      "videotestsrc num-buffers=5 ! clinvidcolor profile=" + bad.string() + " ! fakesink");
  EXPECT_NE(error.find("broken.json"), std::string::npos) << error;
  EXPECT_NE(error.find("calibration profile"), std::string::npos) << error;

  error = run_pipeline("videotestsrc num-buffers=5 ! clinvidcolor profile=" +
                       (dir_.path() / "missing.json").string() + " ! fakesink");
  EXPECT_NE(error.find("missing.json"), std::string::npos) << error;
}

TEST_F(ClinvidColorProfile, StandardiseWithoutAProfileIsAnError) {
  const std::string error =
      run_pipeline("videotestsrc num-buffers=5 ! clinvidcolor mode=standardise ! fakesink");
  EXPECT_NE(error.find("need a profile"), std::string::npos) << error;
}

}  // namespace
}  // namespace clinvid::test
