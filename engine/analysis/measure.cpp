#include "analysis/measure.hpp"

#include <cmath>
#include <numbers>

namespace clinvid::analysis {

namespace {

constexpr double kRadToDeg = 180.0 / std::numbers::pi;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double direction(Progression progression) noexcept {
  switch (progression) {
    case Progression::positive_x: return 1.0;
    case Progression::negative_x: return -1.0;
    case Progression::invalid: break;
  }
  return kNaN;
}

// Signed angle from u to v, counter-clockwise positive, radians.
double signed_angle(Point2 u, Point2 v) noexcept {
  return std::atan2(u.x * v.y - u.y * v.x, u.x * v.x + u.y * v.y);
}

}  // namespace

double distance(Point2 a, Point2 b) noexcept {
  return std::hypot(b.x - a.x, b.y - a.y);
}

double angle_at_vertex_deg(Point2 a, Point2 vertex, Point2 b) noexcept {
  const Point2 u{a.x - vertex.x, a.y - vertex.y};
  const Point2 v{b.x - vertex.x, b.y - vertex.y};
  return std::abs(signed_angle(u, v)) * kRadToDeg;
}

double segment_angle_deg(Point2 from, Point2 to, Reference reference) noexcept {
  const double dx = to.x - from.x;
  const double dy = to.y - from.y;
  switch (reference) {
    case Reference::horizontal: return std::atan2(dy, dx) * kRadToDeg;
    case Reference::vertical: return std::atan2(dx, -dy) * kRadToDeg;
    case Reference::invalid: break;
  }
  return kNaN;
}

double hip_flexion_deg(Point2 hip, Point2 knee, Progression progression) noexcept {
  const double sign = direction(progression);
  return std::atan2(sign * (knee.x - hip.x), hip.y - knee.y) * kRadToDeg;
}

double knee_flexion_deg(Point2 hip, Point2 knee, Point2 ankle, Progression progression) noexcept {
  const double sign = direction(progression);
  // Mirroring x turns a clockwise (flexing, when walking towards +x) rotation of the shank
  // relative to the thigh into a counter-clockwise one.
  const Point2 thigh{sign * (knee.x - hip.x), knee.y - hip.y};
  const Point2 shank{sign * (ankle.x - knee.x), ankle.y - knee.y};
  return -signed_angle(thigh, shank) * kRadToDeg;
}

double ankle_dorsiflexion_deg(Point2 knee, Point2 ankle, Point2 heel, Point2 toe) noexcept {
  const Point2 up_shank{knee.x - ankle.x, knee.y - ankle.y};
  const Point2 foot{toe.x - heel.x, toe.y - heel.y};
  return 90.0 - std::abs(signed_angle(up_shank, foot)) * kRadToDeg;
}

}  // namespace clinvid::analysis
