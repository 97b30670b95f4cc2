// clinvidcolor as GStreamer sees it: registration and metadata, properties, negotiation,
// refusal to run unnegotiated, bad input, known colours, and real gst_parse_launch pipelines.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gst/video/gstvideofilter.h>

#include "gpu/context.hpp"
#include "gst_test_env.hpp"

namespace clinvid::test {
namespace {

class ClinvidColor : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    ASSERT_TRUE(init_gstreamer(&why)) << why;
  }
};

// A harness starts the element, which opens the Vulkan device: skip where there is none.
class ClinvidColorGpu : public ClinvidColor {
 protected:
  void SetUp() override {
    ClinvidColor::SetUp();
    if (HasFatalFailure()) return;
    std::string why;
    if (!gpu_available(&why)) GTEST_SKIP() << "no usable Vulkan device: " << why;
  }
};

std::string enum_nick(GObject* object, const char* property) {
  GParamSpec* pspec = g_object_class_find_property(G_OBJECT_GET_CLASS(object), property);
  if (pspec == nullptr || !G_IS_PARAM_SPEC_ENUM(pspec)) return "<not an enum property>";
  int value = 0;
  g_object_get(object, property, &value, nullptr);
  const GEnumValue* entry = g_enum_get_value(G_PARAM_SPEC_ENUM(pspec)->enum_class, value);
  return entry != nullptr ? entry->value_nick : "<invalid>";
}

std::string string_property(GObject* object, const char* property) {
  gchar* value = nullptr;
  g_object_get(object, property, &value, nullptr);
  const GCharPtr owned(value);
  return value != nullptr ? value : "<null>";
}

// (Re)negotiates `h` to `in_info` -> `out_info`, pushes `input` and returns the output frame.
BufferPtr convert_one(GstHarness* h, const GstVideoInfo& in_info, const GstVideoInfo& out_info,
                      BufferPtr input) {
  gst_harness_set_caps(h, caps_of(in_info).release(), caps_of(out_info).release());
  return BufferPtr(gst_harness_push_and_pull(h, input.release()));
}

TEST_F(ClinvidColor, PluginLoadsFromTheBuildTreeWithMetadata) {
  GstElementFactory* factory = gst_element_factory_find("clinvidcolor");
  ASSERT_NE(factory, nullptr);
  const std::unique_ptr<GstElementFactory, ObjectDeleter> owned(factory);
  EXPECT_STREQ(gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_KLASS),
               "Filter/Effect/Converter/Video");
  EXPECT_STREQ(gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_AUTHOR), "clinvid");
  EXPECT_GT(std::strlen(gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_LONGNAME)),
            0U);
  EXPECT_GT(
      std::strlen(gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_DESCRIPTION)), 0U);

  GstPlugin* plugin = gst_registry_find_plugin(gst_registry_get(), "clinvid");
  ASSERT_NE(plugin, nullptr);
  EXPECT_STREQ(gst_plugin_get_license(plugin), "LGPL");
  gst_object_unref(plugin);

  // Both templates: exactly NV12, I420, YUY2, RGBA and BGRA.
  for (const GList* l = gst_element_factory_get_static_pad_templates(factory); l != nullptr;
       l = l->next) {
    auto* templ = static_cast<GstStaticPadTemplate*>(l->data);
    const CapsPtr caps(gst_static_pad_template_get_caps(templ));
    for (const char* format : {"NV12", "I420", "YUY2", "RGBA", "BGRA"}) {
      const std::string wanted = std::string("video/x-raw,format=") + format;
      const CapsPtr one(gst_caps_from_string(wanted.c_str()));
      EXPECT_TRUE(gst_caps_can_intersect(caps.get(), one.get())) << templ->name_template << format;
    }
    const CapsPtr gray(gst_caps_from_string("video/x-raw,format=GRAY8"));
    EXPECT_FALSE(gst_caps_can_intersect(caps.get(), gray.get())) << templ->name_template;
  }
}

