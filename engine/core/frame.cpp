#include "core/frame.hpp"

#include <string>

namespace clinvid {

std::string_view to_string(PixelFormat format) noexcept {
  switch (format) {
    case PixelFormat::nv12: return "NV12";
    case PixelFormat::i420: return "I420";
    case PixelFormat::rgba: return "RGBA";
    case PixelFormat::yuy2: return "YUY2";
    case PixelFormat::bgra: return "BGRA";
    case PixelFormat::invalid: break;
  }
  return "invalid";
}

Result<PixelFormat> parse_pixel_format(std::string_view name) {
  for (auto f : {PixelFormat::nv12, PixelFormat::i420, PixelFormat::rgba, PixelFormat::yuy2,
                 PixelFormat::bgra}) {
    if (name == to_string(f)) return f;
  }
  return fail(Errc::unsupported, "pixel format '" + std::string(name) + "'");
}

int plane_count(PixelFormat format) noexcept {
  switch (format) {
    case PixelFormat::nv12: return 2;
    case PixelFormat::i420: return 3;
    case PixelFormat::rgba:
    case PixelFormat::yuy2:
    case PixelFormat::bgra: return 1;
    case PixelFormat::invalid: break;
  }
  return 0;
}

bool is_yuv(PixelFormat format) noexcept {
  return is_yuv420(format) || format == PixelFormat::yuy2;
}

bool is_yuv420(PixelFormat format) noexcept {
  return format == PixelFormat::nv12 || format == PixelFormat::i420;
}

PlaneExtent plane_extent(PixelFormat format, std::uint32_t width, std::uint32_t height,
                         int plane) noexcept {
  const std::uint32_t cw = (width + 1) / 2;
  const std::uint32_t ch = (height + 1) / 2;
  switch (format) {
    case PixelFormat::rgba:
    case PixelFormat::bgra:
      if (plane == 0) return {std::size_t{width} * 4, height};
      break;
    case PixelFormat::yuy2:
      if (plane == 0) return {std::size_t{cw} * 4, height};  // whole Y0 Cb Y1 Cr words
      break;
    case PixelFormat::nv12:
      if (plane == 0) return {width, height};
      if (plane == 1) return {std::size_t{cw} * 2, ch};
      break;
    case PixelFormat::i420:
      if (plane == 0) return {width, height};
      if (plane == 1 || plane == 2) return {cw, ch};
      break;
    case PixelFormat::invalid: break;
  }
  return {};
}

Status validate(const ConstFrameView& view) {
  const int planes = plane_count(view.format);
  if (planes == 0) return fail(Errc::unsupported, "frame has no known pixel format");
  if (view.width == 0 || view.height == 0) {
    return fail(Errc::invalid_argument, "frame is empty (" + std::to_string(view.width) + "x" +
                                            std::to_string(view.height) + ")");
  }
  for (int p = 0; p < planes; ++p) {
    const auto i = static_cast<std::size_t>(p);
    if (view.planes[i] == nullptr) {
      return fail(Errc::invalid_argument, "frame plane " + std::to_string(p) + " is missing");
    }
    const PlaneExtent extent = plane_extent(view.format, view.width, view.height, p);
    if (view.strides[i] < extent.row_bytes) {
      return fail(Errc::invalid_argument, "frame plane " + std::to_string(p) + " stride " +
                                              std::to_string(view.strides[i]) + " < row size " +
                                              std::to_string(extent.row_bytes));
    }
  }
  return {};
}

PackedLayout packed_layout(PixelFormat format, std::uint32_t width, std::uint32_t height) noexcept {
  PackedLayout out;
  for (int p = 0; p < plane_count(format); ++p) {
    const auto i = static_cast<std::size_t>(p);
    const PlaneExtent extent = plane_extent(format, width, height, p);
    out.offsets[i] = out.size_bytes;
    out.strides[i] = aligned_stride(extent.row_bytes);
    out.size_bytes += out.strides[i] * extent.rows;
  }
  return out;
}

namespace {

// One plane, row by row, or in one copy when both sides have the same stride.
void copy_plane(std::byte* to, std::size_t to_stride, const std::byte* from,
                std::size_t from_stride, const PlaneExtent& extent) noexcept {
  if (extent.rows == 0) return;
  if (to_stride == from_stride) {
    std::memcpy(to, from, to_stride * (extent.rows - 1) + extent.row_bytes);
    return;
  }
  for (std::uint32_t row = 0; row < extent.rows; ++row) {
    std::memcpy(to + row * to_stride, from + row * from_stride, extent.row_bytes);
  }
}

}  // namespace

void pack_planes(const ConstFrameView& src, const PackedLayout& layout, std::byte* out) noexcept {
  for (int p = 0; p < plane_count(src.format); ++p) {
    const auto i = static_cast<std::size_t>(p);
    copy_plane(out + layout.offsets[i], layout.strides[i],
               reinterpret_cast<const std::byte*>(src.planes[i]), src.strides[i],
               plane_extent(src.format, src.width, src.height, p));
  }
}

void unpack_planes(const std::byte* in, const PackedLayout& layout, const FrameView& dst) noexcept {
  for (int p = 0; p < plane_count(dst.format); ++p) {
    const auto i = static_cast<std::size_t>(p);
    copy_plane(reinterpret_cast<std::byte*>(dst.planes[i]), dst.strides[i], in + layout.offsets[i],
               layout.strides[i], plane_extent(dst.format, dst.width, dst.height, p));
  }
}

Result<Frame> Frame::allocate(PixelFormat format, std::uint32_t width, std::uint32_t height) {
  if (plane_count(format) == 0) return fail(Errc::unsupported, "frame format");
  if (width == 0 || height == 0 || width > 16384 || height > 16384) {
    return fail(Errc::out_of_range, "frame size " + std::to_string(width) + "x" +
                                        std::to_string(height) + " outside 1..16384");
  }
  Frame f;
  f.format_ = format;
  f.width_ = width;
  f.height_ = height;
  const PackedLayout layout = packed_layout(format, width, height);
  f.offsets_ = layout.offsets;
  f.strides_ = layout.strides;
  f.bytes_.assign(layout.size_bytes, 0);
  return f;
}

FrameView Frame::view() noexcept {
  FrameView v{format_, width_, height_, {}, strides_};
  for (int p = 0; p < plane_count(format_); ++p) {
    const auto i = static_cast<std::size_t>(p);
    v.planes[i] = bytes_.data() + offsets_[i];
  }
  return v;
}

ConstFrameView Frame::view() const noexcept {
  ConstFrameView v{format_, width_, height_, {}, strides_};
  for (int p = 0; p < plane_count(format_); ++p) {
    const auto i = static_cast<std::size_t>(p);
    v.planes[i] = bytes_.data() + offsets_[i];
  }
  return v;
}

}  // namespace clinvid
