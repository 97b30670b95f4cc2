// The launch line below stays on one line so that it can be copied.
// clang-format off
/**
 * SECTION:element-clinvidcolor
 * @title: clinvidcolor
 *
 * Standardises a camera's colour with a calibration profile made by `clinvid calibrate`
 * (#GstClinvidColor:profile): linearise, white balance, colour model or its 3D LUT, sRGB out.
 * Converts between NV12, I420, YUY2, RGBA and BGRA on the way, with clinvid's Vulkan compute
 * shaders or the engine's CPU path (#GstClinvidColor:backend). Without a profile it only
 * converts formats, and with the same format (and matrix and range) on both sides frames pass
 * untouched, without a copy. Width, height and framerate pass through. The YUV matrix (BT.601 or
 * BT.709) and range (limited or full) come from the caps colorimetry unless the
 * #GstClinvidColor:matrix or #GstClinvidColor:range property overrides them.
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
 * Converts 60 frames of I420 test bars to RGBA.
 * |[
 * gst-launch-1.0 videotestsrc ! clinvidcolor profile=p.json ! fakesink
 * ]|
 * Standardises test bars with the profile p.json (from `clinvid calibrate chart.png -o p.json`).
 * |[
 * gst-launch-1.0 v4l2src ! videoconvert ! clinvidcolor profile=p.json mode=difference ! autovideosink
 * ]|
 * Shows how much the profile changes each part of a live picture (blue: little, red: 20 dE).
 */
// clang-format on
#include "clinvidcolor.h"
#include "register_type.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "clinvidcolor_settings.h"
#include "color_processor.h"
#include "core/frame.hpp"
#include "core/result.hpp"
#include "gpu/yuv.hpp"
#include "host_pool.h"
#include "video_bridge.h"

GST_DEBUG_CATEGORY_STATIC(gst_clinvid_color_debug);
#define GST_CAT_DEFAULT gst_clinvid_color_debug

namespace {

using namespace clinvid::gst;  // ColorSettings, DEFAULT_PROP_* and the helpers

// GstMapFlags and GstVideoFrameMapFlags are different enums; C++20 deprecates `|` across them.
constexpr GstMapFlags frame_map_flags(GstMapFlags access) {
  return static_cast<GstMapFlags>(static_cast<unsigned>(access) |
                                  static_cast<unsigned>(GST_VIDEO_FRAME_MAP_FLAG_NO_REF));
}

#define CLINVID_COLOR_CAPS GST_VIDEO_CAPS_MAKE("{ NV12, I420, YUY2, RGBA, BGRA }")
constexpr std::array<const char*, 5> kFormats = {"NV12", "I420", "YUY2", "RGBA", "BGRA"};

GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
                                                             GST_STATIC_CAPS(CLINVID_COLOR_CAPS));
GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS,
                                                            GST_STATIC_CAPS(CLINVID_COLOR_CAPS));

// Everything C++ the element owns. GObject zero-fills instances and never runs constructors,
// so the instance struct holds only a pointer to this, created in init, deleted in finalize.
struct ColorState {
  // Guarded by the object lock.
  ColorSettings settings;
  std::string gpu_device;

  std::string active_backend = DEFAULT_PROP_ACTIVE_BACKEND;

  std::atomic<std::uint64_t> last_gpu_time_ns{DEFAULT_PROP_LAST_GPU_TIME_NS};
  std::atomic<std::uint64_t> staged_frames{0};

  // Touched by start()/stop() and the streaming thread, which GstBaseTransform never runs
  // at the same time.
  ColorProcessor processor;
  std::uint64_t loaded_profile_serial = 0;
  bool profile_usable = true;  // false while the last profile set failed to load
};

