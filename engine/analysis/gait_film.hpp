// A gait sequence film from one or two reviews (before/after), built through the timeline's
// undoable commands (timeline/commands.hpp) so the result is an ordinary project the editor
// opens and render::render_film renders (consent-gated, encrypted, catalogued).
//
// The film, per session (side by side when there are two, each in its own slot and track):
//  1. real time: the start of the recording, `real_time_duration` long;
//  2. slow motion: one stride of `side` (heel strike to the next heel strike of the same foot)
//     at `slow_speed` (1/4), with an angle annotation at the knee whose three points
//     (hip, knee, ankle) follow the tracks frame by frame; the renderer labels it with its
//     value (the included angle at the knee, 180 - flexion);
//  3. a freeze frame at that heel strike for `freeze_duration`, with the same angle annotation
//     and a curve panel: the knee flexion curve of the stride drawn as a freehand annotation
//     over the top-left of the picture (0..kCurvePanelMaxDeg upwards), titled by a text
//     annotation. Freehand strokes and texts are existing layer types, so the panel is drawn
//     by the same overlay code in the editor preview and the export.
// Segments start together for both sessions; a shorter slow stride waits (its slot is empty).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/gait.hpp"
#include "analysis/review.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"
#include "timeline/model.hpp"

namespace clinvid::analysis {

inline constexpr double kCurvePanelMaxDeg = 80.0;
inline constexpr render::Rgba8 kKneeAngleColour{255, 0, 255, 255};  // magenta: unlike skin
inline constexpr render::Rgba8 kCurveColour{0, 255, 255, 255};

struct GaitFilmSession {
  std::string label;               // "before", "after": shown at the top of its slot
  const Review* review = nullptr;  // tracked; not owned, must outlive the call
  std::size_t view = 0;
  std::uint32_t source_width_px = 0;  // the recording's frame size (archive catalogue)
  std::uint32_t source_height_px = 0;
};

struct GaitFilmSpec {
  std::vector<GaitFilmSession> sessions;  // one or two
  Side side = Side::right;
  std::uint32_t width_px = 1920;
  std::uint32_t height_px = 1080;
  Rational slow_speed = Rational::make(1, 4).value();
  Time real_time_duration = Time(2, Rational::make(1, 1).value());  // seconds
  Time freeze_duration = Time(2, Rational::make(1, 1).value());
  std::string title = "Gait review";
  std::string consent_reference;
};

struct GaitFilmSessionPlan {
  std::int64_t stride_first_frame = 0;  // heel strike: slow motion from here, freeze here
  std::int64_t stride_last_frame = 0;   // the next heel strike of the same foot
  double knee_flexion_at_freeze_deg = 0.0;
};

struct GaitFilm {
  timeline::Project project;
  std::vector<GaitFilmSessionPlan> sessions;
  Time slow_start;    // timeline time the slow-motion segment starts
  Time freeze_start;  // and the freeze frame
  Time end;
};

// Errc::invalid_argument for no or more than two sessions, a null review, a view out of range,
// a zero source size, a side with no <side>_hip/_knee/_ankle tracks, fewer than two heel strikes
// of the side (events marked in the review, else detected from its tracks), or a recording too
// short for the segments; the timeline's errors (an invalid project) are returned as they are.
[[nodiscard]] Result<GaitFilm> build_gait_film(const GaitFilmSpec& spec);

}  // namespace clinvid::analysis
