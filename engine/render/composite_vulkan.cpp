// The Vulkan backend of the compositor: shaders/composite_{place,fill,redact}.comp on the
// process's shared device, one command buffer per frame.
//
// Memory: the canvas (I420, packed_layout) lives in one buffer that every dispatch reads and
// writes; the inputs a frame uses and its coverage masks are packed into host-visible upload
// buffers the shaders read directly (each input sample is read about once); redaction works
// through a scratch buffer (two canvases and the pixelate row sums). Where device memory is host
// memory (lavapipe, integrated GPUs) the canvas is the readback buffer itself; elsewhere it is
// device-local and copied back once per frame. Dispatches are separated by memory barriers; the
// three planes of one operation run between the same pair of barriers.
#include <cstring>
#include <unordered_map>

#include <clinvid/shaders/composite_fill.spv.hpp>
#include <clinvid/shaders/composite_place.spv.hpp>
#include <clinvid/shaders/composite_redact.spv.hpp>

#include "gpu/buffer.hpp"
#include "gpu/commands.hpp"
#include "gpu/compute.hpp"
#include "gpu/timestamps.hpp"
#include "render/composite_plan.hpp"

namespace clinvid::render::detail {

namespace {

// Mirror the push-constant blocks of the shaders (4-byte scalars only, no padding).
struct PlacePush {
  std::uint32_t dst_off, dst_stride;
  std::int32_t x0, y0, x1, y1;
  std::int32_t dest_x0, dest_y0;
  std::uint32_t src_off, src_stride;
  std::int32_t src_w, src_h;
  float crop_x, crop_y, step_x, step_y;
  std::uint32_t alpha;
};
static_assert(sizeof(PlacePush) == 17 * 4);

struct FillPush {
  std::uint32_t dst_off, dst_stride;
  std::int32_t x0, y0, x1, y1;
  std::uint32_t value, alpha, use_mask, mask_off;
  std::int32_t mask_x, mask_y, mask_w, mask_h;
};
static_assert(sizeof(FillPush) == 14 * 4);

struct RedactPush {
  std::uint32_t mode, plane_off, stride;
  std::int32_t ax0, ay0, ax1, ay1;
  std::int32_t rx0, ry0, rx1, ry1;
  std::int32_t gx0, gy0, block, radius;
  std::uint32_t horizontal, src_base, dst_base, to_canvas, ellipse, chroma, value, sums_base;
};
static_assert(sizeof(RedactPush) == 23 * 4);

constexpr std::uint32_t kGroupX = 16;  // words
constexpr std::uint32_t kGroupY = 4;   // rows
constexpr VkPipelineStageFlags kWorkStages =
    VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;

void memory_barrier(VkCommandBuffer cmd) {
  VkMemoryBarrier b{};
  b.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
  b.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                    VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  vkCmdPipelineBarrier(cmd, kWorkStages, kWorkStages, 0, 1, &b, 0, nullptr, 0, nullptr);
}

template <class Push>
std::span<const std::byte> bytes_of(const Push& push) {
  return std::as_bytes(std::span<const Push, 1>(&push, 1));
}

// Dispatch size for a rectangle of plane samples, one invocation per 32-bit word.
void dispatch_rect(const gpu::ComputePipeline& pipeline, VkCommandBuffer cmd,
                   std::span<const std::byte> push, const IRect& r) {
  const auto words = static_cast<std::uint32_t>((r.x1 + 3) / 4 - r.x0 / 4);
  pipeline.dispatch(cmd, push, gpu::group_count(words, kGroupX),
                    gpu::group_count(static_cast<std::uint32_t>(r.height()), kGroupY), 1);
}

IRect plane_bounds(std::uint32_t width, std::uint32_t height, int plane) {
  return plane_rect({0, 0, static_cast<int>(width), static_cast<int>(height)}, plane);
}

class VulkanExecutor final : public Executor {
 public:
  Status init(std::uint32_t width, std::uint32_t height) {
    auto context = gpu::Context::shared();
    if (!context) return tl::unexpected(context.error());
    context_ = std::move(*context);
    gpu::Context& ctx = *context_;
    width_ = width;
    height_ = height;
    layout_ = packed_layout(PixelFormat::i420, width, height);
    const VkPhysicalDeviceType type = ctx.info().type;
    direct_ = type == VK_PHYSICAL_DEVICE_TYPE_CPU || type == VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU;
    auto runner = gpu::CommandRunner::create(ctx);
    if (!runner) return tl::unexpected(runner.error());
    runner_ = std::move(*runner);
    struct Spec {
      gpu::ComputePipeline* target;
      std::span<const std::uint32_t> spirv;
      std::uint32_t push_bytes;
      const char* name;
    };
    for (const Spec& s :
         {Spec{&place_, shaders::composite_place_spv, sizeof(PlacePush), "composite_place"},
          Spec{&fill_, shaders::composite_fill_spv, sizeof(FillPush), "composite_fill"},
          Spec{&redact_, shaders::composite_redact_spv, sizeof(RedactPush), "composite_redact"}}) {
      auto p = gpu::ComputePipeline::create(ctx, {s.spirv, 4, s.push_bytes, s.name});
      if (!p) return with_context(p.error(), s.name);
      *s.target = std::move(*p);
    }
    if (auto ts = gpu::TimestampPool::create(ctx, 2); ts) {
      timestamps_ = std::make_unique<gpu::TimestampPool>(std::move(*ts));
    }
    constexpr auto storage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
    constexpr auto src = VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
    constexpr auto dst = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    const VkDeviceSize canvas_bytes = layout_.size_bytes;
    if (auto s = grow(readback_, canvas_bytes, storage | src | dst, gpu::MemoryUse::readback,
                      "composite.readback");
        !s) {
      return s;
    }
    if (!direct_) {
      if (auto s = grow(canvas_, canvas_bytes, storage | src | dst, gpu::MemoryUse::device_local,
                        "composite.canvas");
          !s) {
        return s;
      }
    }
    return grow(scratch_, scratch_offsets()[3], storage | dst, gpu::MemoryUse::device_local,
                "composite.scratch");
  }

