// Patch measurement by homography, orientation by colour, and the manual fallback.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

#include <opencv2/imgproc.hpp>

#include "colour/chart_internal.hpp"
#include "colour/fit.hpp"

namespace clinvid::colour {
namespace detail {
namespace {

cv::Matx33d homography_to_image(const ChartCorners& corners) {
  std::array<cv::Point2f, 4> src{};
  std::array<cv::Point2f, 4> dst{};
  for (std::size_t k = 0; k < 4; ++k) {
    const Point2 g = grid_corner(k);
    src[k] = cv::Point2f(static_cast<float>(g.x), static_cast<float>(g.y));
    dst[k] = cv::Point2f(static_cast<float>(corners[k].x), static_cast<float>(corners[k].y));
  }
  return cv::getPerspectiveTransform(src.data(), dst.data());
}

cv::Point2d apply(const cv::Matx33d& h, double x, double y) {
  const cv::Vec3d q = h * cv::Vec3d(x, y, 1.0);
  return {q[0] / q[2], q[1] / q[2]};
}

struct Pixel {
  int sum = 0;
  std::array<std::uint8_t, 3> rgb{};
  int x = 0;  // relative to the patch's bounding box
  int y = 0;
};

}  // namespace

cv::Mat mat_of(const ConstFrameView& rgba) {
  // OpenCV takes a non-const pointer for a header; nothing here writes through it.
  return {static_cast<int>(rgba.height), static_cast<int>(rgba.width), CV_8UC4,
          const_cast<std::uint8_t*>(rgba.planes[0]), rgba.strides[0]};  // NOLINT
}

Result<std::array<PatchSample, kPatchCount>> sample_patches(const cv::Mat& rgba,
                                                            const ChartCorners& corners,
                                                            const SampleOptions& options) {
  const cv::Matx33d h = homography_to_image(corners);
  const cv::Matx33d inv = h.inv();
  const double f = std::clamp(options.inner_fraction, 0.05, 0.95);
  const double k_sigma = std::max(options.outlier_sigma, 1.0);
  std::array<PatchSample, kPatchCount> out{};
  std::vector<Pixel> pixels;
  std::vector<int> deviations;
  for (std::size_t i = 0; i < kPatchCount; ++i) {
    const Point2 c = patch_centre(i);
    const double u0 = c.x - f / 2, u1 = c.x + f / 2, v0 = c.y - f / 2, v1 = c.y + f / 2;
    double xmin = 1e300, xmax = -1e300, ymin = 1e300, ymax = -1e300;
    for (const auto& [u, v] : {std::pair{u0, v0}, {u1, v0}, {u1, v1}, {u0, v1}}) {
      const cv::Point2d p = apply(h, u, v);
      xmin = std::min(xmin, p.x);
      xmax = std::max(xmax, p.x);
      ymin = std::min(ymin, p.y);
      ymax = std::max(ymax, p.y);
    }
    if (!(xmin >= 0.0 && ymin >= 0.0 && xmax <= rgba.cols && ymax <= rgba.rows)) {
      return fail(Errc::out_of_range, "patch " + std::to_string(i + 1) + " lies outside the frame");
    }
    pixels.clear();
    for (int y = static_cast<int>(ymin); y <= static_cast<int>(ymax) && y < rgba.rows; ++y) {
      const auto* row = rgba.ptr<std::uint8_t>(y);
      for (int x = static_cast<int>(xmin); x <= static_cast<int>(xmax) && x < rgba.cols; ++x) {
        const cv::Point2d q = apply(inv, x + 0.5, y + 0.5);
        if (q.x < u0 || q.x > u1 || q.y < v0 || q.y > v1) continue;
        const std::uint8_t* p = row + 4 * x;
        pixels.push_back({p[0] + 2 * p[1] + p[2],
                          {p[0], p[1], p[2]},
                          x - static_cast<int>(xmin),
                          y - static_cast<int>(ymin)});
      }
    }
    if (pixels.size() < 9) {
      return fail(Errc::invalid_argument,
                  "patch " + std::to_string(i + 1) + " is too small to measure");
    }
    // Median and MAD of luminance (code units, R + 2G + B), then a clipped mean.
    const auto n = pixels.size();
    auto by_sum = [](const Pixel& a, const Pixel& b) { return a.sum < b.sum; };
    std::nth_element(pixels.begin(), pixels.begin() + static_cast<long>(n / 2), pixels.end(),
                     by_sum);
    const int median = pixels[n / 2].sum;
    deviations.resize(n);
    for (std::size_t k = 0; k < n; ++k) deviations[k] = std::abs(pixels[k].sum - median);
    std::nth_element(deviations.begin(), deviations.begin() + static_cast<long>(n / 2),
                     deviations.end());
    // The scale has two floors: 2 code units (quantisation alone, a perfectly flat patch),
    // and the spacing between the patch's luminance levels when it has so few that most
    // pixels share one (MAD = 0), as in a processed frame where one input code step becomes
    // several output steps.
    int spacing = 1 << 30;
    for (const int d : deviations) {
      if (d > 0) spacing = std::min(spacing, d);
    }
    const double scale = std::max(
        {1.4826 * deviations[n / 2], 2.0,
         deviations[n / 2] == 0 && spacing < (1 << 30) ? static_cast<double>(spacing) : 0.0});
    const double limit = k_sigma * scale;
    // A highlight's soft rim is within the limit but still biased: drop the neighbourhood of
    // every strong outlier (twice the limit, which noise does not reach), a disc of 8% of the
    // patch side; weaker outliers go alone.
    const int box_w = static_cast<int>(xmax) - static_cast<int>(xmin) + 1;
    const int box_h = static_cast<int>(ymax) - static_cast<int>(ymin) + 1;
    cv::Mat outlier = cv::Mat::zeros(box_h, box_w, CV_8U);
    bool any_outlier = false;
    for (const Pixel& p : pixels) {
      if (std::abs(p.sum - median) > 2.0 * limit) {
        outlier.at<std::uint8_t>(p.y, p.x) = 255;
        any_outlier = true;
      }
    }
    if (any_outlier) {
      const double side_px = std::sqrt(static_cast<double>(n)) / f;
      const int r = std::max(1, static_cast<int>(std::ceil(0.08 * side_px)));
      cv::dilate(outlier, outlier,
                 cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * r + 1, 2 * r + 1)));
    }
    Vec3 sum{};
    Vec3 sum2{};
    std::size_t kept = 0;
    std::size_t clipped = 0;
    for (const Pixel& p : pixels) {
      if (std::abs(p.sum - median) > limit || outlier.at<std::uint8_t>(p.y, p.x) != 0) continue;
      ++kept;
      if (p.rgb[0] == 255 || p.rgb[1] == 255 || p.rgb[2] == 255) ++clipped;
      for (std::size_t ch = 0; ch < 3; ++ch) {
        const double v = p.rgb[ch] / 255.0;
        sum[ch] += v;
        sum2[ch] += v * v;
      }
    }
    if (kept < 9) {
      return fail(Errc::invalid_argument,
                  "patch " + std::to_string(i + 1) + " is mostly covered by highlights");
    }
    const auto kept_d = static_cast<double>(kept);
    PatchSample& s = out[i];
    for (std::size_t ch = 0; ch < 3; ++ch) {
      s.rgb[ch] = sum[ch] / kept_d;
      s.spread[ch] = std::sqrt(std::max(0.0, sum2[ch] / kept_d - s.rgb[ch] * s.rgb[ch]));
    }
    s.pixels = kept;
    s.clipped_fraction = static_cast<double>(clipped) / kept_d;
  }
  return out;
}

