// Still images (PNG and JPEG) to and from the engine's RGBA frames, on FFmpeg's codecs.
//
// Why not OpenCV's imgcodecs: on Debian it drags in ~140 shared libraries (GDAL, GDCM, Poppler,
// Xerces …) whose loading and relocation cost every `clinvid` process ~0.12 s before main()
// runs, for two codecs that libavcodec, which the engine links anyway, already has.
//
// Decoding ignores any orientation tag (pixels as stored) and drops alpha (frames are opaque:
// clinical stills have none). 16-bit and palette PNGs and grey or CMYK-free JPEGs are
// converted to 8-bit RGBA. Encoding ignores the alpha channel.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "core/frame.hpp"
#include "core/result.hpp"

namespace clinvid::media {

enum class ImageFormat { invalid = 0, png, jpeg };

// By content: the PNG signature or a JPEG SOI marker; invalid otherwise.
[[nodiscard]] ImageFormat sniff_image(std::span<const std::uint8_t> bytes) noexcept;

// By extension (.png, .jpg, .jpeg, any case); invalid otherwise.
[[nodiscard]] ImageFormat image_format_for(const std::filesystem::path& path);

// Errc::unsupported when the bytes are neither PNG nor JPEG, Errc::corrupt when they are but do
// not decode (truncated, damaged), Errc::out_of_range past 32768 pixels a side.
[[nodiscard]] Result<Frame> decode_image(std::span<const std::uint8_t> bytes);

// Errc::not_found for a missing file, Errc::io for an unreadable one; else as decode_image.
[[nodiscard]] Result<Frame> read_image(const std::filesystem::path& path);

// `rgba` must be PixelFormat::rgba. jpeg_quality 1..100 (libjpeg's scale, mapped to FFmpeg's
// quantiser); ignored for PNG (lossless, default compression).
[[nodiscard]] Result<std::vector<std::uint8_t>> encode_image(const ConstFrameView& rgba,
                                                             ImageFormat format,
                                                             int jpeg_quality = 95);

}  // namespace clinvid::media
