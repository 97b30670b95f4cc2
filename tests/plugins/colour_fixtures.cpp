#include "colour_fixtures.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

#include "colour/calibrate.hpp"
#include "colour/chart.hpp"
#include "colour/ciede2000.hpp"
#include "colour/colour_math.hpp"
#include "colour/reference.hpp"

namespace clinvid::test {
namespace {

using colour::testing::CameraSpec;
using colour::testing::SceneSpec;

colour::testing::SyntheticImage render(bool with_chart) {
  CameraSpec camera;
  camera.seed = 7;
  camera.illuminant = colour::testing::Illuminant::tungsten_2850k;
  SceneSpec scene;
  scene.seed = 7;
  scene.chart = with_chart;
  return colour::testing::render_scene(scene, colour::testing::make_camera(camera));
}

const std::array<colour::Vec3, colour::kPatchCount>& reference_lab() {
  static const auto lab =
      colour::builtin_reference(colour::ReferenceSet::colorchecker24_after_2014).lab();
  return lab;
}

}  // namespace

const colour::testing::SyntheticImage& tungsten_chart_image() {
  static const colour::testing::SyntheticImage image = render(true);
  return image;
}

const colour::testing::SyntheticImage& no_chart_image() {
  static const colour::testing::SyntheticImage image = render(false);
  return image;
}

const colour::CalibrationProfile& tungsten_profile() {
  static const colour::CalibrationProfile profile = [] {
    const Frame frame = colour::testing::to_rgba_frame(tungsten_chart_image().rgb);
    auto fitted = colour::calibrate_frame(frame.view(), colour::CalibrationOptions{});
    if (!fitted) throw std::runtime_error("calibrate_frame: " + fitted.error().message());
    return *fitted;
  }();
  return profile;
}

ScratchDir::ScratchDir() {
  std::string pattern = std::filesystem::path(::testing::TempDir()) / "clinvid-plugin-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  }
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

double chart_delta_e00(const ConstFrameView& rgba) {
  auto chart = colour::detect_chart(rgba);
  if (!chart) {
    ADD_FAILURE() << "no chart: " << chart.error().message();
    return 1e9;
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < colour::kPatchCount; ++i) {
    const colour::Vec3& v = chart->patches[i].rgb;
    const colour::Vec3 linear{colour::srgb_decode(v[0]), colour::srgb_decode(v[1]),
                              colour::srgb_decode(v[2])};
    sum += colour::delta_e00(colour::linear_srgb_to_lab_d50(linear), reference_lab()[i]);
  }
  return sum / static_cast<double>(colour::kPatchCount);
}

double corrected_truth_delta_e00(const colour::Correction& correction) {
  double sum = 0.0;
  for (std::size_t i = 0; i < colour::kPatchCount; ++i) {
    sum += colour::delta_e00(correction.to_lab_d50(tungsten_chart_image().truth[i]),
                             reference_lab()[i]);
  }
  return sum / static_cast<double>(colour::kPatchCount);
}

double uncorrected_truth_delta_e00() {
  double sum = 0.0;
  for (std::size_t i = 0; i < colour::kPatchCount; ++i) {
    const colour::Vec3& v = tungsten_chart_image().truth[i];
    const colour::Vec3 linear{colour::srgb_decode(v[0]), colour::srgb_decode(v[1]),
                              colour::srgb_decode(v[2])};
    sum += colour::delta_e00(colour::linear_srgb_to_lab_d50(linear), reference_lab()[i]);
  }
  return sum / static_cast<double>(colour::kPatchCount);
}

}  // namespace clinvid::test
