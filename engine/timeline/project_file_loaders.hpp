// Internal to engine/timeline: one loader per project-file version. Each parses its version's
// shape into the current Project (upgrading as it goes); validation is done by the caller.
#pragma once

#include "core/json.hpp"
#include "core/result.hpp"
#include "timeline/model.hpp"

namespace clinvid::timeline::detail {

[[nodiscard]] Result<Project> load_project_v1(const Json& doc);

}  // namespace clinvid::timeline::detail
