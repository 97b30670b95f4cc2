// Raw video frames in system memory: pixel formats, plane geometry, and views that point at
// planes owned elsewhere (a GstVideoFrame, an AVFrame) or by a Frame.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace clinvid {

enum class PixelFormat {
  invalid = 0,
  nv12,  // 8-bit Y plane, then interleaved Cb/Cr at half width and half height
  i420,  // 8-bit Y, Cb, Cr planes; chroma at half width and half height
  rgba,  // 8-bit R, G, B, A interleaved
  yuy2,  // 8-bit packed 4:2:2, Y0 Cb Y1 Cr per pair of pixels (one plane)
  bgra,  // 8-bit B, G, R, A interleaved
};

[[nodiscard]] std::string_view to_string(PixelFormat format) noexcept;
[[nodiscard]] Result<PixelFormat> parse_pixel_format(std::string_view name);
[[nodiscard]] int plane_count(PixelFormat format) noexcept;
// Any YUV format (NV12, I420, YUY2).
[[nodiscard]] bool is_yuv(PixelFormat format) noexcept;
// The 4:2:0 formats only (NV12, I420): what gpu::YuvConverter handles.
[[nodiscard]] bool is_yuv420(PixelFormat format) noexcept;

// Bytes in one row and number of rows of `plane` (no padding). Chroma of odd sizes rounds up.
struct PlaneExtent {
  std::size_t row_bytes = 0;
  std::uint32_t rows = 0;
};
[[nodiscard]] PlaneExtent plane_extent(PixelFormat format, std::uint32_t width,
                                       std::uint32_t height, int plane) noexcept;

// Read-only view of a frame whose planes live elsewhere.
struct ConstFrameView {
  PixelFormat format = PixelFormat::invalid;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::array<const std::uint8_t*, 3> planes{};
  std::array<std::size_t, 3> strides{};  // bytes between rows, >= PlaneExtent::row_bytes
};

struct FrameView {
  PixelFormat format = PixelFormat::invalid;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::array<std::uint8_t*, 3> planes{};
  std::array<std::size_t, 3> strides{};

  [[nodiscard]] ConstFrameView as_const() const noexcept {
    return {format, width, height, {planes[0], planes[1], planes[2]}, strides};
  }
  // A writable view may be passed wherever a read-only one is expected.
  operator ConstFrameView() const noexcept {
    return as_const();
  }  // NOLINT(google-explicit-constructor)
};

// Checks that a view is usable: known format, non-zero size, planes present, strides wide
// enough. Every consumer of a view calls this before touching memory.
[[nodiscard]] Status validate(const ConstFrameView& view);

// A frame that owns its memory, laid out as GStreamer lays out a default frame: each row
// padded to a multiple of 4 bytes, planes back to back.
class Frame {
 public:
  Frame() = default;
  [[nodiscard]] static Result<Frame> allocate(PixelFormat format, std::uint32_t width,
                                              std::uint32_t height);

  [[nodiscard]] FrameView view() noexcept;
  [[nodiscard]] ConstFrameView view() const noexcept;
  [[nodiscard]] PixelFormat format() const noexcept { return format_; }
  [[nodiscard]] std::uint32_t width() const noexcept { return width_; }
  [[nodiscard]] std::uint32_t height() const noexcept { return height_; }
  [[nodiscard]] std::vector<std::uint8_t>& bytes() noexcept { return bytes_; }
  [[nodiscard]] const std::vector<std::uint8_t>& bytes() const noexcept { return bytes_; }

 private:
  PixelFormat format_ = PixelFormat::invalid;
  std::uint32_t width_ = 0;
  std::uint32_t height_ = 0;
  std::array<std::size_t, 3> offsets_{};
  std::array<std::size_t, 3> strides_{};
  std::vector<std::uint8_t> bytes_;
};

// Planes back to back, each row padded to a multiple of 4 bytes: the layout of Frame, of
// GStreamer's default frames, and of the staging buffers the compute shaders read and write
// (they address planes in 32-bit words).
struct PackedLayout {
  std::array<std::size_t, 3> offsets{};
  std::array<std::size_t, 3> strides{};
  std::size_t size_bytes = 0;
};
[[nodiscard]] PackedLayout packed_layout(PixelFormat format, std::uint32_t width,
                                         std::uint32_t height) noexcept;

// Copies the visible bytes of every plane of `src` into `out` laid out as `layout` (which
// must be packed_layout of src's format and size), and back. Padding bytes are not written.
void pack_planes(const ConstFrameView& src, const PackedLayout& layout, std::byte* out) noexcept;
void unpack_planes(const std::byte* in, const PackedLayout& layout, const FrameView& dst) noexcept;

// Row stride GStreamer and our GPU layout use: row bytes rounded up to 4.
[[nodiscard]] constexpr std::size_t aligned_stride(std::size_t row_bytes) noexcept {
  return (row_bytes + 3) & ~std::size_t{3};
}

}  // namespace clinvid
