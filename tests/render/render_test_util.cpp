#include "render_test_util.hpp"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace clinvid::render::testing {

YuvRef bt709_limited(Rgba8 c) {
  const double r = c.r, g = c.g, b = c.b;
  const double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const double cb = (b - y) / 1.8556;
  const double cr = (r - y) / 1.5748;
  auto q = [](double v) { return static_cast<int>(std::floor(v + 0.5)); };
  return {q(16 + y * 219.0 / 255.0), q(128 + cb * 224.0 / 255.0), q(128 + cr * 224.0 / 255.0)};
}

Frame blank_i420(std::uint32_t width, std::uint32_t height) {
  return Frame::allocate(PixelFormat::i420, width, height).value();
}

Frame flat_i420(std::uint32_t width, std::uint32_t height, Rgba8 colour) {
  Frame f = blank_i420(width, height);
  const YuvRef v = bt709_limited(colour);
  const int values[3] = {v.y, v.cb, v.cr};
  FrameView view = f.view();
  for (int p = 0; p < 3; ++p) {
    const PlaneExtent e = plane_extent(PixelFormat::i420, width, height, p);
    for (std::uint32_t y = 0; y < e.rows; ++y) {
      std::memset(
          view.planes[static_cast<std::size_t>(p)] + y * view.strides[static_cast<std::size_t>(p)],
          values[p], e.row_bytes);
    }
  }
  return f;
}

Frame noise_i420(std::uint32_t width, std::uint32_t height, std::uint32_t seed) {
  Frame f = blank_i420(width, height);
  std::mt19937 rng(seed);
  for (auto& b : f.bytes()) b = static_cast<std::uint8_t>(16 + rng() % 220);
  return f;
}

Frame checker_i420(std::uint32_t width, std::uint32_t height, int cell_px) {
  Frame f = flat_i420(width, height, {128, 128, 128, 255});
  FrameView v = f.view();
  for (std::uint32_t y = 0; y < height; ++y) {
    for (std::uint32_t x = 0; x < width; ++x) {
      const bool white = ((static_cast<int>(x) / cell_px) + (static_cast<int>(y) / cell_px)) % 2;
      v.planes[0][y * v.strides[0] + x] = white ? 235 : 16;
    }
  }
  return f;
}

int sample(const Frame& f, int plane, int x, int y) {
  const ConstFrameView v = f.view();
  const auto p = static_cast<std::size_t>(plane);
  return v.planes[p][static_cast<std::size_t>(y) * v.strides[p] + static_cast<std::size_t>(x)];
}

Diff diff(const Frame& a, const Frame& b) {
  Diff d;
  double sum = 0;
  for (int p = 0; p < 3; ++p) {
    const PlaneExtent e = plane_extent(PixelFormat::i420, a.width(), a.height(), p);
    for (std::uint32_t y = 0; y < e.rows; ++y) {
      for (std::size_t x = 0; x < e.row_bytes; ++x) {
        const int delta = std::abs(sample(a, p, static_cast<int>(x), static_cast<int>(y)) -
                                   sample(b, p, static_cast<int>(x), static_cast<int>(y)));
        sum += delta;
        d.max = std::max(d.max, delta);
        ++d.count;
      }
    }
  }
  d.mean = d.count ? sum / static_cast<double>(d.count) : 0;
  return d;
}

double luma_stddev(const Frame& f, int x0, int y0, int x1, int y1) {
  double sum = 0, sq = 0;
  int n = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const double v = sample(f, 0, x, y);
      sum += v;
      sq += v * v;
      ++n;
    }
  }
  const double mean = sum / n;
  return std::sqrt(std::max(0.0, sq / n - mean * mean));
}

double laplacian_variance(const Frame& f, int x0, int y0, int x1, int y1) {
  double sum = 0, sq = 0;
  int n = 0;
  for (int y = y0 + 1; y < y1 - 1; ++y) {
    for (int x = x0 + 1; x < x1 - 1; ++x) {
      const double l = 4.0 * sample(f, 0, x, y) - sample(f, 0, x - 1, y) - sample(f, 0, x + 1, y) -
                       sample(f, 0, x, y - 1) - sample(f, 0, x, y + 1);
      sum += l;
      sq += l * l;
      ++n;
    }
  }
  const double mean = sum / n;
  return sq / n - mean * mean;
}

bool identical_outside(const Frame& a, const Frame& b, int x0, int y0, int x1, int y1) {
  for (int p = 0; p < 3; ++p) {
    const int s = p == 0 ? 0 : 1;
    const PlaneExtent e = plane_extent(PixelFormat::i420, a.width(), a.height(), p);
    for (int y = 0; y < static_cast<int>(e.rows); ++y) {
      for (int x = 0; x < static_cast<int>(e.row_bytes); ++x) {
        const bool inside =
            x >= (x0 >> s) && x < ((x1 + s) >> s) && y >= (y0 >> s) && y < ((y1 + s) >> s);
        if (!inside && sample(a, p, x, y) != sample(b, p, x, y)) {
          ADD_FAILURE() << "plane " << p << " differs at (" << x << ", " << y << ")";
          return false;
        }
      }
    }
  }
  return true;
}

std::optional<Compositor> make_compositor(Backend backend, std::uint32_t width,
                                          std::uint32_t height) {
  auto c = Compositor::create({backend, width, height, {}});
  if (!c && backend == Backend::vulkan &&
      (c.error().code == Errc::gpu || c.error().code == Errc::unsupported ||
       c.error().code == Errc::not_found)) {
    return std::nullopt;
  }
  EXPECT_TRUE(c.has_value()) << c.error().message();
  if (!c) return std::nullopt;
  return std::move(*c);
}

Frame compose(Compositor& c, const Composition& comp, std::span<const ConstFrameView> inputs) {
  Frame out = blank_i420(comp.width, comp.height);
  auto s = c.compose(comp, inputs, out.view());
  EXPECT_TRUE(s.has_value()) << s.error().message();
  return out;
}

}  // namespace clinvid::render::testing
