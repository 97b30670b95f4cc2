// Point tracks: a named point with keyframes placed by a user, and automatic tracking between
// them with pyramidal Lucas-Kanade optical flow (OpenCV calcOpticalFlowPyrLK on the luma
// plane).
//
// Between two keyframes the point is tracked forwards from the earlier one and backwards from
// the later one, and the two estimates are blended linearly by position in the gap
// (weight of the forward estimate 1 at the earlier keyframe, 0 at the later one). The result
// meets both keyframes exactly, and the drift of each direction, which grows with distance
// from its start, is weighted down where it is largest. Each frame step is checked forwards and
// backwards (Kalal et al. 2010): flow that does not return to its start within
// `max_round_trip_px` has slipped and ends that direction's estimate. Before the first keyframe
// only the backward estimate exists, after the last only the forward one. When one direction loses
// the point (the flow fails or its residual is too large) the other is used alone; when both
// do, or they disagree by more than `max_disagreement_px`, the frame is `lost` and has no
// position: the user adds a keyframe there.
//
// A user correction is a new keyframe; only the frames between its neighbouring keyframes
// are tracked again.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/filter.hpp"
#include "analysis/point.hpp"
#include "core/result.hpp"

namespace clinvid::analysis {

enum class TrackStatus {
  invalid = 0,  // not tracked yet
  keyframe,     // placed by a user
  tracked,      // estimated by optical flow
  lost,         // no reliable estimate; position is kNoPoint
};

[[nodiscard]] std::string_view to_string(TrackStatus status) noexcept;
[[nodiscard]] Result<TrackStatus> parse_track_status(std::string_view text);

struct TrackSample {
  Point2 position_px = kNoPoint;
  TrackStatus status = TrackStatus::invalid;
};

class Track {
 public:
  Track() = default;
  Track(std::string name, std::int64_t frame_count);

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] std::int64_t frame_count() const noexcept {
    return static_cast<std::int64_t>(samples_.size());
  }
  [[nodiscard]] const std::map<std::int64_t, Point2>& keyframes() const noexcept {
    return keyframes_;
  }
  [[nodiscard]] std::span<const TrackSample> samples() const noexcept { return samples_; }
  // Per-frame positions, kNoPoint where lost or not tracked.
  [[nodiscard]] std::vector<Point2> positions_px() const;

  // Sets a keyframe without tracking (use correct() to re-track its neighbourhood).
  // Errc::out_of_range outside the track's frames, Errc::invalid_argument for a non-finite
  // position.
  [[nodiscard]] Status set_keyframe(std::int64_t frame, Point2 position_px);
  // Errc::not_found when `frame` is not a keyframe.
  [[nodiscard]] Status remove_keyframe(std::int64_t frame);
  // For loaders and the tracker: one sample as computed earlier.
  [[nodiscard]] Status set_sample(std::int64_t frame, TrackSample sample);

 private:
  std::string name_;
  std::map<std::int64_t, Point2> keyframes_;
  std::vector<TrackSample> samples_;
};

struct TrackerOptions {
  // A window a little wider than a marker: larger ones are dominated by the limbs and by
  // whatever passes behind them (the other leg) and slip; on the synthetic walker (9 px
  // markers) 13 px tracked 20x more accurately than 21 px.
  int window_px = 13;                 // LK integration window, odd
  int pyramid_levels = 2;             // levels above full resolution; ~2^levels * window/2 px/frame
  int max_iterations = 30;            // per pyramid level
  double epsilon_px = 0.01;           // iteration stops when the update is below this
  double max_residual = 40.0;         // mean absolute luma difference of the window; above = lost
  double max_round_trip_px = 1.0;     // forward-backward error of one frame step; above = lost
  double max_disagreement_px = 10.0;  // forward vs backward estimate; above = lost
};

// Tracks every track over the whole input (one forward and one backward sweep over the
// frames, all tracks together). Each track's frame_count must equal the input's.
// Errors from the frame source are returned with the frame index; Errc::invalid_argument for a
// frame that is not 4:2:0 YUV or changes size.
[[nodiscard]] Status track_all(std::span<Track> tracks, const VideoInput& input,
                               const TrackerOptions& options = {});

// A user correction: makes (frame, position) a keyframe of `track` and re-tracks only the
// frames between the keyframes before and after it (to the ends when there are none).
[[nodiscard]] Status correct(Track& track, std::int64_t frame, Point2 position_px,
                             const VideoInput& input, const TrackerOptions& options = {});

// Zero-phase low-pass of a track's x and y separately (lost frames stay kNoPoint).
[[nodiscard]] Result<std::vector<Point2>> smooth_positions(std::span<const Point2> positions,
                                                           Rational frame_rate,
                                                           const LowPassSpec& spec);

}  // namespace clinvid::analysis
