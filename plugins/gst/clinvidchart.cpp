// The launch lines below stay on one line so that they can be copied.
// clang-format off
/**
 * SECTION:element-clinvidchart
 * @title: clinvidchart
 *
 * Watches live video for a ColorChecker Classic 24. When the chart has held still for
 * #GstClinvidChart:stable-frames frames it posts a "clinvid-chart" element message with the
 * 24 patch means, the chart corners, the detection confidence and a calibration profile
 * fitted to them (JSON), and saves the profile to #GstClinvidChart:profile-location when set.
 * Video passes through untouched.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 -m v4l2src ! videoconvert ! clinvidchart profile-location=cam-a.json camera-id=cam-a ! videoconvert ! clinvidcolor ! autovideosink
 * ]|
 * Hold the chart in front of the camera; the message appears (-m prints it) and cam-a.json
 * is written. Point clinvidcolor's profile at it to standardise the same camera.
 */
// clang-format on
#include "clinvidchart.h"
#include "register_type.h"

#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <string>

#include "chart_watch.h"
#include "colour/profile.hpp"
#include "video_bridge.h"

GST_DEBUG_CATEGORY_STATIC(gst_clinvid_chart_debug);
#define GST_CAT_DEFAULT gst_clinvid_chart_debug

namespace {

enum {
  PROP_0,
  PROP_INTERVAL,
  PROP_STABLE_FRAMES,
  PROP_MODEL,
  PROP_REFERENCE,
  PROP_CAMERA_ID,
  PROP_PROFILE_LOCATION,
};

constexpr guint DEFAULT_PROP_INTERVAL = 5;
constexpr guint DEFAULT_PROP_STABLE_FRAMES = 10;
constexpr GstClinvidChartModel DEFAULT_PROP_MODEL = GST_CLINVID_CHART_MODEL_ROOTPOLY2;
constexpr GstClinvidChartReference DEFAULT_PROP_REFERENCE = GST_CLINVID_CHART_REFERENCE_POST2014;
constexpr const char* DEFAULT_PROP_CAMERA_ID = nullptr;
constexpr const char* DEFAULT_PROP_PROFILE_LOCATION = nullptr;

constexpr auto kReadWriteWhilePlaying = static_cast<GParamFlags>(
    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

#define CLINVID_CHART_CAPS GST_VIDEO_CAPS_MAKE("{ RGBA, BGRA, NV12, I420 }")
GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
                                                             GST_STATIC_CAPS(CLINVID_CHART_CAPS));
GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS,
                                                            GST_STATIC_CAPS(CLINVID_CHART_CAPS));

struct ChartSettings {
  guint interval = DEFAULT_PROP_INTERVAL;
  guint stable_frames = DEFAULT_PROP_STABLE_FRAMES;
  GstClinvidChartModel model = DEFAULT_PROP_MODEL;
  GstClinvidChartReference reference = DEFAULT_PROP_REFERENCE;
  std::string camera_id;
  std::string profile_location;
};

// Everything C++ the element owns; see ColorState in clinvidcolor.cpp for why a pointer.
struct ChartState {
  ChartSettings settings;  // guarded by the object lock
  // Streaming thread (and start/stop, never at the same time).
  clinvid::gst::ChartWatcher watcher;
  std::uint64_t frame = 0;
};

clinvid::colour::CalibrationOptions calibration_options(const ChartSettings& settings) {
  clinvid::colour::CalibrationOptions options;
  options.camera_id = settings.camera_id;
  options.reference = settings.reference == GST_CLINVID_CHART_REFERENCE_PRE2014
                          ? clinvid::colour::ReferenceSet::colorchecker24_before_2014
                          : clinvid::colour::ReferenceSet::colorchecker24_after_2014;
  switch (settings.model) {
    case GST_CLINVID_CHART_MODEL_LINEAR3X3:
      options.model = clinvid::colour::ModelKind::matrix;
      break;
    case GST_CLINVID_CHART_MODEL_AFFINE: options.model = clinvid::colour::ModelKind::affine; break;
    case GST_CLINVID_CHART_MODEL_ROOTPOLY2:
      options.model = clinvid::colour::ModelKind::root_polynomial;
      break;
  }
  return options;
}

void set_double_array(GstStructure* structure, const char* field, const double* values,
                      std::size_t count) {
  GValue array = G_VALUE_INIT;
  gst_value_array_init(&array, static_cast<guint>(count));
  for (std::size_t i = 0; i < count; ++i) {
    GValue value = G_VALUE_INIT;
    g_value_init(&value, G_TYPE_DOUBLE);
    g_value_set_double(&value, values[i]);
    gst_value_array_append_and_take_value(&array, &value);
  }
  gst_structure_take_value(structure, field, &array);
}