TEST_F(ClinvidColor, PropertiesHaveDefaultsAndCanBeSet) {
  const ElementPtr element(gst_element_factory_make("clinvidcolor", nullptr));
  ASSERT_TRUE(element);
  GObject* object = G_OBJECT(element.get());
  EXPECT_EQ(enum_nick(object, "matrix"), "auto");
  EXPECT_EQ(enum_nick(object, "range"), "auto");
  EXPECT_EQ(string_property(object, "gpu-device"), "<null>");
  guint64 gpu_time_ns = 1;
  g_object_get(object, "last-gpu-time-ns", &gpu_time_ns, nullptr);
  EXPECT_EQ(gpu_time_ns, 0U);

  gst_util_set_object_arg(object, "matrix", "bt709");
  gst_util_set_object_arg(object, "range", "full");
  EXPECT_EQ(enum_nick(object, "matrix"), "bt709");
  EXPECT_EQ(enum_nick(object, "range"), "full");
  gst_util_set_object_arg(object, "matrix", "bt601");
  gst_util_set_object_arg(object, "range", "limited");
  EXPECT_EQ(enum_nick(object, "matrix"), "bt601");
  EXPECT_EQ(enum_nick(object, "range"), "limited");

  for (const char* read_only : {"gpu-device", "last-gpu-time-ns"}) {
    GParamSpec* pspec = g_object_class_find_property(G_OBJECT_GET_CLASS(object), read_only);
    ASSERT_NE(pspec, nullptr) << read_only;
    EXPECT_TRUE((pspec->flags & G_PARAM_READABLE) != 0) << read_only;
    EXPECT_FALSE((pspec->flags & G_PARAM_WRITABLE) != 0) << read_only;
    EXPECT_GT(std::strlen(g_param_spec_get_blurb(pspec)), 0U) << read_only;
  }
  GParamSpec* gpu_time =
      g_object_class_find_property(G_OBJECT_GET_CLASS(object), "last-gpu-time-ns");
  EXPECT_EQ(G_PARAM_SPEC_VALUE_TYPE(gpu_time), G_TYPE_UINT64);
}

