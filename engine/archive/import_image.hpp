// Still-image sanitisers behind import_media(): byte-level rewriting of JPEG segments and PNG
// chunks (no re-encoding unless an orientation has to be baked into the pixels), and the
// decode check every result must pass before it is encrypted.
//
// Pure functions on memory, thread-safe. Errors: Errc::corrupt for damaged or truncated data,
// Errc::unsupported for valid files this importer does not handle, Errc::out_of_range for
// pictures past kMaxImagePixels.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace clinvid::archive::detail {

// 200 MP: above every phone and clinical camera sensor, below what would let a hostile file
// make the decode check allocate gigabytes.
inline constexpr std::uint64_t kMaxImagePixels = 200'000'000;

enum class ImageCodec { invalid = 0, jpeg, png };

struct SanitisedImage {
  ImageCodec codec = ImageCodec::invalid;
  std::vector<std::uint8_t> bytes;
  int width = 0;  // as displayed, after any orientation was baked in
  int height = 0;
  std::vector<std::string> removed;  // as ImportedMedia::metadata_removed
};

[[nodiscard]] Result<SanitisedImage> sanitise_jpeg(std::span<const std::uint8_t> jpeg);
[[nodiscard]] Result<SanitisedImage> sanitise_png(std::span<const std::uint8_t> png);

// Decodes `encoded`, applies EXIF `orientation` (2–8) to the pixels and encodes it again in
// the same codec (JPEG at quality kBakedJpegQuality, 4:4:4; PNG losslessly), as 8-bit RGB:
// alpha and 16-bit depth do not survive a turn (rare in clinical pictures; the caller reports
// the re-encoding). `keep_segments` are
// whole JPEG segments or PNG chunks (colour profile and gamma) spliced back in after the
// first header segment/chunk, since the encoder writes none of them.
inline constexpr int kBakedJpegQuality = 95;
[[nodiscard]] Result<std::vector<std::uint8_t>> bake_orientation(
    std::span<const std::uint8_t> encoded, ImageCodec codec, int orientation,
    std::span<const std::uint8_t> keep_segments);

// Decodes `encoded` fully and checks its size; Errc::corrupt if it does not decode.
[[nodiscard]] Status check_decodes(std::span<const std::uint8_t> encoded, int width, int height);

// Adds `text` to `list` unless it is already there (several XMP segments are reported once).
void add_unique(std::vector<std::string>& list, std::string text);

}  // namespace clinvid::archive::detail
