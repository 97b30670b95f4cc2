#include "analysis/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include <Eigen/Dense>

namespace clinvid::analysis {

namespace {

using Mat3 = Eigen::Matrix3d;

std::array<double, 9> to_array(const Mat3& m) {
  std::array<double, 9> out{};
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) out[static_cast<std::size_t>(r * 3 + c)] = m(r, c);
  }
  return out;
}

Mat3 to_matrix(const std::array<double, 9>& a) {
  Mat3 m;
  m << a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8];
  return m;
}

Point2 apply(const std::array<double, 9>& h, Point2 p) noexcept {
  if (!p.finite()) return kNoPoint;
  const double w = h[6] * p.x + h[7] * p.y + h[8];
  if (!(std::abs(w) > 1e-12)) return kNoPoint;
  return {(h[0] * p.x + h[1] * p.y + h[2]) / w, (h[3] * p.x + h[4] * p.y + h[5]) / w};
}

std::string format_point(Point2 p) {
  char text[64];
  std::snprintf(text, sizeof text, "(%.6g,%.6g)", p.x, p.y);
  return text;
}

// Rejects any three collinear points (within 1e-6 of the points' spread squared): the
// homography would be singular or ill-conditioned there.
Status check_general_position(std::span<const Point2> points, std::string_view what) {
  double spread_sq = 0.0;
  for (const Point2& a : points) {
    if (!a.finite()) {
      return fail(Errc::invalid_argument, "plane calibration: " + std::string(what) + " point " +
                                              format_point(a) + " is not finite");
    }
    for (const Point2& b : points) {
      spread_sq = std::max(spread_sq, (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y));
    }
  }
  const std::size_t n = points.size();
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      for (std::size_t k = j + 1; k < n; ++k) {
        const Point2 a = points[i];
        const Point2 b = points[j];
        const Point2 c = points[k];
        const double area2 = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
        if (!(std::abs(area2) > 1e-6 * spread_sq)) {
          return fail(Errc::invalid_argument, "plane calibration: " + std::string(what) +
                                                  " points " + std::to_string(i) + ", " +
                                                  std::to_string(j) + " and " + std::to_string(k) +
                                                  " are collinear (or coincide)");
        }
      }
    }
  }
  return {};
}

// Hartley normalisation: centroid to the origin, mean distance sqrt(2), for a
// well-conditioned linear system.
Mat3 normaliser(std::span<const Point2> points) {
  double cx = 0.0;
  double cy = 0.0;
  for (const Point2& p : points) {
    cx += p.x;
    cy += p.y;
  }
  cx /= static_cast<double>(points.size());
  cy /= static_cast<double>(points.size());
  double mean = 0.0;
  for (const Point2& p : points) mean += std::hypot(p.x - cx, p.y - cy);
  mean /= static_cast<double>(points.size());
  const double s = std::sqrt(2.0) / mean;
  Mat3 t;
  t << s, 0.0, -s * cx, 0.0, s, -s * cy, 0.0, 0.0, 1.0;
  return t;
}

// Normalised direct linear transform: h is the right singular vector of the smallest
// singular value (exact for four points, least squares beyond).
Mat3 solve_homography(std::span<const Point2> from, std::span<const Point2> to) {
  const Mat3 tf = normaliser(from);
  const Mat3 tt = normaliser(to);
  const auto n = static_cast<Eigen::Index>(from.size());
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(2 * n, 9);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::Vector3d p = tf * Eigen::Vector3d(from[static_cast<std::size_t>(i)].x,
                                                   from[static_cast<std::size_t>(i)].y, 1.0);
    const Eigen::Vector3d q = tt * Eigen::Vector3d(to[static_cast<std::size_t>(i)].x,
                                                   to[static_cast<std::size_t>(i)].y, 1.0);
    a.row(2 * i) << -p.x(), -p.y(), -1.0, 0.0, 0.0, 0.0, q.x() * p.x(), q.x() * p.y(), q.x();
    a.row(2 * i + 1) << 0.0, 0.0, 0.0, -p.x(), -p.y(), -1.0, q.y() * p.x(), q.y() * p.y(), q.y();
  }
  // With four points A is 8x9; a thin SVD would drop the null vector, so ask for full V.
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(a, Eigen::ComputeFullV);
  const Eigen::VectorXd h = svd.matrixV().col(8);
  Mat3 hn;
  hn << h(0), h(1), h(2), h(3), h(4), h(5), h(6), h(7), h(8);
  Mat3 result = tt.inverse() * hn * tf;
  return result / result(2, 2);
}

}  // namespace

