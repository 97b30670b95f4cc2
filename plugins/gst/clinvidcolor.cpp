// The launch line below stays on one line so that it can be copied.
// clang-format off
/**
 * SECTION:element-clinvidcolor
 * @title: clinvidcolor
 *
 * Converts video between NV12, I420 and RGBA on the GPU with clinvid's Vulkan compute
 * shaders (Mesa's lavapipe where there is no GPU). Width, height and framerate pass through;
 * only the pixel format changes. The YUV matrix (BT.601 or BT.709) and range (limited or
 * full) come from the caps colorimetry unless the #GstClinvidColor:matrix or
 * #GstClinvidColor:range property overrides them.
 *
 * 4:2:0 chroma is treated as centre-sited (JPEG siting) in both directions, the convention
 * of the engine's CPU reference (engine/gpu/yuv.hpp).
 *
 * Caps without colorimetry get GStreamer's default (BT.601 limited up to 576 lines, BT.709
 * limited above). BT.2020 and other matrices are refused unless #GstClinvidColor:matrix names
 * one; newer GStreamer releases than 1.22 default to BT.2020 from 2160 lines.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=60 ! video/x-raw,format=I420 ! clinvidcolor ! video/x-raw,format=RGBA ! fakesink
 * ]|
 * Converts 60 frames of I420 test bars to RGBA with the GPU.
 */
// clang-format on
#include "clinvidcolor.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "core/frame.hpp"
#include "core/result.hpp"
#include "gpu/context.hpp"
#include "gpu/yuv.hpp"
#include "gpu/yuv_converter.hpp"
#include "video_bridge.h"

GST_DEBUG_CATEGORY_STATIC(gst_clinvid_color_debug);
#define GST_CAT_DEFAULT gst_clinvid_color_debug

namespace {

enum {
  PROP_0,
  PROP_MATRIX,
  PROP_RANGE,
  PROP_GPU_DEVICE,
  PROP_LAST_GPU_TIME_NS,
};

constexpr GstClinvidColorMatrix DEFAULT_PROP_MATRIX = GST_CLINVID_COLOR_MATRIX_AUTO;
constexpr GstClinvidColorRange DEFAULT_PROP_RANGE = GST_CLINVID_COLOR_RANGE_AUTO;
constexpr const char* DEFAULT_PROP_GPU_DEVICE = nullptr;
constexpr std::uint64_t DEFAULT_PROP_LAST_GPU_TIME_NS = 0;

constexpr auto kReadWriteWhilePlaying = static_cast<GParamFlags>(
    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
constexpr auto kReadOnly = static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

// GstMapFlags and GstVideoFrameMapFlags are different enums; C++20 deprecates `|` across them.
constexpr GstMapFlags frame_map_flags(GstMapFlags access) {
  return static_cast<GstMapFlags>(static_cast<unsigned>(access) |
                                  static_cast<unsigned>(GST_VIDEO_FRAME_MAP_FLAG_NO_REF));
}

#define CLINVID_COLOR_CAPS GST_VIDEO_CAPS_MAKE("{ NV12, I420, RGBA }")
constexpr std::array<const char*, 3> kFormats = {"NV12", "I420", "RGBA"};

GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
                                                             GST_STATIC_CAPS(CLINVID_COLOR_CAPS));
GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS,
                                                            GST_STATIC_CAPS(CLINVID_COLOR_CAPS));

struct ColorSettings {
  GstClinvidColorMatrix matrix = DEFAULT_PROP_MATRIX;
  GstClinvidColorRange range = DEFAULT_PROP_RANGE;
};

// Everything C++ the element owns. GObject zero-fills instances and never runs constructors,
// so the instance struct holds only a pointer to this, created in init, deleted in finalize.
struct ColorState {
  // Guarded by the object lock.
  ColorSettings settings;
  std::string gpu_device;

  std::atomic<std::uint64_t> last_gpu_time_ns{DEFAULT_PROP_LAST_GPU_TIME_NS};

  // Touched by start()/stop() and the streaming thread, which GstBaseTransform never runs
  // at the same time.
  std::shared_ptr<clinvid::gpu::Context> context;
  std::unique_ptr<clinvid::gpu::YuvConverter> converter;
};

