// clinvidcolor's settings as C++ sees them, and the pure functions between them and the
// engine: property values to engine enums, caps colorimetry to YUV parameters, caps
// transformation. No element state here.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <gst/video/video.h>

#include "clinvidcolor.h"
#include "color_processor.h"
#include "colour/standardiser.hpp"
#include "core/result.hpp"
#include "gpu/yuv.hpp"

namespace clinvid::gst {

inline constexpr GstClinvidColorMatrix DEFAULT_PROP_MATRIX = GST_CLINVID_COLOR_MATRIX_AUTO;
inline constexpr GstClinvidColorRange DEFAULT_PROP_RANGE = GST_CLINVID_COLOR_RANGE_AUTO;
inline constexpr GstClinvidColorMode DEFAULT_PROP_MODE = GST_CLINVID_COLOR_MODE_AUTO;
inline constexpr GstClinvidColorBackend DEFAULT_PROP_BACKEND = GST_CLINVID_COLOR_BACKEND_AUTO;
inline constexpr GstClinvidColorCorrection DEFAULT_PROP_CORRECTION =
    GST_CLINVID_COLOR_CORRECTION_MODEL;

// clinvidcolor's property ids, in installation order.
enum ColorProperty : guint {
  PROP_0,
  PROP_MATRIX,
  PROP_RANGE,
  PROP_GPU_DEVICE,
  PROP_LAST_GPU_TIME_NS,
  PROP_PROFILE,
  PROP_MODE,
  PROP_BACKEND,
  PROP_CORRECTION,
  PROP_ACTIVE_BACKEND,
  PROP_STAGED_FRAMES,
};

inline constexpr const char* DEFAULT_PROP_GPU_DEVICE = nullptr;
inline constexpr std::uint64_t DEFAULT_PROP_LAST_GPU_TIME_NS = 0;
inline constexpr const char* DEFAULT_PROP_PROFILE = nullptr;
inline constexpr const char* DEFAULT_PROP_ACTIVE_BACKEND = "none";

// Installs every property above on clinvidcolor's class, with its documentation.
void install_color_properties(GObjectClass* gobject_class);

struct ColorSettings {
  GstClinvidColorMatrix matrix = DEFAULT_PROP_MATRIX;
  GstClinvidColorRange range = DEFAULT_PROP_RANGE;
  GstClinvidColorMode mode = DEFAULT_PROP_MODE;
  GstClinvidColorCorrection correction = DEFAULT_PROP_CORRECTION;
  GstClinvidColorBackend backend = DEFAULT_PROP_BACKEND;
  std::string profile;               // path; empty: none
  std::uint64_t profile_serial = 0;  // bumped by every set of `profile`
};

[[nodiscard]] BackendChoice backend_choice(GstClinvidColorBackend backend) noexcept;

// The engine's mode for the `mode` property; auto depends on whether a profile is loaded.
// Errc::invalid_argument for standardise/difference without a profile.
[[nodiscard]] Result<colour::StandardiseMode> standardise_mode(const ColorSettings& settings,
                                                               bool has_profile);

// Matrix and range of one YUV side: the properties' overrides, else the caps colorimetry.
[[nodiscard]] Result<gpu::YuvParams> yuv_params(const GstVideoInfo& info,
                                                const ColorSettings& settings);

// transform_caps of a converter that changes only the format: each structure of `caps` as
// given first (so that an identical format is preferred), then the same with every one of
// `formats`; non-system-memory structures are dropped; then intersected with `filter`.
[[nodiscard]] GstCaps* any_format_caps(GstCaps* caps, GstCaps* filter,
                                       std::span<const char* const> formats);

}  // namespace clinvid::gst
