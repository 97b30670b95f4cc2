// Internal to engine/timeline: lookups and tidy-ups shared by the command implementations.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "timeline/model.hpp"

namespace clinvid::timeline::detail {

[[nodiscard]] Result<Track*> track_or_fail(Project& p, std::string_view track_id);
[[nodiscard]] Result<ClipRef> clip_or_fail(Project& p, std::string_view clip_id);
// Sorts clips and texts by start (stable, so equal starts keep insertion order).
void sort_track(Track& track);
// Removes transitions whose clips are gone or no longer abut.
void drop_broken_transitions(Track& track);
// Removes the item with `id` wherever it is; false when there is none.
[[nodiscard]] bool erase_by_id(Project& p, std::string_view id);

}  // namespace clinvid::timeline::detail
