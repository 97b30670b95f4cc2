// What a camera operator's monitor shows to judge a picture before recording, computed on the
// preview's RGBA frame as it is uploaded (PreviewTexture): clipped highlights striped (zebra),
// sharp edges painted (focus peaking), and the numbers behind them. Pure functions on packed
// RGBA, so they are tested without a window.
#pragma once

#include <cstddef>
#include <cstdint>

namespace clinvid::studio {

// A channel at or above this counts as clipped.
inline constexpr std::uint8_t kClippedLevel = 250;
// Luma gradient (|dx| + |dy| over two texels) above which a texel is painted by focus peaking:
// crisp edges of a focused picture pass it, the same edges defocused do not.
inline constexpr int kPeakingThreshold = 96;

// Stripes the clipped texels of a packed RGBA frame in place; returns how many there were.
// Diagonal bands 4 texels wide, dark and light, read on any picture.
std::size_t stripe_clipped(std::uint8_t* rgba, std::uint32_t width, std::uint32_t height);

struct FocusReading {
  std::size_t peaks = 0;  // texels painted
  // Mean luma gradient over the frame: higher is sharper for the same scene (a focus measure
  // to turn the ring by, as the number of peaks is).
  double mean_gradient = 0.0;
};

// Paints texels whose luma gradient exceeds kPeakingThreshold in the peaking colour (magenta:
// rare in clinical scenes, unlike red), in place. The gradient is taken from the frame as it
// was, before any painting. Frames smaller than 3 × 3 are left alone.
FocusReading mark_focus_peaks(std::uint8_t* rgba, std::uint32_t width, std::uint32_t height);

// Mean Rec. 709 luma of a packed RGBA frame, 0..255 (an exposure reading).
double mean_luma(const std::uint8_t* rgba, std::uint32_t width, std::uint32_t height);

}  // namespace clinvid::studio
