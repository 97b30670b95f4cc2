// Picture quality checks for imported media: blur, under- and over-exposure, measured on a
// grey image downscaled to a fixed size so that the numbers mean the same for a 12 MP photo
// and a 640×480 frame. Findings are advice ("retake"), never a reason to refuse an import.
//
// Pure functions, thread-safe. OpenCV is used inside quality.cpp only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "archive/import_media.hpp"

namespace clinvid::archive {

// Both sides are scaled down (never up) so the long side is at most this many pixels before
// measuring: the Laplacian's variance depends on the scale, so a fixed working size keeps one
// threshold valid for every input resolution.
inline constexpr int kQualityWorkingLongSidePx = 512;

// Variance of the Laplacian (Pech-Pacheco et al., "Diatom autofocusing in brightfield
// microscopy: a comparative study", ICPR 2000) below this value means blurred. 100 on a
// ~500 px image is the common empirical cut-off for hand-held photographs; a defocused or
// shaken picture at that size scores well under 50, a sharp one several hundred.
inline constexpr double kBlurLaplacianVarianceMin = 100.0;
// Mean luma (0–255, BT.601 weights) below this is dark: about 1.3 stops under the 18 % grey
// a meter aims at (~118), where skin texture and colour are lost in noise.
inline constexpr double kDarkMeanLumaMax = 50.0;
// A pixel at or above this luma is treated as clipped (no detail left in the highlight).
inline constexpr int kClippedLuma = 250;
// More than this share of clipped pixels is over-exposed: a correctly exposed clinical
// photograph (matte background, no flash hot spot) clips well under 2 %; 10 % allows for
// specular highlights on moist tissue and instruments.
inline constexpr double kOverexposedClippedShareMax = 0.10;

struct QualityMeasures {
  double laplacian_variance = 0;  // on the working-size grey image
  double mean_luma = 0;           // 0–255
  double clipped_share = 0;       // 0–1, pixels >= kClippedLuma
};

// An 8-bit grey view: `height` rows of `width` bytes, rows `stride_bytes` apart.
struct GreyView {
  const std::uint8_t* pixels = nullptr;
  int width = 0;
  int height = 0;
  std::ptrdiff_t stride_bytes = 0;
};

[[nodiscard]] Result<QualityMeasures> measure_quality(const GreyView& grey);

// Image bytes (anything OpenCV decodes) → measures of the decoded picture in grey.
[[nodiscard]] Result<QualityMeasures> measure_encoded_image(std::span<const std::uint8_t> encoded);

enum class QualitySubject { invalid = 0, image, video };

// The findings for one picture (or the median over a video's sampled frames), with advice
// worded for `subject`. Empty when nothing crossed a threshold.
[[nodiscard]] std::vector<QualityFinding> quality_findings(const QualityMeasures& measures,
                                                           QualitySubject subject);

// Element-wise median over sampled frames (empty input: all zero).
[[nodiscard]] QualityMeasures median_measures(std::span<const QualityMeasures> samples);

}  // namespace clinvid::archive
