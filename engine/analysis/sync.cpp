#include "analysis/sync.hpp"

#include <string>

namespace clinvid::analysis {

std::string_view to_string(SyncMethod method) noexcept {
  switch (method) {
    case SyncMethod::session_clock: return "session_clock";
    case SyncMethod::event: return "event";
    case SyncMethod::clap: return "clap";
    case SyncMethod::flash: return "flash";
    case SyncMethod::invalid: break;
  }
  return "invalid";
}

Result<SyncMethod> parse_sync_method(std::string_view text) {
  if (text == "session_clock") return SyncMethod::session_clock;
  if (text == "event") return SyncMethod::event;
  if (text == "clap") return SyncMethod::clap;
  if (text == "flash") return SyncMethod::flash;
  return fail(Errc::invalid_argument, "unknown sync method \"" + std::string(text) +
                                          "\" (session_clock, event, clap, flash)");
}

bool aligned_on_event(SyncMethod method) noexcept {
  return method == SyncMethod::event || method == SyncMethod::clap || method == SyncMethod::flash;
}

Result<ViewSync> sync_by_event(std::int64_t event_frame, Rational frame_rate,
                               std::int64_t reference_event_frame, Rational reference_frame_rate,
                               const ViewSync& reference) {
  if (event_frame < 0 || reference_event_frame < 0) {
    return fail(Errc::invalid_argument,
                "sync by event: event frames " + std::to_string(event_frame) + " and " +
                    std::to_string(reference_event_frame) + " must not be negative");
  }
  // Common time of the event, seen from the reference view.
  auto common =
      subtract(Time::frames(reference_event_frame, reference_frame_rate), reference.offset);
  if (!common) return with_context(common.error(), "sync by event");
  auto offset = subtract(Time::frames(event_frame, frame_rate), *common);
  if (!offset) return with_context(offset.error(), "sync by event");
  return ViewSync{SyncMethod::event, *offset, event_frame};
}

Result<ViewSync> sync_by_event_time(SyncMethod method, Time event, Rational frame_rate,
                                    Time reference_event, const ViewSync& reference) {
  if (!aligned_on_event(method)) {
    return fail(Errc::invalid_argument,
                "sync by event time: " + std::string(to_string(method)) + " is not an event");
  }
  if (event < Time{} || reference_event < Time{}) {
    return fail(Errc::invalid_argument, "sync by event time: events at " + event.to_string() +
                                            " and " + reference_event.to_string() +
                                            " s must not be before the first frame");
  }
  auto common = subtract(reference_event, reference.offset);
  if (!common) return with_context(common.error(), "sync by event time");
  auto offset = subtract(event, *common);
  if (!offset) return with_context(offset.error(), "sync by event time");
  auto frame = event.in(frame_rate.inverse(), Rounding::down);
  if (!frame) return with_context(frame.error(), "sync by event time");
  return ViewSync{method, *offset, *frame};
}

Result<std::optional<std::int64_t>> frame_at(Time common, const ViewSync& sync, Rational frame_rate,
                                             std::int64_t frame_count) {
  auto local = add(common, sync.offset);
  if (!local) return with_context(local.error(), "frame at time");
  auto frame = local->in(frame_rate.inverse(), Rounding::down);
  if (!frame) return with_context(frame.error(), "frame at time");
  if (*frame < 0 || *frame >= frame_count) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>{*frame};
}

Result<Time> common_time_of(std::int64_t frame, const ViewSync& sync, Rational frame_rate) {
  auto t = subtract(Time::frames(frame, frame_rate), sync.offset);
  if (!t) return with_context(t.error(), "common time of frame " + std::to_string(frame));
  return t;
}

}  // namespace clinvid::analysis
