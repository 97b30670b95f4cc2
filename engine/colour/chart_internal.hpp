// Internals of chart detection shared by chart_sample.cpp, chart_mcc.cpp and chart_grid.cpp.
// Private to engine/colour: it is the only colour header that includes OpenCV.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "colour/chart.hpp"

namespace clinvid::colour::detail {

// Header over an RGBA view's memory (CV_8UC4, no copy); the view must outlive it.
[[nodiscard]] cv::Mat mat_of(const ConstFrameView& rgba);

// Samples the 24 patches of the chart whose grid corners, in chart order, are `corners`.
// Errc::out_of_range when a patch leaves the frame, Errc::invalid_argument when a patch is
// too small to measure.
[[nodiscard]] Result<std::array<PatchSample, kPatchCount>> sample_patches(
    const cv::Mat& rgba, const ChartCorners& corners, const SampleOptions& options);

// Mean dE00 of a quick fit (power-law linearisation from the neutral row, 3x3 matrix, no
// refinement) of the samples to the after-2014 reference; +infinity when the neutral row
// does not darken monotonically from white to black.
[[nodiscard]] double orientation_score(const std::array<PatchSample, kPatchCount>& patches);

// Confidence (0..1) from an orientation score.
[[nodiscard]] double confidence_of(double score) noexcept;

// Measures a chart whose corners are known up to order: tries the eight assignments (or
// only the given one) and keeps the best. Errc::not_found when no assignment is plausible.
[[nodiscard]] Result<ChartDetection> measure_chart(const cv::Mat& rgba, const ChartCorners& corners,
                                                   const SampleOptions& options);

// A uniform, roughly square region bounded by strong edges: a patch, perhaps.
struct PatchQuad {
  std::array<cv::Point2d, 4> corners{};  // around the quad, pixel centres at +0.5
  cv::Point2d centre;                    // intersection of the diagonals (projective centre)
  double area = 0.0;
};

// Every patch-like quad in the frame (chart patches and whatever clutter looks like one).
[[nodiscard]] std::vector<PatchQuad> find_patch_quads(const cv::Mat& rgba);

// Candidate grid quadrilaterals (corners in any order around the quad), best first.
[[nodiscard]] std::vector<ChartCorners> mcc_candidates(const cv::Mat& rgba);
// From quads that line up in a lattice of the chart's pitch: the 4x6 windows they allow.
[[nodiscard]] std::vector<ChartCorners> grid_candidates(const std::vector<PatchQuad>& quads);

// Re-fits the corners of an oriented chart (chart order) to the quads found near its
// patches' predicted centres; returns `corners` unchanged when fewer than 8 patches match.
[[nodiscard]] ChartCorners refine_corners(const ChartCorners& corners,
                                          const std::vector<PatchQuad>& quads);

}  // namespace clinvid::colour::detail