std::string_view to_string(CalibrationKind kind) noexcept {
  switch (kind) {
    case CalibrationKind::invalid: return "invalid";
    case CalibrationKind::pixels: return "pixels";
    case CalibrationKind::scale: return "scale";
    case CalibrationKind::plane: return "plane";
  }
  return "invalid";
}

Calibration::Calibration() {
  // Pixels with y flipped, so angle conventions (y up) hold uncalibrated too.
  to_world_ = {1.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 1.0};
  to_image_ = to_world_;
}

Result<Calibration> Calibration::from_length(Point2 a_px, Point2 b_px, double length_m) {
  if (!a_px.finite() || !b_px.finite()) {
    return fail(Errc::invalid_argument, "scale calibration: a point is not finite");
  }
  if (!(std::isfinite(length_m) && length_m > 0.0)) {
    return fail(Errc::invalid_argument, "scale calibration: length " + std::to_string(length_m) +
                                            " m is not a positive length");
  }
  const double span_px = std::hypot(b_px.x - a_px.x, b_px.y - a_px.y);
  if (!(span_px >= 1.0)) {
    return fail(Errc::invalid_argument, "scale calibration: points " + format_point(a_px) +
                                            " and " + format_point(b_px) +
                                            " are less than 1 px apart");
  }
  Calibration c;
  c.kind_ = CalibrationKind::scale;
  const double s = length_m / span_px;
  c.to_world_ = {s, 0.0, -s * a_px.x, 0.0, -s, s * a_px.y, 0.0, 0.0, 1.0};
  c.to_image_ = to_array(to_matrix(c.to_world_).inverse());
  c.image_points_px_ = {a_px, b_px};
  c.length_m_ = length_m;
  return c;
}

Result<Calibration> Calibration::from_plane(std::span<const Point2> image_px,
                                            std::span<const Point2> world_m) {
  if (image_px.size() != world_m.size() || image_px.size() < 4) {
    return fail(Errc::invalid_argument,
                "plane calibration: needs at least 4 image/world point pairs, got " +
                    std::to_string(image_px.size()) + " image and " +
                    std::to_string(world_m.size()) + " world points");
  }
  if (auto ok = check_general_position(image_px, "image"); !ok) return tl::unexpected(ok.error());
  if (auto ok = check_general_position(world_m, "world"); !ok) return tl::unexpected(ok.error());
  const Mat3 h = solve_homography(image_px, world_m);
  if (!h.allFinite() || std::abs(h.determinant()) < 1e-15) {
    return fail(Errc::invalid_argument, "plane calibration: the points give a singular mapping");
  }
  Calibration c;
  c.kind_ = CalibrationKind::plane;
  c.to_world_ = to_array(h);
  c.to_image_ = to_array(h.inverse());
  c.image_points_px_.assign(image_px.begin(), image_px.end());
  c.world_points_m_.assign(world_m.begin(), world_m.end());
  return c;
}

