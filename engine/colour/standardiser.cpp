// Standardiser: the checks every backend shares, and the GPU backend (shaders/standardise.comp).
#include "colour/standardiser.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string_view>

#include <clinvid/shaders/standardise.spv.hpp>

#include "colour/standardise_internal.hpp"
#include "gpu/buffer.hpp"
#include "gpu/commands.hpp"
#include "gpu/compute.hpp"
#include "gpu/host_frame.hpp"
#include "gpu/timestamps.hpp"

namespace clinvid::colour {

Standardiser::~Standardiser() = default;

Result<std::unique_ptr<Standardiser>> Standardiser::create(Backend backend,
                                                           std::shared_ptr<gpu::Context> context) {
  switch (backend) {
    case Backend::gpu: return detail::make_gpu_standardiser(std::move(context));
    case Backend::cpu: return detail::make_fast_cpu_standardiser();
    case Backend::invalid: break;
  }
  return fail(Errc::invalid_argument, "Standardiser: backend not set");
}

Status Standardiser::set_correction(const Correction& correction) {
  if (correction.model.kind == ModelKind::invalid ||
      correction.linearisation.kind == LinearisationKind::invalid) {
    return fail(Errc::invalid_argument,
                "set_correction: the correction's model or "
                "linearisation kind is not set");
  }
  auto prepared = prepare_correction(correction);
  if (!prepared) return with_context(prepared.error(), "set_correction");
  correction_ = std::move(*prepared);
  return correction_changed();
}

Status Standardiser::process(const ConstFrameView& src, const FrameView& dst,
                             const StandardiseSettings& settings) {
  if (auto s = check_standardise_args(src, dst, settings, correction_.has_value()); !s) return s;
  return run(src, dst, settings);
}

namespace {

// Mirrors the Params block of shaders/standardise.comp (std430).
struct GpuParams {
  StandardiseParams model;
  float dec[12];
  float enc[12];
  float lab[12];
  std::uint32_t width;
  std::uint32_t height;
  std::uint32_t in_format;
  std::uint32_t out_format;
  std::uint32_t mode;
  std::uint32_t path;
  std::uint32_t lut_size;
  std::uint32_t pad0;
  std::uint32_t in_off[4];
  std::uint32_t in_stride[4];
  std::uint32_t out_off[4];
  std::uint32_t out_stride[4];
};
static_assert(sizeof(StandardiseParams) == 160);
static_assert(offsetof(GpuParams, dec) == 160);
static_assert(offsetof(GpuParams, width) == 304);
static_assert(offsetof(GpuParams, in_off) == 336);
static_assert(sizeof(GpuParams) == 400);

constexpr std::uint32_t kGroupSize = 8;
constexpr std::uint32_t kBlockWidth = 8;
constexpr std::uint32_t kBlockHeight = 2;
constexpr VkPipelineStageFlags kTransfer = VK_PIPELINE_STAGE_TRANSFER_BIT;
constexpr VkPipelineStageFlags kCompute = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;

std::uint32_t shader_format(PixelFormat format) noexcept {
  switch (format) {
    case PixelFormat::nv12: return 1;
    case PixelFormat::i420: return 2;
    case PixelFormat::yuy2: return 3;
    case PixelFormat::rgba: return 4;
    case PixelFormat::bgra: return 5;
    case PixelFormat::invalid: break;
  }
  return 0;
}

void fill_rows(float (&rows)[12], const std::array<float, 9>& m,
               const std::array<float, 3>& offset) {
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t c = 0; c < 3; ++c) rows[4 * r + c] = m[3 * r + c];
    rows[4 * r + 3] = offset[r];
  }
}

class GpuStandardiser final : public Standardiser {
 public:
  GpuStandardiser() : Standardiser(Backend::gpu) {}

  Status init(std::shared_ptr<gpu::Context> context) {
    context_ = std::move(context);
    gpu::Context& ctx = *context_;
    // Where device memory is host memory (lavapipe, integrated GPUs), the shader reads and
    // writes the mapped buffers directly: no staging copies.
    // CLINVID_VK_DEVICE_COPIES=1 takes the discrete GPU's path (device-local copies) on any
    // device, so that lavapipe tests it too.
    const VkPhysicalDeviceType type = ctx.info().type;
    const char* copies = std::getenv("CLINVID_VK_DEVICE_COPIES");
    direct_ =
        (type == VK_PHYSICAL_DEVICE_TYPE_CPU || type == VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU) &&
        !(copies != nullptr && std::string_view(copies) == "1");
    auto runner = gpu::CommandRunner::create(ctx);
    if (!runner) return tl::unexpected(runner.error());
    runner_ = std::move(*runner);
    auto pipeline =
        gpu::ComputePipeline::create(ctx, {shaders::standardise_spv, 3, 0, "standardise"});
    if (!pipeline) return tl::unexpected(pipeline.error());
    pipeline_ = std::move(*pipeline);
    if (auto ts = gpu::TimestampPool::create(ctx, 2); ts) {
      timestamps_ = std::make_unique<gpu::TimestampPool>(std::move(*ts));
    }
    return write_params_capacity();
  }

