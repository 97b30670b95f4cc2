// The Library's thumbnails: one small picture per recording, drawn into a cell of an RGBA atlas
// (one texture for the whole results list). Pure functions on memory; any thread.
#pragma once

#include <cstdint>
#include <span>

#include "core/frame.hpp"
#include "core/result.hpp"

namespace clinvid::studio {

struct ThumbnailAtlasLayout {
  static constexpr std::uint32_t kCellWidthPx = 96;
  static constexpr std::uint32_t kCellHeightPx = 54;
  static constexpr std::uint32_t kColumns = 10;
  static constexpr std::uint32_t kRows = 10;
  static constexpr std::uint32_t kCells = kColumns * kRows;
  static constexpr std::uint32_t kWidthPx = kCellWidthPx * kColumns;
  static constexpr std::uint32_t kHeightPx = kCellHeightPx * kRows;
};

// Draws `src` (I420 or RGBA) into cell `cell` of `atlas` (kWidthPx × kHeightPx RGBA, packed),
// scaled to fit with its aspect ratio kept (nearest texel; BT.709 limited range for I420) on a
// black background. Errc::invalid_argument for another format, a bad view, a cell out of range
// or an atlas of the wrong size.
[[nodiscard]] Status draw_thumbnail(const ConstFrameView& src, std::uint32_t cell,
                                    std::span<std::uint8_t> atlas);

// Fills cell `cell` with one opaque colour (a placeholder: refused, audio, or failed).
[[nodiscard]] Status fill_thumbnail(std::uint32_t cell, std::uint8_t red, std::uint8_t green,
                                    std::uint8_t blue, std::span<std::uint8_t> atlas);

}  // namespace clinvid::studio