// Converts one mapped frame; each YUV side is decoded or encoded with its own matrix/range.
clinvid::Status convert_frame(ColorState& state, const GstVideoFrame& in, const GstVideoFrame& out,
                              const ColorSettings& settings, std::uint64_t& gpu_time_ns) {
  auto mode = standardise_mode(settings, state.processor.has_profile());
  if (!mode) return tl::unexpected(mode.error());
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

  clinvid::colour::StandardiseSettings standardise;
  standardise.mode = *mode;
  standardise.path = settings.correction == GST_CLINVID_COLOR_CORRECTION_LUT
                         ? clinvid::colour::CorrectionPath::lut
                         : clinvid::colour::CorrectionPath::model;
  standardise.input_yuv = in_params;
  standardise.output_yuv = out_params;
  if (auto s = state.processor.process(src->as_const(), *dst, standardise); !s) return s;
  gpu_time_ns = state.processor.last_gpu_ns();
  return {};
}

void post_not_negotiated(GstClinvidColor* self) {
  GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("Frame received before caps were negotiated."),
                    ("clinvidcolor needs negotiated input and output caps before it converts"));
}

}  // namespace

struct _GstClinvidColor {
  GstVideoFilter parent;
  ColorState* state;  // owned; see ColorState
};

// Registered through register_type.h rather than G_DEFINE_TYPE (see there).
static gpointer gst_clinvid_color_parent_class = nullptr;
static void gst_clinvid_color_class_init(gpointer klass, gpointer class_data);
static void gst_clinvid_color_init(GTypeInstance* instance, gpointer klass);

GType gst_clinvid_color_get_type(void) {
  static const GType type =
      clinvid::gst::register_element_type<GstClinvidColor, GstClinvidColorClass>(
          GST_TYPE_VIDEO_FILTER, "GstClinvidColor", gst_clinvid_color_class_init,
          gst_clinvid_color_init);
  return type;
}

GST_ELEMENT_REGISTER_DEFINE(clinvidcolor, "clinvidcolor", GST_RANK_NONE, GST_TYPE_CLINVID_COLOR)

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
    case PROP_PROFILE: {
      const gchar* path = g_value_get_string(value);
      self->state->settings.profile = path != nullptr ? path : "";
      ++self->state->settings.profile_serial;
      break;
    }
    case PROP_MODE:
      self->state->settings.mode = static_cast<GstClinvidColorMode>(g_value_get_enum(value));
      break;
    case PROP_BACKEND:
      self->state->settings.backend = static_cast<GstClinvidColorBackend>(g_value_get_enum(value));
      break;
    case PROP_CORRECTION:
      self->state->settings.correction =
          static_cast<GstClinvidColorCorrection>(g_value_get_enum(value));
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
    case PROP_PROFILE:
      GST_OBJECT_LOCK(self);
      g_value_set_string(value, state.settings.profile.empty() ? DEFAULT_PROP_PROFILE
                                                               : state.settings.profile.c_str());
      GST_OBJECT_UNLOCK(self);
      break;
    case PROP_MODE:
      GST_OBJECT_LOCK(self);
      g_value_set_enum(value, state.settings.mode);
      GST_OBJECT_UNLOCK(self);
      break;
    case PROP_BACKEND:
      GST_OBJECT_LOCK(self);
      g_value_set_enum(value, state.settings.backend);
      GST_OBJECT_UNLOCK(self);
      break;
    case PROP_CORRECTION:
      GST_OBJECT_LOCK(self);
      g_value_set_enum(value, state.settings.correction);
      GST_OBJECT_UNLOCK(self);
      break;
    case PROP_ACTIVE_BACKEND:
      GST_OBJECT_LOCK(self);
      g_value_set_string(value, state.active_backend.c_str());
      GST_OBJECT_UNLOCK(self);
      break;
    case PROP_STAGED_FRAMES:
      g_value_set_uint64(value, state.staged_frames.load(std::memory_order_relaxed));
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

