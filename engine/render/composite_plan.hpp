// Internal: a Composition validated and reduced to integer geometry and Y'CbCr colours
// (compositor.cpp), and the backends that execute it. The conventions are stated in
// render/compositor.hpp; every backend executes the same FramePlan.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <variant>
#include <vector>

#include "core/frame.hpp"
#include "core/result.hpp"
#include "render/composition.hpp"
#include "render/overlay.hpp"

namespace clinvid::render::detail {

// Half-open integer rectangle [x0, x1) x [y0, y1).
struct IRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  [[nodiscard]] bool empty() const noexcept { return x1 <= x0 || y1 <= y0; }
  [[nodiscard]] int width() const noexcept { return x1 - x0; }
  [[nodiscard]] int height() const noexcept { return y1 - y0; }
  friend bool operator==(const IRect&, const IRect&) = default;
};

[[nodiscard]] inline IRect intersect(const IRect& a, const IRect& b) noexcept {
  IRect r{std::max(a.x0, b.x0), std::max(a.y0, b.y0), std::min(a.x1, b.x1), std::min(a.y1, b.y1)};
  if (r.empty()) return {};
  return r;
}

// Nearest even integer, ties upward: 2 * floor(v / 2 + 0.5). |v| <= kMaxCoordinatePx.
[[nodiscard]] int snap_even(float v) noexcept;
// A rectangle with each edge snapped to even pixels.
[[nodiscard]] IRect snap_even(const RectF& r) noexcept;

// The rectangle of plane `plane` (0 luma, 1/2 chroma) covered by a luma rectangle whose
// left/top edges are even: chroma = (x0/2, y0/2, ceil(x1/2), ceil(y1/2)).
[[nodiscard]] inline IRect plane_rect(const IRect& luma, int plane) noexcept {
  if (plane == 0) return luma;
  return {luma.x0 >> 1, luma.y0 >> 1, (luma.x1 + 1) >> 1, (luma.y1 + 1) >> 1};
}

struct Yuv {
  std::uint8_t c[3] = {16, 128, 128};  // Y', Cb, Cr
};
// BT.709 limited range, rounded half up (alpha ignored).
[[nodiscard]] Yuv to_yuv(const Rgba8& colour);

[[nodiscard]] inline std::uint8_t blend8(std::uint32_t dst, std::uint32_t src,
                                         std::uint32_t alpha) noexcept {
  return static_cast<std::uint8_t>((dst * (255 - alpha) + src * alpha + 127) / 255);
}

struct PlaceOp {
  std::size_t input = 0;
  IRect dest;  // even, NOT clipped to the canvas (it defines the sampling)
  float crop_x = 0, crop_y = 0, crop_w = 0, crop_h = 0;  // source luma pixels
  std::uint32_t alpha = 255;
};
struct FillOp {
  IRect rect;  // even, clipped to the canvas
  Yuv colour;
  std::uint32_t alpha = 255;
};
struct MaskOp {
  std::size_t mask = 0;  // index into FramePlan::masks
  Yuv colour;
  std::uint32_t alpha = 255;
};
struct RedactOp {
  RedactionShape shape = RedactionShape::invalid;
  RedactionMode mode = RedactionMode::invalid;
  IRect region;       // even, not clipped: defines the ellipse and the pixelate block grid
  IRect area;         // region ∩ clip ∩ canvas, non-empty
  int block_px = 2;   // pixelate, luma (even)
  int radius_px = 1;  // blur, luma
  Yuv colour;
};
using Op = std::variant<PlaceOp, FillOp, MaskOp, RedactOp>;

struct FramePlan {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  Yuv background;
  std::vector<Op> ops;
  std::vector<CoverageMask> masks;
};

// One plane of a frame.
struct PlaneRef {
  std::uint8_t* data = nullptr;
  std::size_t stride = 0;
  int width = 0;
  int height = 0;
  [[nodiscard]] std::uint8_t* row(int y) const noexcept {
    return data + static_cast<std::size_t>(y) * stride;
  }
  [[nodiscard]] std::uint8_t& at(int x, int y) const noexcept {
    return row(y)[static_cast<std::size_t>(x)];
  }
  [[nodiscard]] IRect bounds() const noexcept { return {0, 0, width, height}; }
};
struct ConstPlaneRef {
  const std::uint8_t* data = nullptr;
  std::size_t stride = 0;
  int width = 0;
  int height = 0;
  [[nodiscard]] const std::uint8_t* row(int y) const noexcept {
    return data + static_cast<std::size_t>(y) * stride;
  }
  [[nodiscard]] std::uint8_t at(int x, int y) const noexcept {
    return row(y)[static_cast<std::size_t>(x)];
  }
};
[[nodiscard]] PlaneRef plane_of(const FrameView& frame, int plane) noexcept;
[[nodiscard]] ConstPlaneRef plane_of(const ConstFrameView& frame, int plane) noexcept;

// Ellipse membership of pixel (x, y) of `plane` for an even LUMA region (see compositor.hpp).
[[nodiscard]] bool inside_ellipse(const IRect& region, int plane, int x, int y) noexcept;
// Chroma coverage of a mask at chroma sample (x, y): the rounded mean of its 2x2 block.
[[nodiscard]] inline std::uint32_t chroma_coverage(const CoverageMask& mask, int x,
                                                   int y) noexcept {
  const std::uint32_t sum = std::uint32_t{mask.at(2 * x, 2 * y)} + mask.at(2 * x + 1, 2 * y) +
                            mask.at(2 * x, 2 * y + 1) + mask.at(2 * x + 1, 2 * y + 1);
  return (sum + 2) / 4;
}
[[nodiscard]] inline int chroma_radius(int radius_px) noexcept {
  return std::max(1, (radius_px + 1) / 2);
}

// The CPU reference of each operation on one plane (composite_cpu.cpp).
void fill_plane_reference(const PlaneRef& dst, int plane, const FillOp& op);
void place_plane_reference(const ConstPlaneRef& src, const PlaneRef& dst, int plane,
                           const PlaceOp& op);
void mask_plane_reference(const PlaneRef& dst, int plane, const CoverageMask& mask,
                          const MaskOp& op);
void redact_plane_reference(const PlaneRef& dst, int plane, const RedactOp& op);

class Executor {
 public:
  virtual ~Executor() = default;
  Executor() = default;
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;
  Executor(Executor&&) = delete;
  Executor& operator=(Executor&&) = delete;
  // `plan` is valid: inputs it names exist and are I420; `out` is I420 of the plan's size.
  [[nodiscard]] virtual Status run(const FramePlan& plan, std::span<const ConstFrameView> inputs,
                                   const FrameView& out) = 0;
  [[nodiscard]] virtual std::uint64_t last_gpu_ns() const noexcept { return 0; }
};

[[nodiscard]] std::unique_ptr<Executor> make_reference_executor();
[[nodiscard]] std::unique_ptr<Executor> make_fast_executor();
[[nodiscard]] Result<std::unique_ptr<Executor>> make_vulkan_executor(std::uint32_t width,
                                                                     std::uint32_t height);

}  // namespace clinvid::render::detail