GstStructure* chart_structure(const clinvid::gst::StableChart& chart,
                              const std::optional<std::string>& saved_to) {
  const clinvid::colour::ChartDetection& d = chart.detection;
  const clinvid::colour::CalibrationProfile& p = chart.profile;
  const std::string json = clinvid::colour::profile_to_json(p).dump(2);
  GstStructure* s = gst_structure_new(
      "clinvid-chart", "frame", G_TYPE_UINT64, static_cast<guint64>(chart.frame), "confidence",
      G_TYPE_DOUBLE, d.confidence, "method", G_TYPE_STRING,
      std::string(clinvid::colour::to_string(d.method)).c_str(), "mirrored", G_TYPE_BOOLEAN,
      d.mirrored ? TRUE : FALSE, "delta-e00-mean", G_TYPE_DOUBLE, p.fit.mean, "delta-e00-max",
      G_TYPE_DOUBLE, p.fit.max, "loo-delta-e00-mean", G_TYPE_DOUBLE,
      p.leave_one_out ? p.leave_one_out->mean : -1.0, "loo-delta-e00-max", G_TYPE_DOUBLE,
      p.leave_one_out ? p.leave_one_out->max : -1.0, "profile", G_TYPE_STRING, json.c_str(),
      nullptr);
  double corners[8];
  for (std::size_t k = 0; k < 4; ++k) {
    corners[2 * k] = d.corners[k].x;
    corners[2 * k + 1] = d.corners[k].y;
  }
  set_double_array(s, "corners", corners, 8);
  double patches[3 * clinvid::colour::kPatchCount];
  for (std::size_t i = 0; i < clinvid::colour::kPatchCount; ++i) {
    for (std::size_t c = 0; c < 3; ++c) patches[3 * i + c] = d.patches[i].rgb[c] * 255.0;
  }
  set_double_array(s, "patches", patches, 3 * clinvid::colour::kPatchCount);
  if (saved_to) gst_structure_set(s, "profile-location", G_TYPE_STRING, saved_to->c_str(), nullptr);
  return s;
}

}  // namespace

struct _GstClinvidChart {
  GstVideoFilter parent;
  ChartState* state;  // owned
};

// Registered through register_type.h rather than G_DEFINE_TYPE (see there).
static gpointer gst_clinvid_chart_parent_class = nullptr;
static void gst_clinvid_chart_class_init(gpointer klass, gpointer class_data);
static void gst_clinvid_chart_init(GTypeInstance* instance, gpointer klass);

GType gst_clinvid_chart_get_type(void) {
  static const GType type =
      clinvid::gst::register_element_type<GstClinvidChart, GstClinvidChartClass>(
          GST_TYPE_VIDEO_FILTER, "GstClinvidChart", gst_clinvid_chart_class_init,
          gst_clinvid_chart_init);
  return type;
}

GST_ELEMENT_REGISTER_DEFINE(clinvidchart, "clinvidchart", GST_RANK_NONE, GST_TYPE_CLINVID_CHART)

GType gst_clinvid_chart_model_get_type(void) {
  static const GEnumValue values[] = {
      {GST_CLINVID_CHART_MODEL_LINEAR3X3, "3x3 matrix", "linear3x3"},
      {GST_CLINVID_CHART_MODEL_AFFINE, "3x4 affine matrix", "affine"},
      {GST_CLINVID_CHART_MODEL_ROOTPOLY2, "2nd-degree root-polynomial (exposure invariant)",
       "rootpoly2"},
      {0, nullptr, nullptr},
  };
  static const GType type = g_enum_register_static("GstClinvidChartModel", values);
  return type;
}

GType gst_clinvid_chart_reference_get_type(void) {
  static const GEnumValue values[] = {
      {GST_CLINVID_CHART_REFERENCE_POST2014, "ColorChecker made from November 2014", "post2014"},
      {GST_CLINVID_CHART_REFERENCE_PRE2014, "ColorChecker made before November 2014", "pre2014"},
      {0, nullptr, nullptr},
  };
  static const GType type = g_enum_register_static("GstClinvidChartReference", values);
  return type;
}