TEST_F(ClinvidColorGpu, GpuDeviceIsNamedOnceStarted) {
  const ElementPtr element(gst_element_factory_make("clinvidcolor", nullptr));
  ASSERT_TRUE(element);
  ASSERT_EQ(gst_element_set_state(element.get(), GST_STATE_PAUSED), GST_STATE_CHANGE_SUCCESS);
  const std::string device = string_property(G_OBJECT(element.get()), "gpu-device");
  EXPECT_NE(device, "<null>");
  EXPECT_FALSE(device.empty());
  // The element and this test choose among the same devices by the same rule.
  auto context = gpu::Context::shared();
  ASSERT_TRUE(context) << context.error().message();
  EXPECT_EQ(device, (*context)->info().name);
  EXPECT_EQ(gst_element_set_state(element.get(), GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
}

TEST_F(ClinvidColorGpu, BufferBeforeCapsIsNotNegotiated) {
  const HarnessPtr h(gst_harness_new("clinvidcolor"));
  const GstVideoInfo info = video_info("I420", 64, 48, Colorimetry::bt709_limited);
  EXPECT_EQ(gst_harness_push(h.get(), random_frame(info, 1).release()), GST_FLOW_NOT_NEGOTIATED);
  EXPECT_EQ(gst_harness_buffers_received(h.get()), 0U);
}

// GstBaseTransform stops a buffer before caps itself; this calls the element's own entry
// points directly, as a subclass or a future base class might, and expects a refusal too.
TEST_F(ClinvidColor, TransformWithoutNegotiatedCapsPostsAnError) {
  const ElementPtr element(gst_element_factory_make("clinvidcolor", nullptr));
  ASSERT_TRUE(element);
  const BusPtr bus(gst_bus_new());
  gst_element_set_bus(element.get(), bus.get());

  const GstVideoInfo in_info = video_info("I420", 32, 16, Colorimetry::bt709_limited);
  const GstVideoInfo out_info = video_info("RGBA", 32, 16, Colorimetry::bt709_limited);
  const BufferPtr in_buffer = random_frame(in_info, 2);
  const BufferPtr out_buffer = random_frame(out_info, 3);
  {
    MappedFrame in_frame(in_info, in_buffer.get(), GST_MAP_READ);
    MappedFrame out_frame(out_info, out_buffer.get(), GST_MAP_WRITE);
    ASSERT_TRUE(in_frame.ok() && out_frame.ok());
    GstVideoFilterClass* filter_class = GST_VIDEO_FILTER_GET_CLASS(element.get());
    ASSERT_NE(filter_class->transform_frame, nullptr);
    EXPECT_EQ(filter_class->transform_frame(GST_VIDEO_FILTER(element.get()), in_frame.get(),
                                            out_frame.get()),
              GST_FLOW_NOT_NEGOTIATED);
  }
  MessagePtr error = pop_error(bus.get());
  ASSERT_TRUE(error) << "no error message posted";
  EXPECT_EQ(GST_MESSAGE_SRC(error.get()), GST_OBJECT(element.get()));
  GError* gerror = nullptr;
  gst_message_parse_error(error.get(), &gerror, nullptr);
  EXPECT_TRUE(g_error_matches(gerror, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION))
      << gerror->message;
  g_error_free(gerror);

  GstBaseTransformClass* trans_class = GST_BASE_TRANSFORM_GET_CLASS(element.get());
  EXPECT_EQ(
      trans_class->transform(GST_BASE_TRANSFORM(element.get()), in_buffer.get(), out_buffer.get()),
      GST_FLOW_NOT_NEGOTIATED);
  EXPECT_TRUE(pop_error(bus.get()));
  gst_element_set_bus(element.get(), nullptr);
}

// Whether accept-caps must already say no. GstBaseTransform answers it from the pad
// template, so only caps outside the template fail there; the rest fail at set_caps.
enum class AcceptCaps { refused, not_checked };

// A caps event is sticky, so pushing it "succeeds" even when refused; what shows the refusal
// is the pad's current caps and the next buffer.
void expect_refused(GstHarness* h, GstCaps* caps, AcceptCaps accept, std::uint32_t seed) {
  const PadPtr sinkpad(gst_element_get_static_pad(h->element, "sink"));
  if (accept == AcceptCaps::refused) {
    EXPECT_FALSE(gst_pad_query_accept_caps(sinkpad.get(), caps));
  }
  gst_harness_push_event(h, gst_event_new_caps(caps));
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_TIME);
  gst_harness_push_event(h, gst_event_new_segment(&segment));
  const CapsPtr current(gst_pad_get_current_caps(sinkpad.get()));
  EXPECT_FALSE(current) << "element accepted caps it cannot convert";
  const GstVideoInfo info = video_info("I420", 64, 48, Colorimetry::bt709_limited);
  EXPECT_EQ(gst_harness_push(h, random_frame(info, seed).release()), GST_FLOW_NOT_NEGOTIATED);
  EXPECT_EQ(gst_harness_buffers_received(h), 0U);
}

TEST_F(ClinvidColorGpu, UnsupportedFormatIsRejectedAtNegotiation) {
  std::uint32_t seed = 10;
  for (const char* format : {"GRAY8", "NV21", "ARGB", "P010_10LE"}) {
    SCOPED_TRACE(format);
    const HarnessPtr h(gst_harness_new("clinvidcolor"));
    const std::string text =
        std::string("video/x-raw,format=") + format + ",width=64,height=48,framerate=30/1";
    const CapsPtr caps(gst_caps_from_string(text.c_str()));
    expect_refused(h.get(), caps.get(), AcceptCaps::refused, ++seed);
  }
}

TEST_F(ClinvidColorGpu, CapsChangeFormatButKeepSize) {
  const HarnessPtr h(gst_harness_new("clinvidcolor"));
  // Downstream wants RGBA 32x24: upstream may offer any of the three formats at 32x24 only.
  gst_harness_set_sink_caps_str(h.get(), "video/x-raw,format=RGBA,width=32,height=24");
  const CapsPtr upstream(gst_pad_peer_query_caps(h->srcpad, nullptr));
  ASSERT_TRUE(upstream);
  ASSERT_FALSE(gst_caps_is_empty(upstream.get()));
  for (const char* format : {"NV12", "I420", "RGBA"}) {
    const std::string text =
        std::string("video/x-raw,format=") + format + ",width=32,height=24,framerate=30/1";
    const CapsPtr one(gst_caps_from_string(text.c_str()));
    EXPECT_TRUE(gst_caps_can_intersect(upstream.get(), one.get())) << format;
  }
  const CapsPtr other_size(
      gst_caps_from_string("video/x-raw,format=I420,width=64,height=48,framerate=30/1"));
  EXPECT_FALSE(gst_caps_can_intersect(upstream.get(), other_size.get()));

  // A size change cannot be negotiated.
  const CapsPtr caps = caps_of(video_info("I420", 64, 48, Colorimetry::bt709_limited));
  expect_refused(h.get(), caps.get(), AcceptCaps::not_checked, 20);
}

TEST_F(ClinvidColorGpu, BufferSmallerThanItsCapsIsAnErrorNotACrash) {
  const HarnessPtr h(gst_harness_new("clinvidcolor"));
  const BusPtr bus(gst_bus_new());
  gst_element_set_bus(h->element, bus.get());
  const GstVideoInfo in_info = video_info("I420", 64, 48, Colorimetry::bt709_limited);
  const GstVideoInfo out_info = video_info("RGBA", 64, 48, Colorimetry::bt709_limited);
  gst_harness_set_caps(h.get(), caps_of(in_info).release(), caps_of(out_info).release());

  for (const gsize size : {gsize{0}, gsize{100}, GST_VIDEO_INFO_SIZE(&in_info) - 1}) {
    SCOPED_TRACE(size);
    GstBuffer* small = gst_buffer_new_allocate(nullptr, size, nullptr);
    if (size > 0) gst_buffer_memset(small, 0, 0x80, size);
    EXPECT_EQ(gst_harness_push(h.get(), small), GST_FLOW_ERROR);
    MessagePtr error = pop_error(bus.get());
    ASSERT_TRUE(error) << "no error message posted";
    GError* gerror = nullptr;
    gst_message_parse_error(error.get(), &gerror, nullptr);
    EXPECT_TRUE(g_error_matches(gerror, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT))
        << gerror->message;
    g_error_free(gerror);
  }
  EXPECT_EQ(gst_harness_buffers_received(h.get()), 0U);

  // The element is still usable: a whole frame converts.
  EXPECT_EQ(gst_harness_push(h.get(), random_frame(in_info, 6).release()), GST_FLOW_OK);
  EXPECT_EQ(gst_harness_buffers_received(h.get()), 1U);
  gst_element_set_bus(h->element, nullptr);
}

// Pushes caps the element must refuse in set_info, then a buffer; returns the error posted.
std::string refused_in_set_info(GstHarness* h, const GstVideoInfo& in_info,
                                const GstVideoInfo& out_info) {
  const BusPtr bus(gst_bus_new());
  gst_element_set_bus(h->element, bus.get());
  gst_harness_set_sink_caps(h, caps_of(out_info).release());
  const CapsPtr caps = caps_of(in_info);
  gst_harness_push_event(h, gst_event_new_caps(caps.get()));
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_TIME);
  gst_harness_push_event(h, gst_event_new_segment(&segment));
  EXPECT_EQ(gst_harness_push(h, random_frame(in_info, 30).release()), GST_FLOW_NOT_NEGOTIATED);
  EXPECT_EQ(gst_harness_buffers_received(h), 0U);
  MessagePtr error = pop_error(bus.get());
  gst_element_set_bus(h->element, nullptr);
  if (!error) return "<no error posted>";
  GError* gerror = nullptr;
  gst_message_parse_error(error.get(), &gerror, nullptr);
  EXPECT_TRUE(g_error_matches(gerror, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT));
  g_error_free(gerror);
  return describe(error.get());
}

