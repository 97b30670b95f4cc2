// Compositor: validates a Composition, reduces it to a FramePlan (integer geometry, Y'CbCr
// colours, rasterised masks) and hands that to the chosen backend.
#include "render/compositor.hpp"

#include <cmath>
#include <string>

#include "render/composite_plan.hpp"
#include "render/parameters.hpp"

namespace clinvid::render {

using detail::FramePlan;
using detail::IRect;

std::string_view to_string(Backend backend) noexcept {
  switch (backend) {
    case Backend::cpu_reference: return "cpu_reference";
    case Backend::cpu: return "cpu";
    case Backend::vulkan: return "vulkan";
    case Backend::invalid: break;
  }
  return "invalid";
}

struct Compositor::Impl {
  CompositorOptions options;
  OverlayRasteriser rasteriser;
  std::unique_ptr<detail::Executor> executor;
  FramePlan plan;
};

namespace {

constexpr std::uint32_t kMaxCanvasPx = 16384;

bool coordinate_ok(float v) noexcept {
  return std::isfinite(v) && std::fabs(v) <= kMaxCoordinatePx;
}
bool rect_ok(const RectF& r) noexcept {
  return coordinate_ok(r.x) && coordinate_ok(r.y) && coordinate_ok(r.w) && coordinate_ok(r.h) &&
         coordinate_ok(r.x + r.w) && coordinate_ok(r.y + r.h);
}

std::string where(std::size_t index, const char* kind) {
  return "layer " + std::to_string(index) + " (" + kind + ")";
}

Status check_input(const ConstFrameView& input, std::size_t index) {
  if (input.format != PixelFormat::i420) {
    return fail(Errc::invalid_argument, "input " + std::to_string(index) + " is " +
                                            std::string(to_string(input.format)) +
                                            ", the compositor takes I420");
  }
  if (auto s = validate(input); !s) {
    return with_context(s.error(), "input " + std::to_string(index));
  }
  return {};
}

Status plan_video(const VideoLayer& layer, std::size_t index,
                  std::span<const ConstFrameView> inputs, const IRect& canvas, FramePlan& plan) {
  const std::string at = where(index, "video");
  if (layer.input < 0 || static_cast<std::size_t>(layer.input) >= inputs.size()) {
    return fail(Errc::invalid_argument, at + ": input " + std::to_string(layer.input) +
                                            " is out of range (" + std::to_string(inputs.size()) +
                                            " inputs given)");
  }
  const auto input = static_cast<std::size_t>(layer.input);
  if (auto s = check_input(inputs[input], input); !s) return with_context(s.error(), at);
  if (!rect_ok(layer.dest) || !rect_ok(layer.source_crop) || !std::isfinite(layer.opacity)) {
    return fail(Errc::invalid_argument,
                at + ": dest, source_crop and opacity must be finite and within +-1e6 px");
  }
  const RectF& c = layer.source_crop;
  constexpr float kSlack = 1e-4F;
  if (c.x < -kSlack || c.y < -kSlack || c.w <= 0 || c.h <= 0 || c.x + c.w > 1 + kSlack ||
      c.y + c.h > 1 + kSlack) {
    return fail(Errc::invalid_argument,
                at + ": source_crop must lie within [0, 1] with a positive width and height");
  }
  if (layer.dest.w < 0 || layer.dest.h < 0) {
    return fail(Errc::invalid_argument, at + ": dest has a negative size");
  }
  detail::PlaceOp op;
  op.input = input;
  op.dest = detail::snap_even(layer.dest);
  // Opacity is clamped to its range rather than refused: a cross-fade computed in float may
  // overshoot 1 by an ulp.
  const ParameterSpec& opacity = parameter(ParameterId::video_opacity);
  op.alpha = static_cast<std::uint32_t>(std::lround(
      std::clamp(static_cast<double>(layer.opacity), opacity.min, opacity.max) * 255.0));
  if (op.dest.empty() || op.alpha == 0 || detail::intersect(op.dest, canvas).empty()) return {};
  const auto sw = static_cast<float>(inputs[input].width);
  const auto sh = static_cast<float>(inputs[input].height);
  op.crop_x = std::clamp(c.x, 0.0F, 1.0F) * sw;
  op.crop_y = std::clamp(c.y, 0.0F, 1.0F) * sh;
  op.crop_w = std::min(c.w, 1.0F) * sw;
  op.crop_h = std::min(c.h, 1.0F) * sh;
  plan.ops.emplace_back(op);
  return {};
}

Status plan_fill(const FillLayer& layer, std::size_t index, const IRect& canvas, FramePlan& plan) {
  if (!rect_ok(layer.dest)) {
    return fail(Errc::invalid_argument,
                where(index, "fill") + ": dest must be finite and within +-1e6 px");
  }
  const IRect rect = detail::intersect(detail::snap_even(layer.dest), canvas);
  if (rect.empty() || layer.colour.a == 0) return {};
  plan.ops.emplace_back(detail::FillOp{rect, detail::to_yuv(layer.colour), layer.colour.a});
  return {};
}

Status plan_redaction(const RedactionLayer& layer, std::size_t index, const IRect& canvas,
                      FramePlan& plan) {
  const std::string at = where(index, "redaction");
  const int shape = static_cast<int>(layer.shape);
  const int mode = static_cast<int>(layer.mode);
  if (shape < 1 || shape > 2) {
    return fail(Errc::invalid_argument, at + ": shape is not set (rectangle or ellipse)");
  }
  if (mode < 1 || mode > 3) {
    return fail(Errc::invalid_argument, at + ": mode is not set (blur, pixelate or solid)");
  }
  if (!rect_ok(layer.region) || !rect_ok(layer.clip) || !std::isfinite(layer.strength)) {
    return fail(Errc::invalid_argument,
                at + ": region, clip and strength must be finite and within +-1e6 px");
  }
  if (layer.mode != RedactionMode::solid) {
    const ParameterId id = layer.mode == RedactionMode::blur
                               ? ParameterId::redaction_blur_radius
                               : ParameterId::redaction_pixelate_block;
    if (auto s = check_parameter(id, static_cast<double>(layer.strength), at + " strength"); !s) {
      return s;
    }
  }
  detail::RedactOp op;
  op.shape = layer.shape;
  op.mode = layer.mode;
  op.region = detail::snap_even(layer.region);
  op.area = detail::intersect(detail::intersect(op.region, detail::snap_even(layer.clip)), canvas);
  if (op.area.empty()) return {};
  op.block_px = std::max(2, detail::snap_even(layer.strength));
  op.radius_px = std::max(1, static_cast<int>(std::lround(layer.strength)));
  op.colour = detail::to_yuv(layer.colour);
  plan.ops.emplace_back(op);
  return {};
}

Status plan_text(OverlayRasteriser& rasteriser, const TextLayer& layer, std::size_t index,
                 const IRect& canvas, FramePlan& plan) {
  auto mask = rasteriser.text(layer);
  if (!mask) return with_context(mask.error(), where(index, "text"));
  if (layer.text.empty()) return {};
  if (layer.background.a > 0 && mask->box.w > 0) {
    const float pad = layer.padding_px;
    const RectF box{mask->box.x - pad, mask->box.y - pad, mask->box.w + 2 * pad,
                    mask->box.h + 2 * pad};
    const IRect rect = detail::intersect(detail::snap_even(box), canvas);
    if (!rect.empty()) {
      plan.ops.emplace_back(
          detail::FillOp{rect, detail::to_yuv(layer.background), layer.background.a});
    }
  }
  if (mask->empty() || layer.colour.a == 0) return {};
  plan.masks.push_back(std::move(*mask));
  plan.ops.emplace_back(
      detail::MaskOp{plan.masks.size() - 1, detail::to_yuv(layer.colour), layer.colour.a});
  return {};
}

Status plan_shape(OverlayRasteriser& rasteriser, const ShapeLayer& layer, std::size_t index,
                  const IRect& canvas, FramePlan& plan) {
  if (auto s = validate_shape(layer); !s) return with_context(s.error(), where(index, "shape"));
  if (layer.colour.a == 0) return {};
  CoverageMask mask =
      rasteriser.shape(layer, {0, 0, static_cast<float>(canvas.x1), static_cast<float>(canvas.y1)});
  if (mask.empty()) return {};
  plan.masks.push_back(std::move(mask));
  plan.ops.emplace_back(
      detail::MaskOp{plan.masks.size() - 1, detail::to_yuv(layer.colour), layer.colour.a});
  return {};
}

}  // namespace

Result<Compositor> Compositor::create(const CompositorOptions& options) {
  if (options.width == 0 || options.height == 0 || options.width > kMaxCanvasPx ||
      options.height > kMaxCanvasPx) {
    return fail(Errc::invalid_argument, "compositor: canvas " + std::to_string(options.width) +
                                            "x" + std::to_string(options.height) +
                                            " is not within 1..16384 in each direction");
  }
  auto rasteriser = OverlayRasteriser::create(options.font_path);
  if (!rasteriser) return with_context(rasteriser.error(), "compositor");
  std::unique_ptr<detail::Executor> executor;
  switch (options.backend) {
    case Backend::cpu_reference: executor = detail::make_reference_executor(); break;
    case Backend::cpu: executor = detail::make_fast_executor(); break;
    case Backend::vulkan: {
      auto made = detail::make_vulkan_executor(options.width, options.height);
      if (!made) return with_context(made.error(), "compositor (Vulkan)");
      executor = std::move(*made);
      break;
    }
    case Backend::invalid: break;
  }
  if (!executor) return fail(Errc::invalid_argument, "compositor: backend is not set");
  auto impl = std::unique_ptr<Impl>(
      new Impl{options, std::move(*rasteriser), std::move(executor), FramePlan{}});
  return Compositor(std::move(impl));
}

Compositor::Compositor(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Compositor::Compositor(Compositor&&) noexcept = default;
Compositor& Compositor::operator=(Compositor&&) noexcept = default;
Compositor::~Compositor() = default;

Backend Compositor::backend() const noexcept {
  return impl_->options.backend;
}
OverlayRasteriser& Compositor::rasteriser() noexcept {
  return impl_->rasteriser;
}
std::uint64_t Compositor::last_gpu_ns() const noexcept {
  return impl_->executor->last_gpu_ns();
}

Status Compositor::compose(const Composition& composition, std::span<const ConstFrameView> inputs,
                           const FrameView& out) {
  const CompositorOptions& o = impl_->options;
  if (composition.width != o.width || composition.height != o.height) {
    return fail(Errc::invalid_argument,
                "compose: composition is " + std::to_string(composition.width) + "x" +
                    std::to_string(composition.height) + " but this compositor was made for " +
                    std::to_string(o.width) + "x" + std::to_string(o.height));
  }
  if (out.format != PixelFormat::i420 || out.width != o.width || out.height != o.height) {
    return fail(Errc::invalid_argument,
                "compose: output must be I420 " + std::to_string(o.width) + "x" +
                    std::to_string(o.height) + ", got " + std::string(to_string(out.format)) + " " +
                    std::to_string(out.width) + "x" + std::to_string(out.height));
  }
  if (auto s = validate(out.as_const()); !s) return with_context(s.error(), "compose: output");

  FramePlan& plan = impl_->plan;
  plan.width = o.width;
  plan.height = o.height;
  plan.background = detail::to_yuv(composition.background);
  plan.ops.clear();
  plan.masks.clear();
  const IRect canvas{0, 0, static_cast<int>(o.width), static_cast<int>(o.height)};
  for (std::size_t i = 0; i < composition.layers.size(); ++i) {
    const Layer& layer = composition.layers[i];
    Status s;
    if (const auto* video = std::get_if<VideoLayer>(&layer)) {
      s = plan_video(*video, i, inputs, canvas, plan);
    } else if (const auto* fill = std::get_if<FillLayer>(&layer)) {
      s = plan_fill(*fill, i, canvas, plan);
    } else if (const auto* redaction = std::get_if<RedactionLayer>(&layer)) {
      s = plan_redaction(*redaction, i, canvas, plan);
    } else if (const auto* text = std::get_if<TextLayer>(&layer)) {
      s = plan_text(impl_->rasteriser, *text, i, canvas, plan);
    } else if (const auto* shape = std::get_if<ShapeLayer>(&layer)) {
      s = plan_shape(impl_->rasteriser, *shape, i, canvas, plan);
    }
    if (!s) return with_context(s.error(), "compose");
  }
  return impl_->executor->run(plan, inputs, out);
}

}  // namespace clinvid::render
