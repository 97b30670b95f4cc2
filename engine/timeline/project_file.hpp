// Project files: versioned JSON, {"format": "clinvid-project", "version": 1, ...}.
//
// Loading dispatches on "version" to one loader per version; a future v2 adds its own loader
// and an upgrade from v1 (Olive/MLT's scheme), so old files keep opening. Every loaded project
// is then checked by validate_project(). Errors say where and what, by the path the file uses:
//   "$.tracks[1].items[0].speed: 5 is outside 1/10..4"
//   "$.tracks[0].items[2].in: malformed time '1.5' (expected V*N/D, e.g. 1001*1/30000)"
//
// Bytes only: encrypting the file into the archive is the caller's job (DESIGN invariant 1).
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "timeline/model.hpp"

namespace clinvid::timeline {

inline constexpr std::string_view kProjectFormat = "clinvid-project";
inline constexpr int kProjectVersion = 1;  // what save_project writes

// Errc::corrupt for malformed JSON, missing fields and wrong types; Errc::unsupported for an
// unknown format version; validate_project's codes for a well-formed but invalid project.
[[nodiscard]] Result<Project> load_project(std::string_view json_text);

// Pretty JSON (2-space indent, keys sorted, trailing newline). Deterministic: saving a loaded
// file reproduces it byte for byte.
[[nodiscard]] std::string save_project(const Project& project);

}  // namespace clinvid::timeline
