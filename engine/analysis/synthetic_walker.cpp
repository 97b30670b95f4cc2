#include "analysis/synthetic_walker.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <utility>

namespace clinvid::analysis {

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kDegToRad = std::numbers::pi / 180.0;
constexpr int kPhaseSamples = 10000;

// Periodic bump (von Mises shape) centred on phase `centre`; `k` sets its narrowness. Smooth
// and exactly periodic, so every angle curve is too.
double bump(double phase, double centre, double k) {
  return std::exp(k * (std::cos(kTwoPi * (phase - centre)) - 1.0));
}

double wrap_phase(double phase) {
  const double wrapped = phase - std::floor(phase);
  return wrapped >= 1.0 ? 0.0 : wrapped;
}

struct Yuv {
  std::uint8_t y, u, v;
};

constexpr Yuv kNearLimb{50, 150, 118};
constexpr Yuv kFarLimb{78, 140, 122};
constexpr Yuv kTrunk{95, 120, 150};
constexpr Yuv kHead{170, 110, 150};
constexpr Yuv kNearMarker{235, 128, 128};
constexpr Yuv kFarMarker{28, 175, 118};  // dark blue: unlike the near markers in luma
constexpr Yuv kFloor{105, 128, 128};
constexpr Yuv kFloorLine{30, 128, 128};
constexpr Yuv kCalibrationMark{16, 128, 128};

// Leg segment endpoints relative to the hip, image orientation (y down), in metres.
struct LegPose {
  std::array<Point2, kWalkerMarkerCount> points_m{};
};

LegPose leg_pose(const WalkerSpec& spec, const JointAngles& angles) {
  const double thigh = angles.hip_flexion_deg * kDegToRad;
  const double shank = thigh - angles.knee_flexion_deg * kDegToRad;
  const double foot = shank + angles.ankle_dorsiflexion_deg * kDegToRad;
  LegPose pose;
  const Point2 knee{spec.thigh_m * std::sin(thigh), spec.thigh_m * std::cos(thigh)};
  const Point2 ankle{knee.x + spec.shank_m * std::sin(shank),
                     knee.y + spec.shank_m * std::cos(shank)};
  // Foot axis (heel -> toe) and the sole normal pointing down, both unit vectors.
  const Point2 along{std::cos(foot), -std::sin(foot)};
  const Point2 down{-along.y, along.x};
  pose.points_m[0] = {0.0, 0.0};
  pose.points_m[1] = knee;
  pose.points_m[2] = ankle;
  pose.points_m[3] = {ankle.x - spec.heel_back_m * along.x + spec.foot_depth_m * down.x,
                      ankle.y - spec.heel_back_m * along.y + spec.foot_depth_m * down.y};
  pose.points_m[4] = {ankle.x + spec.toe_forward_m * along.x + spec.foot_depth_m * down.x,
                      ankle.y + spec.toe_forward_m * along.y + spec.foot_depth_m * down.y};
  return pose;
}

// Planes at full resolution while drawing; chroma is averaged down to 4:2:0 at the end.
struct Canvas {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::vector<std::uint8_t> y, u, v;

  void blend(std::size_t i, Yuv c, double coverage) {
    const auto mix = [coverage](std::uint8_t& dst, std::uint8_t src) {
      dst = static_cast<std::uint8_t>(
          std::lround(static_cast<double>(dst) + (static_cast<double>(src) - dst) * coverage));
    };
    mix(y[i], c.y);
    mix(u[i], c.u);
    mix(v[i], c.v);
  }