double Calibration::metres_per_pixel() const noexcept {
  switch (kind_) {
    case CalibrationKind::scale: return to_world_[0];
    case CalibrationKind::pixels: return 1.0;
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

std::string_view Calibration::unit() const noexcept {
  return kind_ == CalibrationKind::pixels ? "px" : "m";
}

std::string Calibration::describe() const {
  char text[160];
  switch (kind_) {
    case CalibrationKind::scale:
      std::snprintf(text, sizeof text, "scale %.6g m/px from %s %s, %.4g m apart",
                    metres_per_pixel(), format_point(image_points_px_[0]).c_str(),
                    format_point(image_points_px_[1]).c_str(), length_m_);
      return text;
    case CalibrationKind::plane: {
      std::string out = "plane homography from " + std::to_string(image_points_px_.size()) +
                        " points (image px -> world m):";
      for (std::size_t i = 0; i < image_points_px_.size(); ++i) {
        out += " " + format_point(image_points_px_[i]) + "->" + format_point(world_points_m_[i]);
      }
      return out;
    }
    default: return "none (pixels, y up)";
  }
}

Point2 Calibration::to_world(Point2 image_px) const noexcept {
  return apply(to_world_, image_px);
}

Point2 Calibration::to_image(Point2 world) const noexcept {
  return apply(to_image_, world);
}

std::vector<Point2> Calibration::to_world(std::span<const Point2> image_px) const {
  std::vector<Point2> out;
  out.reserve(image_px.size());
  for (const Point2& p : image_px) out.push_back(to_world(p));
  return out;
}

namespace {

Json points_json(const std::vector<Point2>& points) {
  Json out = Json::array();
  for (const Point2& p : points) out.push_back(Json::array({p.x, p.y}));
  return out;
}

Result<std::vector<Point2>> points_from_json(const Json& object, std::string_view key,
                                             std::string_view where) {
  auto array = json_get<Json>(object, key, where);
  if (!array) return tl::unexpected(array.error());
  const std::string at = std::string(where) + "/" + std::string(key);
  if (!array->is_array()) return fail(Errc::corrupt, "at " + at + ": expected an array");
  std::vector<Point2> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const Json& p = (*array)[i];
    if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number()) {
      return fail(Errc::corrupt,
                  "at " + at + "/" + std::to_string(i) + ": expected [x, y] (two numbers)");
    }
    out.push_back({p[0].get<double>(), p[1].get<double>()});
  }
  return out;
}

}  // namespace

Json Calibration::to_json() const {
  Json out{{"kind", std::string(to_string(kind_))}};
  if (kind_ == CalibrationKind::scale) {
    out["image_points_px"] = points_json(image_points_px_);
    out["length_m"] = length_m_;
  } else if (kind_ == CalibrationKind::plane) {
    out["image_points_px"] = points_json(image_points_px_);
    out["world_points_m"] = points_json(world_points_m_);
  }
  return out;
}

Result<Calibration> Calibration::from_json(const Json& value, std::string_view where) {
  auto kind = json_get<std::string>(value, "kind", where);
  if (!kind) return tl::unexpected(kind.error());
  if (*kind == "pixels") return Calibration{};
  auto image = points_from_json(value, "image_points_px", where);
  if (!image) return tl::unexpected(image.error());
  Result<Calibration> made = fail(Errc::corrupt, "");
  if (*kind == "scale") {
    if (image->size() != 2) {
      return fail(Errc::corrupt, "at " + std::string(where) +
                                     "/image_points_px: a scale calibration has 2 points, not " +
                                     std::to_string(image->size()));
    }
    auto length = json_get<double>(value, "length_m", where);
    if (!length) return tl::unexpected(length.error());
    made = from_length((*image)[0], (*image)[1], *length);
  } else if (*kind == "plane") {
    auto world = points_from_json(value, "world_points_m", where);
    if (!world) return tl::unexpected(world.error());
    made = from_plane(*image, *world);
  } else {
    return fail(Errc::corrupt, "at " + std::string(where) + "/kind: unknown calibration \"" +
                                   *kind + "\" (pixels, scale, plane)");
  }
  if (!made) return fail(Errc::corrupt, "at " + std::string(where) + ": " + made.error().detail);
  return made;
}

}  // namespace clinvid::analysis