TEST_F(ClinvidColorGpu, OtherMatricesAreRefusedUnlessOverridden) {
  GstVideoInfo in_info = video_info("I420", 64, 48, Colorimetry::bt709_limited);
  in_info.colorimetry.matrix = GST_VIDEO_COLOR_MATRIX_BT2020;
  in_info.colorimetry.primaries = GST_VIDEO_COLOR_PRIMARIES_BT2020;
  const GstVideoInfo out_info = video_info("RGBA", 64, 48, Colorimetry::bt709_limited);
  {
    const HarnessPtr h(gst_harness_new("clinvidcolor"));
    const std::string error = refused_in_set_info(h.get(), in_info, out_info);
    EXPECT_NE(error.find("matrix=bt709"), std::string::npos) << error;
  }
  // With the matrix given explicitly the same caps convert, as BT.709.
  const HarnessPtr h(gst_harness_new("clinvidcolor"));
  gst_util_set_object_arg(G_OBJECT(h->element), "matrix", "bt709");
  const BufferPtr input = random_frame(in_info, 31);
  const BufferPtr output =
      convert_one(h.get(), in_info, out_info, BufferPtr(gst_buffer_ref(input.get())));
  ASSERT_TRUE(output);
  MappedFrame in_frame(in_info, input.get(), GST_MAP_READ);
  MappedFrame out_frame(out_info, output.get(), GST_MAP_READ);
  ASSERT_TRUE(in_frame.ok() && out_frame.ok());
  const Frame want = reference_output(in_frame.const_view(), PixelFormat::rgba,
                                      yuv_params(Colorimetry::bt709_limited), {});
  std::string where;
  EXPECT_LE(max_abs_diff(out_frame.const_view(), want.view(), &where), 1) << where;
}

