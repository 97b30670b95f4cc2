// Locating a ColorChecker Classic 24 in an RGB frame and measuring its patches.
//
// Chart coordinates: the unit is one patch side. Patch (row r, column c) covers
// [c*kPatchPitch, c*kPatchPitch + 1] x [r*kPatchPitch, r*kPatchPitch + 1]; row 0 holds
// "dark skin" .. "bluish green", row 3 the neutral row "white" .. "black", read with the
// neutral row at the bottom. The four chart corners are the outer corners of the patch grid
// (not of the black frame around it), in this order:
//   [0] dark skin (patch 1)   [1] bluish green (patch 6)
//   [3] white (patch 19)      [2] black (patch 24)
// Orientation is decided by the colours, not by the detector: of the eight ways four
// corners can be assigned (four rotations, mirrored or not), the one kept has a neutral row
// whose luminance falls monotonically from white to black and whose patches a quick fit
// (power-law linearisation from that row, 3x3 matrix, least squares) maps to the reference
// with the lowest mean dE00. A mirrored image (a selfie camera) is therefore found too, and
// reported.
//
// Everything here is reentrant (no shared state); detection on a 1280x720 frame takes tens of
// milliseconds (the grid finder), plus 50-200 ms when mcc is consulted. Patches need about
// 10 pixels a side to be found, 4 to be measured.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "colour/colour_math.hpp"
#include "colour/reference.hpp"
#include "core/frame.hpp"
#include "core/result.hpp"

namespace clinvid::colour {

// Gap between neighbouring patches as a fraction of a patch side: ArgyllCMS's chart
// description (argyll-ref, ref/ColorChecker.cht) puts 46-unit patches on a 52.5 pitch.
inline constexpr double kPatchGap = 6.5 / 46.0;
inline constexpr double kPatchPitch = 1.0 + kPatchGap;
inline constexpr double kGridWidth = kChartColumns * kPatchPitch - kPatchGap;
inline constexpr double kGridHeight = kChartRows * kPatchPitch - kPatchGap;

struct Point2 {
  double x = 0.0;
  double y = 0.0;
};

// Image pixel coordinates (x right, y down, pixel centres at integer + 0.5).
using ChartCorners = std::array<Point2, 4>;

enum class DetectionMethod {
  invalid = 0,
  mcc,     // OpenCV contrib mcc::CCheckerDetector found the chart
  grid,    // our own fallback: square patches clustered into a 4x6 lattice
  manual,  // four corners given by the user
};
[[nodiscard]] std::string_view to_string(DetectionMethod method) noexcept;

// Robust statistics of one patch, in the camera's encoded signal (code value / 255).
struct PatchSample {
  Vec3 rgb{};                     // mean of the inner pixels that are not outliers
  Vec3 spread{};                  // standard deviation of the pixels kept
  std::size_t pixels = 0;         // pixels kept
  double clipped_fraction = 0.0;  // share of kept pixels with a channel at 255
};

struct ChartDetection {
  ChartCorners corners{};
  std::array<PatchSample, kPatchCount> patches{};
  // 0..1: how well the sampled patches match a ColorChecker seen through some camera:
  // 1 - (dE00 of the orientation's quick fit - 3) / 14, clamped. A chart scores 0.7..1 even
  // under strong casts and odd curves; a wrong orientation or clutter scores near 0.
  double confidence = 0.0;
  DetectionMethod method = DetectionMethod::invalid;
  bool mirrored = false;  // the image shows the chart mirrored
};

enum class DetectorChoice {
  invalid = 0,
  automatic,  // our grid detector first, mcc when it finds nothing convincing
  mcc_only,
  grid_only,
};

enum class Orientation {
  invalid = 0,
  search,    // try the eight corner assignments, keep the one the colours support
  as_given,  // the corners are in chart order already
};

struct SampleOptions {
  // Side of the sampled square inside each patch, as a fraction of the patch side; the rim
  // is left out for blur, JPEG ringing and small corner errors.
  double inner_fraction = 0.5;
  // Pixels whose luminance lies further than this many robust standard deviations
  // (1.4826 x the median absolute deviation) from the patch's median are dropped before
  // averaging: specular highlights, dust, a corner of the neighbouring patch. Unlike a fixed
  // trim this removes a highlight covering up to half the sampled square, and nothing from a
  // clean patch but its noise tails.
  double outlier_sigma = 3.0;
  Orientation orientation = Orientation::search;
};

struct DetectOptions {
  DetectorChoice detector = DetectorChoice::automatic;
  SampleOptions sampling{};
  double min_confidence = 0.6;
};

// Finds one chart anywhere in an RGBA frame (any rotation, moderate perspective, clutter,
// uneven light). Errc::not_found "no chart found" when nothing passes min_confidence;
// Errc::unsupported for non-RGBA frames; Errc::invalid_argument for a bad view.
[[nodiscard]] Result<ChartDetection> detect_chart(const ConstFrameView& rgba,
                                                  const DetectOptions& options = {});

// Manual fallback: measures the patches of a chart whose four grid corners are given
// (clicked by the user; in chart order when options.orientation is as_given). With as_given
// the samples come back even when the colours disagree (confidence 0). Errc::out_of_range
// if a corner lies outside the frame; the detection's method is `manual`.
[[nodiscard]] Result<ChartDetection> sample_chart(const ConstFrameView& rgba,
                                                  const ChartCorners& corners,
                                                  const SampleOptions& options = {});

// Position in chart coordinates of corner `k` of the grid (see above), and of the centre of
// patch `index` (0..23).
[[nodiscard]] Point2 grid_corner(std::size_t k) noexcept;
[[nodiscard]] Point2 patch_centre(std::size_t index) noexcept;

}  // namespace clinvid::colour
