// Executes a Composition (render/composition.hpp) on decoded I420 source frames, producing one
// I420 output frame: scale and place, cross-fade, fills, redaction, titles, captions and
// annotations. Work is done in Y'CbCr directly (BT.709, limited range, like FFmpeg's filters):
// each overlay has one colour, converted to Y/Cb/Cr once.
//
// Conventions, identical on every backend (the CPU reference composite_cpu.cpp states each
// operation in its plainest form; shaders/composite_*.comp and the fast CPU path follow it):
//  - Rectangles (VideoLayer::dest, FillLayer::dest, RedactionLayer::region and clip, a text
//    background) snap their edges to the nearest EVEN pixel (ties upward: 2*floor(v/2 + 0.5)),
//    so every rectangle covers whole 2x2 chroma blocks; then they are clipped to the canvas
//    (an odd-sized canvas' last partial chroma column/row belongs to the last block; a layer
//    filling an odd canvas therefore spans the next even size, and is scaled by W/(W+1):
//    films are even-sized, odd canvases are supported for previews and tests).
//    Chroma rectangles are the luma rectangle / 2.
//  - Colours: Rgba8 -> Y'CbCr with gpu::yuv_coefficients(BT.709, limited), rounded half up.
//  - Blending: alpha a in 0..255, out = (dst * (255 - a) + src * a + 127) / 255 (integer).
//  - Video: each plane is sampled bilinearly at pixel centres: destination pixel x of a
//    layer whose (even, unclipped) rectangle starts at X0 and is Dw wide reads the source at
//    u = crop_x + (x - X0 + 0.5) * crop_w / Dw - 0.5 (source pixel index space, the crop
//    in pixels of that plane: chroma = luma / 2, i.e. chroma sited at the 2x2 block's centre),
//    neighbours clamped to the source plane's edge; the sample is rounded half up to 8 bits,
//    then blended with a = round(opacity * 255). Plain bilinear: no prefilter, so downscaling
//    by more than 2x aliases (the exports scale by at most 2).
//  - Fills: the colour blended with a = colour.a. The background is opaque (alpha ignored).
//  - Masks (text, shapes): luma a = (coverage * colour.a + 127) / 255; chroma uses the mean
//    of the block's four luma coverages, (c0 + c1 + c2 + c3 + 2) / 4 (positions outside the
//    mask count 0).
//  - Redaction acts on what is drawn beneath it, inside region ∩ clip ∩ canvas (the "area";
//    nothing outside it is read or written). Ellipse: pixel (x, y) of a plane is inside when
//    its centre is inside the ellipse inscribed in the (even) region. Modes, per plane:
//      solid:    the colour, always opaque (a see-through redaction is no redaction).
//      pixelate: blocks of b = max(2, nearest even of strength) luma px (b/2 chroma), aligned
//                to the region's top-left; each block becomes the integer mean (rounded half
//                up) of its pixels inside the area.
//      blur:     box blur of radius r = max(1, round(strength)) (chroma max(1, round(r/2)))
//                three times horizontally, then three times vertically, each pass rounding
//                half up to 8 bits, reading only the area (edge-clamped to it).
//    Only pixels inside the shape are written.
//
// Accuracy: the Vulkan backend does the same float operations as the reference (no fused
// multiply-add), so it matches bit for bit on lavapipe; another driver may differ in the
// last bit of a sampling position or an ellipse edge. The fast CPU backend samples with
// 8-bit fixed-point weights (typically within 1 LSB). Tested for both: mean |diff| <= 1 and
// max <= kBackendMaxDiff against the reference.
//
// Cost: scaling, fills and masks are O(1) per sample on every backend; blur is O(1) per
// sample on the fast CPU backend (running sums) and O(radius) on the GPU; pixelate O(1) on
// the fast CPU backend and
// O(block) on the GPU (row sums, then block means).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/frame.hpp"
#include "core/result.hpp"
#include "render/composition.hpp"
#include "render/overlay.hpp"

namespace clinvid::render {

enum class Backend {
  invalid = 0,
  cpu_reference,  // plain per-pixel code: the definition the others are tested against
  cpu,            // the fast path for export (fixed-point separable scaling, row loops)
  vulkan,         // compute shaders on gpu::Context::shared() (lavapipe without a GPU)
};

[[nodiscard]] std::string_view to_string(Backend backend) noexcept;

// Largest per-sample difference of any backend from cpu_reference (tested).
inline constexpr int kBackendMaxDiff = 2;

struct CompositorOptions {
  Backend backend = Backend::cpu;
  // The canvas every composition handed to this compositor must have (GPU buffers are sized
  // once). Both > 0, at most 16384.
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::string font_path;  // empty: DejaVu Sans
};

// Move-only; one thread at a time. Caches glyphs and rasterised text between frames, and on
// the Vulkan backend its buffers and pipelines.
class Compositor {
 public:
  // Errc::invalid_argument: backend or size not set; Errc::not_found/unsupported: the font;
  // Errc::gpu/unsupported: no Vulkan device for Backend::vulkan.
  [[nodiscard]] static Result<Compositor> create(const CompositorOptions& options);

  Compositor(Compositor&&) noexcept;
  Compositor& operator=(Compositor&&) noexcept;
  Compositor(const Compositor&) = delete;
  Compositor& operator=(const Compositor&) = delete;
  ~Compositor();

  // inputs[i] is the frame for VideoLayer::input == i (I420, any size; inputs no layer uses
  // are ignored). `out`: I420 of the composition's size (== the options' size); every visible
  // byte of it is written. Errc::invalid_argument: an input index out of range, an input or
  // output of the wrong format or size, a layer with invalid enums or non-finite (or beyond
  // +-1e6 px) coordinates, or an out-of-range parameter (each error names the layer index).
  // On error `out` may be partly written.
  [[nodiscard]] Status compose(const Composition& composition,
                               std::span<const ConstFrameView> inputs, const FrameView& out);

  [[nodiscard]] Backend backend() const noexcept;
  // The rasteriser this compositor draws text and shapes with (the preview may share it).
  [[nodiscard]] OverlayRasteriser& rasteriser() noexcept;
  // Device time of the last compose() on the Vulkan backend, 0 elsewhere or without
  // timestamp support.
  [[nodiscard]] std::uint64_t last_gpu_ns() const noexcept;

 private:
  struct Impl;
  explicit Compositor(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clinvid::render