// Caps without colorimetry get GStreamer's default. GStreamer 1.22 assumes BT.709 for UHD;
// later versions assume BT.2020, which the element refuses, naming the override.
TEST_F(ClinvidColorGpu, UhdWithoutColorimetryFollowsGStreamersDefault) {
  GstVideoInfo in_info;
  GstVideoInfo out_info;
  const CapsPtr in_caps(
      gst_caps_from_string("video/x-raw,format=I420,width=3840,height=2160,framerate=30/1"));
  const CapsPtr out_caps(
      gst_caps_from_string("video/x-raw,format=RGBA,width=3840,height=2160,framerate=30/1"));
  ASSERT_TRUE(gst_video_info_from_caps(&in_info, in_caps.get()));
  ASSERT_TRUE(gst_video_info_from_caps(&out_info, out_caps.get()));
  const HarnessPtr h(gst_harness_new("clinvidcolor"));
  if (in_info.colorimetry.matrix == GST_VIDEO_COLOR_MATRIX_BT2020) {
    const std::string error = refused_in_set_info(h.get(), in_info, out_info);
    EXPECT_NE(error.find("matrix=bt709"), std::string::npos) << error;
    return;
  }
  ASSERT_EQ(in_info.colorimetry.matrix, GST_VIDEO_COLOR_MATRIX_BT709);
  const BufferPtr output =
      convert_one(h.get(), in_info, out_info, solid_frame(in_info, {235, 128, 128}));
  ASSERT_TRUE(output);
  const BufferPtr white = solid_frame(out_info, {255, 255, 255, 255});
  MappedFrame got(out_info, output.get(), GST_MAP_READ);
  MappedFrame want(out_info, white.get(), GST_MAP_READ);
  ASSERT_TRUE(got.ok() && want.ok());
  EXPECT_EQ(max_abs_diff(got.const_view(), want.const_view(), nullptr), 0);
}

TEST_F(ClinvidColorGpu, InterlacedVideoIsRefused) {
  GstVideoInfo in_info = video_info("I420", 64, 48, Colorimetry::bt601_limited);
  GstVideoInfo out_info = video_info("RGBA", 64, 48, Colorimetry::bt601_limited);
  GST_VIDEO_INFO_INTERLACE_MODE(&in_info) = GST_VIDEO_INTERLACE_MODE_INTERLEAVED;
  GST_VIDEO_INFO_INTERLACE_MODE(&out_info) = GST_VIDEO_INTERLACE_MODE_INTERLEAVED;
  const HarnessPtr h(gst_harness_new("clinvidcolor"));
  const std::string error = refused_in_set_info(h.get(), in_info, out_info);
  EXPECT_NE(error.find("nterlaced"), std::string::npos) << error;
}

