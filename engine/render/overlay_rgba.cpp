// draw_overlays_rgba: the non-video layers on an RGBA canvas, for the studio's preview. Uses
// the same rasteriser and the same rectangle snapping as the compositor, so overlays land on
// the same pixels as in the film.
#include <cmath>
#include <cstring>

#include "render/composite_plan.hpp"
#include "render/overlay.hpp"

namespace clinvid::render {

namespace {

using detail::IRect;

// Straight-alpha "over": `alpha` 0..255 of colour c onto pixel p.
void over(std::uint8_t* p, const Rgba8& c, std::uint32_t alpha) {
  if (alpha == 0) return;
  const float a = static_cast<float>(alpha) / 255.0F;
  const float da = static_cast<float>(p[3]) / 255.0F * (1.0F - a);
  const float oa = a + da;
  const std::uint8_t src[3] = {c.r, c.g, c.b};
  for (std::size_t k = 0; k < 3; ++k) {
    const float v = (static_cast<float>(src[k]) * a + static_cast<float>(p[k]) * da) / oa;
    p[k] = static_cast<std::uint8_t>(std::clamp(std::floor(v + 0.5F), 0.0F, 255.0F));
  }
  p[3] = static_cast<std::uint8_t>(std::clamp(std::floor(oa * 255.0F + 0.5F), 0.0F, 255.0F));
}

std::uint8_t* pixel(const FrameView& out, int x, int y) {
  return out.planes[0] + static_cast<std::size_t>(y) * out.strides[0] +
         static_cast<std::size_t>(x) * 4;
}

void fill(const FrameView& out, const IRect& rect, const Rgba8& colour) {
  for (int y = rect.y0; y < rect.y1; ++y) {
    for (int x = rect.x0; x < rect.x1; ++x) over(pixel(out, x, y), colour, colour.a);
  }
}

void draw_mask(const FrameView& out, const IRect& canvas, const CoverageMask& mask,
               const Rgba8& colour) {
  const IRect r =
      detail::intersect({mask.x_px, mask.y_px, mask.x_px + static_cast<int>(mask.width_px),
                         mask.y_px + static_cast<int>(mask.height_px)},
                        canvas);
  for (int y = r.y0; y < r.y1; ++y) {
    for (int x = r.x0; x < r.x1; ++x) {
      over(pixel(out, x, y), colour, (std::uint32_t{mask.at(x, y)} * colour.a + 127) / 255);
    }
  }
}

bool rect_finite(const RectF& r) {
  for (float v : {r.x, r.y, r.w, r.h, r.x + r.w, r.y + r.h}) {
    if (!std::isfinite(v) || std::fabs(v) > kMaxCoordinatePx) return false;
  }
  return true;
}

Status draw_redaction(const FrameView& out, const IRect& canvas, const RedactionLayer& layer,
                      const std::string& at) {
  const int shape = static_cast<int>(layer.shape);
  const int mode = static_cast<int>(layer.mode);
  if (shape < 1 || shape > 2 || mode < 1 || mode > 3) {
    return fail(Errc::invalid_argument, at + ": shape or mode is not set");
  }
  if (!rect_finite(layer.region) || !rect_finite(layer.clip) || !std::isfinite(layer.strength)) {
    return fail(Errc::invalid_argument, at + ": region, clip and strength must be finite");
  }
  const IRect region = detail::snap_even(layer.region);
  const IRect area =
      detail::intersect(detail::intersect(region, detail::snap_even(layer.clip)), canvas);
  const bool solid = layer.mode == RedactionMode::solid;
  const Rgba8 tint = solid ? Rgba8{layer.colour.r, layer.colour.g, layer.colour.b, 255}
                           : Rgba8{128, 128, 128, 110};
  const Rgba8 hatch{255, 255, 255, 200};
  for (int y = area.y0; y < area.y1; ++y) {
    for (int x = area.x0; x < area.x1; ++x) {
      if (layer.shape == RedactionShape::ellipse && !detail::inside_ellipse(region, 0, x, y)) {
        continue;
      }
      const bool edge = x - area.x0 < 2 || area.x1 - x <= 2 || y - area.y0 < 2 || area.y1 - y <= 2;
      const bool stripe = !solid && (x + y) % 10 < 2;
      over(pixel(out, x, y), edge || stripe ? hatch : tint, edge || stripe ? hatch.a : tint.a);
    }
  }
  return {};
}

}  // namespace

Status draw_overlays_rgba(OverlayRasteriser& rasteriser, const Composition& composition,
                          const FrameView& rgba_out, std::size_t first_layer) {
  if (rgba_out.format != PixelFormat::rgba || rgba_out.width != composition.width ||
      rgba_out.height != composition.height) {
    return fail(Errc::invalid_argument, "draw_overlays_rgba: the canvas must be RGBA " +
                                            std::to_string(composition.width) + "x" +
                                            std::to_string(composition.height));
  }
  if (auto s = validate(rgba_out.as_const()); !s) {
    return with_context(s.error(), "draw_overlays_rgba");
  }
  for (std::uint32_t y = 0; y < rgba_out.height; ++y) {
    std::memset(rgba_out.planes[0] + std::size_t{y} * rgba_out.strides[0], 0,
                std::size_t{rgba_out.width} * 4);
  }
  const IRect canvas{0, 0, static_cast<int>(composition.width),
                     static_cast<int>(composition.height)};
  for (std::size_t i = first_layer; i < composition.layers.size(); ++i) {
    const Layer& layer = composition.layers[i];
    const std::string at = "draw_overlays_rgba: layer " + std::to_string(i);
    if (const auto* f = std::get_if<FillLayer>(&layer)) {
      if (!rect_finite(f->dest)) return fail(Errc::invalid_argument, at + ": dest is not finite");
      fill(rgba_out, detail::intersect(detail::snap_even(f->dest), canvas), f->colour);
    } else if (const auto* r = std::get_if<RedactionLayer>(&layer)) {
      if (auto s = draw_redaction(rgba_out, canvas, *r, at); !s) return s;
    } else if (const auto* t = std::get_if<TextLayer>(&layer)) {
      auto mask = rasteriser.text(*t);
      if (!mask) return with_context(mask.error(), at);
      if (t->text.empty()) continue;
      if (t->background.a > 0 && mask->box.w > 0) {
        const float pad = t->padding_px;
        const RectF box{mask->box.x - pad, mask->box.y - pad, mask->box.w + 2 * pad,
                        mask->box.h + 2 * pad};
        fill(rgba_out, detail::intersect(detail::snap_even(box), canvas), t->background);
      }
      draw_mask(rgba_out, canvas, *mask, t->colour);
    } else if (const auto* sh = std::get_if<ShapeLayer>(&layer)) {
      if (auto s = validate_shape(*sh); !s) return with_context(s.error(), at);
      draw_mask(rgba_out, canvas,
                rasteriser.shape(*sh, {0, 0, static_cast<float>(composition.width),
                                       static_cast<float>(composition.height)}),
                sh->colour);
    }
  }
  return {};
}

}  // namespace clinvid::render