 private:
  Status correction_changed() override {
    lut_dirty_ = true;
    return write_params_capacity();
  }

  [[nodiscard]] std::size_t lut_bytes() const noexcept {
    return correction_ ? correction_->lut.rgb.size() * sizeof(float) : sizeof(float);
  }

  Status grow(gpu::Buffer& buffer, VkDeviceSize needed, VkBufferUsageFlags usage,
              gpu::MemoryUse use, const char* name) {
    if (buffer.size_bytes() >= needed) return {};
    auto created = gpu::Buffer::create(*context_, needed, usage, use, name);
    if (!created) return tl::unexpected(created.error());
    buffer = std::move(*created);
    return {};
  }

  Status write_params_capacity() {
    constexpr auto storage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
    constexpr auto src = VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
    constexpr auto dst = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    const VkDeviceSize bytes = sizeof(GpuParams) + lut_bytes();
    if (auto s = grow(params_upload_, bytes, storage | src, gpu::MemoryUse::upload, "std.params");
        !s) {
      return s;
    }
    if (!direct_) {
      if (auto s = grow(params_, bytes, storage | dst, gpu::MemoryUse::device_local,
                        "std.params.device");
          !s) {
        return s;
      }
    }
    if (correction_) {
      std::memcpy(params_upload_.mapped() + sizeof(GpuParams), correction_->lut.rgb.data(),
                  lut_bytes());
    }
    return {};
  }

  Status ensure_frames(VkDeviceSize in_bytes, VkDeviceSize out_bytes) {
    constexpr auto storage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
    constexpr auto src = VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
    constexpr auto dst = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    using gpu::MemoryUse;
    if (auto s = grow(upload_, in_bytes, storage | src, MemoryUse::upload, "std.upload"); !s) {
      return s;
    }
    if (auto s = grow(readback_, out_bytes, storage | dst, MemoryUse::readback, "std.readback");
        !s) {
      return s;
    }
    if (direct_) return {};
    if (auto s = grow(input_, in_bytes, storage | dst, MemoryUse::device_local, "std.input"); !s) {
      return s;
    }
    return grow(output_, out_bytes, storage | src, MemoryUse::device_local, "std.output");
  }

  // One side of a frame on the device: a HostFrameMemory the frame already lies in (no CPU
  // copy), else the staging buffer the frame is packed into or unpacked from.
  struct Side {
    std::optional<gpu::HostFrameRef> host;
    PackedLayout layout;
    [[nodiscard]] VkDeviceSize bytes() const noexcept {
      return host ? host->size : layout.size_bytes;
    }
  };

  Side side_of(const ConstFrameView& frame) const {
    Side side;
    side.host = gpu::find_host_frame(*context_, frame);
    side.layout = packed_layout(frame.format, frame.width, frame.height);
    return side;
  }

  // Plane offsets and strides as the shader sees its binding: from the start of the bound
  // buffer (the host memory itself when the device reads it in place, else the device copy
  // of the frame's byte range, or the staging buffer).
  void fill_planes(const Side& side, std::uint32_t (&off)[4], std::uint32_t (&stride)[4]) const {
    const VkDeviceSize base = side.host && direct_ ? side.host->offset : 0;
    for (std::size_t i = 0; i < 3; ++i) {
      const std::size_t plane_offset =
          side.host ? side.host->plane_offsets[i] : side.layout.offsets[i];
      off[i] = static_cast<std::uint32_t>(base + plane_offset);
      stride[i] =
          static_cast<std::uint32_t>(side.host ? side.host->strides[i] : side.layout.strides[i]);
    }
  }

