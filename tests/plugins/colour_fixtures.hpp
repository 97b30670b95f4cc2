// Synthetic ColorChecker frames and profiles for the plugin tests, built with tests/colour's
// generator: a chart under tungsten light, the same scene without a chart, a profile fitted
// to the chart and saved to a file, and the mean dE00 of a chart seen in a frame.
#pragma once

#include <filesystem>
#include <string>

#include "colour/profile.hpp"
#include "core/frame.hpp"
#include "synthetic_chart.hpp"

namespace clinvid::test {

// Rendered once per process: 960x720, tungsten 2850 K, seed 7.
[[nodiscard]] const colour::testing::SyntheticImage& tungsten_chart_image();
[[nodiscard]] const colour::testing::SyntheticImage& no_chart_image();
[[nodiscard]] const colour::CalibrationProfile& tungsten_profile();

// A temporary directory for one test, removed on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ScratchDir(ScratchDir&&) = delete;
  ScratchDir& operator=(ScratchDir&&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

// Mean dE00 against the reference of the chart found in an RGBA frame (read as sRGB);
// a huge value, with a test failure, when no chart is found.
[[nodiscard]] double chart_delta_e00(const ConstFrameView& rgba);

// Mean dE00 of the noise-free patch signals of the tungsten chart after `correction`, and
// read as sRGB without one.
[[nodiscard]] double corrected_truth_delta_e00(const colour::Correction& correction);
[[nodiscard]] double uncorrected_truth_delta_e00();

}  // namespace clinvid::test
