// The enum types of clinvidcolor's properties (see clinvidcolor.h) and the helpers of
// clinvidcolor_settings.h.
#include "clinvidcolor_settings.h"

#include "video_bridge.h"

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

GType gst_clinvid_color_mode_get_type(void) {
  static const GEnumValue values[] = {
      {GST_CLINVID_COLOR_MODE_AUTO, "Standardise when a profile is set, else passthrough", "auto"},
      {GST_CLINVID_COLOR_MODE_PASSTHROUGH, "Format conversion only, colours unchanged",
       "passthrough"},
      {GST_CLINVID_COLOR_MODE_STANDARDISE, "Apply the calibration profile", "standardise"},
      {GST_CLINVID_COLOR_MODE_DIFFERENCE,
       "False colour of the correction's size (blue: none .. red: 20 dE or more)", "difference"},
      {0, nullptr, nullptr},
  };
  static const GType type = g_enum_register_static("GstClinvidColorMode", values);
  return type;
}

GType gst_clinvid_color_backend_get_type(void) {
  static const GEnumValue values[] = {
      {GST_CLINVID_COLOR_BACKEND_AUTO, "GPU, unless the Vulkan device is a CPU (lavapipe)", "auto"},
      {GST_CLINVID_COLOR_BACKEND_GPU, "Vulkan compute shaders", "gpu"},
      {GST_CLINVID_COLOR_BACKEND_CPU, "The engine's CPU path", "cpu"},
      {0, nullptr, nullptr},
  };
  static const GType type = g_enum_register_static("GstClinvidColorBackend", values);
  return type;
}

GType gst_clinvid_color_correction_get_type(void) {
  static const GEnumValue values[] = {
      {GST_CLINVID_COLOR_CORRECTION_MODEL, "The fitted model, per pixel", "model"},
      {GST_CLINVID_COLOR_CORRECTION_LUT, "The model baked into a 33^3 3D LUT", "lut"},
      {0, nullptr, nullptr},
  };
  static const GType type = g_enum_register_static("GstClinvidColorCorrection", values);
  return type;
}

