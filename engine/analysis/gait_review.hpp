// Gait-specific steps on a review, shared by the CLI (`clinvid analyse`), the studio and tests:
// the walker the test camera draws, a review "marked by hand" from a walker's ground truth,
// the default joint-angle measurements from named tracks, and gait events from the tracks.
//
// Track names follow "<side>_<marker>": right_hip, right_knee, right_ankle, right_heel,
// right_toe, and the same with left_. The hip marker stands in for the pelvis (Zeni).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/gait.hpp"
#include "analysis/review.hpp"
#include "analysis/synthetic_walker.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"

namespace clinvid::analysis {

// The walker test://gait draws at a frame size and session frame rate: the default spec
// (120 steps/min: one gait cycle per second at any rate) with `frame_count` frames at
// `frame_rate` and pixels_per_metre scaled to the height (180 px/m at 360 px). Its motion
// repeats every frame_rate.num() frames (a whole number of seconds), so the scene renders frame
// n as frame n mod that period and any frame_count gives the same truth for the frames it has.
[[nodiscard]] WalkerSpec gait_scene_walker_spec(
    std::uint32_t width_px, std::uint32_t height_px, std::int64_t frame_count,
    Rational frame_rate = Rational::make(30, 1).value());

// "right_knee" for (right, knee).
[[nodiscard]] std::string track_name(Side side, WalkerMarker marker);

struct DemoReviewSpec {
  std::string recording_id;  // archive id, or "file:<name>" for a file outside the archive
  int stream_index = 0;
  Rational frame_rate;                         // the recording's (may differ from the walker's)
  std::int64_t keyframe_interval_frames = 30;  // > 0; the last frame is always a keyframe
};

// One view "side" with the walker's floor-mark calibration, keyframed (untracked) tracks for
// the near leg's five markers and the far leg's heel and toe, hip/knee/ankle measurements of
// the near side and the review's default 6 Hz filter. Errc::invalid_argument for a
// non-positive interval or frame rate.
[[nodiscard]] Result<Review> demo_review(const SyntheticWalker& walker, const DemoReviewSpec& spec);

// Hip flexion, knee flexion and ankle dorsiflexion of each side whose tracks exist in `view`
// (labels "right hip flexion" ...), for reviews that request none.
[[nodiscard]] std::vector<MeasurementRequest> default_joint_measurements(const Review& review,
                                                                         std::size_t view);

// Zeni events of each side with <side>_heel, <side>_toe and a hip track (<side>_hip, else the
// other side's) in `view`, from the low-pass filtered, calibrated tracks; sorted by frame.
// Errc::not_found when no side has the tracks.
[[nodiscard]] Result<std::vector<GaitEvent>> detect_review_events(const Review& review,
                                                                  std::size_t view);

// The review's events of `view` when it has any (marked by hand), else detect_review_events.
[[nodiscard]] Result<std::vector<GaitEvent>> review_events(const Review& review, std::size_t view);

}  // namespace clinvid::analysis
