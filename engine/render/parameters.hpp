// The adjustable numeric parameters of the compositor's layers, as data (STYLE 4): the
// studio's controls (label, unit, range, default), project-file validation in engine/timeline
// and the compositor's own checks all read this one table, so they cannot disagree.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace clinvid::render {

enum class ParameterId {
  invalid = 0,
  video_opacity,
  text_size,
  text_max_width,
  text_padding,
  shape_width,
  shape_label_size,
  redaction_blur_radius,
  redaction_pixelate_block,
};

enum class Animation {
  invalid = 0,
  constant,    // one value per layer
  animatable,  // may change from frame to frame (keyframes in the timeline)
};

struct ParameterSpec {
  ParameterId id = ParameterId::invalid;
  std::string_view key;    // stable, for project files: "text.size_px"
  std::string_view label;  // for the studio: "Text size"
  std::string_view unit;   // "px", "" (a fraction)
  double min = 0;          // inclusive
  double max = 0;          // inclusive
  double default_value = 0;
  Animation animation = Animation::invalid;
};

// Every parameter, in ParameterId order.
[[nodiscard]] std::span<const ParameterSpec> parameter_table() noexcept;
[[nodiscard]] const ParameterSpec& parameter(ParameterId id) noexcept;

// Errc::invalid_argument unless `value` is finite and within the parameter's range; the
// message names `where`, the parameter, the value and the range.
[[nodiscard]] Status check_parameter(ParameterId id, double value, std::string_view where);

}  // namespace clinvid::render