namespace clinvid::gst {

namespace {
constexpr auto kReadWriteWhilePlaying = static_cast<GParamFlags>(
    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);
constexpr auto kReadWriteWhileStopped =
    static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
constexpr auto kReadOnly = static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

}  // namespace

void install_color_properties(GObjectClass* gobject_class) {
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
  g_object_class_install_property(
      gobject_class, PROP_PROFILE,
      g_param_spec_string("profile", "Calibration profile",
                          "Path of a calibration profile (JSON, from 'clinvid calibrate'); read "
                          "at start and on the next frame after a change",
                          DEFAULT_PROP_PROFILE, kReadWriteWhilePlaying));
  g_object_class_install_property(
      gobject_class, PROP_MODE,
      g_param_spec_enum("mode", "Mode",
                        "What to do with the colours; auto standardises when a profile is set "
                        "and passes them through otherwise",
                        GST_TYPE_CLINVID_COLOR_MODE, DEFAULT_PROP_MODE, kReadWriteWhilePlaying));
  g_object_class_install_property(
      gobject_class, PROP_BACKEND,
      g_param_spec_enum("backend", "Backend",
                        "Where frames are processed; auto: the GPU unless the Vulkan device is "
                        "a CPU (lavapipe). Read at start",
                        GST_TYPE_CLINVID_COLOR_BACKEND, DEFAULT_PROP_BACKEND,
                        kReadWriteWhileStopped));
  g_object_class_install_property(
      gobject_class, PROP_CORRECTION,
      g_param_spec_enum("correction", "Correction path",
                        "Apply the profile's model per pixel, or its 33^3 3D LUT",
                        GST_TYPE_CLINVID_COLOR_CORRECTION, DEFAULT_PROP_CORRECTION,
                        kReadWriteWhilePlaying));
  g_object_class_install_property(
      gobject_class, PROP_ACTIVE_BACKEND,
      g_param_spec_string("active-backend", "Active backend",
                          "The backend in use once started: gpu or cpu; none before",
                          DEFAULT_PROP_ACTIVE_BACKEND, kReadOnly));

  g_object_class_install_property(
      gobject_class, PROP_STAGED_FRAMES,
      g_param_spec_uint64("staged-frames", "Staged frames",
                          "Frames the GPU backend copied through staging memory on the CPU "
                          "since start, because the input or output buffer was not from "
                          "clinvid's host frame pools (which the element offers upstream and "
                          "uses downstream); 0 when every frame was read and written in place",
                          0, G_MAXUINT64, 0, kReadOnly));
}

namespace {
// Copies a caps structure with every supported format and without the fields that only
// describe one format family.
GstStructure* any_format_structure(const GstStructure* structure,
                                   std::span<const char* const> formats) {
  GstStructure* copy = gst_structure_copy(structure);
  gst_structure_remove_fields(copy, "format", "colorimetry", "chroma-site", nullptr);
  GValue list = G_VALUE_INIT;
  gst_value_list_init(&list, static_cast<guint>(formats.size()));
  for (const char* name : formats) {
    GValue value = G_VALUE_INIT;
    g_value_init(&value, G_TYPE_STRING);
    g_value_set_static_string(&value, name);
    gst_value_list_append_and_take_value(&list, &value);
  }
  gst_structure_take_value(copy, "format", &list);
  return copy;
}

// The properties as optional overrides for the video bridge.
std::optional<gpu::YuvMatrix> matrix_override(GstClinvidColorMatrix matrix) {
  switch (matrix) {
    case GST_CLINVID_COLOR_MATRIX_BT601: return gpu::YuvMatrix::bt601;
    case GST_CLINVID_COLOR_MATRIX_BT709: return gpu::YuvMatrix::bt709;
    case GST_CLINVID_COLOR_MATRIX_AUTO: break;
  }
  return std::nullopt;
}

std::optional<gpu::YuvRange> range_override(GstClinvidColorRange range) {
  switch (range) {
    case GST_CLINVID_COLOR_RANGE_LIMITED: return gpu::YuvRange::limited;
    case GST_CLINVID_COLOR_RANGE_FULL: return gpu::YuvRange::full;
    case GST_CLINVID_COLOR_RANGE_AUTO: break;
  }
  return std::nullopt;
}

}  // namespace

BackendChoice backend_choice(GstClinvidColorBackend backend) noexcept {
  switch (backend) {
    case GST_CLINVID_COLOR_BACKEND_GPU: return BackendChoice::gpu;
    case GST_CLINVID_COLOR_BACKEND_CPU: return BackendChoice::cpu;
    case GST_CLINVID_COLOR_BACKEND_AUTO: break;
  }
  return BackendChoice::automatic;
}

Result<colour::StandardiseMode> standardise_mode(const ColorSettings& settings, bool has_profile) {
  using colour::StandardiseMode;
  switch (settings.mode) {
    case GST_CLINVID_COLOR_MODE_AUTO:
      return has_profile ? StandardiseMode::standardise : StandardiseMode::passthrough;
    case GST_CLINVID_COLOR_MODE_PASSTHROUGH: return StandardiseMode::passthrough;
    case GST_CLINVID_COLOR_MODE_STANDARDISE:
    case GST_CLINVID_COLOR_MODE_DIFFERENCE:
      if (!has_profile) {
        return fail(Errc::invalid_argument,
                    "mode=standardise and mode=difference need a profile: set "
                    "profile=<calibration.json>, or mode=passthrough");
      }
      return settings.mode == GST_CLINVID_COLOR_MODE_STANDARDISE ? StandardiseMode::standardise
                                                                 : StandardiseMode::difference;
  }
  return fail(Errc::invalid_argument, "unknown mode");
}

Result<gpu::YuvParams> yuv_params(const GstVideoInfo& info, const ColorSettings& settings) {
  return gst::yuv_params(info, matrix_override(settings.matrix), range_override(settings.range));
}

GstCaps* any_format_caps(GstCaps* caps, GstCaps* filter, std::span<const char* const> formats) {
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
      result = gst_caps_merge_structure(
          result, any_format_structure(gst_caps_get_structure(caps, i), formats));
    }
  }
  if (filter != nullptr) {
    GstCaps* intersected = gst_caps_intersect_full(filter, result, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(result);
    result = intersected;
  }
  return result;
}

}  // namespace clinvid::gst