  Status run(const ConstFrameView& src, const FrameView& dst,
             const StandardiseSettings& settings) override {
    auto k = detail::frame_coefficients(src, dst, settings);
    if (!k) return tl::unexpected(k.error());
    const std::uint32_t width = src.width;
    const std::uint32_t height = src.height;
    const Side in = side_of(src);
    const Side out = side_of(dst.as_const());
    if (auto s = ensure_frames(std::max(in.bytes(), in.layout.size_bytes),
                               std::max(out.bytes(), out.layout.size_bytes));
        !s) {
      return s;
    }
    last_staged_ = !in.host || !out.host;

    GpuParams params{};
    if (correction_) params.model = correction_->params;
    fill_rows(params.dec, k->decode.to_rgb, k->decode.offset);
    fill_rows(params.enc, k->encode.to_yuv, k->encode.offset);
    std::copy(difference_xyz_matrix().begin(), difference_xyz_matrix().end(), params.lab);
    params.width = width;
    params.height = height;
    params.in_format = shader_format(src.format);
    params.out_format = shader_format(dst.format);
    params.mode = static_cast<std::uint32_t>(settings.mode);
    params.path = static_cast<std::uint32_t>(settings.path);
    params.lut_size = correction_ ? correction_->lut.size : 0;
    fill_planes(in, params.in_off, params.in_stride);
    fill_planes(out, params.out_off, params.out_stride);
    std::memcpy(params_upload_.mapped(), &params, sizeof(params));
    if (!in.host) pack_planes(src, in.layout, upload_.mapped());

    const VkDeviceSize params_bytes = sizeof(GpuParams) + (lut_dirty_ ? lut_bytes() : 0);
    // What the device copies in (from host memory to its own) and out again, when not direct.
    const VkBuffer in_host = in.host ? in.host->buffer : upload_.handle();
    const VkBuffer out_host = out.host ? out.host->buffer : readback_.handle();
    const VkBufferCopy in_region{in.host ? in.host->offset : 0, 0, in.bytes()};
    const VkBufferCopy out_region{0, out.host ? out.host->offset : 0, out.bytes()};
    const VkBuffer in_buffer = direct_ ? in_host : input_.handle();
    const VkBuffer out_buffer = direct_ ? out_host : output_.handle();
    const VkBuffer param_buffer = direct_ ? params_upload_.handle() : params_.handle();
    const std::array<VkBuffer, 3> bindings{in_buffer, out_buffer, param_buffer};
    pipeline_.bind(bindings);
    const std::uint32_t groups_x =
        gpu::group_count(gpu::group_count(width, kBlockWidth), kGroupSize);
    const std::uint32_t groups_y =
        gpu::group_count(gpu::group_count(height, kBlockHeight), kGroupSize);

    auto status = runner_.run([&](VkCommandBuffer cmd) {
      if (timestamps_) timestamps_->reset(cmd);
      if (!direct_) {
        vkCmdCopyBuffer(cmd, in_host, input_.handle(), 1, &in_region);
        const VkBufferCopy params_region{0, 0, params_bytes};
        vkCmdCopyBuffer(cmd, params_upload_.handle(), params_.handle(), 1, &params_region);
        gpu::buffer_barrier(cmd, input_.handle(), kTransfer, VK_ACCESS_TRANSFER_WRITE_BIT, kCompute,
                            VK_ACCESS_SHADER_READ_BIT);
        gpu::buffer_barrier(cmd, params_.handle(), kTransfer, VK_ACCESS_TRANSFER_WRITE_BIT,
                            kCompute, VK_ACCESS_SHADER_READ_BIT);
      }
      if (timestamps_) timestamps_->write(cmd, 0, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT);
      pipeline_.dispatch(cmd, {}, groups_x, groups_y, 1);
      if (timestamps_) timestamps_->write(cmd, 1, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT);
      if (!direct_) {
        gpu::buffer_barrier(cmd, output_.handle(), kCompute, VK_ACCESS_SHADER_WRITE_BIT, kTransfer,
                            VK_ACCESS_TRANSFER_READ_BIT);
        vkCmdCopyBuffer(cmd, output_.handle(), out_host, 1, &out_region);
        gpu::buffer_barrier(cmd, out_host, kTransfer, VK_ACCESS_TRANSFER_WRITE_BIT,
                            VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
      } else {
        gpu::buffer_barrier(cmd, out_host, kCompute, VK_ACCESS_SHADER_WRITE_BIT,
                            VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
      }
    });
    if (!status) return with_context(status.error(), "standardise on the GPU");
    lut_dirty_ = false;
    if (!out.host) {
      if (auto s = readback_.invalidate(); !s) return s;
      unpack_planes(readback_.mapped(), out.layout, dst);
    }
    if (timestamps_) {
      auto ns = timestamps_->elapsed_ns(0, 1);
      last_gpu_ns_ = ns ? *ns : 0;
    }
    return {};
  }

  std::shared_ptr<gpu::Context> context_;
  bool direct_ = false;
  bool lut_dirty_ = true;
  gpu::CommandRunner runner_;
  gpu::ComputePipeline pipeline_;
  std::unique_ptr<gpu::TimestampPool> timestamps_;
  gpu::Buffer upload_, input_, output_, readback_, params_upload_, params_;
};

}  // namespace

namespace detail {

Result<std::unique_ptr<Standardiser>> make_gpu_standardiser(std::shared_ptr<gpu::Context> context) {
  if (!context) {
    return fail(Errc::invalid_argument, "Standardiser: the GPU backend needs a Vulkan context");
  }
  auto s = std::make_unique<GpuStandardiser>();
  if (auto ok = s->init(std::move(context)); !ok) return tl::unexpected(ok.error());
  return std::unique_ptr<Standardiser>(std::move(s));
}

}  // namespace detail
}  // namespace clinvid::colour
