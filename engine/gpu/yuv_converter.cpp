#include "gpu/yuv_converter.hpp"

#include <algorithm>
#include <cstring>

#include <clinvid/shaders/rgba_to_yuv.spv.hpp>
#include <clinvid/shaders/yuv_to_rgba.spv.hpp>

namespace clinvid::gpu {
namespace {

// Mirrors the push_constant block of both shaders (std430: three vec4, then twelve uint).
struct PushConstants {
  float row[3][4];
  std::uint32_t width;
  std::uint32_t height;
  std::uint32_t format;
  std::uint32_t plane;
  std::uint32_t plane_offset_stride[6];  // offset0, stride0, offset1, stride1, offset2, stride2
  std::uint32_t rgba_stride;
  std::uint32_t pad;
};
static_assert(sizeof(PushConstants) == 96);

constexpr std::uint32_t kGroupSize = 16;

std::uint32_t shader_format(PixelFormat format) {
  return format == PixelFormat::nv12 ? 1U : 2U;
}

PushConstants make_push(const std::array<float, 9>& matrix, const std::array<float, 3>& offset,
                        PixelFormat yuv_format, std::uint32_t width, std::uint32_t height,
                        const PackedLayout& layout) {
  PushConstants pc{};
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t c = 0; c < 3; ++c) pc.row[r][c] = matrix[3 * r + c];
    pc.row[r][3] = offset[r];
  }
  pc.width = width;
  pc.height = height;
  pc.format = shader_format(yuv_format);
  for (std::size_t i = 0; i < 3; ++i) {
    pc.plane_offset_stride[2 * i] = static_cast<std::uint32_t>(layout.offsets[i]);
    pc.plane_offset_stride[2 * i + 1] = static_cast<std::uint32_t>(layout.strides[i]);
  }
  pc.rgba_stride = width * 4;
  return pc;
}

std::span<const std::byte> bytes_of(const PushConstants& pc) {
  return std::as_bytes(std::span(&pc, 1));
}

constexpr VkPipelineStageFlags kTransfer = VK_PIPELINE_STAGE_TRANSFER_BIT;
constexpr VkPipelineStageFlags kCompute = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;

}  // namespace

Result<std::unique_ptr<YuvConverter>> YuvConverter::create(std::shared_ptr<Context> context) {
  if (!context) return fail(Errc::invalid_argument, "YuvConverter needs a Vulkan context");
  std::unique_ptr<YuvConverter> conv(new YuvConverter());
  conv->context_ = std::move(context);
  Context& ctx = *conv->context_;

  auto runner = CommandRunner::create(ctx);
  if (!runner) return tl::unexpected(runner.error());
  conv->runner_ = std::move(*runner);

  auto to_rgba = ComputePipeline::create(
      ctx, {shaders::yuv_to_rgba_spv, 2, sizeof(PushConstants), "yuv_to_rgba"});
  if (!to_rgba) return tl::unexpected(to_rgba.error());
  conv->to_rgba_ = std::move(*to_rgba);
  auto to_yuv = ComputePipeline::create(
      ctx, {shaders::rgba_to_yuv_spv, 2, sizeof(PushConstants), "rgba_to_yuv"});
  if (!to_yuv) return tl::unexpected(to_yuv.error());
  conv->to_yuv_ = std::move(*to_yuv);

  if (auto ts = TimestampPool::create(ctx, 2); ts) {
    conv->timestamps_ = std::make_unique<TimestampPool>(std::move(*ts));
  }
  return conv;
}

Status YuvConverter::ensure_capacity(VkDeviceSize in_bytes, VkDeviceSize rgba_bytes,
                                     VkDeviceSize out_bytes) {
  Context& ctx = *context_;
  auto grow = [&](Buffer& buffer, VkDeviceSize needed, VkBufferUsageFlags usage, MemoryUse use,
                  const char* name) -> Status {
    if (buffer.size_bytes() >= needed) return {};
    auto created = Buffer::create(ctx, needed, usage, use, name);
    if (!created) return tl::unexpected(created.error());
    buffer = std::move(*created);
    return {};
  };
  constexpr auto storage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  constexpr auto src = VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
  constexpr auto dst = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  if (auto s = grow(upload_, in_bytes, src, MemoryUse::upload, "yuv.upload"); !s) return s;
  if (auto s = grow(input_, in_bytes, storage | dst, MemoryUse::device_local, "yuv.input"); !s) {
    return s;
  }
  if (auto s = grow(rgba_, rgba_bytes, storage | src | dst, MemoryUse::device_local, "yuv.rgba");
      !s) {
    return s;
  }
  if (auto s = grow(output_, out_bytes, storage | src, MemoryUse::device_local, "yuv.output"); !s) {
    return s;
  }
  return grow(readback_, std::max(rgba_bytes, out_bytes), dst, MemoryUse::readback, "yuv.readback");
}

Status YuvConverter::convert(const ConstFrameView& src, const FrameView& dst,
                             const YuvParams& params) {
  return convert(src, dst, params, params);
}

