#include "library_thumbnail.hpp"

#include <algorithm>
#include <cstddef>

#include <fmt/format.h>

namespace clinvid::studio {

namespace {

using Layout = ThumbnailAtlasLayout;

Status check_cell(std::uint32_t cell, std::span<const std::uint8_t> atlas) {
  if (cell >= Layout::kCells) {
    return fail(Errc::invalid_argument,
                fmt::format("thumbnail cell {} is past the atlas's {}", cell, Layout::kCells));
  }
  const std::size_t expected = std::size_t{Layout::kWidthPx} * Layout::kHeightPx * 4;
  if (atlas.size() != expected) {
    return fail(Errc::invalid_argument,
                fmt::format("thumbnail atlas is {} bytes, not {}", atlas.size(), expected));
  }
  return {};
}

std::uint8_t clamp_byte(int value) {
  return static_cast<std::uint8_t>(std::clamp(value, 0, 255));
}

// BT.709 limited range to RGB, in 16.16 fixed point.
void yuv_to_rgb(int y, int u, int v, std::uint8_t* out) {
  const int c = (y - 16) * 76309;
  const int d = u - 128;
  const int e = v - 128;
  out[0] = clamp_byte((c + 117489 * e + 32768) >> 16);
  out[1] = clamp_byte((c - 13975 * d - 34925 * e + 32768) >> 16);
  out[2] = clamp_byte((c + 138438 * d + 32768) >> 16);
  out[3] = 255;
}

}  // namespace

Status fill_thumbnail(std::uint32_t cell, std::uint8_t red, std::uint8_t green, std::uint8_t blue,
                      std::span<std::uint8_t> atlas) {
  if (auto ok = check_cell(cell, atlas); !ok) return ok;
  const std::uint32_t x0 = (cell % Layout::kColumns) * Layout::kCellWidthPx;
  const std::uint32_t y0 = (cell / Layout::kColumns) * Layout::kCellHeightPx;
  for (std::uint32_t y = 0; y < Layout::kCellHeightPx; ++y) {
    std::uint8_t* row = atlas.data() + (std::size_t{y0 + y} * Layout::kWidthPx + x0) * 4;
    for (std::uint32_t x = 0; x < Layout::kCellWidthPx; ++x) {
      row[x * 4] = red;
      row[x * 4 + 1] = green;
      row[x * 4 + 2] = blue;
      row[x * 4 + 3] = 255;
    }
  }
  return {};
}

Status draw_thumbnail(const ConstFrameView& src, std::uint32_t cell,
                      std::span<std::uint8_t> atlas) {
  if (auto ok = validate(src); !ok) return ok;
  if (src.format != PixelFormat::i420 && src.format != PixelFormat::rgba) {
    return fail(
        Errc::invalid_argument,
        fmt::format("a thumbnail is drawn from I420 or RGBA, not {}", to_string(src.format)));
  }
  if (auto ok = fill_thumbnail(cell, 0, 0, 0, atlas); !ok) return ok;
  // Fit inside the cell, aspect kept.
  const double scale = std::min(static_cast<double>(Layout::kCellWidthPx) / src.width,
                                static_cast<double>(Layout::kCellHeightPx) / src.height);
  const auto width = std::clamp<std::uint32_t>(static_cast<std::uint32_t>(src.width * scale), 1,
                                               Layout::kCellWidthPx);
  const auto height = std::clamp<std::uint32_t>(static_cast<std::uint32_t>(src.height * scale), 1,
                                                Layout::kCellHeightPx);
  const std::uint32_t x0 =
      (cell % Layout::kColumns) * Layout::kCellWidthPx + (Layout::kCellWidthPx - width) / 2;
  const std::uint32_t y0 =
      (cell / Layout::kColumns) * Layout::kCellHeightPx + (Layout::kCellHeightPx - height) / 2;
  for (std::uint32_t y = 0; y < height; ++y) {
    const std::uint32_t sy = std::min(src.height - 1, (y * src.height + src.height / 2) / height);
    std::uint8_t* row = atlas.data() + (std::size_t{y0 + y} * Layout::kWidthPx + x0) * 4;
    for (std::uint32_t x = 0; x < width; ++x) {
      const std::uint32_t sx = std::min(src.width - 1, (x * src.width + src.width / 2) / width);
      std::uint8_t* out = row + std::size_t{x} * 4;
      if (src.format == PixelFormat::rgba) {
        const std::uint8_t* in = src.planes[0] + sy * src.strides[0] + std::size_t{sx} * 4;
        out[0] = in[0];
        out[1] = in[1];
        out[2] = in[2];
        out[3] = 255;
      } else {
        const int luma = src.planes[0][sy * src.strides[0] + sx];
        const int cb = src.planes[1][(sy / 2) * src.strides[1] + sx / 2];
        const int cr = src.planes[2][(sy / 2) * src.strides[2] + sx / 2];
        yuv_to_rgb(luma, cb, cr, out);
      }
    }
  }
  return {};
}

}  // namespace clinvid::studio
