#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "analysis/plot.hpp"
#include "analysis/plot_layout.hpp"

namespace clinvid::analysis {

namespace detail {

namespace {

Axis nice_axis(double lo, double hi) {
  if (!(hi > lo)) {
    const double pad = std::max(1.0, std::abs(lo) * 0.1);
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / 5.0;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  }
  Axis axis;
  axis.step = step;
  axis.min = std::floor(lo / step) * step;
  axis.max = std::ceil(hi / step) * step;
  for (double t = axis.min; t <= axis.max + 0.5 * step; t += step) {
    axis.ticks.push_back(std::abs(t) < 1e-9 * step ? 0.0 : t);
  }
  return axis;
}

}  // namespace

std::string tick_label(double value, double step) {
  const int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(step) - 1e-9)), 0, 6);
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

Result<PlotLayout> layout_plot(const PlotSpec& spec) {
  if (spec.width_px < 200 || spec.height_px < 150 || spec.width_px > 8192 ||
      spec.height_px > 8192) {
    return fail(Errc::invalid_argument, "plot: size " + std::to_string(spec.width_px) + "x" +
                                            std::to_string(spec.height_px) +
                                            " outside 200x150..8192x8192");
  }
  if (spec.series.empty()) return fail(Errc::invalid_argument, "plot: no series");
  double x_lo = std::numeric_limits<double>::infinity();
  double x_hi = -x_lo;
  double y_lo = x_lo;
  double y_hi = -x_lo;
  for (const PlotSeries& s : spec.series) {
    const bool band = !s.band_low.empty() || !s.band_high.empty();
    if (s.y.size() != s.x.size() ||
        (band && (s.band_low.size() != s.x.size() || s.band_high.size() != s.x.size()))) {
      return fail(Errc::invalid_argument,
                  "plot: series \"" + s.label + "\" has x, y and band of different lengths");
    }
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i])) continue;
      for (double v : {s.y[i], band ? s.band_low[i] : s.y[i], band ? s.band_high[i] : s.y[i]}) {
        if (!std::isfinite(v)) continue;
        x_lo = std::min(x_lo, s.x[i]);
        x_hi = std::max(x_hi, s.x[i]);
        y_lo = std::min(y_lo, v);
        y_hi = std::max(y_hi, v);
      }
    }
  }
  if (!std::isfinite(x_lo)) return fail(Errc::invalid_argument, "plot: no finite point");
  PlotLayout l;
  l.x = nice_axis(x_lo, x_hi);
  l.y = nice_axis(y_lo, y_hi);
  l.left = 72.0;
  l.top = 44.0;
  l.right = spec.width_px - 24.0;
  l.bottom = spec.height_px - 56.0;
  return l;
}

}  // namespace detail

namespace {

std::string escape_xml(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string colour_hex(Rgb c) {
  char text[8];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", c.r, c.g, c.b);
  return text;
}

std::string num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", v);
  return text;
}

}  // namespace