// Loads the profile when it was set since the last load. False while the last load failed:
// the element error is posted once, and no frame goes on uncorrected until a profile that
// loads (or none) is set.
static bool ensure_profile(GstClinvidColor* self) {
  ColorState& state = *self->state;
  GST_OBJECT_LOCK(self);
  const std::uint64_t serial = state.settings.profile_serial;
  const std::string path = state.settings.profile;
  GST_OBJECT_UNLOCK(self);
  if (serial == state.loaded_profile_serial) return state.profile_usable;
  state.loaded_profile_serial = serial;
  if (auto loaded = state.processor.load_profile(path); !loaded) {
    state.profile_usable = false;
    GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("Could not use the calibration profile."),
                      ("%s", loaded.error().message().c_str()));
    return false;
  }
  state.profile_usable = true;
  if (!path.empty()) GST_INFO_OBJECT(self, "calibration profile %s", path.c_str());
  return true;
}

static gboolean gst_clinvid_color_start(GstBaseTransform* trans) {
  GstClinvidColor* self = GST_CLINVID_COLOR(trans);
  ColorState& state = *self->state;
  try {
    GST_OBJECT_LOCK(self);
    const GstClinvidColorBackend backend = state.settings.backend;
    GST_OBJECT_UNLOCK(self);
    if (auto started = state.processor.start(backend_choice(backend)); !started) {
      GST_ELEMENT_ERROR(self, LIBRARY, INIT, ("Could not start colour processing."),
                        ("%s", started.error().message().c_str()));
      return FALSE;
    }
    state.loaded_profile_serial = 0;
    state.profile_usable = true;
    if (!ensure_profile(self)) return FALSE;
    std::string device_name = state.processor.device_name();
    const char* active = clinvid::gst::to_string(state.processor.backend());
    GST_INFO_OBJECT(self, "backend %s, Vulkan device %s (%s)", active,
                    device_name.empty() ? "none" : device_name.c_str(),
                    state.processor.device_reason().c_str());
    state.last_gpu_time_ns.store(0, std::memory_order_relaxed);
    state.staged_frames.store(0, std::memory_order_relaxed);
    GST_OBJECT_LOCK(self);
    state.gpu_device = std::move(device_name);
    state.active_backend = active;
    GST_OBJECT_UNLOCK(self);
    return TRUE;
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, LIBRARY, INIT, ("Could not start colour processing."),
                      ("%s", e.what()));
  } catch (...) {
    GST_ELEMENT_ERROR(self, LIBRARY, INIT, ("Could not start colour processing."),
                      ("unknown exception"));
  }
  return FALSE;
}

static gboolean gst_clinvid_color_stop(GstBaseTransform* trans) {
  GstClinvidColor* self = GST_CLINVID_COLOR(trans);
  ColorState& state = *self->state;
  // Releasing Vulkan objects does not throw; the device itself stays with the process.
  state.processor.stop();
  GST_OBJECT_LOCK(self);
  state.active_backend = DEFAULT_PROP_ACTIVE_BACKEND;
  GST_OBJECT_UNLOCK(self);
  return TRUE;
}

// Any supported format on the other side, same size, framerate and aspect ratio.
static GstCaps* gst_clinvid_color_transform_caps(GstBaseTransform* trans, GstPadDirection direction,
                                                 GstCaps* caps, GstCaps* filter) {
  GstCaps* result = clinvid::gst::any_format_caps(caps, filter, kFormats);
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
  if (!state.processor.started()) {
    GST_ELEMENT_ERROR(self, CORE, STATE_CHANGE, ("Colour processing is not running."),
                      ("transform_frame called before start() succeeded"));
    return GST_FLOW_ERROR;
  }
  if (!ensure_profile(self)) return GST_FLOW_ERROR;
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
      } else if (s.error().code == clinvid::Errc::invalid_argument) {
        GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("Could not standardise the frame."),
                          ("%s", s.error().message().c_str()));
      } else {
        GST_ELEMENT_ERROR(self, STREAM, FORMAT, ("Could not convert the frame."),
                          ("%s", s.error().message().c_str()));
      }
      return GST_FLOW_ERROR;
    }
    state.last_gpu_time_ns.store(gpu_time_ns, std::memory_order_relaxed);
    if (state.processor.last_staged()) {
      state.staged_frames.fetch_add(1, std::memory_order_relaxed);
    }
    return GST_FLOW_OK;
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, LIBRARY, FAILED, ("Colour processing failed."), ("%s", e.what()));
  } catch (...) {
    GST_ELEMENT_ERROR(self, LIBRARY, FAILED, ("Colour processing failed."), ("unknown exception"));
  }
  return GST_FLOW_ERROR;
}