static void gst_clinvid_chart_set_property(GObject* object, guint prop_id, const GValue* value,
                                           GParamSpec* pspec) {
  GstClinvidChart* self = GST_CLINVID_CHART(object);
  ChartSettings& s = self->state->settings;
  GST_OBJECT_LOCK(self);
  switch (prop_id) {
    case PROP_INTERVAL: s.interval = g_value_get_uint(value); break;
    case PROP_STABLE_FRAMES: s.stable_frames = g_value_get_uint(value); break;
    case PROP_MODEL: s.model = static_cast<GstClinvidChartModel>(g_value_get_enum(value)); break;
    case PROP_REFERENCE:
      s.reference = static_cast<GstClinvidChartReference>(g_value_get_enum(value));
      break;
    case PROP_CAMERA_ID: {
      const gchar* text = g_value_get_string(value);
      s.camera_id = text != nullptr ? text : "";
      break;
    }
    case PROP_PROFILE_LOCATION: {
      const gchar* text = g_value_get_string(value);
      s.profile_location = text != nullptr ? text : "";
      break;
    }
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec); break;
  }
  GST_OBJECT_UNLOCK(self);
}

static void gst_clinvid_chart_get_property(GObject* object, guint prop_id, GValue* value,
                                           GParamSpec* pspec) {
  GstClinvidChart* self = GST_CLINVID_CHART(object);
  const ChartSettings& s = self->state->settings;
  GST_OBJECT_LOCK(self);
  switch (prop_id) {
    case PROP_INTERVAL: g_value_set_uint(value, s.interval); break;
    case PROP_STABLE_FRAMES: g_value_set_uint(value, s.stable_frames); break;
    case PROP_MODEL: g_value_set_enum(value, s.model); break;
    case PROP_REFERENCE: g_value_set_enum(value, s.reference); break;
    case PROP_CAMERA_ID:
      g_value_set_string(value, s.camera_id.empty() ? DEFAULT_PROP_CAMERA_ID : s.camera_id.c_str());
      break;
    case PROP_PROFILE_LOCATION:
      g_value_set_string(value, s.profile_location.empty() ? DEFAULT_PROP_PROFILE_LOCATION
                                                           : s.profile_location.c_str());
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec); break;
  }
  GST_OBJECT_UNLOCK(self);
}

static void gst_clinvid_chart_finalize(GObject* object) {
  GstClinvidChart* self = GST_CLINVID_CHART(object);
  delete self->state;
  self->state = nullptr;
  G_OBJECT_CLASS(gst_clinvid_chart_parent_class)->finalize(object);
}

static gboolean gst_clinvid_chart_start(GstBaseTransform* trans) {
  GstClinvidChart* self = GST_CLINVID_CHART(trans);
  self->state->watcher.reset();
  self->state->frame = 0;
  return TRUE;
}

// Posts the message for a stable chart, saving its profile first when asked to.
static void post_chart(GstClinvidChart* self, const clinvid::gst::StableChart& chart,
                       const std::string& location) {
  std::optional<std::string> saved_to;
  if (!location.empty()) {
    if (auto saved = clinvid::colour::save_profile(location, chart.profile); saved) {
      saved_to = location;
    } else {
      GST_ELEMENT_WARNING(self, RESOURCE, WRITE, ("Could not save the calibration profile."),
                          ("%s", saved.error().message().c_str()));
    }
  }
  GST_INFO_OBJECT(self, "stable chart at frame %" G_GUINT64_FORMAT ", fit mean dE00 %.2f",
                  static_cast<guint64>(chart.frame), chart.profile.fit.mean);
  gst_element_post_message(
      GST_ELEMENT(self),
      gst_message_new_element(GST_OBJECT(self), chart_structure(chart, saved_to)));
}

static GstFlowReturn gst_clinvid_chart_transform_frame_ip(GstVideoFilter* filter,
                                                          GstVideoFrame* frame) {
  GstClinvidChart* self = GST_CLINVID_CHART(filter);
  ChartState& state = *self->state;
  GST_OBJECT_LOCK(self);
  const ChartSettings settings = state.settings;
  GST_OBJECT_UNLOCK(self);
  const std::uint64_t number = state.frame++;
  if (settings.interval == 0 || number % settings.interval != 0) return GST_FLOW_OK;
  try {
    auto view = clinvid::gst::frame_view(*frame);
    clinvid::Result<clinvid::gpu::YuvParams> yuv = clinvid::gpu::YuvParams{};
    if (view && GST_VIDEO_INFO_IS_YUV(&frame->info)) {
      yuv = clinvid::gst::yuv_params(frame->info, std::nullopt, std::nullopt);
    }
    if (!view || !yuv) {
      const clinvid::Error& error = view ? yuv.error() : view.error();
      GST_ELEMENT_ERROR(self, STREAM, FORMAT, ("Cannot read the frame."),
                        ("%s", error.message().c_str()));
      return GST_FLOW_ERROR;
    }
    auto rgba = clinvid::gst::rgba_copy(view->as_const(), *yuv);
    if (!rgba) {
      GST_ELEMENT_ERROR(self, STREAM, FORMAT, ("Cannot read the frame."),
                        ("%s", rgba.error().message().c_str()));
      return GST_FLOW_ERROR;
    }
    auto found = state.watcher.observe(std::as_const(*rgba).view(), number, settings.stable_frames,
                                       calibration_options(settings));
    if (!found) {
      GST_ELEMENT_WARNING(self, STREAM, FAILED, ("Could not calibrate from the chart."),
                          ("%s", found.error().message().c_str()));
    } else if (*found) {
      post_chart(self, **found, settings.profile_location);
    }
    return GST_FLOW_OK;
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, LIBRARY, FAILED, ("Chart detection failed."), ("%s", e.what()));
  } catch (...) {
    GST_ELEMENT_ERROR(self, LIBRARY, FAILED, ("Chart detection failed."), ("unknown exception"));
  }
  return GST_FLOW_ERROR;
}

