// Evaluation: the contract between the edit model and whoever draws it (the exporter, frame by
// frame, and the studio's preview). A frame of the project becomes a render::Composition (what
// to draw, in output pixels) plus the list of source frames it needs; the caller decodes those
// and runs a Compositor. Pure functions of the Project: no I/O, no GPU, safe on any thread
// given a Project it alone reads.
//
// Semantics:
//   - output frame n is shown at t = n / frame_rate;
//   - a clip shows source time in + (t − start) × speed (exact), or freeze_at when set; rounding
//     to a decoded frame is the decoder's (the frame displayed at that instant);
//   - a cross-fade draws both clips over [cut − d/2, cut + d/2), the incoming one above with
//     opacity rising linearly from 0 to 1; a dip to black draws a black FillLayer over the clip's
//     rectangle whose alpha rises to 1 at the cut and falls back to 0;
//   - layers, bottom to top: video tracks in track order, each clip followed by its redactions
//     (and a dip's fill); then every clip's annotations; then overlay-track text; then captions
//     (bottom centre, semi-transparent box, wrapped to 80 % of the width);
//   - a position with no item shows the background only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/rational.hpp"
#include "core/result.hpp"
#include "render/composition.hpp"
#include "timeline/model.hpp"

namespace clinvid::timeline {

struct SourceRequest {
  std::string recording_id;
  int stream = 0;
  Time source_time;
  friend bool operator==(const SourceRequest&, const SourceRequest&) = default;
};

struct FramePlan {
  render::Composition composition;
  std::vector<SourceRequest> inputs;  // VideoLayer::input indexes this; equal requests shared
};

// invalid_argument for a negative frame index or a clip placed in a slot its layout lacks;
// out_of_range when rational arithmetic overflows.
[[nodiscard]] Result<FramePlan> plan_frame(const Project& project, std::int64_t frame_index);
[[nodiscard]] Time frame_time(const Project& project, std::int64_t frame_index);
// Output frames needed to show every item: ceil(end of the last item × frame rate).
[[nodiscard]] std::int64_t frame_count(const Project& project);

struct AudioSegment {
  std::string recording_id;
  int stream = 0;
  Time source_in;
  Time timeline_start;
  Time duration;  // on the timeline: (out − in) / speed
  Rational speed;
  double gain_db = 0;
};
// The audio tracks' clips, in track then time order.
[[nodiscard]] std::vector<AudioSegment> plan_audio(const Project& project);

// The angle at `vertex` between the rays to a and c, in degrees (0..180), measured in the
// source's pixels (clip-normalised points scaled by its size), so a 16:9 frame is not skewed.
[[nodiscard]] double angle_degrees(NormPoint a, NormPoint vertex, NormPoint c,
                                   std::uint32_t width_px, std::uint32_t height_px);
// "37.2°": one decimal.
[[nodiscard]] std::string angle_label(double degrees);

}  // namespace clinvid::timeline