Status YuvConverter::convert(const ConstFrameView& src, const FrameView& dst,
                             const YuvParams& src_params, const YuvParams& dst_params) {
  if (auto s = validate(src); !s) return with_context(s.error(), "convert source");
  if (auto s = validate(dst.as_const()); !s) return with_context(s.error(), "convert destination");
  if (src.width != dst.width || src.height != dst.height) {
    return fail(Errc::invalid_argument, "convert: source and destination sizes differ");
  }
  for (const PixelFormat f : {src.format, dst.format}) {
    if (!is_yuv420(f) && f != PixelFormat::rgba) {
      return fail(Errc::unsupported, "YuvConverter handles NV12, I420 and RGBA, not " +
                                         std::string(to_string(f)) +
                                         " (colour::Standardiser handles the others)");
    }
  }
  auto decode = yuv_coefficients(src_params);
  if (!decode && is_yuv420(src.format)) return tl::unexpected(decode.error());
  auto encode = yuv_coefficients(dst_params);
  if (!encode && is_yuv420(dst.format)) return tl::unexpected(encode.error());

  const std::uint32_t width = src.width;
  const std::uint32_t height = src.height;
  const PackedLayout in_layout = packed_layout(src.format, width, height);
  const PackedLayout out_layout = packed_layout(dst.format, width, height);
  const PackedLayout rgba_layout = packed_layout(PixelFormat::rgba, width, height);
  if (auto s = ensure_capacity(in_layout.size_bytes, rgba_layout.size_bytes, out_layout.size_bytes);
      !s) {
    return s;
  }
  pack_planes(src, in_layout, upload_.mapped());

  const bool src_yuv = is_yuv420(src.format);
  const bool dst_yuv = is_yuv420(dst.format);
  const YuvCoefficients unused{};
  const YuvCoefficients& dec = decode ? *decode : unused;
  const YuvCoefficients& enc = encode ? *encode : unused;
  const PushConstants to_rgba_pc =
      make_push(dec.to_rgb, dec.offset, src.format, width, height, in_layout);
  PushConstants to_yuv_pc =
      make_push(enc.to_yuv, enc.offset, dst.format, width, height, out_layout);
  const VkBuffer input = src_yuv ? input_.handle() : rgba_.handle();
  const VkBuffer result = dst_yuv ? output_.handle() : rgba_.handle();
  const std::array<VkBuffer, 2> to_rgba_bindings{input_.handle(), rgba_.handle()};
  const std::array<VkBuffer, 2> to_yuv_bindings{rgba_.handle(), output_.handle()};
  to_rgba_.bind(to_rgba_bindings);
  to_yuv_.bind(to_yuv_bindings);

  auto status = runner_.run([&](VkCommandBuffer cmd) {
    if (timestamps_) timestamps_->reset(cmd);
    const VkBufferCopy upload_region{0, 0, in_layout.size_bytes};
    vkCmdCopyBuffer(cmd, upload_.handle(), input, 1, &upload_region);
    // The upload is read by the first dispatch, or (RGBA in, RGBA out) copied straight out.
    buffer_barrier(cmd, input, kTransfer, VK_ACCESS_TRANSFER_WRITE_BIT, kCompute | kTransfer,
                   VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT);
    if (timestamps_) timestamps_->write(cmd, 0, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT);
    if (src_yuv) {
      to_rgba_.dispatch(cmd, bytes_of(to_rgba_pc), group_count(width, kGroupSize),
                        group_count(height, kGroupSize), 1);
      buffer_barrier(cmd, rgba_.handle(), kCompute, VK_ACCESS_SHADER_WRITE_BIT,
                     kCompute | kTransfer, VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT);
    }
    if (dst_yuv) {
      for (int p = 0; p < plane_count(dst.format); ++p) {
        const auto i = static_cast<std::size_t>(p);
        to_yuv_pc.plane = static_cast<std::uint32_t>(p);
        const auto words = static_cast<std::uint32_t>(out_layout.strides[i] / 4);
        const PlaneExtent extent = plane_extent(dst.format, width, height, p);
        to_yuv_.dispatch(cmd, bytes_of(to_yuv_pc), group_count(words, kGroupSize),
                         group_count(extent.rows, kGroupSize), 1);
      }
      buffer_barrier(cmd, output_.handle(), kCompute, VK_ACCESS_SHADER_WRITE_BIT, kTransfer,
                     VK_ACCESS_TRANSFER_READ_BIT);
    }
    if (timestamps_) timestamps_->write(cmd, 1, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT);
    const VkBufferCopy readback_region{0, 0, out_layout.size_bytes};
    vkCmdCopyBuffer(cmd, result, readback_.handle(), 1, &readback_region);
    buffer_barrier(cmd, readback_.handle(), kTransfer, VK_ACCESS_TRANSFER_WRITE_BIT,
                   VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
  });
  if (!status) return with_context(status.error(), "yuv convert");
  if (auto s = readback_.invalidate(); !s) return s;
  unpack_planes(readback_.mapped(), out_layout, dst);
  if (timestamps_) {
    auto ns = timestamps_->elapsed_ns(0, 1);
    last_gpu_ns_ = ns ? *ns : 0;
  }
  return {};
}

}  // namespace clinvid::gpu
