#include "synthetic_cases.hpp"

#include <map>
#include <memory>
#include <mutex>

namespace clinvid::colour::testing {

std::vector<SyntheticCase> synthetic_cases(std::uint32_t seed) {
  CameraSpec cam;
  cam.seed = seed;
  SceneSpec scene;
  scene.seed = seed;
  scene.rotation_deg = 3.0 * seed;
  scene.noise = 0.008;
  std::vector<SyntheticCase> cases;
  auto add = [&](std::string name, auto&& tweak) {
    SyntheticCase c{std::move(name), cam, scene};
    tweak(c.camera, c.scene);
    cases.push_back(std::move(c));
  };
  add("baseline", [](CameraSpec&, SceneSpec&) {});
  add("tungsten_bt709", [](CameraSpec& c, SceneSpec&) {
    c.illuminant = Illuminant::tungsten_2850k;
    c.curve = CameraCurve::bt709;
  });
  add("fluorescent_gamma2.6", [](CameraSpec& c, SceneSpec&) {
    c.illuminant = Illuminant::fluorescent;
    c.curve = CameraCurve::gamma26;
  });
  add("led_log", [](CameraSpec& c, SceneSpec&) {
    c.illuminant = Illuminant::led;
    c.curve = CameraCurve::log_c;
  });
  add("exposure_plus1ev", [](CameraSpec& c, SceneSpec&) { c.exposure_ev = 1.0; });
  add("exposure_minus1ev", [](CameraSpec& c, SceneSpec&) { c.exposure_ev = -1.0; });
  add("strong_crosstalk", [](CameraSpec& c, SceneSpec&) { c.crosstalk = 0.45; });
  add("jpeg_q70", [](CameraSpec&, SceneSpec& s) { s.jpeg_quality = 70; });
  add("sensor_noise", [](CameraSpec&, SceneSpec& s) { s.noise = 0.03; });
  add("perspective_rotation", [seed](CameraSpec&, SceneSpec& s) {
    s.perspective = 0.12;
    s.rotation_deg = 137.0 + 20.0 * seed;
  });
  add("small_chart_clutter", [](CameraSpec&, SceneSpec& s) {
    s.chart_width = 0.3;
    s.rotation_deg += 60.0;
  });
  add("uneven_light", [](CameraSpec&, SceneSpec& s) { s.illumination_gradient = 0.3; });
  add("specular_spots", [](CameraSpec&, SceneSpec& s) { s.specular_spots = 8; });
  add("mirrored", [](CameraSpec&, SceneSpec& s) { s.mirrored = true; });
  add("vga_640x480", [](CameraSpec&, SceneSpec& s) {
    s.width = 640;
    s.height = 480;
    s.rotation_deg = 250.0;
  });
  add("hd_1280x720", [](CameraSpec&, SceneSpec& s) {
    s.width = 1280;
    s.height = 720;
    s.chart_width = 0.4;
    s.rotation_deg = 300.0;
  });
  add("everything", [seed](CameraSpec& c, SceneSpec& s) {
    c.illuminant = Illuminant::tungsten_2850k;
    c.curve = CameraCurve::log_c;
    c.exposure_ev = -0.3;
    c.metamerism = 0.005;
    s.perspective = 0.1;
    s.rotation_deg = 200.0 + 40.0 * seed;
    s.illumination_gradient = 0.2;
    s.specular_spots = 5;
    s.noise = 0.012;
    s.jpeg_quality = 80;
    s.chart_width = 0.45;
  });
  return cases;
}

const RenderedCase& rendered(const SyntheticCase& c) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<RenderedCase>> cache;
  const std::string key = describe(c.camera, c.scene) + " " + c.name;
  const std::lock_guard lock(mutex);
  auto& slot = cache[key];
  if (!slot) {
    auto r = std::make_unique<RenderedCase>();
    r->spec = c;
    r->camera = make_camera(c.camera);
    r->image = render_scene(c.scene, r->camera);
    r->frame = to_rgba_frame(r->image.rgb);
    slot = std::move(r);
  }
  return *slot;
}

}  // namespace clinvid::colour::testing
