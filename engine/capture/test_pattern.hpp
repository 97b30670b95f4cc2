// The built-in test cameras (test://theatre, test://gait, test://flash) as pure functions of a
// frame index: the same index always gives the same picture, on every machine, so recordings
// of them can be checked by decoding.
//
// Frames are 8-bit I420 (BT.709 limited range, as the session negotiates them); `frame` is the
// frame's index on the session clock (its timestamp in frame durations), not a count of frames
// this camera produced, so two cameras at the same rate show the same instant the same way.
#pragma once

#include <cstdint>

#include "core/frame.hpp"
#include "core/rational.hpp"

namespace clinvid::capture {

enum class TestScene {
  invalid = 0,
  theatre,  // a ColorChecker 24 in view on a grey field, an "instrument" bar sweeping across
  gait,     // a stick figure walking across a floor, legs and arms swinging
  flash,    // black, except one full-frame white flash on frame `flash_frame`
};

struct TestSceneOptions {
  std::int64_t flash_frame = 30;  // test://flash: the index of the white frame
  // The session's frame rate. test://gait moves with real time (120 steps/min at any rate), so
  // it needs the rate to turn a frame index into an instant; the other scenes ignore it.
  Rational frame_rate = Rational::make(30, 1).value();
};

// Renders frame `frame` of `scene` into `out` (I420, any size ≥ 16×16; odd sizes allowed).
// Errc::invalid_argument for another format or a view that does not validate; for test://gait
// Errc::out_of_range when one gait cycle does not repeat within kMaxGaitPeriodFrames frames at
// the rate (e.g. 1000000/1001 fps).
inline constexpr std::int64_t kMaxGaitPeriodFrames = 120'000;
[[nodiscard]] Status render_test_frame(TestScene scene, std::int64_t frame,
                                       const TestSceneOptions& options, const FrameView& out);

// The luma a full-frame flash is drawn with, and the mean luma above which a decoded frame
// counts as the flash (well above anything else test://flash draws).
inline constexpr std::uint8_t kFlashLuma = 235;
inline constexpr double kFlashDetectLuma = 128.0;

}  // namespace clinvid::capture
