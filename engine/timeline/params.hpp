// Parameter tables (STYLE rule 4), one per effect kind: the studio's controls, project-file
// validation (timeline/validate.hpp) and the tests all read these, so a range is stated once.
#pragma once

#include <span>
#include <string_view>

namespace clinvid::timeline {

enum class Animation { invalid = 0, fixed, keyframed };

struct ParamSpec {
  std::string_view id;     // the field name in project files
  std::string_view label;  // shown in the editor
  std::string_view unit;   // "px", "fraction", "" for enumerations and colours
  double min = 0;          // inclusive range (numeric parameters)
  double max = 0;
  double default_value = 0;
  Animation animation = Animation::invalid;
};

// Redactions: shape, mode, strength_px, colour, region.
[[nodiscard]] std::span<const ParamSpec> redaction_params() noexcept;
// Annotations: kind, width_px, label_size_px, colour, points.
[[nodiscard]] std::span<const ParamSpec> annotation_params() noexcept;
// Text items (titles, lower thirds, captions): size.
[[nodiscard]] std::span<const ParamSpec> text_params() noexcept;

// The entry with `id`; nullptr when the table has none.
[[nodiscard]] const ParamSpec* find_param(std::span<const ParamSpec> table, std::string_view id);

}  // namespace clinvid::timeline