// Whether a frame can go on untouched: nothing to correct (the engine's mode is passthrough)
// and the same format, matrix and range on both sides. Then the buffer itself is pushed, bit
// for bit and without a copy. The profile must be current (ensure_profile) before this asks.
static bool nothing_to_do(GstClinvidColor* self) {
  GstVideoFilter* filter = GST_VIDEO_FILTER(self);
  ColorState& state = *self->state;
  if (!filter->negotiated || !state.processor.started()) return false;
  ColorSettings settings;
  GST_OBJECT_LOCK(self);
  settings = state.settings;
  GST_OBJECT_UNLOCK(self);
  const auto mode = standardise_mode(settings, state.processor.has_profile());
  if (!mode || *mode != clinvid::colour::StandardiseMode::passthrough) return false;
  const GstVideoInfo& in = filter->in_info;
  const GstVideoInfo& out = filter->out_info;
  if (GST_VIDEO_INFO_FORMAT(&in) != GST_VIDEO_INFO_FORMAT(&out)) return false;
  if (!GST_VIDEO_INFO_IS_YUV(&in)) return true;
  const auto a = yuv_params(in, settings);
  const auto b = yuv_params(out, settings);
  return a && b && a->matrix == b->matrix && a->range == b->range;
}

static void gst_clinvid_color_before_transform(GstBaseTransform* trans, GstBuffer* /*buffer*/) {
  GstClinvidColor* self = GST_CLINVID_COLOR(trans);
  // A profile that fails to load leaves the frame to transform_frame, which refuses it.
  const bool passthrough =
      self->state->processor.started() && ensure_profile(self) && nothing_to_do(self);
  if (passthrough != static_cast<bool>(gst_base_transform_is_passthrough(trans))) {
    GST_DEBUG_OBJECT(self, "%s", passthrough ? "frames pass untouched" : "frames are processed");
    gst_base_transform_set_passthrough(trans, passthrough ? TRUE : FALSE);
    gst_base_transform_reconfigure_src(trans);  // allocation differs between the two
  }
}

// Upstream asks where to put its frames: on the GPU backend, in a host frame pool, so that the
// shader reads them where the camera wrote them.
static gboolean gst_clinvid_color_propose_allocation(GstBaseTransform* trans,
                                                     GstQuery* decide_query, GstQuery* query) {
  GstClinvidColor* self = GST_CLINVID_COLOR(trans);
  GstCaps* caps = nullptr;
  gboolean need_pool = FALSE;
  gst_query_parse_allocation(query, &caps, &need_pool);
  // In passthrough (decide_query null) the query is downstream's to answer.
  if (decide_query != nullptr && need_pool != FALSE) {
    guint size = 0;
    GstBufferPool* pool =
        clinvid::gst::host_frame_pool_for(self->state->processor.gpu_context(), caps, size);
    if (pool != nullptr) {
      gst_query_add_allocation_pool(query, pool, size, 0, 0);
      gst_query_add_allocation_meta(query, GST_VIDEO_META_API_TYPE, nullptr);
      gst_object_unref(pool);
      GST_DEBUG_OBJECT(self, "offered a host frame pool upstream");
      return TRUE;
    }
  }
  return GST_BASE_TRANSFORM_CLASS(gst_clinvid_color_parent_class)
      ->propose_allocation(trans, decide_query, query);
}

