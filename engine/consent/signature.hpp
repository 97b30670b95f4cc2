// A signature drawn on a pad (mouse, touch or pen) for a written consent form: the strokes as
// the pad recorded them, rasterised to a grey-scale image and encoded as PNG in memory, ready to
// be stored encrypted by the archive (Archive::store_signature) and referenced from the form by
// its SHA-256 (consent::SignatureRef).
//
// Nothing here touches the disk: the PNG exists only in memory until the archive encrypts it.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/result.hpp"

namespace clinvid::consent {

// A point of a stroke in pad pixels (origin top left). `pressure` 0..1 thins the line for a
// pen that reports it; mice and fingers report 1.
struct SignaturePoint {
  float x_px = 0;
  float y_px = 0;
  float pressure = 1;
};

// One pen-down to pen-up.
struct SignatureStroke {
  std::vector<SignaturePoint> points;
};

// Ink on white: 0 is full ink, 255 paper. Rows top to bottom, `width_px` bytes each.
struct SignatureImage {
  std::uint32_t width_px = 0;
  std::uint32_t height_px = 0;
  std::vector<std::uint8_t> grey;
};

inline constexpr std::uint32_t kMaxSignatureSidePx = 4096;
// Fewer inked pixels than this is a tap or a slip, not a signature.
inline constexpr std::size_t kMinSignatureInkPx = 40;

// Draws the strokes with anti-aliased round-capped lines `pen_width_px` wide (scaled by each
// point's pressure). Points off the pad are clipped (the pen left the pad mid-stroke).
// Errc::invalid_argument for a pad of zero or more than kMaxSignatureSidePx per side, a
// non-finite coordinate or pressure outside 0..1, a pen width outside 0.5..32, or a drawing
// with fewer than kMinSignatureInkPx inked pixels ("the signature is empty").
[[nodiscard]] Result<SignatureImage> rasterise_signature(std::span<const SignatureStroke> strokes,
                                                         std::uint32_t width_px,
                                                         std::uint32_t height_px,
                                                         float pen_width_px = 3.0F);

// Pixels darker than mid-grey.
[[nodiscard]] std::size_t ink_pixels(const SignatureImage& image) noexcept;

// An 8-bit grey-scale PNG (zlib stored blocks: a signature is small, and this keeps the engine
// free of an image library). Precondition: grey.size() == width_px * height_px.
[[nodiscard]] std::vector<std::uint8_t> encode_png(const SignatureImage& image);

}  // namespace clinvid::consent
