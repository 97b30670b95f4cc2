// The fast CPU backend, for export on machines without a GPU: the reference's operations as
// row loops the compiler vectorises. Scaling is separable bilinear in 8-bit fixed point
// (weights round(f * 256)): within 1-2 LSB of the reference's float sampling. Fills, masks,
// pixelate and blur are integer and match the reference exactly (blur by running sums).
#include <cmath>
#include <cstring>
#include <vector>

#include "render/composite_plan.hpp"

namespace clinvid::render::detail {

namespace {

void fill_plane(const PlaneRef& dst, int plane, const FillOp& op) {
  const IRect r = intersect(plane_rect(op.rect, plane), dst.bounds());
  if (r.empty()) return;
  const std::uint8_t c = op.colour.c[plane];
  const auto n = static_cast<std::size_t>(r.width());
  if (op.alpha == 255) {
    for (int y = r.y0; y < r.y1; ++y) std::memset(dst.row(y) + r.x0, c, n);
    return;
  }
  const std::uint32_t add = std::uint32_t{c} * op.alpha + 127;
  const std::uint32_t keep = 255 - op.alpha;
  for (int y = r.y0; y < r.y1; ++y) {
    std::uint8_t* row = dst.row(y) + r.x0;
    for (std::size_t x = 0; x < n; ++x) {
      row[x] = static_cast<std::uint8_t>((row[x] * keep + add) / 255);
    }
  }
}

struct Tap {
  int i0 = 0, i1 = 0;
  std::uint32_t w1 = 0;  // weight of i1, 0..256
};

// The reference's sample positions, with the fraction quantised to 1/256.
std::vector<Tap> taps(int first, int count, int dest0, float crop, float step, int size) {
  std::vector<Tap> t(static_cast<std::size_t>(count));
  for (int k = 0; k < count; ++k) {
    const float u = crop + (static_cast<float>(first + k - dest0) + 0.5F) * step - 0.5F;
    const float fl = std::floor(u);
    Tap& tap = t[static_cast<std::size_t>(k)];
    tap.i0 = std::clamp(static_cast<int>(fl), 0, size - 1);
    tap.i1 = std::clamp(static_cast<int>(fl) + 1, 0, size - 1);
    tap.w1 = static_cast<std::uint32_t>(std::lround((u - fl) * 256.0F));
  }
  return t;
}

// True when the taps sample exactly halfway between source pixels 2k and 2k+1 (an exact 2:1
// reduction, e.g. a 1080p source in a 960x540 side-by-side slot). The general path then computes
// (16384·(a+b+c+d) + 32768) >> 16 = (a+b+c+d+2) >> 2, which the halving path computes directly.
bool is_halving(const std::vector<Tap>& taps) {
  for (std::size_t k = 0; k < taps.size(); ++k) {
    const Tap& t = taps[k];
    if (t.w1 != 128 || t.i1 != t.i0 + 1 || t.i0 != taps[0].i0 + 2 * static_cast<int>(k)) {
      return false;
    }
  }
  return !taps.empty();
}

void halve_row(const std::uint8_t* __restrict r0, const std::uint8_t* __restrict r1,
               std::uint8_t* __restrict out, std::size_t w) {
  for (std::size_t x = 0; x < w; ++x) {
    const unsigned sum = 2U + r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1];
    out[x] = static_cast<std::uint8_t>(sum >> 2);
  }
}

void place_plane(const ConstPlaneRef& src, const PlaneRef& dst, int plane, const PlaceOp& op,
                 std::vector<std::uint16_t>& tmp, std::vector<std::uint8_t>& line) {
  const IRect dest = plane_rect(op.dest, plane);
  const IRect write = intersect(dest, dst.bounds());
  if (write.empty()) return;
  const float scale = plane == 0 ? 1.0F : 0.5F;
  const float step_x = op.crop_w / static_cast<float>(op.dest.width());
  const float step_y = op.crop_h / static_cast<float>(op.dest.height());
  const std::vector<Tap> xt =
      taps(write.x0, write.width(), dest.x0, op.crop_x * scale, step_x, src.width);
  const std::vector<Tap> yt =
      taps(write.y0, write.height(), dest.y0, op.crop_y * scale, step_y, src.height);
  const auto w = static_cast<std::size_t>(write.width());
  line.resize(w);
  if (is_halving(xt) && is_halving(yt)) {
    for (int y = write.y0; y < write.y1; ++y) {
      const Tap& ty = yt[static_cast<std::size_t>(y - write.y0)];
      std::uint8_t* d = dst.row(y) + write.x0;
      std::uint8_t* out = op.alpha == 255 ? d : line.data();
      halve_row(src.row(ty.i0) + xt[0].i0, src.row(ty.i1) + xt[0].i0, out, w);
      if (op.alpha != 255) {
        const std::uint32_t a = op.alpha;
        for (std::size_t x = 0; x < w; ++x) d[x] = blend8(d[x], out[x], a);
      }
    }
    return;
  }
  int lo = src.width, hi = 0;
  for (const Tap& t : xt) lo = std::min(lo, t.i0), hi = std::max(hi, t.i1);
  const auto span = static_cast<std::size_t>(hi - lo + 1);
  tmp.resize(span);
  for (int y = write.y0; y < write.y1; ++y) {
    const Tap& ty = yt[static_cast<std::size_t>(y - write.y0)];
    const std::uint8_t* r0 = src.row(ty.i0) + lo;
    const std::uint8_t* r1 = src.row(ty.i1) + lo;
    const auto wy1 = static_cast<std::uint16_t>(ty.w1);
    const auto wy0 = static_cast<std::uint16_t>(256 - ty.w1);
    std::uint16_t* t = tmp.data();
    for (std::size_t i = 0; i < span; ++i) {
      t[i] = static_cast<std::uint16_t>(r0[i] * wy0 + r1[i] * wy1);
    }
    std::uint8_t* out = line.data();
    for (std::size_t x = 0; x < w; ++x) {
      const Tap& tx = xt[x];
      const std::uint32_t v =
          std::uint32_t{t[tx.i0 - lo]} * (256 - tx.w1) + std::uint32_t{t[tx.i1 - lo]} * tx.w1;
      out[x] = static_cast<std::uint8_t>((v + 32768) >> 16);
    }
    std::uint8_t* d = dst.row(y) + write.x0;
    if (op.alpha == 255) {
      std::memcpy(d, out, w);
    } else {
      const std::uint32_t a = op.alpha;
      for (std::size_t x = 0; x < w; ++x) d[x] = blend8(d[x], out[x], a);
    }
  }
}

void mask_plane(const PlaneRef& dst, int plane, const CoverageMask& mask, const MaskOp& op) {
  const IRect luma{mask.x_px, mask.y_px, mask.x_px + static_cast<int>(mask.width_px),
                   mask.y_px + static_cast<int>(mask.height_px)};
  const std::uint32_t c = op.colour.c[plane];
  if (plane == 0) {
    const IRect r = intersect(luma, dst.bounds());
    for (int y = r.y0; y < r.y1; ++y) {
      const std::uint8_t* m = mask.coverage.data() +
                              static_cast<std::size_t>(y - luma.y0) * mask.width_px +
                              static_cast<std::size_t>(r.x0 - luma.x0);
      std::uint8_t* d = dst.row(y) + r.x0;
      for (int x = 0; x < r.width(); ++x) {
        const std::uint32_t a = (m[x] * op.alpha + 127) / 255;
        d[x] = blend8(d[x], c, a);
      }
    }
    return;
  }
  const IRect r =
      intersect({luma.x0 >> 1, luma.y0 >> 1, (luma.x1 + 1) >> 1, (luma.y1 + 1) >> 1}, dst.bounds());
  for (int y = r.y0; y < r.y1; ++y) {
    std::uint8_t* d = dst.row(y);
    for (int x = r.x0; x < r.x1; ++x) {
      const std::uint32_t a = (chroma_coverage(mask, x, y) * op.alpha + 127) / 255;
      d[x] = blend8(d[x], c, a);
    }
  }
}

// Box blur of radius r, three passes each way, by running sums (integer: equal to the
// reference's direct sums).
void blur(std::vector<std::uint8_t>& img, int w, int h, int r) {
  const auto n = static_cast<std::uint32_t>(2 * r + 1);
  std::vector<std::uint8_t> row_out(static_cast<std::size_t>(w));
  auto px = [&](int x, int y) -> std::uint8_t& {
    return img[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) +
               static_cast<std::size_t>(x)];
  };
  for (int pass = 0; pass < 3; ++pass) {
    for (int y = 0; y < h; ++y) {
      std::uint32_t sum = 0;
      for (int k = -r; k <= r; ++k) sum += px(std::clamp(k, 0, w - 1), y);
      for (int x = 0; x < w; ++x) {
        row_out[static_cast<std::size_t>(x)] = static_cast<std::uint8_t>((sum + n / 2) / n);
        sum += px(std::min(x + r + 1, w - 1), y);
        sum -= px(std::max(x - r, 0), y);
      }
      std::memcpy(&px(0, y), row_out.data(), row_out.size());
    }
  }
  std::vector<std::uint32_t> sums(static_cast<std::size_t>(w));
  std::vector<std::uint8_t> out(img.size());
  for (int pass = 0; pass < 3; ++pass) {
    std::fill(sums.begin(), sums.end(), 0U);
    for (int k = -r; k <= r; ++k) {
      const std::uint8_t* s = &px(0, std::clamp(k, 0, h - 1));
      for (std::size_t x = 0; x < sums.size(); ++x) sums[x] += s[x];
    }
    for (int y = 0; y < h; ++y) {
      std::uint8_t* o = out.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(w);
      for (std::size_t x = 0; x < sums.size(); ++x) {
        o[x] = static_cast<std::uint8_t>((sums[x] + n / 2) / n);
      }
      const std::uint8_t* add = &px(0, std::min(y + r + 1, h - 1));
      const std::uint8_t* sub = &px(0, std::max(y - r, 0));
      for (std::size_t x = 0; x < sums.size(); ++x) sums[x] += std::uint32_t{add[x]} - sub[x];
    }
    img.swap(out);
  }
}

