// CPU reference of the compositor's operations (shaders/composite_*.comp): each written in
// its plainest per-pixel form, straight from the conventions in render/compositor.hpp.
// Slow on purpose; the fast path (composite_fast_cpu.cpp) and the shaders are tested against
// it.
#include <cmath>
#include <vector>

#include "gpu/yuv.hpp"
#include "render/composite_plan.hpp"

namespace clinvid::render::detail {

int snap_even(float v) noexcept {
  return 2 * static_cast<int>(std::floor(static_cast<double>(v) * 0.5 + 0.5));
}

IRect snap_even(const RectF& r) noexcept {
  return {snap_even(r.x), snap_even(r.y), snap_even(r.x + r.w), snap_even(r.y + r.h)};
}

Yuv to_yuv(const Rgba8& colour) {
  static const gpu::YuvCoefficients k =
      gpu::yuv_coefficients({gpu::YuvMatrix::bt709, gpu::YuvRange::limited}).value();
  const float rgb[3] = {static_cast<float>(colour.r), static_cast<float>(colour.g),
                        static_cast<float>(colour.b)};
  Yuv out;
  for (std::size_t row = 0; row < 3; ++row) {
    const float v = k.to_yuv[3 * row] * rgb[0] + k.to_yuv[3 * row + 1] * rgb[1] +
                    k.to_yuv[3 * row + 2] * rgb[2] + k.offset[row];
    out.c[row] = static_cast<std::uint8_t>(std::clamp(std::floor(v + 0.5F), 0.0F, 255.0F));
  }
  return out;
}

PlaneRef plane_of(const FrameView& frame, int plane) noexcept {
  const auto p = static_cast<std::size_t>(plane);
  const int shift = plane == 0 ? 0 : 1;
  return {frame.planes[p], frame.strides[p],
          static_cast<int>((frame.width + static_cast<std::uint32_t>(shift)) >> shift),
          static_cast<int>((frame.height + static_cast<std::uint32_t>(shift)) >> shift)};
}

ConstPlaneRef plane_of(const ConstFrameView& frame, int plane) noexcept {
  const auto p = static_cast<std::size_t>(plane);
  const int shift = plane == 0 ? 0 : 1;
  return {frame.planes[p], frame.strides[p],
          static_cast<int>((frame.width + static_cast<std::uint32_t>(shift)) >> shift),
          static_cast<int>((frame.height + static_cast<std::uint32_t>(shift)) >> shift)};
}

bool inside_ellipse(const IRect& region, int plane, int x, int y) noexcept {
  // In half-luma-pixel units: the pixel centre is 2x+1 (luma) or 4x+2 (chroma), the
  // ellipse's centre x0+x1 and its semi-axis x1-x0.
  const int scale = plane == 0 ? 2 : 4;
  const int half = plane == 0 ? 1 : 2;
  const float ex = static_cast<float>(scale * x + half - (region.x0 + region.x1)) /
                   static_cast<float>(region.x1 - region.x0);
  const float ey = static_cast<float>(scale * y + half - (region.y0 + region.y1)) /
                   static_cast<float>(region.y1 - region.y0);
  return ex * ex + ey * ey <= 1.0F;
}

void fill_plane_reference(const PlaneRef& dst, int plane, const FillOp& op) {
  const IRect r = intersect(plane_rect(op.rect, plane), dst.bounds());
  const std::uint8_t c = op.colour.c[plane];
  for (int y = r.y0; y < r.y1; ++y) {
    for (int x = r.x0; x < r.x1; ++x) dst.at(x, y) = blend8(dst.at(x, y), c, op.alpha);
  }
}

void place_plane_reference(const ConstPlaneRef& src, const PlaneRef& dst, int plane,
                           const PlaceOp& op) {
  const IRect dest = plane_rect(op.dest, plane);  // even edges: exact halves
  const IRect write = intersect(dest, dst.bounds());
  const float scale = plane == 0 ? 1.0F : 0.5F;
  const float crop_x = op.crop_x * scale;
  const float crop_y = op.crop_y * scale;
  const float step_x = op.crop_w / static_cast<float>(op.dest.width());
  const float step_y = op.crop_h / static_cast<float>(op.dest.height());
  for (int y = write.y0; y < write.y1; ++y) {
    const float v = crop_y + (static_cast<float>(y - dest.y0) + 0.5F) * step_y - 0.5F;
    const float fy0 = std::floor(v);
    const float fy = v - fy0;
    const int j0 = std::clamp(static_cast<int>(fy0), 0, src.height - 1);
    const int j1 = std::clamp(static_cast<int>(fy0) + 1, 0, src.height - 1);
    for (int x = write.x0; x < write.x1; ++x) {
      const float u = crop_x + (static_cast<float>(x - dest.x0) + 0.5F) * step_x - 0.5F;
      const float fx0 = std::floor(u);
      const float fx = u - fx0;
      const int i0 = std::clamp(static_cast<int>(fx0), 0, src.width - 1);
      const int i1 = std::clamp(static_cast<int>(fx0) + 1, 0, src.width - 1);
      const float top = static_cast<float>(src.at(i0, j0)) * (1.0F - fx) +
                        static_cast<float>(src.at(i1, j0)) * fx;
      const float bottom = static_cast<float>(src.at(i0, j1)) * (1.0F - fx) +
                           static_cast<float>(src.at(i1, j1)) * fx;
      const float value = top * (1.0F - fy) + bottom * fy;
      const auto sample =
          static_cast<std::uint32_t>(std::clamp(std::floor(value + 0.5F), 0.0F, 255.0F));
      dst.at(x, y) = blend8(dst.at(x, y), sample, op.alpha);
    }
  }
}

void mask_plane_reference(const PlaneRef& dst, int plane, const CoverageMask& mask,
                          const MaskOp& op) {
  const IRect luma{mask.x_px, mask.y_px, mask.x_px + static_cast<int>(mask.width_px),
                   mask.y_px + static_cast<int>(mask.height_px)};
  // A mask may start at an odd position: its chroma rectangle rounds outward.
  const IRect r =
      plane == 0 ? intersect(luma, dst.bounds())
                 : intersect({luma.x0 >> 1, luma.y0 >> 1, (luma.x1 + 1) >> 1, (luma.y1 + 1) >> 1},
                             dst.bounds());
  const std::uint8_t c = op.colour.c[plane];
  for (int y = r.y0; y < r.y1; ++y) {
    for (int x = r.x0; x < r.x1; ++x) {
      std::uint32_t coverage = 0;
      if (plane == 0) {
        coverage = mask.at(x, y);
      } else {
        coverage = chroma_coverage(mask, x, y);
      }
      const std::uint32_t alpha = (coverage * op.alpha + 127) / 255;
      dst.at(x, y) = blend8(dst.at(x, y), c, alpha);
    }
  }
}

namespace {

// One box-blur pass over `img` (w x h, row-major), radius r, horizontal or vertical,
// edge-clamped, rounding half up.
std::vector<std::uint8_t> box_pass(const std::vector<std::uint8_t>& img, int w, int h, int r,
                                   bool horizontal) {
  std::vector<std::uint8_t> out(img.size());
  const auto n = static_cast<std::uint32_t>(2 * r + 1);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      std::uint32_t sum = 0;
      for (int k = -r; k <= r; ++k) {
        const int sx = horizontal ? std::clamp(x + k, 0, w - 1) : x;
        const int sy = horizontal ? y : std::clamp(y + k, 0, h - 1);
        sum += img[static_cast<std::size_t>(sy) * static_cast<std::size_t>(w) +
                   static_cast<std::size_t>(sx)];
      }
      out[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)] =
          static_cast<std::uint8_t>((sum + n / 2) / n);
    }
  }
  return out;
}

}  // namespace

