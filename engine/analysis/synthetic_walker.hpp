// A synthetic walker: a sagittal-plane 2D figure walking on a treadmill (pelvis fixed in x,
// moving vertically), rendered into I420 frames with skin-style markers, and its exact ground
// truth. Used by the analysis tests, the `test://gait` camera and the CLI demo.
//
// Joint angles follow smooth periodic curves shaped like normal adult gait (Winter, Biomechanics
// and Motor Control of Human Movement): knee flexion with the loading-response and swing peaks
// (about 4 -> 18 -> 4 -> 60 -> 4 degrees), hip flexion from about +28 to -10 degrees, ankle
// plantar/dorsiflexion of -18 to +10 degrees. The near leg (towards the camera) carries white
// markers at hip, knee, ankle, heel and toe; the far leg, half a cycle apart, carries dark blue
// ones and is drawn behind the near leg (so its markers are occluded where the legs cross,
// as in real footage). Two black calibration marks lie on the floor exactly 1.000 m apart.
//
// Ground-truth heel strike and toe off are defined by the coordinate criteria of Zeni et al.
// (2008) evaluated on the noise-free continuous model (heel most anterior / toe most posterior
// relative to the pelvis), sampled 10000 times per cycle and rounded to the nearest frame: the
// walker has no force plate, and these are the instants a perfect tracker would report.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "analysis/gait.hpp"
#include "analysis/point.hpp"
#include "core/frame.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"

namespace clinvid::analysis {

enum class WalkerMarker { hip = 0, knee, ankle, heel, toe };
inline constexpr int kWalkerMarkerCount = 5;
[[nodiscard]] std::string_view to_string(WalkerMarker marker) noexcept;

enum class WalkerBackground { invalid = 0, plain, textured };

struct WalkerSpec {
  std::uint32_t width_px = 640;
  std::uint32_t height_px = 360;
  Rational frame_rate;  // default 1/1 is rejected; set it (e.g. 30/1)
  std::int64_t frame_count = 300;
  double cadence_steps_per_min = 120.0;
  double pixels_per_metre = 180.0;
  double thigh_m = 0.45;        // hip to knee
  double shank_m = 0.43;        // knee to ankle
  double heel_back_m = 0.05;    // ankle to heel, along the foot
  double toe_forward_m = 0.15;  // ankle to toe (5th metatarsal head), along the foot
  double foot_depth_m = 0.07;   // ankle to the sole line the heel and toe markers sit on
  double marker_radius_m = 0.025;
  double cycle_phase_at_frame0 = 0.1;  // near leg's gait-cycle phase (0..1) at frame 0
  Side near_side = Side::right;        // walking to the right (+x) shows the right side
  WalkerBackground background = WalkerBackground::textured;
};

// Clinical sagittal angles (degrees): hip flexion = thigh to vertical, + when the knee is in
// front of the hip; knee flexion = 0 straight, + flexed; ankle dorsiflexion = 0 when the foot
// (heel -> toe) is perpendicular to the shank, + toe towards the shank.
struct JointAngles {
  double hip_flexion_deg = 0.0;
  double knee_flexion_deg = 0.0;
  double ankle_dorsiflexion_deg = 0.0;
};

struct WalkerFrameTruth {
  std::array<Point2, kWalkerMarkerCount> near_px{};  // indexed by WalkerMarker
  std::array<Point2, kWalkerMarkerCount> far_px{};
  JointAngles near_deg;
  JointAngles far_deg;
};

struct WalkerTruth {
  std::vector<WalkerFrameTruth> frames;  // one per frame
  std::vector<GaitEvent> events;         // both feet, sorted by frame, origin manual
  double heel_strike_phase = 0.0;        // cycle phase (0..1) of heel strike / toe off,
  double toe_off_phase = 0.0;            //   the same for both legs
  Point2 calibration_a_px;               // centres of the two floor marks
  Point2 calibration_b_px;
  double calibration_length_m = 1.0;
  double floor_y_px = 0.0;
};

// Move-only: holds the rendered background and a frame buffer.
class SyntheticWalker {
 public:
  // Errc::invalid_argument for a size below 64x64, a non-positive cadence or scale, or a
  // figure that does not fit in the frame (names the offending value).
  [[nodiscard]] static Result<SyntheticWalker> make(const WalkerSpec& spec);

  SyntheticWalker(SyntheticWalker&&) noexcept = default;
  SyntheticWalker& operator=(SyntheticWalker&&) noexcept = default;
  SyntheticWalker(const SyntheticWalker&) = delete;
  SyntheticWalker& operator=(const SyntheticWalker&) = delete;
  ~SyntheticWalker() = default;

  [[nodiscard]] const WalkerSpec& spec() const noexcept { return spec_; }
  [[nodiscard]] const WalkerTruth& truth() const noexcept { return truth_; }

  // Draws frame `index` into `dst` (I420, the spec's size). Errc::out_of_range for an index
  // outside 0..frame_count-1, Errc::invalid_argument for a wrong view.
  [[nodiscard]] Status render(std::int64_t index, const FrameView& dst) const;

  // Renders into an internal buffer; the view is valid until the next call (the FrameSource
  // contract). Not thread-safe.
  [[nodiscard]] Result<ConstFrameView> frame(std::int64_t index);

  // A VideoInput reading this walker. The walker must outlive it and must not move meanwhile.
  [[nodiscard]] VideoInput input();

  // Joint angles of one leg at cycle phase `phase` (0..1, heel strike region near 0).
  [[nodiscard]] static JointAngles angles_at_phase(double phase) noexcept;

 private:
  SyntheticWalker() = default;
  WalkerSpec spec_;
  WalkerTruth truth_;
  Frame background_;
  Frame buffer_;
};

}  // namespace clinvid::analysis