static void gst_clinvid_chart_class_init(gpointer klass, gpointer /*class_data*/) {
  gst_clinvid_chart_parent_class = g_type_class_peek_parent(klass);
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
  GstBaseTransformClass* trans_class = GST_BASE_TRANSFORM_CLASS(klass);
  GstVideoFilterClass* filter_class = GST_VIDEO_FILTER_CLASS(klass);

  GST_DEBUG_CATEGORY_INIT(gst_clinvid_chart_debug, "clinvidchart", 0,
                          "clinvid ColorChecker watcher");

  gobject_class->set_property = gst_clinvid_chart_set_property;
  gobject_class->get_property = gst_clinvid_chart_get_property;
  gobject_class->finalize = gst_clinvid_chart_finalize;

  g_object_class_install_property(
      gobject_class, PROP_INTERVAL,
      g_param_spec_uint("interval", "Interval (frames)",
                        "Search every Nth frame for the chart; 0 stops searching", 0, G_MAXUINT,
                        DEFAULT_PROP_INTERVAL, kReadWriteWhilePlaying));
  g_object_class_install_property(
      gobject_class, PROP_STABLE_FRAMES,
      g_param_spec_uint("stable-frames", "Stable frames",
                        "Frames the chart must hold still (corners within 2 px, patches within "
                        "1 code value) before it is reported",
                        0, G_MAXUINT, DEFAULT_PROP_STABLE_FRAMES, kReadWriteWhilePlaying));
  g_object_class_install_property(
      gobject_class, PROP_MODEL,
      g_param_spec_enum("model", "Colour model", "Model the profile fits",
                        GST_TYPE_CLINVID_CHART_MODEL, DEFAULT_PROP_MODEL, kReadWriteWhilePlaying));
  g_object_class_install_property(
      gobject_class, PROP_REFERENCE,
      g_param_spec_enum("reference", "Chart reference",
                        "Formulation of the physical chart: made from Nov 2014 or before",
                        GST_TYPE_CLINVID_CHART_REFERENCE, DEFAULT_PROP_REFERENCE,
                        kReadWriteWhilePlaying));
  g_object_class_install_property(
      gobject_class, PROP_CAMERA_ID,
      g_param_spec_string("camera-id", "Camera id", "Camera name stored in the profile",
                          DEFAULT_PROP_CAMERA_ID, kReadWriteWhilePlaying));
  g_object_class_install_property(
      gobject_class, PROP_PROFILE_LOCATION,
      g_param_spec_string("profile-location", "Profile location",
                          "Where to save the profile of a stable chart (JSON); NULL: not saved",
                          DEFAULT_PROP_PROFILE_LOCATION, kReadWriteWhilePlaying));

  gst_element_class_set_static_metadata(
      element_class, "clinvid ColorChecker watcher", "Filter/Analyzer/Video",
      "Finds a ColorChecker Classic 24 in live video and posts a calibration profile fitted "
      "to it once it holds still",
      "clinvid");
  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);

  trans_class->start = gst_clinvid_chart_start;
  trans_class->passthrough_on_same_caps = TRUE;
  trans_class->transform_ip_on_passthrough = TRUE;
  filter_class->transform_frame_ip = gst_clinvid_chart_transform_frame_ip;

  gst_type_mark_as_plugin_api(GST_TYPE_CLINVID_CHART_MODEL, static_cast<GstPluginAPIFlags>(0));
  gst_type_mark_as_plugin_api(GST_TYPE_CLINVID_CHART_REFERENCE, static_cast<GstPluginAPIFlags>(0));
}

static void gst_clinvid_chart_init(GTypeInstance* instance, gpointer /*klass*/) {
  GstClinvidChart* self = GST_CLINVID_CHART(instance);
  try {
    self->state = new ChartState();
  } catch (const std::bad_alloc&) {
    g_error("clinvidchart: out of memory");
  }
}