void redact_plane_reference(const PlaneRef& dst, int plane, const RedactOp& op) {
  const IRect area = intersect(plane_rect(op.area, plane), dst.bounds());
  if (area.empty()) return;
  const IRect region = plane_rect(op.region, plane);
  const int w = area.width();
  const int h = area.height();
  // Snapshot of the area: every mode reads what was there before it.
  std::vector<std::uint8_t> before(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      before[static_cast<std::size_t>(y * w + x)] = dst.at(area.x0 + x, area.y0 + y);
    }
  }
  std::vector<std::uint8_t> after(before.size(), op.colour.c[plane]);
  if (op.mode == RedactionMode::blur) {
    const int r = plane == 0 ? op.radius_px : chroma_radius(op.radius_px);
    after = before;
    for (int pass = 0; pass < 3; ++pass) after = box_pass(after, w, h, r, true);
    for (int pass = 0; pass < 3; ++pass) after = box_pass(after, w, h, r, false);
  } else if (op.mode == RedactionMode::pixelate) {
    const int b = plane == 0 ? op.block_px : op.block_px / 2;
    for (int y = area.y0; y < area.y1; ++y) {
      for (int x = area.x0; x < area.x1; ++x) {
        const int bx0 = region.x0 + (x - region.x0) / b * b;
        const int by0 = region.y0 + (y - region.y0) / b * b;
        const IRect block = intersect({bx0, by0, bx0 + b, by0 + b}, area);
        std::uint32_t sum = 0;
        for (int yy = block.y0; yy < block.y1; ++yy) {
          for (int xx = block.x0; xx < block.x1; ++xx) {
            sum += before[static_cast<std::size_t>((yy - area.y0) * w + (xx - area.x0))];
          }
        }
        const auto n = static_cast<std::uint32_t>(block.width() * block.height());
        after[static_cast<std::size_t>((y - area.y0) * w + (x - area.x0))] =
            static_cast<std::uint8_t>((sum + n / 2) / n);
      }
    }
  }
  for (int y = area.y0; y < area.y1; ++y) {
    for (int x = area.x0; x < area.x1; ++x) {
      if (op.shape == RedactionShape::ellipse && !inside_ellipse(op.region, plane, x, y)) continue;
      dst.at(x, y) = after[static_cast<std::size_t>((y - area.y0) * w + (x - area.x0))];
    }
  }
}

namespace {

class ReferenceExecutor final : public Executor {
 public:
  Status run(const FramePlan& plan, std::span<const ConstFrameView> inputs,
             const FrameView& out) override {
    const IRect canvas{0, 0, static_cast<int>(plan.width), static_cast<int>(plan.height)};
    for (int p = 0; p < 3; ++p)
      fill_plane_reference(plane_of(out, p), p, {canvas, plan.background, 255});
    for (const Op& op : plan.ops) {
      for (int p = 0; p < 3; ++p) {
        const PlaneRef dst = plane_of(out, p);
        if (const auto* place = std::get_if<PlaceOp>(&op)) {
          place_plane_reference(plane_of(inputs[place->input], p), dst, p, *place);
        } else if (const auto* fill = std::get_if<FillOp>(&op)) {
          fill_plane_reference(dst, p, *fill);
        } else if (const auto* mask = std::get_if<MaskOp>(&op)) {
          mask_plane_reference(dst, p, plan.masks[mask->mask], *mask);
        } else if (const auto* redact = std::get_if<RedactOp>(&op)) {
          redact_plane_reference(dst, p, *redact);
        }
      }
    }
    return {};
  }
};

}  // namespace

std::unique_ptr<Executor> make_reference_executor() {
  return std::make_unique<ReferenceExecutor>();
}

}  // namespace clinvid::render::detail