void redact_plane(const PlaneRef& dst, int plane, const RedactOp& op,
                  std::vector<std::uint8_t>& scratch) {
  const IRect area = intersect(plane_rect(op.area, plane), dst.bounds());
  if (area.empty()) return;
  const IRect region = plane_rect(op.region, plane);
  const int w = area.width();
  const int h = area.height();
  const auto uw = static_cast<std::size_t>(w);
  scratch.resize(uw * static_cast<std::size_t>(h));
  if (op.mode == RedactionMode::solid) {
    std::fill(scratch.begin(), scratch.end(), op.colour.c[plane]);
  } else {
    for (int y = 0; y < h; ++y) {
      std::memcpy(scratch.data() + static_cast<std::size_t>(y) * uw, dst.row(area.y0 + y) + area.x0,
                  uw);
    }
  }
  if (op.mode == RedactionMode::blur) {
    blur(scratch, w, h, plane == 0 ? op.radius_px : chroma_radius(op.radius_px));
  } else if (op.mode == RedactionMode::pixelate) {
    const int b = plane == 0 ? op.block_px : op.block_px / 2;
    const int gy0 = region.y0 + (area.y0 - region.y0) / b * b;
    const int gx0 = region.x0 + (area.x0 - region.x0) / b * b;
    for (int by = gy0; by < area.y1; by += b) {
      for (int bx = gx0; bx < area.x1; bx += b) {
        const IRect block = intersect({bx, by, bx + b, by + b}, area);
        std::uint32_t sum = 0;
        for (int y = block.y0; y < block.y1; ++y) {
          const std::uint8_t* s = scratch.data() + static_cast<std::size_t>(y - area.y0) * uw;
          for (int x = block.x0; x < block.x1; ++x) sum += s[x - area.x0];
        }
        const auto n = static_cast<std::uint32_t>(block.width() * block.height());
        const auto mean = static_cast<std::uint8_t>((sum + n / 2) / n);
        for (int y = block.y0; y < block.y1; ++y) {
          std::memset(scratch.data() + static_cast<std::size_t>(y - area.y0) * uw +
                          static_cast<std::size_t>(block.x0 - area.x0),
                      mean, static_cast<std::size_t>(block.width()));
        }
      }
    }
  }
  for (int y = area.y0; y < area.y1; ++y) {
    const std::uint8_t* s = scratch.data() + static_cast<std::size_t>(y - area.y0) * uw;
    std::uint8_t* d = dst.row(y) + area.x0;
    if (op.shape == RedactionShape::rectangle) {
      std::memcpy(d, s, uw);
      continue;
    }
    for (int x = area.x0; x < area.x1; ++x) {
      if (inside_ellipse(op.region, plane, x, y)) d[x - area.x0] = s[x - area.x0];
    }
  }
}