Result<std::string> render_svg(const PlotSpec& spec) {
  auto layout = detail::layout_plot(spec);
  if (!layout) return tl::unexpected(layout.error());
  const detail::PlotLayout& l = *layout;
  const std::string w = std::to_string(spec.width_px);
  const std::string h = std::to_string(spec.height_px);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
         "\" viewBox=\"0 0 " + w + " " + h + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  out += "<rect x=\"0\" y=\"0\" width=\"" + w + "\" height=\"" + h + "\" fill=\"#ffffff\"/>\n";
  out += "<text x=\"" + num(0.5 * spec.width_px) +
         "\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">" + escape_xml(spec.title) +
         "</text>\n";
  out += "<g class=\"grid\" stroke=\"#e0e0e0\" stroke-width=\"1\">\n";
  for (double t : l.x.ticks) {
    out += "<line x1=\"" + num(l.px(t)) + "\" y1=\"" + num(l.top) + "\" x2=\"" + num(l.px(t)) +
           "\" y2=\"" + num(l.bottom) + "\"/>\n";
  }
  for (double t : l.y.ticks) {
    out += "<line x1=\"" + num(l.left) + "\" y1=\"" + num(l.py(t)) + "\" x2=\"" + num(l.right) +
           "\" y2=\"" + num(l.py(t)) + "\"/>\n";
  }
  out += "</g>\n<g class=\"axes\" stroke=\"#000000\" stroke-width=\"1\">\n";
  out += "<line x1=\"" + num(l.left) + "\" y1=\"" + num(l.bottom) + "\" x2=\"" + num(l.right) +
         "\" y2=\"" + num(l.bottom) + "\"/>\n";
  out += "<line x1=\"" + num(l.left) + "\" y1=\"" + num(l.top) + "\" x2=\"" + num(l.left) +
         "\" y2=\"" + num(l.bottom) + "\"/>\n";
  for (double t : l.x.ticks) {
    out += "<line x1=\"" + num(l.px(t)) + "\" y1=\"" + num(l.bottom) + "\" x2=\"" + num(l.px(t)) +
           "\" y2=\"" + num(l.bottom + 5) + "\"/>\n";
  }
  for (double t : l.y.ticks) {
    out += "<line x1=\"" + num(l.left - 5) + "\" y1=\"" + num(l.py(t)) + "\" x2=\"" + num(l.left) +
           "\" y2=\"" + num(l.py(t)) + "\"/>\n";
  }
  out += "</g>\n<g class=\"tick-labels\" fill=\"#000000\">\n";
  for (double t : l.x.ticks) {
    out += "<text x=\"" + num(l.px(t)) + "\" y=\"" + num(l.bottom + 18) +
           "\" text-anchor=\"middle\">" + detail::tick_label(t, l.x.step) + "</text>\n";
  }
  for (double t : l.y.ticks) {
    out += "<text x=\"" + num(l.left - 8) + "\" y=\"" + num(l.py(t) + 4) +
           "\" text-anchor=\"end\">" + detail::tick_label(t, l.y.step) + "</text>\n";
  }
  out += "</g>\n";
  out += "<text class=\"x-label\" x=\"" + num(0.5 * (l.left + l.right)) + "\" y=\"" +
         num(spec.height_px - 14.0) + "\" text-anchor=\"middle\">" + escape_xml(spec.x_label) +
         "</text>\n";
  out += "<text class=\"y-label\" transform=\"translate(18," + num(0.5 * (l.top + l.bottom)) +
         ") rotate(-90)\" text-anchor=\"middle\">" + escape_xml(spec.y_label) + "</text>\n";

  for (const PlotSeries& s : spec.series) {
    const std::string colour = colour_hex(s.colour);
    out += "<g class=\"series\" data-label=\"" + escape_xml(s.label) + "\">\n";
    if (!s.band_low.empty()) {
      std::string d;
      for (std::size_t i = 0; i < s.x.size(); ++i) {
        d += (d.empty() ? "M" : " L") + num(l.px(s.x[i])) + "," + num(l.py(s.band_high[i]));
      }
      for (std::size_t i = s.x.size(); i-- > 0;) {
        d += " L" + num(l.px(s.x[i])) + "," + num(l.py(s.band_low[i]));
      }
      out += "<path class=\"band\" d=\"" + d + " Z\" fill=\"" + colour +
             "\" fill-opacity=\"0.25\" stroke=\"none\"/>\n";
    }
    // NaN breaks the line into several polylines.
    std::string points;
    const auto flush = [&] {
      if (!points.empty()) {
        out += "<polyline class=\"line\" points=\"" + points + "\" fill=\"none\" stroke=\"" +
               colour + "\" stroke-width=\"2\"/>\n";
      }
      points.clear();
    };
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
        flush();
        continue;
      }
      points += (points.empty() ? "" : " ") + num(l.px(s.x[i])) + "," + num(l.py(s.y[i]));
    }
    flush();
    out += "</g>\n";
  }
  out += "<g class=\"legend\">\n";
  for (std::size_t i = 0; i < spec.series.size(); ++i) {
    const double y = l.top + 12.0 + 18.0 * static_cast<double>(i);
    const double x = l.right - 150.0;
    out += "<rect x=\"" + num(x) + "\" y=\"" + num(y - 8) +
           "\" width=\"20\" height=\"10\" fill=\"" + colour_hex(spec.series[i].colour) + "\"/>\n";
    out += "<text x=\"" + num(x + 26) + "\" y=\"" + num(y + 2) + "\">" +
           escape_xml(spec.series[i].label) + "</text>\n";
  }
  out += "</g>\n</svg>\n";
  return out;
}

PlotSpec cycle_plot(std::span<const SessionCurve> sessions, std::string title,
                    std::string y_label) {
  static constexpr Rgb kPalette[] = {kPlotBlue, kPlotOrange, {44, 160, 44}, {148, 103, 189}};
  PlotSpec spec;
  spec.title = std::move(title);
  spec.x_label = "gait cycle (%)";
  spec.y_label = std::move(y_label);
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    const NormalisedCycles& c = sessions[i].cycles;
    PlotSeries s;
    s.label = sessions[i].label + " (n=" + std::to_string(c.cycles.size()) + ", mean +- SD)";
    s.colour = kPalette[i % std::size(kPalette)];
    for (std::size_t p = 0; p < c.mean.size(); ++p) {
      s.x.push_back(static_cast<double>(p));
      s.y.push_back(c.mean[p]);
      s.band_low.push_back(c.mean[p] - c.sd[p]);
      s.band_high.push_back(c.mean[p] + c.sd[p]);
    }
    spec.series.push_back(std::move(s));
  }
  return spec;
}

}  // namespace clinvid::analysis
