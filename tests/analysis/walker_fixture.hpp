// Shared set-up for the analysis tests: the synthetic walker, and tracking its near-leg
// markers from keyframes a user would place every N frames.
#pragma once

#include <cstdint>
#include <vector>

#include "analysis/synthetic_walker.hpp"
#include "analysis/tracking.hpp"

namespace clinvid::analysis::testing {

inline WalkerSpec small_walker_spec(std::int64_t frame_count = 300, std::int64_t fps = 30) {
  WalkerSpec spec;
  spec.width_px = 640;
  spec.height_px = 360;
  spec.frame_rate = Rational::make(fps, 1).value();
  spec.frame_count = frame_count;
  spec.cadence_steps_per_min = 120.0;
  return spec;
}

// One track per near-leg marker, keyed every `keyframe_every` frames and on the last frame,
// keyframe positions taken from the ground truth (a user clicking the marker centre).
inline std::vector<Track> keyed_tracks(const SyntheticWalker& walker, std::int64_t keyframe_every) {
  std::vector<Track> tracks;
  const auto& frames = walker.truth().frames;
  const auto count = static_cast<std::int64_t>(frames.size());
  for (int m = 0; m < kWalkerMarkerCount; ++m) {
    Track track(std::string(to_string(static_cast<WalkerMarker>(m))), count);
    for (std::int64_t f = 0; f < count; f += keyframe_every) {
      (void)track.set_keyframe(
          f, frames[static_cast<std::size_t>(f)].near_px[static_cast<std::size_t>(m)]);
    }
    (void)track.set_keyframe(count - 1, frames.back().near_px[static_cast<std::size_t>(m)]);
    tracks.push_back(std::move(track));
  }
  return tracks;
}

}  // namespace clinvid::analysis::testing
