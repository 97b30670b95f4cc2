#include "image_io.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "media/image_codec.hpp"

namespace clinvid::cli {
namespace {

std::string lower_extension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

Status write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return fail(Errc::io, "cannot open " + path.string() + ": " + std::strerror(errno));
  }
  const std::size_t written = std::fwrite(bytes.data(), 1, bytes.size(), file);
  const bool flushed = std::fflush(file) == 0;
  const bool closed = std::fclose(file) == 0;
  if (written != bytes.size() || !flushed || !closed) {
    const int saved = errno;
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    return fail(saved == ENOSPC ? Errc::no_space : Errc::io,
                "cannot write " + path.string() + ": " + std::strerror(saved));
  }
  return {};
}

}  // namespace

MediaKind media_kind(const std::filesystem::path& path) {
  const std::string ext = lower_extension(path);
  if (ext == ".png" || ext == ".jpg" || ext == ".jpeg") return MediaKind::image;
  return MediaKind::video;
}

std::filesystem::path temporary_path(const std::filesystem::path& path) {
  return std::filesystem::path(path.string() + ".tmp");
}

Result<Frame> read_image_rgba(const std::filesystem::path& path) {
  auto frame = media::read_image(path);
  if (!frame && frame.error().code == Errc::corrupt) {
    return fail(Errc::unsupported, "cannot decode " + frame.error().detail);
  }
  return frame;
}

Status write_image_rgba(const std::filesystem::path& path, const ConstFrameView& rgba) {
  if (auto ok = validate(rgba); !ok) return ok;
  if (rgba.format != PixelFormat::rgba) return fail(Errc::internal, "write_image_rgba needs RGBA");
  const media::ImageFormat format = media::image_format_for(path);
  if (format == media::ImageFormat::invalid) {
    return fail(Errc::unsupported,
                "cannot write " + path.string() + ": the extension must be .png, .jpg or .jpeg");
  }
  auto encoded = media::encode_image(rgba, format, 95);
  if (!encoded) return fail(encoded.error().code, path.string() + ": " + encoded.error().detail);
  const std::filesystem::path tmp = temporary_path(path);
  if (auto s = write_bytes(tmp, *encoded); !s) return s;
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return fail(Errc::io, "cannot rename " + tmp.string() + " to " + path.string());
  }
  return {};
}

}  // namespace clinvid::cli