// The properties as optional overrides for the video bridge.
std::optional<clinvid::gpu::YuvMatrix> matrix_override(GstClinvidColorMatrix matrix) {
  switch (matrix) {
    case GST_CLINVID_COLOR_MATRIX_BT601: return clinvid::gpu::YuvMatrix::bt601;
    case GST_CLINVID_COLOR_MATRIX_BT709: return clinvid::gpu::YuvMatrix::bt709;
    case GST_CLINVID_COLOR_MATRIX_AUTO: break;
  }
  return std::nullopt;
}

std::optional<clinvid::gpu::YuvRange> range_override(GstClinvidColorRange range) {
  switch (range) {
    case GST_CLINVID_COLOR_RANGE_LIMITED: return clinvid::gpu::YuvRange::limited;
    case GST_CLINVID_COLOR_RANGE_FULL: return clinvid::gpu::YuvRange::full;
    case GST_CLINVID_COLOR_RANGE_AUTO: break;
  }
  return std::nullopt;
}

clinvid::Result<clinvid::gpu::YuvParams> yuv_params(const GstVideoInfo& info,
                                                    const ColorSettings& settings) {
  return clinvid::gst::yuv_params(info, matrix_override(settings.matrix),
                                  range_override(settings.range));
}

// Converts one mapped frame; each YUV side is decoded or encoded with its own matrix/range.
clinvid::Status convert_frame(ColorState& state, const GstVideoFrame& in, const GstVideoFrame& out,
                              const ColorSettings& settings, std::uint64_t& gpu_time_ns) {
  auto src = clinvid::gst::frame_view(in);
  if (!src) return clinvid::with_context(src.error(), "input frame");
  auto dst = clinvid::gst::frame_view(out);
  if (!dst) return clinvid::with_context(dst.error(), "output frame");
  const bool in_yuv = clinvid::is_yuv(src->format);
  const bool out_yuv = clinvid::is_yuv(dst->format);

  clinvid::gpu::YuvParams in_params;
  clinvid::gpu::YuvParams out_params;
  if (in_yuv) {
    auto params = yuv_params(in.info, settings);
    if (!params) return clinvid::with_context(params.error(), "input");
    in_params = *params;
  }
  if (out_yuv) {
    auto params = yuv_params(out.info, settings);
    if (!params) return clinvid::with_context(params.error(), "output");
    out_params = *params;
  }

  clinvid::gpu::YuvConverter& converter = *state.converter;
  if (auto s = converter.convert(src->as_const(), *dst, in_params, out_params); !s) return s;
  gpu_time_ns = converter.last_gpu_ns();
  return {};
}

void post_not_negotiated(GstClinvidColor* self) {
  GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("Frame received before caps were negotiated."),
                    ("clinvidcolor needs negotiated input and output caps before it converts"));
}

// Copies a caps structure with every supported format and without the fields that only
// describe one format family.
GstStructure* any_format_structure(const GstStructure* structure) {
  GstStructure* copy = gst_structure_copy(structure);
  gst_structure_remove_fields(copy, "format", "colorimetry", "chroma-site", nullptr);
  GValue formats = G_VALUE_INIT;
  gst_value_list_init(&formats, static_cast<guint>(kFormats.size()));
  for (const char* name : kFormats) {
    GValue value = G_VALUE_INIT;
    g_value_init(&value, G_TYPE_STRING);
    g_value_set_static_string(&value, name);
    gst_value_list_append_and_take_value(&formats, &value);
  }
  gst_structure_take_value(copy, "format", &formats);
  return copy;
}

}  // namespace

struct _GstClinvidColor {
  GstVideoFilter parent;
  ColorState* state;  // owned; see ColorState
};

// Registered by hand rather than with G_DEFINE_TYPE, whose expansion casts function pointers
// C-style (-Wold-style-cast); these entry points already have GLib's exact signatures.
static gpointer gst_clinvid_color_parent_class = nullptr;
static void gst_clinvid_color_class_init(gpointer klass, gpointer class_data);
static void gst_clinvid_color_init(GTypeInstance* instance, gpointer klass);

GType gst_clinvid_color_get_type(void) {
  static const GType type = [] {
    GTypeInfo info{};
    info.class_size = static_cast<guint16>(sizeof(GstClinvidColorClass));
    info.class_init = gst_clinvid_color_class_init;
    info.instance_size = static_cast<guint16>(sizeof(GstClinvidColor));
    info.instance_init = gst_clinvid_color_init;
    return g_type_register_static(GST_TYPE_VIDEO_FILTER, "GstClinvidColor", &info,
                                  static_cast<GTypeFlags>(0));
  }();
  return type;
}