double orientation_score(const std::array<PatchSample, kPatchCount>& patches) {
  double previous = std::numeric_limits<double>::infinity();
  for (std::size_t i = kFirstNeutral; i < kFirstNeutral + kNeutralCount; ++i) {
    const Vec3& v = patches[i].rgb;
    const double luma = v[0] + v[1] + v[2];
    if (!(luma < previous)) return std::numeric_limits<double>::infinity();
    previous = luma;
  }
  std::array<Vec3, kPatchCount> signal{};
  std::array<bool, kPatchCount> usable{};
  for (std::size_t i = 0; i < kPatchCount; ++i) {
    signal[i] = patches[i].rgb;
    usable[i] = patches[i].clipped_fraction < 0.05 &&
                std::max({signal[i][0], signal[i][1], signal[i][2]}) < 0.99;
  }
  FitOptions quick;
  quick.model = ModelKind::matrix;
  quick.linearisation = LinearisationKind::power;
  quick.refinement = Refinement::none;
  quick.validation = Validation::none;
  auto fitted = fit_correction(signal, usable, quick);
  if (!fitted) return std::numeric_limits<double>::infinity();
  return fitted->fit.mean;
}

double confidence_of(double score) noexcept {
  // A chart seen through a plausible camera fits to a few dE00 even with this crude model;
  // a wrong orientation or a patch grid laid over clutter fits to 15 and more.
  if (!std::isfinite(score)) return 0.0;
  return std::clamp(1.0 - (score - 3.0) / 14.0, 0.0, 1.0);
}

