// Our own chart finder, used where mcc finds nothing convincing and to refine any candidate:
// flat regions bounded by strong colour edges are approximated by convex quadrilaterals;
// quads whose neighbours sit one chart pitch away along their own sides are chained into an
// integer lattice; a lattice that fits in 6x4 gives the chart grid by homography.
#include <algorithm>
#include <cmath>
#include <deque>
#include <optional>

#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>

#include "colour/chart_internal.hpp"

namespace clinvid::colour::detail {
namespace {

constexpr double kLongestSide = 1600.0;  // work on frames no larger than this

cv::Point2d diagonal_intersection(const std::array<cv::Point2d, 4>& p) {
  const cv::Point2d r = p[2] - p[0];
  const cv::Point2d s = p[3] - p[1];
  const double den = r.x * s.y - r.y * s.x;
  if (std::abs(den) < 1e-9) return (p[0] + p[1] + p[2] + p[3]) * 0.25;
  const cv::Point2d q = p[1] - p[0];
  const double t = (q.x * s.y - q.y * s.x) / den;
  return p[0] + r * t;
}

double norm(const cv::Point2d& p) {
  return std::hypot(p.x, p.y);
}

void add_quads(const cv::Mat& flat, double scale, double max_area, std::vector<PatchQuad>& out) {
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(flat, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  std::vector<cv::Point> hull;
  std::vector<cv::Point> approx;
  for (const auto& contour : contours) {
    const double area = cv::contourArea(contour);
    if (area < 60.0 || area > max_area) continue;
    cv::convexHull(contour, hull);
    const double hull_area = cv::contourArea(hull);
    if (area < 0.88 * hull_area) continue;
    cv::approxPolyDP(hull, approx, 0.04 * cv::arcLength(hull, true), true);
    if (approx.size() != 4 || !cv::isContourConvex(approx)) continue;
    PatchQuad q;
    double shortest = 1e300;
    double longest = 0.0;
    for (std::size_t k = 0; k < 4; ++k) {
      // Pixel centres at +0.5; eroding the flat mask by one pixel moved the edges in by one.
      q.corners[k] = {(approx[k].x + 0.5) / scale, (approx[k].y + 0.5) / scale};
    }
    for (std::size_t k = 0; k < 4; ++k) {
      const double side = norm(q.corners[(k + 1) % 4] - q.corners[k]);
      shortest = std::min(shortest, side);
      longest = std::max(longest, side);
    }
    if (shortest < 6.0 || longest > 2.5 * shortest) continue;
    const double quad_area = cv::contourArea(approx);
    if (quad_area < 0.8 * area || quad_area > 1.25 * hull_area) continue;
    q.centre = diagonal_intersection(q.corners);
    q.area = quad_area / (scale * scale);
    const bool duplicate = std::any_of(out.begin(), out.end(), [&](const PatchQuad& o) {
      return norm(o.centre - q.centre) < 0.3 * std::sqrt(std::min(o.area, q.area));
    });
    if (!duplicate) out.push_back(q);
  }
}

struct Axes {
  cv::Point2d a1;
  cv::Point2d a2;
};

Axes quad_axes(const PatchQuad& q) {
  const auto& p = q.corners;
  return {(p[1] - p[0] + p[2] - p[3]) * 0.5, (p[3] - p[0] + p[2] - p[1]) * 0.5};
}

// Coordinates of `d` in the basis (a1, a2).
std::optional<cv::Point2d> in_basis(const Axes& ax, const cv::Point2d& d) {
  const double det = ax.a1.x * ax.a2.y - ax.a1.y * ax.a2.x;
  if (std::abs(det) < 1e-9) return std::nullopt;
  return cv::Point2d((d.x * ax.a2.y - d.y * ax.a2.x) / det, (ax.a1.x * d.y - ax.a1.y * d.x) / det);
}

// The axis of `q` (either sign) most parallel to `want`.
cv::Point2d aligned(const Axes& q, const cv::Point2d& want) {
  cv::Point2d best = q.a1;
  double best_cos = -2.0;
  for (const cv::Point2d& c : {q.a1, -q.a1, q.a2, -q.a2}) {
    const double cs = c.dot(want) / (norm(c) * norm(want) + 1e-12);
    if (cs > best_cos) {
      best_cos = cs;
      best = c;
    }
  }
  return best;
}

struct LatticeNode {
  std::size_t quad = 0;
  cv::Point lattice;
};

std::vector<std::vector<LatticeNode>> lattices(const std::vector<PatchQuad>& quads) {
  const std::size_t n = quads.size();
  std::vector<std::vector<LatticeNode>> out;
  std::vector<bool> visited(n, false);
  std::vector<Axes> axes(n);
  for (std::size_t root = 0; root < n; ++root) {
    if (visited[root]) continue;
    std::vector<LatticeNode> component;
    std::deque<std::size_t> queue{root};
    std::vector<cv::Point> coord(n);
    visited[root] = true;
    axes[root] = quad_axes(quads[root]);
    coord[root] = {0, 0};
    while (!queue.empty()) {
      const std::size_t i = queue.front();
      queue.pop_front();
      component.push_back({i, coord[i]});
      for (std::size_t j = 0; j < n; ++j) {
        if (visited[j]) continue;
        const double ratio = quads[j].area / quads[i].area;
        if (ratio < 0.5 || ratio > 2.0) continue;
        const auto ab = in_basis(axes[i], quads[j].centre - quads[i].centre);
        if (!ab) continue;
        const double a = std::abs(ab->x);
        const double b = std::abs(ab->y);
        // Quads are smaller than their patches (the edge band is a few pixels wide), so a
        // neighbour one pitch away sits 1.1 to 1.8 of the quad's own sides away.
        const bool along1 = a > 0.95 && a < 1.85 && b < 0.3 * a;
        const bool along2 = b > 0.95 && b < 1.85 && a < 0.3 * b;
        if (!along1 && !along2) continue;
        const Axes qa = quad_axes(quads[j]);
        const Axes aj = {aligned(qa, axes[i].a1), aligned(qa, axes[i].a2)};
        // Neighbouring patches are seen at nearly the same angle.
        const double cos1 = aj.a1.dot(axes[i].a1) / (norm(aj.a1) * norm(axes[i].a1) + 1e-12);
        if (cos1 < 0.9) continue;
        visited[j] = true;
        axes[j] = aj;
        coord[j] = coord[i] +
                   (along1 ? cv::Point(ab->x > 0 ? 1 : -1, 0) : cv::Point(0, ab->y > 0 ? 1 : -1));
        queue.push_back(j);
      }
    }
    if (component.size() >= 6) out.push_back(std::move(component));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return out;
}

cv::Point2d project(const cv::Matx33d& h, double x, double y) {
  const cv::Vec3d q = h * cv::Vec3d(x, y, 1.0);
  return {q[0] / q[2], q[1] / q[2]};
}

}  // namespace

std::vector<PatchQuad> find_patch_quads(const cv::Mat& rgba) {
  cv::Mat rgb;
  cv::cvtColor(rgba, rgb, cv::COLOR_RGBA2RGB);
  const double longest = std::max(rgb.cols, rgb.rows);
  const double scale = longest > kLongestSide ? kLongestSide / longest : 1.0;
  if (scale < 1.0) cv::resize(rgb, rgb, cv::Size(), scale, scale, cv::INTER_AREA);
  cv::GaussianBlur(rgb, rgb, cv::Size(0, 0), 1.0);
  std::vector<cv::Mat> channels;
  cv::split(rgb, channels);
  cv::Mat magnitude = cv::Mat::zeros(rgb.size(), CV_32F);
  for (const cv::Mat& c : channels) {
    cv::Mat dx;
    cv::Mat dy;
    cv::Mat m;
    cv::Sobel(c, dx, CV_32F, 1, 0, 3);
    cv::Sobel(c, dy, CV_32F, 0, 1, 3);
    cv::magnitude(dx, dy, m);
    magnitude = cv::max(magnitude, m);
  }
  std::vector<PatchQuad> quads;
  const double max_area = 0.05 * rgb.cols * rgb.rows;
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3));
  // Two edge thresholds (Sobel units, 4x a step in code values): the higher keeps noisy
  // frames clean, the lower separates dark patches from the black frame.
  for (const double threshold : {48.0, 24.0}) {
    cv::Mat flat = magnitude < threshold;
    cv::erode(flat, flat, kernel);
    add_quads(flat, scale, max_area, quads);
  }
  return quads;
}

std::vector<ChartCorners> grid_candidates(const std::vector<PatchQuad>& quads) {
  constexpr std::size_t kMinPatches = 8;
  constexpr std::size_t kMaxCandidates = 12;
  std::vector<ChartCorners> out;
  for (const auto& nodes : lattices(quads)) {
    if (nodes.size() < kMinPatches) break;  // sorted by size
    int amin = 1 << 20, amax = -(1 << 20), bmin = 1 << 20, bmax = -(1 << 20);
    for (const LatticeNode& node : nodes) {
      amin = std::min(amin, node.lattice.x);
      amax = std::max(amax, node.lattice.x);
      bmin = std::min(bmin, node.lattice.y);
      bmax = std::max(bmax, node.lattice.y);
    }
    // The 6x4 (or 4x6) windows holding the most lattice nodes: clutter that happens to
    // continue the lattice beyond the chart falls outside them.
    struct Window {
      int a0, b0, w, h;
    };
    std::vector<Window> windows;
    std::size_t best_count = kMinPatches - 1;
    for (const auto& [w, h] : {std::pair{6, 4}, std::pair{4, 6}}) {
      for (int a0 = amin - w + 1; a0 <= amax; ++a0) {
        for (int b0 = bmin - h + 1; b0 <= bmax; ++b0) {
          const auto count = static_cast<std::size_t>(
              std::count_if(nodes.begin(), nodes.end(), [&](const LatticeNode& n) {
                return n.lattice.x >= a0 && n.lattice.x < a0 + w && n.lattice.y >= b0 &&
                       n.lattice.y < b0 + h;
              }));
          if (count > best_count) windows.clear();
          if (count >= best_count) {
            best_count = count;
            windows.push_back({a0, b0, w, h});
          }
        }
      }
    }
    for (const Window& win : windows) {
      std::vector<cv::Point2f> src;
      std::vector<cv::Point2f> dst;
      double side = 0.0;
      int lo_a = 1 << 20, hi_a = -(1 << 20), lo_b = 1 << 20, hi_b = -(1 << 20);
      for (const LatticeNode& node : nodes) {
        const cv::Point l = node.lattice;
        if (l.x < win.a0 || l.x >= win.a0 + win.w || l.y < win.b0 || l.y >= win.b0 + win.h) {
          continue;
        }
        lo_a = std::min(lo_a, l.x);
        hi_a = std::max(hi_a, l.x);
        lo_b = std::min(lo_b, l.y);
        hi_b = std::max(hi_b, l.y);
        src.emplace_back(static_cast<float>(l.x * kPatchPitch + 0.5),
                         static_cast<float>(l.y * kPatchPitch + 0.5));
        const PatchQuad& q = quads[node.quad];
        dst.emplace_back(static_cast<float>(q.centre.x), static_cast<float>(q.centre.y));
        side += std::sqrt(q.area);
      }
      if (lo_a == hi_a || lo_b == hi_b) continue;  // one row cannot fix a homography
      side /= static_cast<double>(src.size());
      const cv::Mat hm = cv::findHomography(src, dst, cv::RANSAC, std::max(2.0, 0.15 * side));
      if (hm.empty()) continue;
      const cv::Matx33d hom(hm);
      const double x0 = win.a0 * kPatchPitch;
      const double y0 = win.b0 * kPatchPitch;
      const double x1 = (win.a0 + win.w) * kPatchPitch - kPatchGap;
      const double y1 = (win.b0 + win.h) * kPatchPitch - kPatchGap;
      const std::array<cv::Point2d, 4> pts = {project(hom, x0, y0), project(hom, x1, y0),
                                              project(hom, x1, y1), project(hom, x0, y1)};
      ChartCorners c{};
      for (std::size_t k = 0; k < 4; ++k) c[k] = {pts[k].x, pts[k].y};
      out.push_back(c);
      if (out.size() >= kMaxCandidates) return out;
    }
  }
  return out;
}

ChartCorners refine_corners(const ChartCorners& corners, const std::vector<PatchQuad>& quads) {
  ChartCorners current = corners;
  for (int pass = 0; pass < 2; ++pass) {
    std::array<cv::Point2f, 4> src{};
    std::array<cv::Point2f, 4> dst{};
    for (std::size_t k = 0; k < 4; ++k) {
      const Point2 g = grid_corner(k);
      src[k] = cv::Point2f(static_cast<float>(g.x), static_cast<float>(g.y));
      dst[k] = cv::Point2f(static_cast<float>(current[k].x), static_cast<float>(current[k].y));
    }
    const cv::Matx33d h = cv::getPerspectiveTransform(src.data(), dst.data());
    std::vector<cv::Point2f> from;
    std::vector<cv::Point2f> to;
    double side_sum = 0.0;
    for (std::size_t i = 0; i < kPatchCount; ++i) {
      const Point2 c = patch_centre(i);
      const cv::Point2d p = project(h, c.x, c.y);
      const double side = norm(project(h, c.x + 0.5, c.y) - project(h, c.x - 0.5, c.y));
      side_sum += side;
      const PatchQuad* match = nullptr;
      double best = 0.3 * side;
      for (const PatchQuad& q : quads) {
        const double d = norm(q.centre - p);
        const double ratio = q.area / (side * side);
        if (d < best && ratio > 0.3 && ratio < 1.6) {
          best = d;
          match = &q;
        }
      }
      if (match == nullptr) continue;
      from.emplace_back(static_cast<float>(c.x), static_cast<float>(c.y));
      to.emplace_back(static_cast<float>(match->centre.x), static_cast<float>(match->centre.y));
    }
    if (from.size() < 8) return current;
    const double side = side_sum / static_cast<double>(kPatchCount);
    const cv::Mat hm = cv::findHomography(from, to, cv::RANSAC, std::max(1.5, 0.05 * side));
    if (hm.empty()) return current;
    const cv::Matx33d refined(hm);
    ChartCorners next{};
    for (std::size_t k = 0; k < 4; ++k) {
      const Point2 g = grid_corner(k);
      const cv::Point2d p = project(refined, g.x, g.y);
      if (!(norm(p - cv::Point2d(current[k].x, current[k].y)) < 0.6 * side)) return current;
      next[k] = {p.x, p.y};
    }
    current = next;
  }
  return current;
}

}  // namespace clinvid::colour::detail
