// Line plots of kinematics (angle against % of the gait cycle, or against time) as SVG, and the
// same plot rasterised to RGBA and PNG (through media::encode_image, FFmpeg's PNG encoder).
// Both renderings come from one layout, so the PNG is the SVG's picture: axes with ticks at
// 1-2-5 steps, grid, labels, each series as a line with an optional band (mean +- SD) drawn
// translucent in the series colour, and a legend.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analysis/cycle.hpp"
#include "core/frame.hpp"
#include "core/result.hpp"

namespace clinvid::analysis {

struct Rgb {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;
};

inline constexpr Rgb kPlotBlue{31, 119, 180};
inline constexpr Rgb kPlotOrange{230, 97, 1};

struct PlotSeries {
  std::string label;
  Rgb colour;
  std::vector<double> x;
  std::vector<double> y;         // NaN breaks the line
  std::vector<double> band_low;  // empty, or one per x: the band is drawn between them
  std::vector<double> band_high;
};

struct PlotSpec {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<PlotSeries> series;
  std::uint32_t width_px = 800;
  std::uint32_t height_px = 500;
};

// Errc::invalid_argument for a size below 200x150 or above 8192 a side, no series, a series
// whose x, y and band lengths differ, or no finite point at all.
[[nodiscard]] Result<std::string> render_svg(const PlotSpec& spec);
[[nodiscard]] Result<Frame> render_rgba(const PlotSpec& spec);
[[nodiscard]] Result<std::vector<std::uint8_t>> render_png(const PlotSpec& spec);

// Mean +- SD of each session against 0..100 % of the gait cycle, in kPlotBlue then
// kPlotOrange (further sessions cycle through a fixed palette).
[[nodiscard]] PlotSpec cycle_plot(std::span<const SessionCurve> sessions, std::string title,
                                  std::string y_label);

}  // namespace clinvid::analysis