struct KnownValue {
  const char* in_format;
  std::vector<std::uint8_t> in_values;  // Y, Cb, Cr or R, G, B, A
  const char* out_format;
  Colorimetry colorimetry;
  std::vector<std::uint8_t> out_values;
};

TEST_F(ClinvidColorGpu, ConvertsKnownColoursExactly) {
  const std::vector<KnownValue> cases = {
      // Limited-range white and black decode to the extremes of RGB.
      {"I420", {235, 128, 128}, "RGBA", Colorimetry::bt709_limited, {255, 255, 255, 255}},
      {"I420", {16, 128, 128}, "RGBA", Colorimetry::bt709_limited, {0, 0, 0, 255}},
      {"NV12", {235, 128, 128}, "RGBA", Colorimetry::bt601_limited, {255, 255, 255, 255}},
      {"I420", {255, 128, 128}, "RGBA", Colorimetry::bt709_full, {255, 255, 255, 255}},
      {"NV12", {128, 128, 128}, "RGBA", Colorimetry::bt601_full, {128, 128, 128, 255}},
      // Red: Y = 16 + 219 Kr, Cb = 128 - 112 Kr / (1 - Kb), Cr = 240.
      {"RGBA", {255, 0, 0, 255}, "I420", Colorimetry::bt601_limited, {81, 90, 240}},
      {"RGBA", {255, 0, 0, 255}, "NV12", Colorimetry::bt709_limited, {63, 102, 240}},
      {"RGBA", {255, 255, 255, 255}, "I420", Colorimetry::bt709_limited, {235, 128, 128}},
      {"RGBA", {0, 0, 0, 255}, "NV12", Colorimetry::bt709_full, {0, 128, 128}},
  };
  const HarnessPtr h(gst_harness_new("clinvidcolor"));
  for (const KnownValue& c : cases) {
    SCOPED_TRACE(std::string(c.in_format) + " -> " + c.out_format + " " + to_string(c.colorimetry));
    const GstVideoInfo in_info = video_info(c.in_format, 385, 289, c.colorimetry);
    const GstVideoInfo out_info = video_info(c.out_format, 385, 289, c.colorimetry);
    const BufferPtr output =
        convert_one(h.get(), in_info, out_info, solid_frame(in_info, c.in_values));
    ASSERT_TRUE(output);
    const BufferPtr expected = solid_frame(out_info, c.out_values);
    MappedFrame got(out_info, output.get(), GST_MAP_READ);
    MappedFrame want(out_info, expected.get(), GST_MAP_READ);
    ASSERT_TRUE(got.ok() && want.ok());
    std::string where;
    EXPECT_EQ(max_abs_diff(got.const_view(), want.const_view(), &where), 0) << where;
  }
}