Result<ChartDetection> measure_chart(const cv::Mat& rgba, const ChartCorners& corners,
                                     const SampleOptions& options) {
  ChartDetection best;
  double best_score = std::numeric_limits<double>::infinity();
  std::optional<Error> first_error;
  const int assignments = options.orientation == Orientation::as_given ? 1 : 8;
  for (int a = 0; a < assignments; ++a) {
    const bool mirrored = a >= 4;
    const int rotation = a % 4;
    ChartCorners ordered{};
    for (int k = 0; k < 4; ++k) {
      const int from = mirrored ? (rotation - k + 4) % 4 : (rotation + k) % 4;
      ordered[static_cast<std::size_t>(k)] = corners[static_cast<std::size_t>(from)];
    }
    auto patches = sample_patches(rgba, ordered, options);
    if (!patches) {
      if (!first_error) first_error = patches.error();
      continue;
    }
    const double score = orientation_score(*patches);
    // With the order given, the samples are returned even when implausible (confidence 0).
    if (score < best_score || assignments == 1) {
      best_score = score;
      best.corners = ordered;
      best.patches = *patches;
      best.confidence = confidence_of(score);
      // A mirrored assignment on a quad whose corners run the other way round is a
      // plain rotation, so mirroring is judged by the handedness of the result.
      const double cross = (ordered[1].x - ordered[0].x) * (ordered[3].y - ordered[0].y) -
                           (ordered[1].y - ordered[0].y) * (ordered[3].x - ordered[0].x);
      best.mirrored = cross < 0.0;
    }
  }
  if (first_error && assignments == 1) return tl::unexpected(*first_error);
  if (!std::isfinite(best_score) && assignments > 1) {
    return fail(Errc::not_found, "no chart found: no orientation has a neutral row");
  }
  return best;
}

}  // namespace detail

std::string_view to_string(DetectionMethod method) noexcept {
  switch (method) {
    case DetectionMethod::mcc: return "mcc";
    case DetectionMethod::grid: return "grid";
    case DetectionMethod::manual: return "manual";
    case DetectionMethod::invalid: break;
  }
  return "invalid";
}

Point2 grid_corner(std::size_t k) noexcept {
  switch (k) {
    case 1: return {kGridWidth, 0.0};
    case 2: return {kGridWidth, kGridHeight};
    case 3: return {0.0, kGridHeight};
    default: return {0.0, 0.0};
  }
}

Point2 patch_centre(std::size_t index) noexcept {
  const auto row = static_cast<double>(index / kChartColumns);
  const auto col = static_cast<double>(index % kChartColumns);
  return {col * kPatchPitch + 0.5, row * kPatchPitch + 0.5};
}

Result<ChartDetection> sample_chart(const ConstFrameView& rgba, const ChartCorners& corners,
                                    const SampleOptions& options) {
  if (auto ok = validate(rgba); !ok) return tl::unexpected(ok.error());
  if (rgba.format != PixelFormat::rgba) {
    return fail(Errc::unsupported,
                "chart sampling needs an RGBA frame, got " + std::string(to_string(rgba.format)));
  }
  for (const Point2& p : corners) {
    if (!(p.x >= 0.0 && p.y >= 0.0 && p.x <= rgba.width && p.y <= rgba.height)) {
      return fail(Errc::out_of_range, "chart corner (" + std::to_string(p.x) + ", " +
                                          std::to_string(p.y) + ") lies outside the frame");
    }
  }
  auto measured = detail::measure_chart(detail::mat_of(rgba), corners, options);
  if (!measured) return measured;
  measured->method = DetectionMethod::manual;
  return measured;
}

}  // namespace clinvid::colour
