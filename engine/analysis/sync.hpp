// Synchronising views of one review on a common time line, exactly (rational time, DESIGN
// invariant 7), whatever their frame rates.
//
// Each view has an offset: view time = common time + offset (view time of frame n is
// n / frame_rate). Views recorded in one capture session share the session clock: offset 0.
// Views from separate recordings are aligned on an event visible in each (a heel strike, a
// clap): the event's frame in each view is the same common instant, so
// offset_view = event_frame_view / rate_view - event_frame_ref / rate_ref + offset_ref.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/rational.hpp"
#include "core/result.hpp"

namespace clinvid::analysis {

enum class SyncMethod { invalid = 0, session_clock, event };

[[nodiscard]] std::string_view to_string(SyncMethod method) noexcept;
[[nodiscard]] Result<SyncMethod> parse_sync_method(std::string_view text);

struct ViewSync {
  SyncMethod method = SyncMethod::session_clock;
  Time offset;                    // view time = common time + offset
  std::int64_t event_frame = -1;  // the marked event's frame in this view (method event)
};

// The offset of a view whose frame `event_frame` shows the same instant as frame
// `reference_event_frame` of the reference view. Errc::invalid_argument for negative frames;
// Errc::out_of_range if the exact arithmetic overflows.
[[nodiscard]] Result<ViewSync> sync_by_event(std::int64_t event_frame, Rational frame_rate,
                                             std::int64_t reference_event_frame,
                                             Rational reference_frame_rate,
                                             const ViewSync& reference);

// The frame a view shows at common time `common`: the last frame that started at or before
// it, floor((common + offset) * frame_rate). nullopt before the view's first frame or after
// its last (frame_count frames).
[[nodiscard]] Result<std::optional<std::int64_t>> frame_at(Time common, const ViewSync& sync,
                                                           Rational frame_rate,
                                                           std::int64_t frame_count);

// The common time at which frame `frame` of a view starts: frame / frame_rate - offset.
[[nodiscard]] Result<Time> common_time_of(std::int64_t frame, const ViewSync& sync,
                                          Rational frame_rate);

}  // namespace clinvid::analysis