TEST_F(ClinvidColorGpu, PropertiesOverrideCapsColorimetry) {
  // The GPU backend, whatever auto would choose here: the test also reads its GPU time.
  GstElement* element = gst_element_factory_make("clinvidcolor", nullptr);
  ASSERT_NE(element, nullptr);
  gst_util_set_object_arg(G_OBJECT(element), "backend", "gpu");
  const HarnessPtr h(gst_harness_new_with_element(element, "sink", "src"));
  gst_object_unref(element);
  gst_util_set_object_arg(G_OBJECT(h->element), "matrix", "bt709");
  gst_util_set_object_arg(G_OBJECT(h->element), "range", "full");
  // Caps say BT.601 limited; the properties say BT.709 full, and win.
  const GstVideoInfo in_info = video_info("I420", 385, 289, Colorimetry::bt601_limited);
  const GstVideoInfo out_info = video_info("RGBA", 385, 289, Colorimetry::bt601_limited);
  const BufferPtr input = random_frame(in_info, 7);
  const BufferPtr output =
      convert_one(h.get(), in_info, out_info, BufferPtr(gst_buffer_ref(input.get())));
  ASSERT_TRUE(output);
  MappedFrame in_frame(in_info, input.get(), GST_MAP_READ);
  MappedFrame out_frame(out_info, output.get(), GST_MAP_READ);
  ASSERT_TRUE(in_frame.ok() && out_frame.ok());
  const gpu::YuvParams overridden = yuv_params(Colorimetry::bt709_full);
  const gpu::YuvParams from_caps = yuv_params(Colorimetry::bt601_limited);
  std::string where;
  const Frame want = reference_output(in_frame.const_view(), PixelFormat::rgba, overridden, {});
  EXPECT_LE(max_abs_diff(out_frame.const_view(), want.view(), &where), 1) << where;
  const Frame caps_only = reference_output(in_frame.const_view(), PixelFormat::rgba, from_caps, {});
  EXPECT_GT(max_abs_diff(out_frame.const_view(), caps_only.view(), nullptr), 10);

  // Back to auto while playing: the caps colorimetry applies again from the next frame.
  gst_util_set_object_arg(G_OBJECT(h->element), "matrix", "auto");
  gst_util_set_object_arg(G_OBJECT(h->element), "range", "auto");
  const BufferPtr again(gst_harness_push_and_pull(h.get(), gst_buffer_ref(input.get())));
  ASSERT_TRUE(again);
  MappedFrame again_frame(out_info, again.get(), GST_MAP_READ);
  ASSERT_TRUE(again_frame.ok());
  EXPECT_LE(max_abs_diff(again_frame.const_view(), caps_only.view(), &where), 1) << where;

  guint64 gpu_time_ns = 0;
  g_object_get(h->element, "last-gpu-time-ns", &gpu_time_ns, nullptr);
  auto context = gpu::Context::shared();
  ASSERT_TRUE(context) << context.error().message();
  if ((*context)->info().limits.timestamp_valid_bits > 0) {
    EXPECT_GT(gpu_time_ns, 0U);
  }
}

// Runs `launch` to EOS, returning every sample of the appsink named "sink".
std::vector<SamplePtr> run_to_eos(const char* launch) {
  GError* error = nullptr;
  const ElementPtr pipeline(gst_parse_launch(launch, &error));
  if (error != nullptr) {
    ADD_FAILURE() << "gst_parse_launch: " << error->message;
    g_error_free(error);
    return {};
  }
  const ElementPtr sink(gst_bin_get_by_name(GST_BIN(pipeline.get()), "sink"));
  if (!sink) {
    ADD_FAILURE() << "no appsink named sink";
    return {};
  }
  std::vector<SamplePtr> samples;
  if (gst_element_set_state(pipeline.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    ADD_FAILURE() << "pipeline did not start";
  } else {
    while (
        SamplePtr sample{gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), 30 * GST_SECOND)}) {
      samples.push_back(std::move(sample));
    }
    EXPECT_TRUE(gst_app_sink_is_eos(GST_APP_SINK(sink.get()))) << "stopped before EOS";
  }
  const BusPtr bus(gst_element_get_bus(pipeline.get()));
  if (MessagePtr message = pop_error(bus.get())) ADD_FAILURE() << describe(message.get());
  gst_element_set_state(pipeline.get(), GST_STATE_NULL);
  return samples;
}

TEST_F(ClinvidColorGpu, VideotestsrcPipelineRunsToEosWithRealFrames) {
  const auto samples = run_to_eos(
      "videotestsrc num-buffers=30 ! clinvidcolor ! video/x-raw,format=RGBA ! "
      "appsink name=sink sync=false");
  ASSERT_EQ(samples.size(), 30U);
  GstVideoInfo info;
  ASSERT_TRUE(gst_video_info_from_caps(&info, gst_sample_get_caps(samples[0].get())));
  EXPECT_EQ(GST_VIDEO_INFO_FORMAT(&info), GST_VIDEO_FORMAT_RGBA);
  MappedFrame frame(info, gst_sample_get_buffer(samples[0].get()), GST_MAP_READ);
  ASSERT_TRUE(frame.ok());
  const ConstFrameView view = frame.const_view();
  std::set<std::tuple<int, int, int>> colours;
  bool opaque = true;
  for (std::uint32_t y = 0; y < view.height; ++y) {
    const std::uint8_t* row = view.planes[0] + y * view.strides[0];
    for (std::uint32_t x = 0; x < view.width; ++x) {
      colours.emplace(row[4 * x], row[4 * x + 1], row[4 * x + 2]);
      opaque = opaque && row[4 * x + 3] == 255;
    }
  }
  EXPECT_GE(colours.size(), 8U) << "SMPTE bars should give at least 8 distinct colours";
  EXPECT_TRUE(opaque);
}