GST_ELEMENT_REGISTER_DEFINE(clinvidcolor, "clinvidcolor", GST_RANK_NONE, GST_TYPE_CLINVID_COLOR)

GType gst_clinvid_color_matrix_get_type(void) {
  static const GEnumValue values[] = {
      {GST_CLINVID_COLOR_MATRIX_AUTO, "From the caps colorimetry", "auto"},
      {GST_CLINVID_COLOR_MATRIX_BT601, "ITU-R BT.601", "bt601"},
      {GST_CLINVID_COLOR_MATRIX_BT709, "ITU-R BT.709", "bt709"},
      {0, nullptr, nullptr},
  };
  static const GType type = g_enum_register_static("GstClinvidColorMatrix", values);
  return type;
}

GType gst_clinvid_color_range_get_type(void) {
  static const GEnumValue values[] = {
      {GST_CLINVID_COLOR_RANGE_AUTO, "From the caps colorimetry", "auto"},
      {GST_CLINVID_COLOR_RANGE_LIMITED, "Limited (16-235 luma, 16-240 chroma)", "limited"},
      {GST_CLINVID_COLOR_RANGE_FULL, "Full (0-255)", "full"},
      {0, nullptr, nullptr},
  };
  static const GType type = g_enum_register_static("GstClinvidColorRange", values);
  return type;
}

static void gst_clinvid_color_set_property(GObject* object, guint prop_id, const GValue* value,
                                           GParamSpec* pspec) {
  GstClinvidColor* self = GST_CLINVID_COLOR(object);
  GST_OBJECT_LOCK(self);
  switch (prop_id) {
    case PROP_MATRIX:
      self->state->settings.matrix = static_cast<GstClinvidColorMatrix>(g_value_get_enum(value));
      break;
    case PROP_RANGE:
      self->state->settings.range = static_cast<GstClinvidColorRange>(g_value_get_enum(value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec); break;
  }
  GST_OBJECT_UNLOCK(self);
}

static void gst_clinvid_color_get_property(GObject* object, guint prop_id, GValue* value,
                                           GParamSpec* pspec) {
  GstClinvidColor* self = GST_CLINVID_COLOR(object);
  ColorState& state = *self->state;
  switch (prop_id) {
    case PROP_MATRIX:
      GST_OBJECT_LOCK(self);
      g_value_set_enum(value, state.settings.matrix);
      GST_OBJECT_UNLOCK(self);
      break;
    case PROP_RANGE:
      GST_OBJECT_LOCK(self);
      g_value_set_enum(value, state.settings.range);
      GST_OBJECT_UNLOCK(self);
      break;
    case PROP_GPU_DEVICE:
      GST_OBJECT_LOCK(self);
      g_value_set_string(
          value, state.gpu_device.empty() ? DEFAULT_PROP_GPU_DEVICE : state.gpu_device.c_str());
      GST_OBJECT_UNLOCK(self);
      break;
    case PROP_LAST_GPU_TIME_NS:
      g_value_set_uint64(value, state.last_gpu_time_ns.load(std::memory_order_relaxed));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec); break;
  }
}

static void gst_clinvid_color_finalize(GObject* object) {
  GstClinvidColor* self = GST_CLINVID_COLOR(object);
  delete self->state;
  self->state = nullptr;
  G_OBJECT_CLASS(gst_clinvid_color_parent_class)->finalize(object);
}

static gboolean gst_clinvid_color_start(GstBaseTransform* trans) {
  GstClinvidColor* self = GST_CLINVID_COLOR(trans);
  ColorState& state = *self->state;
  try {
    auto context = clinvid::gpu::Context::shared();
    if (!context) {
      GST_ELEMENT_ERROR(self, LIBRARY, INIT, ("Could not open the Vulkan device."),
                        ("%s", context.error().message().c_str()));
      return FALSE;
    }
    auto converter = clinvid::gpu::YuvConverter::create(*context);
    if (!converter) {
      GST_ELEMENT_ERROR(self, LIBRARY, INIT, ("Could not create the GPU colour converter."),
                        ("%s", converter.error().message().c_str()));
      return FALSE;
    }
    std::string device_name = (*context)->info().name;
    GST_INFO_OBJECT(self, "Vulkan device %s (%s)", device_name.c_str(),
                    (*context)->choice().reason.c_str());
    state.context = std::move(*context);
    state.converter = std::move(*converter);
    state.last_gpu_time_ns.store(0, std::memory_order_relaxed);
    GST_OBJECT_LOCK(self);
    state.gpu_device = std::move(device_name);
    GST_OBJECT_UNLOCK(self);
    return TRUE;
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, LIBRARY, INIT, ("Could not start the GPU colour converter."),
                      ("%s", e.what()));
  } catch (...) {
    GST_ELEMENT_ERROR(self, LIBRARY, INIT, ("Could not start the GPU colour converter."),
                      ("unknown exception"));
  }
  return FALSE;
}

