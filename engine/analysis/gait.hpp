// Gait events (heel strike, toe off per side) and the temporal parameters derived from them.
//
// Events are frame indices of one view; times are derived from the view's exact frame rate
// (DESIGN invariant 7). Suggested events use the coordinate-based method of
// Zeni, Richards & Higginson (2008), "Two simple methods for determining gait events during
// treadmill and overground walking using kinematic data", Gait & Posture 27(4):710-714:
// heel strike at each maximum of (heel x - pelvis x), toe off at each minimum of
// (toe x - pelvis x), x along the direction of progression. Zeni used the sacrum; a 2D
// sagittal marker set has the hip (greater trochanter) marker, which moves with the pelvis
// in x and is used instead.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "analysis/point.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"

namespace clinvid::analysis {

enum class Side { invalid = 0, left, right };
enum class GaitEventKind { invalid = 0, heel_strike, toe_off };
// Who placed an event: a user (authoritative) or the detector (a suggestion to confirm).
enum class EventOrigin { invalid = 0, manual, suggested };

[[nodiscard]] std::string_view to_string(Side side) noexcept;
[[nodiscard]] std::string_view to_string(GaitEventKind kind) noexcept;
[[nodiscard]] std::string_view to_string(EventOrigin origin) noexcept;
[[nodiscard]] Result<Side> parse_side(std::string_view text);
[[nodiscard]] Result<GaitEventKind> parse_gait_event_kind(std::string_view text);
[[nodiscard]] Result<EventOrigin> parse_event_origin(std::string_view text);

struct GaitEvent {
  Side side = Side::invalid;
  GaitEventKind kind = GaitEventKind::invalid;
  std::int64_t frame = 0;
  EventOrigin origin = EventOrigin::invalid;
  friend bool operator==(const GaitEvent&, const GaitEvent&) = default;
};

struct EventDetectionOptions {
  // Two events of the same kind and side closer than this are one event (the larger
  // extremum wins). A stride is ~1 s in adult walking; 0.4 s rejects wobble, keeps running.
  double min_event_interval_s = 0.4;
};

// Zeni's method for one side. Inputs are per-frame world x coordinates (m, x along the
// progression; use Calibration::to_world) of that side's heel and toe markers and of the
// pelvis/hip marker, all of the same length; NaN samples (lost tracking) never hold an event.
// Extrema on the first or last valid sample are not reported (they cannot be confirmed).
// The extremum is refined with a parabola through its neighbours and rounded to the nearest
// frame. Returns events sorted by frame, origin = suggested.
[[nodiscard]] Result<std::vector<GaitEvent>> detect_events_zeni(
    std::span<const double> heel_x_m, std::span<const double> toe_x_m,
    std::span<const double> pelvis_x_m, Side side, Rational frame_rate,
    const EventDetectionOptions& options = {});

// Per-side means; NaN where a side has too few events for the quantity.
struct SideParameters {
  int strides = 0;              // complete heel-strike-to-heel-strike cycles
  double stride_time_s = 0.0;   // heel strike to the next heel strike of the same foot
  double step_time_s = 0.0;     // heel strike of the other foot to heel strike of this foot
  double stance_percent = 0.0;  // heel strike to toe off, % of the stride
  double swing_percent = 0.0;   // toe off to the next heel strike, % of the stride
};

struct GaitParameters {
  // Steps per minute: (heel strikes of both feet - 1) over the time between the first and the
  // last heel strike, times 60. One frame of event error moves it by at most
  // cadence * frame_time / span.
  double cadence_steps_per_min = 0.0;
  SideParameters left;
  SideParameters right;
  // Both feet on the ground, % of the stride: initial (heel strike to opposite toe off) plus
  // terminal (opposite heel strike to toe off) double support, averaged over the strides of
  // the left foot (right when the left has none).
  double double_support_percent = 0.0;
  // Symmetry index of Robinson et al. (1987): 100 * (R - L) / (0.5 * (R + L)); 0 = symmetric,
  // positive when the right value is larger.
  double step_time_symmetry_percent = 0.0;
  double stance_symmetry_percent = 0.0;
};

// Needs at least three heel strikes in all (two of one foot) and consistent events: frames
// unique per side and kind, kinds and sides valid. Errc::invalid_argument otherwise, naming the
// offending event.
[[nodiscard]] Result<GaitParameters> gait_parameters(std::span<const GaitEvent> events,
                                                     Rational frame_rate);

// Heel-strike frames of one side, ascending: the cycle boundaries for cycle.hpp.
[[nodiscard]] std::vector<std::int64_t> heel_strikes(std::span<const GaitEvent> events, Side side);

}  // namespace clinvid::analysis
