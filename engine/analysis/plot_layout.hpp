// Internal to engine/analysis: the geometry both plot renderers share.
#pragma once

#include <string>
#include <vector>

#include "analysis/plot.hpp"

namespace clinvid::analysis::detail {

struct Axis {
  double min = 0.0;
  double max = 1.0;
  double step = 0.1;
  std::vector<double> ticks;
};

struct PlotLayout {
  double left = 0.0;  // plot rectangle in pixels
  double top = 0.0;
  double right = 0.0;
  double bottom = 0.0;
  Axis x;
  Axis y;

  [[nodiscard]] double px(double value) const {
    return left + (value - x.min) / (x.max - x.min) * (right - left);
  }
  [[nodiscard]] double py(double value) const {
    return bottom - (value - y.min) / (y.max - y.min) * (bottom - top);
  }
};

[[nodiscard]] Result<PlotLayout> layout_plot(const PlotSpec& spec);
// "12", "0.5", "-2.25": as few decimals as the axis step needs.
[[nodiscard]] std::string tick_label(double value, double step);

}  // namespace clinvid::analysis::detail
