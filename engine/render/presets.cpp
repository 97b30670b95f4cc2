#include "render/presets.hpp"

#include <string>

namespace clinvid::render {

std::span<const ExportPreset> export_presets() noexcept {
  return kExportPresets;
}

Result<ExportPreset> find_preset(std::string_view id) {
  std::string known;
  for (const ExportPreset& p : kExportPresets) {
    if (p.id == id) return p;
    if (!known.empty()) known += ", ";
    known += p.id;
  }
  return fail(Errc::not_found,
              "no export preset \"" + std::string(id) + "\" (known: " + known + ")");
}

Rational preset_rate(const ExportPreset& preset, Rational project_rate) {
  if (preset.rate == PresetRate::fixed) {
    if (auto r = Rational::make(preset.rate_num, preset.rate_den)) return *r;
  }
  return project_rate;
}

}  // namespace clinvid::render