  Status run(const FramePlan& plan, std::span<const ConstFrameView> inputs,
             const FrameView& out) override {
    if (auto s = upload(plan, inputs); !s) return s;
    const VkBuffer canvas = direct_ ? readback_.handle() : canvas_.handle();
    const std::array<VkBuffer, 4> bindings{canvas, inputs_.handle(), masks_.handle(),
                                           scratch_.handle()};
    place_.bind(bindings);
    fill_.bind(bindings);
    redact_.bind(bindings);
    auto status = runner_.run([&](VkCommandBuffer cmd) {
      if (timestamps_) {
        timestamps_->reset(cmd);
        timestamps_->write(cmd, 0, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT);
      }
      record(cmd, plan, inputs, canvas);
      if (timestamps_) timestamps_->write(cmd, 1, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT);
      if (!direct_) {
        const VkBufferCopy region{0, 0, layout_.size_bytes};
        vkCmdCopyBuffer(cmd, canvas_.handle(), readback_.handle(), 1, &region);
      }
      gpu::buffer_barrier(cmd, readback_.handle(), kWorkStages,
                          VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
                          VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
    });
    if (!status) return with_context(status.error(), "compose on the GPU");
    if (auto s = readback_.invalidate(); !s) return s;
    unpack_planes(readback_.mapped(), layout_, out);
    last_gpu_ns_ = 0;
    if (timestamps_) {
      auto ns = timestamps_->elapsed_ns(0, 1);
      last_gpu_ns_ = ns ? *ns : 0;
    }
    return {};
  }

  [[nodiscard]] std::uint64_t last_gpu_ns() const noexcept override { return last_gpu_ns_; }

 private:
  Status grow(gpu::Buffer& buffer, VkDeviceSize needed, VkBufferUsageFlags usage,
              gpu::MemoryUse use, const char* name) {
    needed = std::max<VkDeviceSize>(needed, 4);
    if (buffer.size_bytes() >= needed) return {};
    // Grow by half again so a slowly growing need does not reallocate every frame.
    auto created = gpu::Buffer::create(*context_, needed + needed / 2, usage, use, name);
    if (!created) return tl::unexpected(created.error());
    buffer = std::move(*created);
    return {};
  }

  // Packs the inputs the plan uses and its masks into the upload buffers.
  Status upload(const FramePlan& plan, std::span<const ConstFrameView> inputs) {
    input_offsets_.clear();
    std::size_t input_bytes = 0;
    for (const Op& op : plan.ops) {
      const auto* place = std::get_if<PlaceOp>(&op);
      if (place == nullptr || input_offsets_.contains(place->input)) continue;
      input_offsets_[place->input] = input_bytes;
      const ConstFrameView& v = inputs[place->input];
      input_bytes += packed_layout(v.format, v.width, v.height).size_bytes;
    }
    mask_offsets_.assign(plan.masks.size(), 0);
    std::size_t mask_bytes = 0;
    for (std::size_t i = 0; i < plan.masks.size(); ++i) {
      mask_offsets_[i] = mask_bytes;
      mask_bytes += (plan.masks[i].coverage.size() + 3) & ~std::size_t{3};
    }
    constexpr auto storage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
    if (auto s = grow(inputs_, input_bytes, storage, gpu::MemoryUse::upload, "composite.inputs");
        !s) {
      return s;
    }
    if (auto s = grow(masks_, mask_bytes, storage, gpu::MemoryUse::upload, "composite.masks"); !s) {
      return s;
    }
    for (const auto& [input, offset] : input_offsets_) {
      const ConstFrameView& v = inputs[input];
      pack_planes(v, packed_layout(v.format, v.width, v.height), inputs_.mapped() + offset);
    }
    for (std::size_t i = 0; i < plan.masks.size(); ++i) {
      const auto& c = plan.masks[i].coverage;
      if (!c.empty()) std::memcpy(masks_.mapped() + mask_offsets_[i], c.data(), c.size());
    }
    return {};
  }

  void record_fill(VkCommandBuffer cmd, int p, const IRect& luma, std::uint8_t value,
                   std::uint32_t alpha) const {
    const IRect r = intersect(plane_rect(luma, p), plane_bounds(width_, height_, p));
    if (r.empty()) return;
    const auto pi = static_cast<std::size_t>(p);
    FillPush push{};
    push.dst_off = static_cast<std::uint32_t>(layout_.offsets[pi]);
    push.dst_stride = static_cast<std::uint32_t>(layout_.strides[pi]);
    push.x0 = r.x0, push.y0 = r.y0, push.x1 = r.x1, push.y1 = r.y1;
    push.value = value;
    push.alpha = alpha;
    dispatch_rect(fill_, cmd, bytes_of(push), r);
  }

  void record_mask(VkCommandBuffer cmd, int p, const CoverageMask& mask, std::size_t offset,
                   const MaskOp& op) const {
    const IRect luma{mask.x_px, mask.y_px, mask.x_px + static_cast<int>(mask.width_px),
                     mask.y_px + static_cast<int>(mask.height_px)};
    const IRect wanted =
        p == 0 ? luma : IRect{luma.x0 >> 1, luma.y0 >> 1, (luma.x1 + 1) >> 1, (luma.y1 + 1) >> 1};
    const IRect r = intersect(wanted, plane_bounds(width_, height_, p));
    if (r.empty()) return;
    const auto pi = static_cast<std::size_t>(p);
    FillPush push{};
    push.dst_off = static_cast<std::uint32_t>(layout_.offsets[pi]);
    push.dst_stride = static_cast<std::uint32_t>(layout_.strides[pi]);
    push.x0 = r.x0, push.y0 = r.y0, push.x1 = r.x1, push.y1 = r.y1;
    push.value = op.colour.c[pi];
    push.alpha = op.alpha;
    push.use_mask = p == 0 ? 1 : 2;
    push.mask_off = static_cast<std::uint32_t>(offset);
    push.mask_x = mask.x_px, push.mask_y = mask.y_px;
    push.mask_w = static_cast<std::int32_t>(mask.width_px);
    push.mask_h = static_cast<std::int32_t>(mask.height_px);
    dispatch_rect(fill_, cmd, bytes_of(push), r);
  }

  void record_place(VkCommandBuffer cmd, int p, const PlaceOp& op, const ConstFrameView& input,
                    std::size_t input_offset) const {
    const IRect dest = plane_rect(op.dest, p);
    const IRect r = intersect(dest, plane_bounds(width_, height_, p));
    if (r.empty()) return;
    const auto pi = static_cast<std::size_t>(p);
    const PackedLayout in = packed_layout(input.format, input.width, input.height);
    const IRect src = plane_bounds(input.width, input.height, p);
    const float scale = p == 0 ? 1.0F : 0.5F;
    PlacePush push{};
    push.dst_off = static_cast<std::uint32_t>(layout_.offsets[pi]);
    push.dst_stride = static_cast<std::uint32_t>(layout_.strides[pi]);
    push.x0 = r.x0, push.y0 = r.y0, push.x1 = r.x1, push.y1 = r.y1;
    push.dest_x0 = dest.x0, push.dest_y0 = dest.y0;
    push.src_off = static_cast<std::uint32_t>(input_offset + in.offsets[pi]);
    push.src_stride = static_cast<std::uint32_t>(in.strides[pi]);
    push.src_w = src.x1, push.src_h = src.y1;
    push.crop_x = op.crop_x * scale;
    push.crop_y = op.crop_y * scale;
    push.step_x = op.crop_w / static_cast<float>(op.dest.width());
    push.step_y = op.crop_h / static_cast<float>(op.dest.height());
    push.alpha = op.alpha;
    dispatch_rect(place_, cmd, bytes_of(push), r);
  }

  // Scratch layout: canvas snapshot A, canvas B (blur ping-pong), then the pixelate row sums
  // of each plane (rows x block columns uints; block columns <= plane width / 1 + 1).
  [[nodiscard]] std::array<std::size_t, 4> scratch_offsets() const noexcept {
    std::array<std::size_t, 4> at{};
    at[0] = 2 * layout_.size_bytes;
    for (std::size_t p = 0; p < 3; ++p) {
      const IRect b = plane_bounds(width_, height_, static_cast<int>(p));
      const auto columns = static_cast<std::size_t>(p == 0 ? b.x1 / 2 + 2 : b.x1 + 2);
      at[p + 1] = at[p] + static_cast<std::size_t>(b.y1) * columns * 4;
    }
    return at;
  }

  void record_redact(VkCommandBuffer cmd, const RedactOp& op, VkBuffer canvas) const {
    if (op.mode != RedactionMode::solid) {  // snapshot the canvas into scratch A
      const VkBufferCopy region{0, 0, layout_.size_bytes};
      vkCmdCopyBuffer(cmd, canvas, scratch_.handle(), 1, &region);
      memory_barrier(cmd);
    }
    const auto sums = scratch_offsets();
    const auto b_base = static_cast<std::uint32_t>(layout_.size_bytes);
    auto base_push = [&](int p, const IRect& area) {
      const auto pi = static_cast<std::size_t>(p);
      const IRect grid = plane_rect(op.region, p);
      RedactPush push{};
      push.plane_off = static_cast<std::uint32_t>(layout_.offsets[pi]);
      push.stride = static_cast<std::uint32_t>(layout_.strides[pi]);
      push.ax0 = area.x0, push.ay0 = area.y0, push.ax1 = area.x1, push.ay1 = area.y1;
      push.rx0 = op.region.x0, push.ry0 = op.region.y0;
      push.rx1 = op.region.x1, push.ry1 = op.region.y1;
      push.gx0 = grid.x0, push.gy0 = grid.y0;
      push.block = p == 0 ? op.block_px : op.block_px / 2;
      push.radius = p == 0 ? op.radius_px : chroma_radius(op.radius_px);
      push.ellipse = op.shape == RedactionShape::ellipse ? 1 : 0;
      push.chroma = p == 0 ? 0 : 1;
      push.value = op.colour.c[pi];
      push.sums_base = static_cast<std::uint32_t>(sums[pi]);
      return push;
    };
    // Stages: solid 1; pixelate row sums then means; blur six box passes, the last into
    // the canvas.
    const int stages = op.mode == RedactionMode::blur       ? 6
                       : op.mode == RedactionMode::pixelate ? 2
                                                            : 1;
    for (int stage = 0; stage < stages; ++stage) {
      for (int p = 0; p < 3; ++p) {
        const IRect area = intersect(plane_rect(op.area, p), plane_bounds(width_, height_, p));
        if (area.empty()) continue;
        RedactPush push = base_push(p, area);
        if (op.mode == RedactionMode::solid) {
          push.mode = 1;
        } else if (op.mode == RedactionMode::pixelate && stage == 0) {
          push.mode = 4;
          const int first = (area.x0 - push.gx0) / push.block;
          const int last = (area.x1 - 1 - push.gx0) / push.block;
          redact_.dispatch(cmd, bytes_of(push),
                           gpu::group_count(static_cast<std::uint32_t>(last - first + 1), kGroupX),
                           gpu::group_count(static_cast<std::uint32_t>(area.height()), kGroupY), 1);
          continue;
        } else if (op.mode == RedactionMode::pixelate) {
          push.mode = 2;
        } else {
          push.mode = 3;
          push.horizontal = stage < 3 ? 1 : 0;
          push.src_base = stage % 2 == 0 ? 0 : b_base;
          push.dst_base = stage % 2 == 0 ? b_base : 0;
          push.to_canvas = stage == stages - 1 ? 1 : 0;
        }
        dispatch_rect(redact_, cmd, bytes_of(push), area);
      }
      memory_barrier(cmd);
    }
  }

  void record(VkCommandBuffer cmd, const FramePlan& plan, std::span<const ConstFrameView> inputs,
              VkBuffer canvas) const {
    const IRect whole{0, 0, static_cast<int>(width_), static_cast<int>(height_)};
    for (int p = 0; p < 3; ++p) {
      record_fill(cmd, p, whole, plan.background.c[static_cast<std::size_t>(p)], 255);
    }
    memory_barrier(cmd);
    for (const Op& op : plan.ops) {
      if (const auto* redact = std::get_if<RedactOp>(&op)) {
        record_redact(cmd, *redact, canvas);
        continue;
      }
      for (int p = 0; p < 3; ++p) {
        if (const auto* place = std::get_if<PlaceOp>(&op)) {
          record_place(cmd, p, *place, inputs[place->input], input_offsets_.at(place->input));
        } else if (const auto* fill = std::get_if<FillOp>(&op)) {
          record_fill(cmd, p, fill->rect, fill->colour.c[static_cast<std::size_t>(p)], fill->alpha);
        } else if (const auto* mask = std::get_if<MaskOp>(&op)) {
          record_mask(cmd, p, plan.masks[mask->mask], mask_offsets_[mask->mask], *mask);
        }
      }
      memory_barrier(cmd);
    }
  }

  std::shared_ptr<gpu::Context> context_;
  std::uint32_t width_ = 0;
  std::uint32_t height_ = 0;
  PackedLayout layout_;
  bool direct_ = false;
  gpu::CommandRunner runner_;
  gpu::ComputePipeline place_, fill_, redact_;
  std::unique_ptr<gpu::TimestampPool> timestamps_;
  gpu::Buffer canvas_, readback_, inputs_, masks_, scratch_;
  std::unordered_map<std::size_t, std::size_t> input_offsets_;
  std::vector<std::size_t> mask_offsets_;
  std::uint64_t last_gpu_ns_ = 0;
};

}  // namespace

Result<std::unique_ptr<Executor>> make_vulkan_executor(std::uint32_t width, std::uint32_t height) {
  auto executor = std::make_unique<VulkanExecutor>();
  if (auto s = executor->init(width, height); !s) return tl::unexpected(s.error());
  return std::unique_ptr<Executor>(std::move(executor));
}

}  // namespace clinvid::render::detail