  // A segment with round ends (a limb) or, with a == b, a disk (a marker). Coverage is the
  // analytic distance ramp over one pixel, so centres stay sub-pixel exact.
  void capsule(Point2 a, Point2 b, double radius, Yuv c) {
    const double x0 = std::min(a.x, b.x) - radius - 1.0;
    const double x1 = std::max(a.x, b.x) + radius + 1.0;
    const double y0 = std::min(a.y, b.y) - radius - 1.0;
    const double y1 = std::max(a.y, b.y) + radius + 1.0;
    const auto clamp_x = [this](double value) {
      return static_cast<std::uint32_t>(std::clamp(value, 0.0, static_cast<double>(width)));
    };
    const auto clamp_y = [this](double value) {
      return static_cast<std::uint32_t>(std::clamp(value, 0.0, static_cast<double>(height)));
    };
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const double length2 = dx * dx + dy * dy;
    for (std::uint32_t row = clamp_y(y0); row < clamp_y(y1); ++row) {
      for (std::uint32_t col = clamp_x(x0); col < clamp_x(x1); ++col) {
        const double px = col + 0.5;
        const double py = row + 0.5;
        double t = 0.0;
        if (length2 > 0.0) t = std::clamp(((px - a.x) * dx + (py - a.y) * dy) / length2, 0.0, 1.0);
        const double ex = px - (a.x + t * dx);
        const double ey = py - (a.y + t * dy);
        const double coverage = std::clamp(radius + 0.5 - std::sqrt(ex * ex + ey * ey), 0.0, 1.0);
        if (coverage > 0.0) blend(static_cast<std::size_t>(row) * width + col, c, coverage);
      }
    }
  }

  // Luma as drawn, chroma averaged over each 2x2 block (I420 siting).
  void store(const FrameView& dst) const {
    for (std::uint32_t row = 0; row < height; ++row) {
      std::copy_n(y.data() + std::size_t{row} * width, width, dst.planes[0] + row * dst.strides[0]);
    }
    for (std::uint32_t row = 0; row < (height + 1) / 2; ++row) {
      for (std::uint32_t col = 0; col < (width + 1) / 2; ++col) {
        int sum_u = 0;
        int sum_v = 0;
        for (std::uint32_t dy = 0; dy < 2; ++dy) {
          for (std::uint32_t dx = 0; dx < 2; ++dx) {
            const std::size_t i = std::size_t{std::min(2 * row + dy, height - 1)} * width +
                                  std::min(2 * col + dx, width - 1);
            sum_u += u[i];
            sum_v += v[i];
          }
        }
        dst.planes[1][row * dst.strides[1] + col] = static_cast<std::uint8_t>((sum_u + 2) / 4);
        dst.planes[2][row * dst.strides[2] + col] = static_cast<std::uint8_t>((sum_v + 2) / 4);
      }
    }
  }
};

}  // namespace

std::string_view to_string(WalkerMarker marker) noexcept {
  switch (marker) {
    case WalkerMarker::hip: return "hip";
    case WalkerMarker::knee: return "knee";
    case WalkerMarker::ankle: return "ankle";
    case WalkerMarker::heel: return "heel";
    case WalkerMarker::toe: return "toe";
  }
  return "invalid";
}

JointAngles SyntheticWalker::angles_at_phase(double phase) noexcept {
  const double p = wrap_phase(phase);
  JointAngles a;
  a.hip_flexion_deg = 9.0 + 19.0 * std::cos(kTwoPi * (p - 0.02));
  a.knee_flexion_deg = 4.0 + 14.0 * bump(p, 0.14, 15.0) + 56.0 * bump(p, 0.73, 2.5);
  a.ankle_dorsiflexion_deg =
      2.0 - 6.0 * bump(p, 0.06, 40.0) + 10.0 * bump(p, 0.42, 6.0) - 20.0 * bump(p, 0.62, 30.0);
  return a;
}

