// Deterministic synthetic photographs of a ColorChecker Classic 24, for tests.
//
// A "camera" turns the reference colours (linear sRGB, D65) into an 8-bit RGB image:
//   illuminant cast (per channel) -> exposure -> sensor crosstalk matrix -> optional
//   per-patch metamerism -> [chart rendered into the frame with perspective, clutter,
//   illumination gradient, specular spots, lens blur] -> shot + read noise -> clip ->
//   transfer curve -> 8-bit -> optional JPEG round trip.
// Everything is drawn from one seed, so a failing case can be replayed.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

#include "colour/chart.hpp"
#include "colour/colour_math.hpp"
#include "colour/reference.hpp"
#include "core/frame.hpp"

namespace clinvid::colour::testing {

enum class Illuminant { d65, tungsten_2850k, fluorescent, led };
enum class CameraCurve { srgb, bt709, gamma26, log_c };

struct CameraSpec {
  std::uint32_t seed = 1;
  Illuminant illuminant = Illuminant::d65;
  double exposure_ev = 0.0;
  CameraCurve curve = CameraCurve::srgb;
  double crosstalk = 0.2;   // largest off-diagonal share of the sensor matrix
  double metamerism = 0.0;  // relative per-patch, per-channel deviation (1 sigma)
};

// A camera made from a spec: maps scene-linear sRGB to encoded signal 0..1.
struct SyntheticCamera {
  Mat3 sensor{};  // includes the illuminant cast and exposure
  CameraCurve curve = CameraCurve::srgb;
  std::array<Vec3, kPatchCount> metamerism{};  // multiplicative, per patch

  [[nodiscard]] Vec3 sensor_linear(const Vec3& scene_linear) const;
  [[nodiscard]] double encode(double sensor_linear) const;
  // Noise-free encoded value of a chart patch.
  [[nodiscard]] Vec3 patch_signal(std::size_t patch, ReferenceSet set) const;
};

[[nodiscard]] SyntheticCamera make_camera(const CameraSpec& spec);

struct SceneSpec {
  std::uint32_t seed = 1;
  int width = 960;
  int height = 720;
  ReferenceSet reference = ReferenceSet::colorchecker24_after_2014;
  bool chart = true;          // false: clutter only
  double chart_width = 0.55;  // grid width as a fraction of the frame width
  double rotation_deg = 0.0;
  double perspective = 0.0;  // corner jitter as a fraction of the grid size
  bool mirrored = false;
  bool clutter = true;
  double illumination_gradient = 0.0;  // peak-to-peak relative change across the frame
  int specular_spots = 0;
  double noise = 0.01;   // shot-noise scale (sigma at linear 1.0); read noise 1/5
  int jpeg_quality = 0;  // 0: no JPEG round trip
};

struct SyntheticImage {
  cv::Mat rgb;                            // CV_8UC3 in R, G, B order
  ChartCorners corners{};                 // true grid corners in chart order
  std::array<Vec3, kPatchCount> truth{};  // noise-free encoded patch signal at the centre light
};

[[nodiscard]] SyntheticImage render_scene(const SceneSpec& scene, const SyntheticCamera& camera);

// RGBA frame holding a copy of an RGB image.
[[nodiscard]] Frame to_rgba_frame(const cv::Mat& rgb);
[[nodiscard]] cv::Mat to_rgb_mat(const ConstFrameView& rgba);

[[nodiscard]] std::string describe(const CameraSpec& camera, const SceneSpec& scene);

}  // namespace clinvid::colour::testing
