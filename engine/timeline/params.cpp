#include "timeline/params.hpp"

#include <array>

namespace clinvid::timeline {
namespace {

// Strength is in output pixels: below 2 a blur or mosaic leaves a face recognisable, and past
// 256 it stops changing anything at the sizes we export.
constexpr std::array kRedaction{
    ParamSpec{"shape", "Shape", "", 0, 0, 0, Animation::fixed},
    ParamSpec{"mode", "Mode", "", 0, 0, 0, Animation::fixed},
    ParamSpec{"strength_px", "Strength", "px", 2, 256, 24, Animation::fixed},
    ParamSpec{"colour", "Colour", "", 0, 0, 0, Animation::fixed},
    ParamSpec{"region", "Region", "fraction", 0, 1, 0, Animation::keyframed},
};

constexpr std::array kAnnotation{
    ParamSpec{"kind", "Kind", "", 0, 0, 0, Animation::fixed},
    ParamSpec{"width_px", "Line width", "px", 1, 64, 4, Animation::fixed},
    ParamSpec{"label_size_px", "Label size", "px", 8, 200, 32, Animation::fixed},
    ParamSpec{"colour", "Colour", "", 0, 0, 0, Animation::fixed},
    ParamSpec{"points", "Points", "fraction", 0, 1, 0, Animation::keyframed},
};

constexpr std::array kText{
    ParamSpec{"size", "Text size", "fraction", 0.01, 0.5, 0.06, Animation::fixed},
};

}  // namespace

std::span<const ParamSpec> redaction_params() noexcept {
  return kRedaction;
}
std::span<const ParamSpec> annotation_params() noexcept {
  return kAnnotation;
}
std::span<const ParamSpec> text_params() noexcept {
  return kText;
}

const ParamSpec* find_param(std::span<const ParamSpec> table, std::string_view id) {
  for (const auto& p : table) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

}  // namespace clinvid::timeline
