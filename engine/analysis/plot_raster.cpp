// The plot layout rasterised into RGBA: anti-aliased lines (distance to segment), translucent
// bands, and text in a built-in 5x7 bitmap font (no font library: the engine has none, and tick
// labels need only digits, capitals and a few signs; lower case is drawn as capitals).
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "analysis/plot.hpp"
#include "analysis/plot_layout.hpp"
#include "media/image_codec.hpp"

namespace clinvid::analysis {

namespace {

using Glyph = std::array<std::uint8_t, 7>;  // rows top to bottom, bit 4 = leftmost column

Glyph glyph(char c) {
  switch (static_cast<char>(std::toupper(static_cast<unsigned char>(c)))) {
    case '0': return {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E};
    case '1': return {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E};
    case '2': return {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F};
    case '3': return {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E};
    case '4': return {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02};
    case '5': return {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E};
    case '6': return {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E};
    case '7': return {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08};
    case '8': return {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E};
    case '9': return {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C};
    case 'A': return {0x0E, 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11};
    case 'B': return {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E};
    case 'C': return {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E};
    case 'D': return {0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C};
    case 'E': return {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F};
    case 'F': return {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10};
    case 'G': return {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F};
    case 'H': return {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11};
    case 'I': return {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E};
    case 'J': return {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C};
    case 'K': return {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11};
    case 'L': return {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F};
    case 'M': return {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11};
    case 'N': return {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11};
    case 'O': return {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E};
    case 'P': return {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10};
    case 'Q': return {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D};
    case 'R': return {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11};
    case 'S': return {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E};
    case 'T': return {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04};
    case 'U': return {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E};
    case 'V': return {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04};
    case 'W': return {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A};
    case 'X': return {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11};
    case 'Y': return {0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04};
    case 'Z': return {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F};
    case '.': return {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C};
    case ',': return {0x00, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x08};
    case '-': return {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00};
    case '+': return {0x00, 0x04, 0x04, 0x1F, 0x04, 0x04, 0x00};
    case '%': return {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03};
    case '(': return {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02};
    case ')': return {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08};
    case ':': return {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00};
    case '/': return {0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00};
    case '=': return {0x00, 0x00, 0x1F, 0x00, 0x1F, 0x00, 0x00};
    case '_': return {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F};
    default: return {};
  }
}

constexpr int kGlyphAdvance = 6;  // 5 columns and a space

class Canvas {
 public:
  explicit Canvas(const FrameView& view) : view_(view) {}

  void blend(int x, int y, Rgb c, double alpha) {
    if (x < 0 || y < 0 || x >= static_cast<int>(view_.width) ||
        y >= static_cast<int>(view_.height) || !(alpha > 0.0)) {
      return;
    }
    std::uint8_t* p = view_.planes[0] + static_cast<std::size_t>(y) * view_.strides[0] +
                      static_cast<std::size_t>(x) * 4;
    const auto mix = [alpha](std::uint8_t& dst, std::uint8_t src) {
      dst = static_cast<std::uint8_t>(
          std::lround(dst + (static_cast<double>(src) - dst) * std::min(alpha, 1.0)));
    };
    mix(p[0], c.r);
    mix(p[1], c.g);
    mix(p[2], c.b);
    p[3] = 255;
  }

  // Anti-aliased segment of the given width (coverage from the distance to the segment).
  void line(double x0, double y0, double x1, double y1, double width, Rgb c) {
    const double r = 0.5 * width;
    const int xa = static_cast<int>(std::floor(std::min(x0, x1) - r - 1));
    const int xb = static_cast<int>(std::ceil(std::max(x0, x1) + r + 1));
    const int ya = static_cast<int>(std::floor(std::min(y0, y1) - r - 1));
    const int yb = static_cast<int>(std::ceil(std::max(y0, y1) + r + 1));
    const double dx = x1 - x0;
    const double dy = y1 - y0;
    const double length2 = dx * dx + dy * dy;
    for (int y = std::max(ya, 0); y <= std::min(yb, static_cast<int>(view_.height) - 1); ++y) {
      for (int x = std::max(xa, 0); x <= std::min(xb, static_cast<int>(view_.width) - 1); ++x) {
        const double cx = x + 0.5;
        const double cy = y + 0.5;
        const double t =
            length2 > 0 ? std::clamp(((cx - x0) * dx + (cy - y0) * dy) / length2, 0.0, 1.0) : 0.0;
        const double d = std::hypot(cx - (x0 + t * dx), cy - (y0 + t * dy));
        blend(x, y, c, std::clamp(r + 0.5 - d, 0.0, 1.0));
      }
    }
  }

  void fill_rect(double x0, double y0, double x1, double y1, Rgb c, double alpha) {
    for (int y = static_cast<int>(std::lround(y0)); y < static_cast<int>(std::lround(y1)); ++y) {
      for (int x = static_cast<int>(std::lround(x0)); x < static_cast<int>(std::lround(x1)); ++x) {
        blend(x, y, c, alpha);
      }
    }
  }