static gboolean gst_clinvid_color_stop(GstBaseTransform* trans) {
  GstClinvidColor* self = GST_CLINVID_COLOR(trans);
  ColorState& state = *self->state;
  // Releasing Vulkan objects does not throw; the device itself stays with the process.
  state.converter.reset();
  state.context.reset();
  return TRUE;
}

// Any supported format on the other side, same size, framerate and aspect ratio. The caps
// as given come first so that, when the peer accepts it, the format (and colorimetry) is
// kept.
static GstCaps* gst_clinvid_color_transform_caps(GstBaseTransform* trans, GstPadDirection direction,
                                                 GstCaps* caps, GstCaps* filter) {
  GstCaps* result = nullptr;
  if (gst_caps_is_any(caps)) {
    result = gst_caps_new_any();
  } else {
    result = gst_caps_new_empty();
    const guint n = gst_caps_get_size(caps);
    for (guint i = 0; i < n; ++i) {
      const GstCapsFeatures* features = gst_caps_get_features(caps, i);
      if (features != nullptr &&
          !gst_caps_features_is_equal(features, GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY)) {
        continue;  // frames in other memory (GL, DMA-BUF, NVMM) are not ours to map
      }
      result =
          gst_caps_merge_structure(result, gst_structure_copy(gst_caps_get_structure(caps, i)));
    }
    for (guint i = 0; i < n; ++i) {
      const GstCapsFeatures* features = gst_caps_get_features(caps, i);
      if (features != nullptr &&
          !gst_caps_features_is_equal(features, GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY)) {
        continue;
      }
      result =
          gst_caps_merge_structure(result, any_format_structure(gst_caps_get_structure(caps, i)));
    }
  }
  if (filter != nullptr) {
    GstCaps* intersected = gst_caps_intersect_full(filter, result, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(result);
    result = intersected;
  }
  GST_DEBUG_OBJECT(trans, "%s %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT,
                   direction == GST_PAD_SINK ? "sink" : "src", static_cast<void*>(caps),
                   static_cast<void*>(result));
  return result;
}

static gboolean gst_clinvid_color_set_info(GstVideoFilter* filter, GstCaps* /*incaps*/,
                                           GstVideoInfo* in_info, GstCaps* /*outcaps*/,
                                           GstVideoInfo* out_info) {
  GstClinvidColor* self = GST_CLINVID_COLOR(filter);
  if (clinvid::gst::pixel_format(GST_VIDEO_INFO_FORMAT(in_info)) == clinvid::PixelFormat::invalid ||
      clinvid::gst::pixel_format(GST_VIDEO_INFO_FORMAT(out_info)) ==
          clinvid::PixelFormat::invalid) {
    GST_WARNING_OBJECT(self, "unsupported format %s -> %s", GST_VIDEO_INFO_NAME(in_info),
                       GST_VIDEO_INFO_NAME(out_info));
    return FALSE;
  }
  if (GST_VIDEO_INFO_WIDTH(in_info) != GST_VIDEO_INFO_WIDTH(out_info) ||
      GST_VIDEO_INFO_HEIGHT(in_info) != GST_VIDEO_INFO_HEIGHT(out_info)) {
    GST_WARNING_OBJECT(self, "size changes %dx%d -> %dx%d; clinvidcolor does not scale",
                       GST_VIDEO_INFO_WIDTH(in_info), GST_VIDEO_INFO_HEIGHT(in_info),
                       GST_VIDEO_INFO_WIDTH(out_info), GST_VIDEO_INFO_HEIGHT(out_info));
    return FALSE;
  }
  if (GST_VIDEO_INFO_IS_INTERLACED(in_info)) {
    GST_ELEMENT_ERROR(self, STREAM, FORMAT, ("Interlaced video is not supported."),
                      ("4:2:0 chroma of interlaced frames would mix the two fields"));
    return FALSE;
  }
  ColorSettings settings;
  GST_OBJECT_LOCK(self);
  settings = self->state->settings;
  GST_OBJECT_UNLOCK(self);
  for (const GstVideoInfo* info : {in_info, out_info}) {
    if (!GST_VIDEO_INFO_IS_YUV(info)) continue;
    if (auto params = yuv_params(*info, settings); !params) {
      GST_ELEMENT_ERROR(self, STREAM, FORMAT, ("Unsupported colorimetry."),
                        ("%s", params.error().message().c_str()));
      return FALSE;
    }
  }
  GST_DEBUG_OBJECT(self, "%s %dx%d -> %s", GST_VIDEO_INFO_NAME(in_info),
                   GST_VIDEO_INFO_WIDTH(in_info), GST_VIDEO_INFO_HEIGHT(in_info),
                   GST_VIDEO_INFO_NAME(out_info));
  return TRUE;
}

static GstFlowReturn gst_clinvid_color_transform_frame(GstVideoFilter* filter,
                                                       GstVideoFrame* in_frame,
                                                       GstVideoFrame* out_frame) {
  GstClinvidColor* self = GST_CLINVID_COLOR(filter);
  if (!filter->negotiated || in_frame == nullptr || out_frame == nullptr ||
      GST_VIDEO_FRAME_FORMAT(in_frame) != GST_VIDEO_INFO_FORMAT(&filter->in_info) ||
      GST_VIDEO_FRAME_FORMAT(out_frame) != GST_VIDEO_INFO_FORMAT(&filter->out_info)) {
    post_not_negotiated(self);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  ColorState& state = *self->state;
  if (!state.converter) {
    GST_ELEMENT_ERROR(self, CORE, STATE_CHANGE, ("The GPU colour converter is not running."),
                      ("transform_frame called before start() succeeded"));
    return GST_FLOW_ERROR;
  }
  ColorSettings settings;
  GST_OBJECT_LOCK(self);
  settings = state.settings;
  GST_OBJECT_UNLOCK(self);
  try {
    std::uint64_t gpu_time_ns = 0;
    if (auto s = convert_frame(state, *in_frame, *out_frame, settings, gpu_time_ns); !s) {
      if (s.error().code == clinvid::Errc::gpu) {
        GST_ELEMENT_ERROR(self, LIBRARY, FAILED, ("GPU colour conversion failed."),
                          ("%s", s.error().message().c_str()));
      } else {
        GST_ELEMENT_ERROR(self, STREAM, FORMAT, ("Could not convert the frame."),
                          ("%s", s.error().message().c_str()));
      }
      return GST_FLOW_ERROR;
    }
    state.last_gpu_time_ns.store(gpu_time_ns, std::memory_order_relaxed);
    return GST_FLOW_OK;
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, LIBRARY, FAILED, ("GPU colour conversion failed."), ("%s", e.what()));
  } catch (...) {
    GST_ELEMENT_ERROR(self, LIBRARY, FAILED, ("GPU colour conversion failed."),
                      ("unknown exception"));
  }
  return GST_FLOW_ERROR;
}

// Replaces GstVideoFilter's transform, which posts only a warning and pushes the
// uninitialised output buffer when a frame cannot be mapped (a buffer smaller than its caps).
static GstFlowReturn gst_clinvid_color_transform(GstBaseTransform* trans, GstBuffer* inbuf,
                                                 GstBuffer* outbuf) {
  GstClinvidColor* self = GST_CLINVID_COLOR(trans);
  GstVideoFilter* filter = GST_VIDEO_FILTER(trans);
  if (!filter->negotiated) {
    post_not_negotiated(self);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  GstVideoFrame in_frame;
  GstVideoFrame out_frame;
  if (!gst_video_frame_map(&in_frame, &filter->in_info, inbuf, frame_map_flags(GST_MAP_READ))) {
    GST_ELEMENT_ERROR(
        self, STREAM, FORMAT, ("Input buffer does not hold a whole video frame."),
        ("buffer of %" G_GSIZE_FORMAT " bytes; %s %dx%d needs %" G_GSIZE_FORMAT,
         gst_buffer_get_size(inbuf), GST_VIDEO_INFO_NAME(&filter->in_info),
         GST_VIDEO_INFO_WIDTH(&filter->in_info), GST_VIDEO_INFO_HEIGHT(&filter->in_info),
         GST_VIDEO_INFO_SIZE(&filter->in_info)));
    return GST_FLOW_ERROR;
  }
  if (!gst_video_frame_map(&out_frame, &filter->out_info, outbuf, frame_map_flags(GST_MAP_WRITE))) {
    gst_video_frame_unmap(&in_frame);
    GST_ELEMENT_ERROR(self, STREAM, FORMAT, ("Output buffer does not hold a whole video frame."),
                      ("buffer of %" G_GSIZE_FORMAT " bytes; caps need %" G_GSIZE_FORMAT,
                       gst_buffer_get_size(outbuf), GST_VIDEO_INFO_SIZE(&filter->out_info)));
    return GST_FLOW_ERROR;
  }
  const GstFlowReturn ret = gst_clinvid_color_transform_frame(filter, &in_frame, &out_frame);
  gst_video_frame_unmap(&out_frame);
  gst_video_frame_unmap(&in_frame);
  return ret;
}

static void gst_clinvid_color_class_init(gpointer klass, gpointer /*class_data*/) {
  gst_clinvid_color_parent_class = g_type_class_peek_parent(klass);
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
  GstBaseTransformClass* trans_class = GST_BASE_TRANSFORM_CLASS(klass);
  GstVideoFilterClass* filter_class = GST_VIDEO_FILTER_CLASS(klass);

  GST_DEBUG_CATEGORY_INIT(gst_clinvid_color_debug, "clinvidcolor", 0,
                          "clinvid Vulkan colour converter");

  gobject_class->set_property = gst_clinvid_color_set_property;
  gobject_class->get_property = gst_clinvid_color_get_property;
  gobject_class->finalize = gst_clinvid_color_finalize;

  g_object_class_install_property(
      gobject_class, PROP_MATRIX,
      g_param_spec_enum("matrix", "YUV matrix",
                        "YUV matrix of the YUV side(s); auto takes it from the caps colorimetry "
                        "(BT.601 or BT.709)",
                        GST_TYPE_CLINVID_COLOR_MATRIX, DEFAULT_PROP_MATRIX,
                        kReadWriteWhilePlaying));
  g_object_class_install_property(
      gobject_class, PROP_RANGE,
      g_param_spec_enum("range", "YUV range",
                        "Quantisation range of the YUV side(s); auto takes it from the caps "
                        "colorimetry",
                        GST_TYPE_CLINVID_COLOR_RANGE, DEFAULT_PROP_RANGE, kReadWriteWhilePlaying));
  g_object_class_install_property(
      gobject_class, PROP_GPU_DEVICE,
      g_param_spec_string("gpu-device", "GPU device",
                          "Name of the Vulkan device that runs the shaders; NULL until the "
                          "element has started (READY to PAUSED)",
                          DEFAULT_PROP_GPU_DEVICE, kReadOnly));
  g_object_class_install_property(
      gobject_class, PROP_LAST_GPU_TIME_NS,
      g_param_spec_uint64("last-gpu-time-ns", "Last GPU time (ns)",
                          "Device time the last frame's compute dispatches took, in "
                          "nanoseconds; 0 before the first frame or without GPU timestamps",
                          0, G_MAXUINT64, DEFAULT_PROP_LAST_GPU_TIME_NS, kReadOnly));

  gst_element_class_set_static_metadata(
      element_class, "clinvid colour converter", "Filter/Effect/Converter/Video",
      "Converts between NV12, I420 and RGBA with Vulkan compute shaders (BT.601/BT.709, "
      "limited/full range)",
      "clinvid");
  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);

  trans_class->start = gst_clinvid_color_start;
  trans_class->stop = gst_clinvid_color_stop;
  trans_class->transform_caps = gst_clinvid_color_transform_caps;
  trans_class->transform = gst_clinvid_color_transform;
  trans_class->passthrough_on_same_caps = FALSE;  // every frame goes through the shader

  filter_class->set_info = gst_clinvid_color_set_info;
  filter_class->transform_frame = gst_clinvid_color_transform_frame;

  gst_type_mark_as_plugin_api(GST_TYPE_CLINVID_COLOR_MATRIX, static_cast<GstPluginAPIFlags>(0));
  gst_type_mark_as_plugin_api(GST_TYPE_CLINVID_COLOR_RANGE, static_cast<GstPluginAPIFlags>(0));
}

static void gst_clinvid_color_init(GTypeInstance* instance, gpointer /*klass*/) {
  GstClinvidColor* self = GST_CLINVID_COLOR(instance);
  try {
    self->state = new ColorState();
  } catch (const std::bad_alloc&) {
    g_error("clinvidcolor: out of memory");  // what g_malloc does when it fails
  }
}