Result<SyntheticWalker> SyntheticWalker::make(const WalkerSpec& spec) {
  if (spec.width_px < 64 || spec.height_px < 64) {
    return fail(Errc::invalid_argument, "synthetic walker: frame " + std::to_string(spec.width_px) +
                                            "x" + std::to_string(spec.height_px) +
                                            " is below 64x64");
  }
  if (spec.frame_rate == Rational{}) {
    return fail(Errc::invalid_argument, "synthetic walker: frame_rate not set (1/1 fps)");
  }
  if (spec.frame_count <= 0) {
    return fail(Errc::invalid_argument, "synthetic walker: frame_count " +
                                            std::to_string(spec.frame_count) + " is not positive");
  }
  if (!(spec.cadence_steps_per_min > 0.0) || !(spec.pixels_per_metre > 0.0) ||
      !(spec.thigh_m > 0.0) || !(spec.shank_m > 0.0) || !(spec.marker_radius_m > 0.0)) {
    return fail(Errc::invalid_argument,
                "synthetic walker: cadence, scale, segment lengths and marker radius must be "
                "positive");
  }
  if (spec.near_side == Side::invalid) {
    return fail(Errc::invalid_argument, "synthetic walker: near_side is invalid");
  }

  SyntheticWalker walker;
  walker.spec_ = spec;
  WalkerTruth& truth = walker.truth_;
  const double ppm = spec.pixels_per_metre;
  const double marker_r_px = spec.marker_radius_m * ppm;
  truth.floor_y_px = std::round(0.9 * spec.height_px);
  const double hip_x_px = 0.5 * spec.width_px;
  const double mark_y = 0.5 * (truth.floor_y_px + spec.height_px);
  truth.calibration_a_px = {std::round(0.08 * spec.width_px) + 0.5, mark_y};
  truth.calibration_b_px = {truth.calibration_a_px.x + ppm * truth.calibration_length_m, mark_y};
  if (truth.calibration_b_px.x + marker_r_px >= spec.width_px) {
    return fail(Errc::invalid_argument, "synthetic walker: 1 m at " + std::to_string(ppm) +
                                            " px/m does not fit in a frame " +
                                            std::to_string(spec.width_px) + " wide");
  }

  // Event phases by Zeni's criteria on the continuous model (see the header).
  double best_heel = -1e300;
  double best_toe = 1e300;
  for (int i = 0; i < kPhaseSamples; ++i) {
    const double p = static_cast<double>(i) / kPhaseSamples;
    const LegPose pose = leg_pose(spec, angles_at_phase(p));
    if (pose.points_m[3].x > best_heel) {
      best_heel = pose.points_m[3].x;
      truth.heel_strike_phase = p;
    }
    if (pose.points_m[4].x < best_toe) {
      best_toe = pose.points_m[4].x;
      truth.toe_off_phase = p;
    }
  }

  const double fps = spec.frame_rate.to_double();
  const double cycles_per_frame = spec.cadence_steps_per_min / 120.0 / fps;
  truth.frames.resize(static_cast<std::size_t>(spec.frame_count));
  for (std::int64_t n = 0; n < spec.frame_count; ++n) {
    const double near_phase =
        wrap_phase(spec.cycle_phase_at_frame0 + static_cast<double>(n) * cycles_per_frame);
    WalkerFrameTruth& frame = truth.frames[static_cast<std::size_t>(n)];
    frame.near_deg = angles_at_phase(near_phase);
    frame.far_deg = angles_at_phase(near_phase + 0.5);
    const LegPose near_pose = leg_pose(spec, frame.near_deg);
    const LegPose far_pose = leg_pose(spec, frame.far_deg);
    // The pelvis rides so that the lowest foot marker just touches the floor.
    double lowest_m = 0.0;
    for (int m = 3; m < kWalkerMarkerCount; ++m) {
      lowest_m = std::max({lowest_m, near_pose.points_m[static_cast<std::size_t>(m)].y,
                           far_pose.points_m[static_cast<std::size_t>(m)].y});
    }
    const double hip_y_px = truth.floor_y_px - marker_r_px - lowest_m * ppm;
    for (std::size_t m = 0; m < kWalkerMarkerCount; ++m) {
      frame.near_px[m] = {hip_x_px + near_pose.points_m[m].x * ppm,
                          hip_y_px + near_pose.points_m[m].y * ppm};
      frame.far_px[m] = {hip_x_px + far_pose.points_m[m].x * ppm,
                         hip_y_px + far_pose.points_m[m].y * ppm};
      for (const Point2& p : {frame.near_px[m], frame.far_px[m]}) {
        if (p.x < marker_r_px || p.y < marker_r_px || p.x > spec.width_px - marker_r_px ||
            p.y > spec.height_px - marker_r_px) {
          return fail(Errc::invalid_argument,
                      "synthetic walker: marker " +
                          std::string(to_string(static_cast<WalkerMarker>(m))) +
                          " leaves the frame at frame " + std::to_string(n) +
                          "; lower pixels_per_metre or enlarge the frame");
        }
      }
    }
  }

  const Side far_side = spec.near_side == Side::left ? Side::right : Side::left;
  for (const auto& [side, phase0] : {std::pair{spec.near_side, spec.cycle_phase_at_frame0},
                                     std::pair{far_side, spec.cycle_phase_at_frame0 + 0.5}}) {
    for (const auto& [kind, event_phase] :
         {std::pair{GaitEventKind::heel_strike, truth.heel_strike_phase},
          std::pair{GaitEventKind::toe_off, truth.toe_off_phase}}) {
      // Frame n is at phase phase0 + n * cycles_per_frame; solve for every cycle k.
      const double first = (event_phase - phase0) / cycles_per_frame;
      const double period = 1.0 / cycles_per_frame;
      double t = first - std::ceil(first / period) * period;
      for (; t < static_cast<double>(spec.frame_count) - 0.5; t += period) {
        const auto frame = static_cast<std::int64_t>(std::llround(t));
        if (frame < 0) continue;
        truth.events.push_back({side, kind, frame, EventOrigin::manual});
      }
    }
  }
  std::sort(truth.events.begin(), truth.events.end(), [](const GaitEvent& a, const GaitEvent& b) {
    return a.frame != b.frame ? a.frame < b.frame : a.kind < b.kind;
  });

  // Background: a low-contrast texture (something for the eye and for the tracker to
  // ignore), the floor, its edge and the calibration marks.
  auto background = Frame::allocate(PixelFormat::i420, spec.width_px, spec.height_px);
  if (!background) return with_context(background.error(), "synthetic walker");
  auto buffer = Frame::allocate(PixelFormat::i420, spec.width_px, spec.height_px);
  if (!buffer) return with_context(buffer.error(), "synthetic walker");
  walker.buffer_ = std::move(*buffer);
  Canvas canvas{spec.width_px, spec.height_px, {}, {}, {}};
  const std::size_t pixels = static_cast<std::size_t>(spec.width_px) * spec.height_px;
  canvas.y.assign(pixels, 150);
  canvas.u.assign(pixels, 128);
  canvas.v.assign(pixels, 128);
  if (spec.background == WalkerBackground::textured) {
    for (std::uint32_t row = 0; row < spec.height_px; ++row) {
      for (std::uint32_t col = 0; col < spec.width_px; ++col) {
        const double x = col;
        const double y = row;
        const double texture = 16.0 * std::sin(kTwoPi * x / 37.0) * std::sin(kTwoPi * y / 29.0) +
                               9.0 * std::sin(kTwoPi * (x + 2.0 * y) / 91.0);
        const std::size_t i = static_cast<std::size_t>(row) * spec.width_px + col;
        canvas.y[i] = static_cast<std::uint8_t>(std::lround(150.0 + texture));
        canvas.u[i] = static_cast<std::uint8_t>(std::lround(124.0 + 0.3 * texture));
      }
    }
  }
  const double w = spec.width_px;
  canvas.capsule({-100.0, truth.floor_y_px + 0.5 * (spec.height_px - truth.floor_y_px)},
                 {w + 100.0, truth.floor_y_px + 0.5 * (spec.height_px - truth.floor_y_px)},
                 0.5 * (spec.height_px - truth.floor_y_px), kFloor);
  canvas.capsule({-10.0, truth.floor_y_px}, {w + 10.0, truth.floor_y_px}, 1.0, kFloorLine);
  canvas.capsule(truth.calibration_a_px, truth.calibration_a_px, marker_r_px * 0.8,
                 kCalibrationMark);
  canvas.capsule(truth.calibration_b_px, truth.calibration_b_px, marker_r_px * 0.8,
                 kCalibrationMark);
  walker.background_ = std::move(*background);
  canvas.store(walker.background_.view());
  return walker;
}

