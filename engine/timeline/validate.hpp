// Whole-project validation: every invariant the evaluator and the exporter rely on. Run by the
// project-file loader after parsing and by History after every command, so no edit and no file
// can produce a project that plan_frame would have to second-guess.
#pragma once

#include "core/result.hpp"
#include "timeline/model.hpp"

namespace clinvid::timeline {

// The first problem found, located by the path the project file uses for it, e.g.
// "$.tracks[1].items[0].speed: 5 is outside 1/10..4" (out_of_range) or
// "$.tracks[0].transitions[0].to: unknown clip 'c9'" (invalid_argument).
[[nodiscard]] Status validate_project(const Project& project);

}  // namespace clinvid::timeline