  // Text with its baseline-left (anchor = 0), centre (0.5) or right end (1) at (x, y).
  void text(const std::string& s, double x, double y, double anchor, int scale, Rgb c) {
    const double width = static_cast<double>(s.size()) * kGlyphAdvance * scale;
    int pen = static_cast<int>(std::lround(x - anchor * width));
    const int top = static_cast<int>(std::lround(y)) - 7 * scale;
    for (char ch : s) {
      const Glyph g = glyph(ch);
      for (int row = 0; row < 7; ++row) {
        for (int col = 0; col < 5; ++col) {
          if ((g[static_cast<std::size_t>(row)] >> (4 - col) & 1) == 0) continue;
          for (int sy = 0; sy < scale; ++sy) {
            for (int sx = 0; sx < scale; ++sx) {
              blend(pen + col * scale + sx, top + row * scale + sy, c, 1.0);
            }
          }
        }
      }
      pen += kGlyphAdvance * scale;
    }
  }

 private:
  FrameView view_;
};

constexpr Rgb kBlack{0, 0, 0};
constexpr Rgb kGrid{224, 224, 224};

}  // namespace

Result<Frame> render_rgba(const PlotSpec& spec) {
  auto layout = detail::layout_plot(spec);
  if (!layout) return tl::unexpected(layout.error());
  const detail::PlotLayout& l = *layout;
  auto frame = Frame::allocate(PixelFormat::rgba, spec.width_px, spec.height_px);
  if (!frame) return tl::unexpected(frame.error());
  std::fill(frame->bytes().begin(), frame->bytes().end(), std::uint8_t{255});
  Canvas canvas(frame->view());

  for (double t : l.x.ticks) canvas.line(l.px(t), l.top, l.px(t), l.bottom, 1.0, kGrid);
  for (double t : l.y.ticks) canvas.line(l.left, l.py(t), l.right, l.py(t), 1.0, kGrid);
  for (const PlotSeries& s : spec.series) {
    if (s.band_low.empty()) continue;
    // The band, column by column between consecutive samples.
    for (std::size_t i = 0; i + 1 < s.x.size(); ++i) {
      const double xa = l.px(s.x[i]);
      const double xb = l.px(s.x[i + 1]);
      if (!std::isfinite(xa) || !std::isfinite(xb) || xb <= xa) continue;
      for (int x = static_cast<int>(std::ceil(xa - 0.5)); x < static_cast<int>(std::ceil(xb - 0.5));
           ++x) {
        const double w = (x + 0.5 - xa) / (xb - xa);
        const double hi = l.py(s.band_high[i] + (s.band_high[i + 1] - s.band_high[i]) * w);
        const double lo = l.py(s.band_low[i] + (s.band_low[i + 1] - s.band_low[i]) * w);
        if (!std::isfinite(hi) || !std::isfinite(lo)) continue;
        canvas.fill_rect(x, hi, x + 1, lo, s.colour, 0.25);
      }
    }
  }
  canvas.line(l.left, l.bottom, l.right, l.bottom, 1.0, kBlack);
  canvas.line(l.left, l.top, l.left, l.bottom, 1.0, kBlack);
  for (double t : l.x.ticks) {
    canvas.line(l.px(t), l.bottom, l.px(t), l.bottom + 5, 1.0, kBlack);
    canvas.text(detail::tick_label(t, l.x.step), l.px(t), l.bottom + 17, 0.5, 1, kBlack);
  }
  for (double t : l.y.ticks) {
    canvas.line(l.left - 5, l.py(t), l.left, l.py(t), 1.0, kBlack);
    canvas.text(detail::tick_label(t, l.y.step), l.left - 8, l.py(t) + 3.5, 1.0, 1, kBlack);
  }
  for (const PlotSeries& s : spec.series) {
    for (std::size_t i = 0; i + 1 < s.x.size(); ++i) {
      const double xa = l.px(s.x[i]);
      const double ya = l.py(s.y[i]);
      const double xb = l.px(s.x[i + 1]);
      const double yb = l.py(s.y[i + 1]);
      if (std::isfinite(xa) && std::isfinite(ya) && std::isfinite(xb) && std::isfinite(yb)) {
        canvas.line(xa, ya, xb, yb, 2.0, s.colour);
      }
    }
  }
  canvas.text(spec.title, 0.5 * spec.width_px, 28, 0.5, 2, kBlack);
  canvas.text(spec.x_label, 0.5 * (l.left + l.right), spec.height_px - 14.0, 0.5, 1, kBlack);
  // Raster text does not rotate: the y label sits above the axis.
  canvas.text(spec.y_label, 8, l.top - 8, 0.0, 1, kBlack);
  for (std::size_t i = 0; i < spec.series.size(); ++i) {
    const double y = l.top + 12.0 + 18.0 * static_cast<double>(i);
    const double x = l.right - 150.0;
    canvas.fill_rect(x, y - 8, x + 20, y + 2, spec.series[i].colour, 1.0);
    canvas.text(spec.series[i].label, x + 26, y + 2, 0.0, 1, kBlack);
  }
  return frame;
}

Result<std::vector<std::uint8_t>> render_png(const PlotSpec& spec) {
  auto rgba = render_rgba(spec);
  if (!rgba) return tl::unexpected(rgba.error());
  auto png = media::encode_image(std::as_const(*rgba).view(), media::ImageFormat::png);
  if (!png) return with_context(png.error(), "plot PNG");
  return png;
}

}  // namespace clinvid::analysis
