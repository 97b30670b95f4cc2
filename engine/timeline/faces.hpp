// The consent rule "anonymised-only consent needs redaction covering the face regions marked
// for that clip", as a check on the model. The consent engine decides whether the rule applies;
// this answers whether the film satisfies it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "timeline/model.hpp"

namespace clinvid::timeline {

struct UncoveredFace {
  std::string face_id;
  Time source_time;  // the instant checked (source time of the clip)
  NormRect region;   // the face region at that instant, clip-normalised
};

// Every face of the clip, at every output frame the clip is seen in (its own span plus half of
// any cross-fade beyond it) and at every face keyframe inside the clip, must lie inside the union
// of the clip's redactions at that instant (redactions are held before their first and after their
// last keyframe). Returns each failing (face, instant), empty when all are covered. not_found for
// an unknown clip id.
//
// Coverage is exact for rectangles (the face is cut into the cells the redaction edges make,
// each tested at its centre) and sampled on a 17×17 grid plus those cells for ellipses.
[[nodiscard]] Result<std::vector<UncoveredFace>> uncovered_faces(const Project& project,
                                                                 std::string_view clip_id);

}  // namespace clinvid::timeline