Status SyntheticWalker::render(std::int64_t index, const FrameView& dst) const {
  if (index < 0 || index >= spec_.frame_count) {
    return fail(Errc::out_of_range, "synthetic walker: frame " + std::to_string(index) +
                                        " outside 0.." + std::to_string(spec_.frame_count - 1));
  }
  if (auto valid = validate(dst.as_const()); !valid) return valid;
  if (dst.format != PixelFormat::i420 || dst.width != spec_.width_px ||
      dst.height != spec_.height_px) {
    return fail(Errc::invalid_argument, "synthetic walker: destination must be I420 " +
                                            std::to_string(spec_.width_px) + "x" +
                                            std::to_string(spec_.height_px));
  }
  const std::uint32_t w = spec_.width_px;
  const std::uint32_t h = spec_.height_px;
  Canvas canvas{w, h, {}, {}, {}};
  const std::size_t pixels = static_cast<std::size_t>(w) * h;
  canvas.y.resize(pixels);
  canvas.u.resize(pixels);
  canvas.v.resize(pixels);
  const ConstFrameView bg = background_.view();
  for (std::uint32_t row = 0; row < h; ++row) {
    std::copy_n(bg.planes[0] + row * bg.strides[0], w, canvas.y.data() + std::size_t{row} * w);
    for (std::uint32_t col = 0; col < w; ++col) {
      const std::size_t ci = (row / 2) * bg.strides[1] + col / 2;
      canvas.u[std::size_t{row} * w + col] = bg.planes[1][ci];
      canvas.v[std::size_t{row} * w + col] = bg.planes[2][(row / 2) * bg.strides[2] + col / 2];
    }
  }

  const WalkerFrameTruth& t = truth_.frames[static_cast<std::size_t>(index)];
  const double ppm = spec_.pixels_per_metre;
  const double marker_r = spec_.marker_radius_m * ppm;
  const auto draw_leg = [&](const std::array<Point2, kWalkerMarkerCount>& p, Yuv limb) {
    canvas.capsule(p[0], p[1], 0.065 * ppm, limb);
    canvas.capsule(p[1], p[2], 0.05 * ppm, limb);
    canvas.capsule(p[2], p[3], 0.035 * ppm, limb);
    canvas.capsule(p[2], p[4], 0.035 * ppm, limb);
    canvas.capsule(p[3], p[4], 0.025 * ppm, limb);
  };
  const auto draw_markers = [&](const std::array<Point2, kWalkerMarkerCount>& p, Yuv colour) {
    for (const Point2& m : p) canvas.capsule(m, m, marker_r, colour);
  };
  draw_leg(t.far_px, kFarLimb);
  draw_markers(t.far_px, kFarMarker);
  const Point2 hip = t.near_px[0];
  const Point2 shoulder{hip.x, hip.y - 0.5 * ppm};
  canvas.capsule(hip, shoulder, 0.12 * ppm, kTrunk);
  canvas.capsule({shoulder.x, shoulder.y - 0.2 * ppm}, {shoulder.x, shoulder.y - 0.2 * ppm},
                 0.1 * ppm, kHead);
  draw_leg(t.near_px, kNearLimb);
  draw_markers(t.near_px, kNearMarker);

  canvas.store(dst);
  return {};
}

Result<ConstFrameView> SyntheticWalker::frame(std::int64_t index) {
  if (auto rendered = render(index, buffer_.view()); !rendered)
    return tl::unexpected(rendered.error());
  return std::as_const(buffer_).view();
}

VideoInput SyntheticWalker::input() {
  return {[this](std::int64_t index) { return frame(index); }, spec_.frame_rate, spec_.frame_count};
}

}  // namespace clinvid::analysis