TEST_F(ClinvidColorGpu, PipelineOutputMatchesCpuReferenceOfTheSameSource) {
  constexpr const char* kSource =
      "videotestsrc num-buffers=3 pattern=smpte ! "
      "video/x-raw,format=I420,width=385,height=289,framerate=30/1";
  const std::string plain = std::string(kSource) + " ! appsink name=sink sync=false";
  const std::string converted =
      std::string(kSource) +
      " ! clinvidcolor ! video/x-raw,format=RGBA ! appsink name=sink sync=false";
  const auto inputs = run_to_eos(plain.c_str());
  const auto outputs = run_to_eos(converted.c_str());
  ASSERT_EQ(inputs.size(), 3U);
  ASSERT_EQ(outputs.size(), 3U);
  GstVideoInfo in_info;
  GstVideoInfo out_info;
  ASSERT_TRUE(gst_video_info_from_caps(&in_info, gst_sample_get_caps(inputs[0].get())));
  ASSERT_TRUE(gst_video_info_from_caps(&out_info, gst_sample_get_caps(outputs[0].get())));
  // No colorimetry in the caps: GStreamer's default for SD is BT.601 limited.
  EXPECT_EQ(in_info.colorimetry.matrix, GST_VIDEO_COLOR_MATRIX_BT601);
  MappedFrame in_frame(in_info, gst_sample_get_buffer(inputs[0].get()), GST_MAP_READ);
  MappedFrame out_frame(out_info, gst_sample_get_buffer(outputs[0].get()), GST_MAP_READ);
  ASSERT_TRUE(in_frame.ok() && out_frame.ok());
  const Frame want = reference_output(in_frame.const_view(), PixelFormat::rgba,
                                      yuv_params(Colorimetry::bt601_limited), {});
  std::string where;
  EXPECT_LE(max_abs_diff(out_frame.const_view(), want.view(), &where), 1) << where;
}

TEST_F(ClinvidColorGpu, LaunchLinesFromTheDocumentationRun) {
  for (const char* launch :
       {"videotestsrc num-buffers=60 ! clinvidcolor ! fakesink",
        "videotestsrc num-buffers=10 ! video/x-raw,format=I420 ! clinvidcolor ! "
        "video/x-raw,format=RGBA ! fakesink",
        "videotestsrc num-buffers=10 ! video/x-raw,format=RGBA,width=17,height=9 ! clinvidcolor ! "
        "video/x-raw,format=NV12 ! fakesink"}) {
    SCOPED_TRACE(launch);
    GError* error = nullptr;
    const ElementPtr pipeline(gst_parse_launch(launch, &error));
    ASSERT_EQ(error, nullptr) << error->message;
    ASSERT_NE(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    const BusPtr bus(gst_element_get_bus(pipeline.get()));
    const MessagePtr done(gst_bus_timed_pop_filtered(
        bus.get(), 60 * GST_SECOND,
        static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR)));
    ASSERT_TRUE(done) << "timed out";
    EXPECT_EQ(GST_MESSAGE_TYPE(done.get()), GST_MESSAGE_EOS)
        << (GST_MESSAGE_TYPE(done.get()) == GST_MESSAGE_ERROR ? describe(done.get()) : "");
    gst_element_set_state(pipeline.get(), GST_STATE_NULL);
  }
}

}  // namespace
}  // namespace clinvid::test
