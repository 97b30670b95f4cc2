// The synthetic conditions the colour tests run through, each a camera and a scene, and a
// cache so that each image is rendered once per test binary.
#pragma once

#include <string>
#include <vector>

#include "synthetic_chart.hpp"

namespace clinvid::colour::testing {

struct SyntheticCase {
  std::string name;
  CameraSpec camera;
  SceneSpec scene;
};

// Every condition of the brief, one at a time and combined, for a given seed.
[[nodiscard]] std::vector<SyntheticCase> synthetic_cases(std::uint32_t seed);

// Rendered once and kept for the process (tests share them).
struct RenderedCase {
  SyntheticCase spec;
  SyntheticCamera camera;
  SyntheticImage image;
  Frame frame;  // RGBA copy of image.rgb
};
[[nodiscard]] const RenderedCase& rendered(const SyntheticCase& c);

}  // namespace clinvid::colour::testing
