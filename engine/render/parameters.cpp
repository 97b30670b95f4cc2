#include "render/parameters.hpp"

#include <array>
#include <cmath>

#include <fmt/format.h>

namespace clinvid::render {

namespace {

using enum ParameterId;
constexpr std::array<ParameterSpec, 8> kTable{{
    {video_opacity, "video.opacity", "Opacity", "", 0, 1, 1, Animation::animatable},
    {text_size, "text.size_px", "Text size", "px", 1, 1024, 48, Animation::constant},
    {text_max_width, "text.max_width_px", "Wrap width (0: none)", "px", 0, 16384, 0,
     Animation::constant},
    {text_padding, "text.padding_px", "Background padding", "px", 0, 1024, 0, Animation::constant},
    {shape_width, "shape.width_px", "Line width", "px", 0.5, 512, 4, Animation::constant},
    {shape_label_size, "shape.label_size_px", "Label size", "px", 1, 1024, 32, Animation::constant},
    {redaction_blur_radius, "redaction.blur_radius_px", "Blur radius", "px", 1, 1024, 16,
     Animation::animatable},
    {redaction_pixelate_block, "redaction.pixelate_block_px", "Block size", "px", 2, 1024, 16,
     Animation::animatable},
}};

constexpr bool in_id_order() {
  for (std::size_t i = 0; i < kTable.size(); ++i) {
    if (static_cast<std::size_t>(kTable[i].id) != i + 1) return false;
  }
  return true;
}
static_assert(in_id_order(), "parameter_table() is indexed by ParameterId");

constexpr ParameterSpec kInvalid{};

}  // namespace

std::span<const ParameterSpec> parameter_table() noexcept {
  return kTable;
}

const ParameterSpec& parameter(ParameterId id) noexcept {
  const auto index = static_cast<std::size_t>(id);
  return index >= 1 && index <= kTable.size() ? kTable[index - 1] : kInvalid;
}

Status check_parameter(ParameterId id, double value, std::string_view where) {
  const ParameterSpec& p = parameter(id);
  if (p.id == ParameterId::invalid) {
    return fail(Errc::internal, std::string(where) + ": unknown parameter");
  }
  if (!std::isfinite(value) || value < p.min || value > p.max) {
    return fail(Errc::invalid_argument, fmt::format("{}: {} ({}) is {}{}, outside [{}, {}]", where,
                                                    p.label, p.key, value, p.unit, p.min, p.max));
  }
  return {};
}

}  // namespace clinvid::render
