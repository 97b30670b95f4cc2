#include "archive/quality.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/frame.hpp"
#include "media/image_codec.hpp"

namespace clinvid::archive {

namespace {

Result<QualityMeasures> measure_mat(const cv::Mat& grey_full) {
  const int long_side = std::max(grey_full.cols, grey_full.rows);
  cv::Mat grey = grey_full;
  if (long_side > kQualityWorkingLongSidePx) {
    const double scale = static_cast<double>(kQualityWorkingLongSidePx) / long_side;
    const int width = std::max(1, static_cast<int>(std::lround(grey_full.cols * scale)));
    const int height = std::max(1, static_cast<int>(std::lround(grey_full.rows * scale)));
    // INTER_AREA averages, as a camera's own downscale would; it does not invent edges.
    cv::resize(grey_full, grey, cv::Size(width, height), 0, 0, cv::INTER_AREA);
  }
  cv::Mat laplacian;
  cv::Laplacian(grey, laplacian, CV_64F);
  cv::Scalar lap_mean;
  cv::Scalar lap_stddev;
  cv::meanStdDev(laplacian, lap_mean, lap_stddev);

  QualityMeasures measures;
  measures.laplacian_variance = lap_stddev[0] * lap_stddev[0];
  measures.mean_luma = cv::mean(grey)[0];
  const auto clipped = cv::countNonZero(grey >= kClippedLuma);
  measures.clipped_share = static_cast<double>(clipped) / static_cast<double>(grey.total());
  return measures;
}

}  // namespace

Result<QualityMeasures> measure_quality(const GreyView& grey) {
  if (grey.pixels == nullptr || grey.width <= 0 || grey.height <= 0 ||
      grey.stride_bytes < grey.width) {
    return fail(Errc::invalid_argument, "quality check: empty or malformed grey image");
  }
  try {
    // cv::Mat over borrowed memory; measure_mat only reads it.
    const cv::Mat view(grey.height, grey.width, CV_8UC1, const_cast<std::uint8_t*>(grey.pixels),
                       static_cast<std::size_t>(grey.stride_bytes));
    return measure_mat(view);
  } catch (const std::exception& e) {
    return fail(Errc::internal, std::string("quality check: ") + e.what());
  }
}

Result<QualityMeasures> measure_encoded_image(std::span<const std::uint8_t> encoded) {
  try {
    auto decoded = media::decode_image(encoded);  // pixels as stored, no orientation applied
    if (!decoded) {
      return fail(Errc::corrupt,
                  "quality check: the image does not decode: " + decoded.error().detail);
    }
    const FrameView pixels = decoded->view();
    const cv::Mat rgba(static_cast<int>(pixels.height), static_cast<int>(pixels.width), CV_8UC4,
                       pixels.planes[0], pixels.strides[0]);
    // BT.601 weights, the luma the thresholds are stated in.
    cv::Mat grey;
    cv::cvtColor(rgba, grey, cv::COLOR_RGBA2GRAY);
    return measure_mat(grey);
  } catch (const std::exception& e) {
    return fail(Errc::corrupt, std::string("quality check: ") + e.what());
  }
}

std::vector<QualityFinding> quality_findings(const QualityMeasures& measures,
                                             QualitySubject subject) {
  const std::string what = subject == QualitySubject::video ? "video" : "image";
  std::vector<QualityFinding> findings;
  if (measures.laplacian_variance < kBlurLaplacianVarianceMin) {
    findings.push_back({"blur", measures.laplacian_variance, kBlurLaplacianVarianceMin,
                        what + " is blurred: retake, holding the camera still and letting it "
                               "focus on the area of interest"});
  }
  if (measures.mean_luma < kDarkMeanLumaMax) {
    findings.push_back({"dark", measures.mean_luma, kDarkMeanLumaMax,
                        what + " is too dark: retake with more light on the area of interest"});
  }
  if (measures.clipped_share > kOverexposedClippedShareMax) {
    findings.push_back({"overexposed", measures.clipped_share, kOverexposedClippedShareMax,
                        what + " is over-exposed (highlights burnt out): retake with less "
                               "light or without direct flash"});
  }
  return findings;
}

QualityMeasures median_measures(std::span<const QualityMeasures> samples) {
  QualityMeasures median;
  if (samples.empty()) return median;
  auto median_of = [&](auto member) {
    std::vector<double> values;
    values.reserve(samples.size());
    for (const auto& sample : samples) values.push_back(sample.*member);
    const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
  };
  median.laplacian_variance = median_of(&QualityMeasures::laplacian_variance);
  median.mean_luma = median_of(&QualityMeasures::mean_luma);
  median.clipped_share = median_of(&QualityMeasures::clipped_share);
  return median;
}

}  // namespace clinvid::archive
