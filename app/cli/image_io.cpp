#include "image_io.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

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
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return fail(Errc::not_found, "no such file: " + path.string());
  }
  cv::Mat bgr;
  try {
    bgr = cv::imread(path.string(), cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    return fail(Errc::unsupported, "cannot decode " + path.string() + ": " + e.what());
  }
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    return fail(Errc::unsupported, "cannot decode " + path.string() + " as an 8-bit image");
  }
  auto frame = Frame::allocate(PixelFormat::rgba, static_cast<std::uint32_t>(bgr.cols),
                               static_cast<std::uint32_t>(bgr.rows));
  if (!frame) return tl::unexpected(frame.error());
  const FrameView view = frame->view();
  cv::Mat rgba(bgr.rows, bgr.cols, CV_8UC4, view.planes[0], view.strides[0]);
  cv::cvtColor(bgr, rgba, cv::COLOR_BGR2RGBA);
  return std::move(*frame);
}

Status write_image_rgba(const std::filesystem::path& path, const ConstFrameView& rgba) {
  if (auto ok = validate(rgba); !ok) return ok;
  if (rgba.format != PixelFormat::rgba) return fail(Errc::internal, "write_image_rgba needs RGBA");
  const std::string ext = lower_extension(path);
  std::vector<int> params;
  if (ext == ".jpg" || ext == ".jpeg") {
    params = {cv::IMWRITE_JPEG_QUALITY, 95};
  } else if (ext != ".png") {
    return fail(Errc::unsupported,
                "cannot write " + path.string() + ": the extension must be .png, .jpg or .jpeg");
  }
  // cv::Mat wants a mutable pointer; the data is only read.
  const cv::Mat view(static_cast<int>(rgba.height), static_cast<int>(rgba.width), CV_8UC4,
                     const_cast<std::uint8_t*>(rgba.planes[0]), rgba.strides[0]);
  cv::Mat bgr;
  cv::cvtColor(view, bgr, cv::COLOR_RGBA2BGR);
  std::vector<std::uint8_t> encoded;
  try {
    if (!cv::imencode(ext, bgr, encoded, params)) {
      return fail(Errc::media, "OpenCV could not encode " + path.string());
    }
  } catch (const cv::Exception& e) {
    return fail(Errc::media, "cannot encode " + path.string() + ": " + e.what());
  }
  const std::filesystem::path tmp = temporary_path(path);
  if (auto s = write_bytes(tmp, encoded); !s) return s;
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return fail(Errc::io, "cannot rename " + tmp.string() + " to " + path.string());
  }
  return {};
}

}  // namespace clinvid::cli
