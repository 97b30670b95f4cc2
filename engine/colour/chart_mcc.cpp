// Chart candidates from OpenCV contrib's mcc::CCheckerDetector (Debian libopencv-contrib).
#include <algorithm>

#include <opencv2/imgproc.hpp>
#include <opencv2/mcc.hpp>

#include "colour/chart_internal.hpp"

namespace clinvid::colour::detail {
namespace {

// mcc's Classic model: a 16.75 x 11.25 box whose cells start 0.25 in from its edges
// (opencv_contrib modules/mcc/src/dictionary.hpp); the patch grid is the cells' extent.
constexpr float kMccBoxW = 16.75F;
constexpr float kMccBoxH = 11.25F;
constexpr float kMccInset = 0.25F;

}  // namespace

std::vector<ChartCorners> mcc_candidates(const cv::Mat& rgba) {
  std::vector<std::pair<float, ChartCorners>> found;
  try {
    cv::Mat bgr;
    cv::cvtColor(rgba, bgr, cv::COLOR_RGBA2BGR);
    const cv::Ptr<cv::mcc::CCheckerDetector> detector = cv::mcc::CCheckerDetector::create();
    const cv::Ptr<cv::mcc::DetectorParameters> params = cv::mcc::DetectorParameters::create();
    if (!detector->process(bgr, cv::mcc::MCC24, 2, false, params)) return {};
    for (const cv::Ptr<cv::mcc::CChecker>& checker : detector->getListColorChecker()) {
      const std::vector<cv::Point2f> box = checker->getBox();
      if (box.size() != 4) continue;
      const std::array<cv::Point2f, 4> model = {
          cv::Point2f(0.0F, 0.0F), cv::Point2f(kMccBoxW, 0.0F), cv::Point2f(kMccBoxW, kMccBoxH),
          cv::Point2f(0.0F, kMccBoxH)};
      const cv::Matx33d h = cv::getPerspectiveTransform(model.data(), box.data());
      const std::array<cv::Point2d, 4> grid = {
          cv::Point2d(kMccInset, kMccInset), cv::Point2d(kMccBoxW - kMccInset, kMccInset),
          cv::Point2d(kMccBoxW - kMccInset, kMccBoxH - kMccInset),
          cv::Point2d(kMccInset, kMccBoxH - kMccInset)};
      ChartCorners corners{};
      for (std::size_t k = 0; k < 4; ++k) {
        const cv::Vec3d q = h * cv::Vec3d(grid[k].x, grid[k].y, 1.0);
        // OpenCV puts pixel centres on integers; ours are at +0.5.
        corners[k] = {q[0] / q[2] + 0.5, q[1] / q[2] + 0.5};
      }
      found.emplace_back(checker->getCost(), corners);
    }
  } catch (const cv::Exception&) {
    return {};
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<ChartCorners> out;
  for (const auto& f : found) out.push_back(f.second);
  return out;
}

}  // namespace clinvid::colour::detail