class FastExecutor final : public Executor {
 public:
  Status run(const FramePlan& plan, std::span<const ConstFrameView> inputs,
             const FrameView& out) override {
    const IRect canvas{0, 0, static_cast<int>(plan.width), static_cast<int>(plan.height)};
    for (int p = 0; p < 3; ++p) fill_plane(plane_of(out, p), p, {canvas, plan.background, 255});
    for (const Op& op : plan.ops) {
      for (int p = 0; p < 3; ++p) {
        const PlaneRef dst = plane_of(out, p);
        if (const auto* place = std::get_if<PlaceOp>(&op)) {
          place_plane(plane_of(inputs[place->input], p), dst, p, *place, tmp_, line_);
        } else if (const auto* fill = std::get_if<FillOp>(&op)) {
          fill_plane(dst, p, *fill);
        } else if (const auto* mask = std::get_if<MaskOp>(&op)) {
          mask_plane(dst, p, plan.masks[mask->mask], *mask);
        } else if (const auto* redact = std::get_if<RedactOp>(&op)) {
          redact_plane(dst, p, *redact, scratch_);
        }
      }
    }
    return {};
  }

 private:
  std::vector<std::uint16_t> tmp_;
  std::vector<std::uint8_t> line_;
  std::vector<std::uint8_t> scratch_;
};

}  // namespace

std::unique_ptr<Executor> make_fast_executor() {
  return std::make_unique<FastExecutor>();
}

}  // namespace clinvid::render::detail
