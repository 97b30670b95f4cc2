#include "exposure_aids.hpp"

#include <cstdlib>
#include <vector>

namespace clinvid::studio {

namespace {

// Integer Rec. 709 weights (sum 256): 54 R + 183 G + 19 B.
std::uint8_t luma_of(const std::uint8_t* texel) {
  return static_cast<std::uint8_t>((54U * texel[0] + 183U * texel[1] + 19U * texel[2]) >> 8U);
}

}  // namespace

std::size_t stripe_clipped(std::uint8_t* rgba, std::uint32_t width, std::uint32_t height) {
  std::size_t clipped = 0;
  for (std::uint32_t y = 0; y < height; ++y) {
    std::uint8_t* texel = rgba + std::size_t{y} * width * 4;
    for (std::uint32_t x = 0; x < width; ++x, texel += 4) {
      if (texel[0] < kClippedLevel && texel[1] < kClippedLevel && texel[2] < kClippedLevel) {
        continue;
      }
      ++clipped;
      const std::uint8_t shade = ((x + y) / 4) % 2 == 0 ? 20 : 235;
      texel[0] = shade;
      texel[1] = shade;
      texel[2] = shade;
    }
  }
  return clipped;
}

FocusReading mark_focus_peaks(std::uint8_t* rgba, std::uint32_t width, std::uint32_t height) {
  FocusReading reading;
  if (width < 3 || height < 3) return reading;
  std::vector<std::uint8_t> luma(std::size_t{width} * height);
  for (std::size_t i = 0; i < luma.size(); ++i) luma[i] = luma_of(rgba + i * 4);
  double gradient_sum = 0.0;
  for (std::uint32_t y = 1; y + 1 < height; ++y) {
    const std::uint8_t* above = luma.data() + std::size_t{y - 1} * width;
    const std::uint8_t* row = above + width;
    const std::uint8_t* below = row + width;
    for (std::uint32_t x = 1; x + 1 < width; ++x) {
      const int dx = std::abs(int{row[x + 1]} - int{row[x - 1]});
      const int dy = std::abs(int{below[x]} - int{above[x]});
      const int gradient = dx + dy;
      gradient_sum += gradient;
      if (gradient <= kPeakingThreshold) continue;
      std::uint8_t* texel = rgba + (std::size_t{y} * width + x) * 4;
      texel[0] = 255;
      texel[1] = 0;
      texel[2] = 255;
      ++reading.peaks;
    }
  }
  reading.mean_gradient =
      gradient_sum / (static_cast<double>(width - 2) * static_cast<double>(height - 2));
  return reading;
}

double mean_luma(const std::uint8_t* rgba, std::uint32_t width, std::uint32_t height) {
  const std::size_t count = std::size_t{width} * height;
  if (count == 0) return 0.0;
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < count; ++i) sum += luma_of(rgba + i * 4);
  return static_cast<double>(sum) / static_cast<double>(count);
}

}  // namespace clinvid::studio
