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

// event: a marked event (a heel strike) frame; clap / flash: an event found by sync_detect.hpp,
// aligned on its exact instant (a clap is sample-accurate, finer than a frame).
enum class SyncMethod { invalid = 0, session_clock, event, clap, flash };

[[nodiscard]] std::string_view to_string(SyncMethod method) noexcept;
[[nodiscard]] Result<SyncMethod> parse_sync_method(std::string_view text);

struct ViewSync {
  SyncMethod method = SyncMethod::session_clock;
  Time offset;                    // view time = common time + offset
  std::int64_t event_frame = -1;  // the event's frame in this view (every method but the clock)
};

// Whether a view is aligned on an event (and so names its frame).
[[nodiscard]] bool aligned_on_event(SyncMethod method) noexcept;

// The offset of a view whose frame `event_frame` shows the same instant as frame
// `reference_event_frame` of the reference view. Errc::invalid_argument for negative frames;
// Errc::out_of_range if the exact arithmetic overflows.
[[nodiscard]] Result<ViewSync> sync_by_event(std::int64_t event_frame, Rational frame_rate,
                                             std::int64_t reference_event_frame,
                                             Rational reference_frame_rate,
                                             const ViewSync& reference);

// The offset of a view in which an event happens at view time `event` (frame / rate for a
// flash, sample / sample rate less the view's start for a clap) when the reference view sees it
// at `reference_event`: exact, finer than a frame. event_frame is the view's frame at `event`
// (floor). Errc::invalid_argument for a method that is not an event's or an event before the
// view's first frame; Errc::out_of_range if the arithmetic overflows.
[[nodiscard]] Result<ViewSync> sync_by_event_time(SyncMethod method, Time event,
                                                  Rational frame_rate, Time reference_event,
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
