// Runs shaders/yuv_to_rgba.comp and shaders/rgba_to_yuv.comp on the process's Vulkan device.
//
// Frames in system memory are packed into an upload buffer, copied to device-local
// buffers, converted, and copied back through a readback buffer. Buffers grow to the
// largest frame seen and are reused. Not thread-safe: one converter per streaming thread.
#pragma once

#include <cstdint>
#include <memory>

#include "core/frame.hpp"
#include "gpu/buffer.hpp"
#include "gpu/commands.hpp"
#include "gpu/compute.hpp"
#include "gpu/timestamps.hpp"
#include "gpu/yuv.hpp"

namespace clinvid::gpu {

class YuvConverter {
 public:
  [[nodiscard]] static Result<std::unique_ptr<YuvConverter>> create(
      std::shared_ptr<Context> context);

  // NV12/I420 -> RGBA, or RGBA -> NV12/I420, or YUV -> YUV through RGBA, or RGBA copy.
  // Sizes must match. Blocks until the result is in `dst`.
  [[nodiscard]] Status convert(const ConstFrameView& src, const FrameView& dst,
                               const YuvParams& params);
  // The same, with the source decoded by `src_params` and the destination encoded by
  // `dst_params` (YUV -> YUV across matrices or ranges in one submission). Parameters of an
  // RGBA side are ignored.
  [[nodiscard]] Status convert(const ConstFrameView& src, const FrameView& dst,
                               const YuvParams& src_params, const YuvParams& dst_params);

  // Device time of the last convert()'s dispatches; 0 when timestamps are unsupported.
  [[nodiscard]] std::uint64_t last_gpu_ns() const noexcept { return last_gpu_ns_; }
  [[nodiscard]] Context& context() const noexcept { return *context_; }

 private:
  YuvConverter() = default;
  [[nodiscard]] Status ensure_capacity(VkDeviceSize in_bytes, VkDeviceSize rgba_bytes,
                                       VkDeviceSize out_bytes);

  std::shared_ptr<Context> context_;
  CommandRunner runner_;
  ComputePipeline to_rgba_;
  ComputePipeline to_yuv_;
  std::unique_ptr<TimestampPool> timestamps_;
  Buffer upload_, input_, rgba_, output_, readback_;
  std::uint64_t last_gpu_ns_ = 0;
};

}  // namespace clinvid::gpu