// Where the output goes: on the GPU backend, a host frame pool of our own, so that the shader
// writes where the encoder reads.
static gboolean gst_clinvid_color_decide_allocation(GstBaseTransform* trans, GstQuery* query) {
  GstClinvidColor* self = GST_CLINVID_COLOR(trans);
  GstCaps* caps = nullptr;
  gst_query_parse_allocation(query, &caps, nullptr);
  guint size = 0;
  if (GstBufferPool* pool =
          clinvid::gst::host_frame_pool_for(self->state->processor.gpu_context(), caps, size)) {
    if (gst_query_get_n_allocation_pools(query) > 0) {
      gst_query_set_nth_allocation_pool(query, 0, pool, size, 0, 0);
    } else {
      gst_query_add_allocation_pool(query, pool, size, 0, 0);
    }
    gst_object_unref(pool);
    GST_DEBUG_OBJECT(self, "output frames from a host frame pool");
  }
  return GST_BASE_TRANSFORM_CLASS(gst_clinvid_color_parent_class)->decide_allocation(trans, query);
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
                          "clinvid colour standardiser");

  gobject_class->set_property = gst_clinvid_color_set_property;
  gobject_class->get_property = gst_clinvid_color_get_property;
  gobject_class->finalize = gst_clinvid_color_finalize;

  install_color_properties(gobject_class);

  gst_element_class_set_static_metadata(
      element_class, "clinvid colour standardiser", "Filter/Effect/Converter/Video",
      "Standardises colour with a calibration profile and converts between NV12, I420, YUY2, "
      "RGBA and BGRA (BT.601/BT.709, limited/full range) on the GPU or the CPU",
      "clinvid");
  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);

  trans_class->start = gst_clinvid_color_start;
  trans_class->stop = gst_clinvid_color_stop;
  trans_class->transform_caps = gst_clinvid_color_transform_caps;
  trans_class->transform = gst_clinvid_color_transform;
  // Passthrough is decided per frame (before_transform), not by caps alone: with a profile,
  // identical caps still need every frame corrected. transform_ip is unset so that a frame in
  // passthrough is pushed as it came, not handed to GstVideoFilter's in-place path.
  trans_class->passthrough_on_same_caps = FALSE;
  trans_class->before_transform = gst_clinvid_color_before_transform;
  trans_class->propose_allocation = gst_clinvid_color_propose_allocation;
  trans_class->decide_allocation = gst_clinvid_color_decide_allocation;
  trans_class->transform_ip = nullptr;

  filter_class->set_info = gst_clinvid_color_set_info;
  filter_class->transform_frame = gst_clinvid_color_transform_frame;

  gst_type_mark_as_plugin_api(GST_TYPE_CLINVID_COLOR_MATRIX, static_cast<GstPluginAPIFlags>(0));
  gst_type_mark_as_plugin_api(GST_TYPE_CLINVID_COLOR_RANGE, static_cast<GstPluginAPIFlags>(0));
  gst_type_mark_as_plugin_api(GST_TYPE_CLINVID_COLOR_MODE, static_cast<GstPluginAPIFlags>(0));
  gst_type_mark_as_plugin_api(GST_TYPE_CLINVID_COLOR_BACKEND, static_cast<GstPluginAPIFlags>(0));
  gst_type_mark_as_plugin_api(GST_TYPE_CLINVID_COLOR_CORRECTION, static_cast<GstPluginAPIFlags>(0));
}

static void gst_clinvid_color_init(GTypeInstance* instance, gpointer /*klass*/) {
  GstClinvidColor* self = GST_CLINVID_COLOR(instance);
  try {
    self->state = new ColorState();
  } catch (const std::bad_alloc&) {
    g_error("clinvidcolor: out of memory");  // what g_malloc does when it fails
  }
}
