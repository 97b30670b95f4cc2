// Image-to-world calibration of one view: pixels to metres on the plane of movement.
//
// Two models: a scale from a known length between two image points (the camera looks
// perpendicular to the plane of progression), or a plane homography from four image points
// with known world coordinates (the camera looks at the plane obliquely). Lens distortion is
// ignored: wide-angle lenses bend straight lines near the frame edges, so users keep the
// subject near the centre or use a lens with little distortion (docs/movement.md).
//
// World frame: metres, x forward along the plane, y up. For a scale calibration the origin is
// the first calibration point (put it on the floor, and y is height above the floor).
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/point.hpp"
#include "core/json.hpp"
#include "core/result.hpp"

namespace clinvid::analysis {

enum class CalibrationKind {
  invalid = 0,
  pixels,  // uncalibrated: world = (x_px, -y_px), in pixels, y up
  scale,   // two points, a known length between them
  plane,   // homography from four (or more) points with world coordinates
};

[[nodiscard]] std::string_view to_string(CalibrationKind kind) noexcept;

class Calibration {
 public:
  // Uncalibrated (the default): measurements stay in pixels.
  Calibration();

  // Errc::invalid_argument for a non-finite point, coincident points (closer than 1 px) or a
  // length that is not positive and finite.
  [[nodiscard]] static Result<Calibration> from_length(Point2 a_px, Point2 b_px, double length_m);
  // At least four correspondences, no three image (or world) points collinear.
  // Exactly four are solved exactly (direct linear transform); more by least squares.
  [[nodiscard]] static Result<Calibration> from_plane(std::span<const Point2> image_px,
                                                      std::span<const Point2> world_m);

  [[nodiscard]] CalibrationKind kind() const noexcept { return kind_; }
  // Metres per pixel for a scale calibration, 1 for pixels, NaN for a plane (it varies).
  [[nodiscard]] double metres_per_pixel() const noexcept;
  // "m" when calibrated, "px" when not: the unit suffix of exported columns.
  [[nodiscard]] std::string_view unit() const noexcept;
  // One line for export headers: "scale 0.005556 m/px from (56.5,342) (236.5,342), 1.000 m".
  [[nodiscard]] std::string describe() const;

  // kNoPoint for a non-finite input or a point on the plane's horizon (plane only).
  [[nodiscard]] Point2 to_world(Point2 image_px) const noexcept;
  [[nodiscard]] Point2 to_image(Point2 world) const noexcept;
  [[nodiscard]] std::vector<Point2> to_world(std::span<const Point2> image_px) const;

  // The defining points, so a saved review re-derives the same mapping.
  [[nodiscard]] Json to_json() const;
  // Errors name the JSON pointer (`where`) of the offending field.
  [[nodiscard]] static Result<Calibration> from_json(const Json& value, std::string_view where);

 private:
  CalibrationKind kind_ = CalibrationKind::pixels;
  std::array<double, 9> to_world_{};  // row-major 3x3 homographies
  std::array<double, 9> to_image_{};
  std::vector<Point2> image_points_px_;
  std::vector<Point2> world_points_m_;
  double length_m_ = 0.0;
};

}  // namespace clinvid::analysis
