// Export presets: what a finished film is encoded as. One table (STYLE rule 4): the CLI's
// --preset, the studio's export view, validation and tests all read kExportPresets.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/rational.hpp"
#include "core/result.hpp"

namespace clinvid::render {

enum class PresetRate {
  invalid = 0,
  fixed,    // ExportPreset::frame_rate
  project,  // the project's own rate (the source rate for a gait review)
};

enum class PresetSize {
  invalid = 0,
  fixed,    // width × height
  project,  // the project's canvas
};

struct ExportPreset {
  std::string_view id;  // what --preset takes
  std::string_view label;
  std::string_view use;  // one line for --help and the studio
  PresetSize size = PresetSize::invalid;
  std::uint32_t width = 0, height = 0;
  PresetRate rate = PresetRate::invalid;
  std::int64_t rate_num = 0, rate_den = 1;
  std::string_view x264_preset;
  int crf = 0;
  int keyframe_interval_s = 2;  // 1 for review films, so stepping and scrubbing stay quick
  int audio_bitrate_kbps = 0;
};

inline constexpr ExportPreset kExportPresets[] = {
    {"teaching", "Teaching film 1080p30", "finished teaching films for lectures and e-learning",
     PresetSize::fixed, 1920, 1080, PresetRate::fixed, 30, 1, "medium", 20, 2, 160},
    {"gait-review", "Gait review (source frame rate)",
     "movement sequences at the recording's own frame rate, for slow motion and stepping",
     PresetSize::fixed, 1920, 1080, PresetRate::project, 0, 1, "medium", 18, 1, 128},
    {"web", "Web 720p", "smaller files for intranet and learning platforms", PresetSize::fixed,
     1280, 720, PresetRate::fixed, 30, 1, "medium", 23, 2, 128},
    {"archive", "Archive high quality", "the master copy kept in the archive", PresetSize::project,
     0, 0, PresetRate::project, 0, 1, "slow", 14, 1, 256},
};

[[nodiscard]] std::span<const ExportPreset> export_presets() noexcept;
// Errc::not_found listing the known ids.
[[nodiscard]] Result<ExportPreset> find_preset(std::string_view id);
// The output rate of `preset` for a project at `project_rate`.
[[nodiscard]] Rational preset_rate(const ExportPreset& preset, Rational project_rate);

}  // namespace clinvid::render
