// Still images for the colour commands: PNG and JPEG in and out through the engine's
// media/image_codec (FFmpeg's codecs), as the engine's RGBA frames. Alpha is not kept
// (clinical stills have none): frames read here are opaque, and writing drops the alpha
// channel. Orientation tags are not applied (pixels as stored; chart detection finds the chart
// at any rotation).
#pragma once

#include <filesystem>

#include "core/frame.hpp"
#include "core/result.hpp"

namespace clinvid::cli {

enum class MediaKind {
  invalid = 0,
  image,  // .png, .jpg, .jpeg (any case)
  video,  // anything else: GStreamer decides
};

[[nodiscard]] MediaKind media_kind(const std::filesystem::path& path);

// Errc::not_found for a missing file, Errc::unsupported when it does not decode.
[[nodiscard]] Result<Frame> read_image_rgba(const std::filesystem::path& path);

// Encodes `rgba` in the format `path`'s extension names (PNG or JPEG, quality 95) and writes
// it to `path` + ".tmp", then renames it over `path`: a failed write leaves no output.
[[nodiscard]] Status write_image_rgba(const std::filesystem::path& path,
                                      const ConstFrameView& rgba);

// `path` + ".tmp": where commands write before renaming into place.
[[nodiscard]] std::filesystem::path temporary_path(const std::filesystem::path& path);

}  // namespace clinvid::cli
