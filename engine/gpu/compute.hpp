// Compute pipelines built from embedded SPIR-V (see cmake/Shaders.cmake).
//
// A pipeline's bindings are storage buffers 0..N-1 in set 0, plus push constants. It owns
// one descriptor set; bind() rewrites it, so a pipeline has at most one dispatch in flight
// (the callers here submit and wait).
#pragma once

#include <cstdint>
#include <span>

#include "gpu/context.hpp"
#include "gpu/handle.hpp"

namespace clinvid::gpu {

struct ComputePipelineDesc {
  std::span<const std::uint32_t> spirv;
  std::uint32_t storage_buffer_count = 0;
  std::uint32_t push_constant_bytes = 0;
  const char* debug_name = "compute";
};

class ComputePipeline {
 public:
  ComputePipeline() = default;
  [[nodiscard]] static Result<ComputePipeline> create(Context& context,
                                                      const ComputePipelineDesc& desc);

  // Points binding i at buffers[i] (whole range). Must not be called while a dispatch
  // recorded with this pipeline is still executing.
  void bind(std::span<const VkBuffer> buffers);
  // Records bind + push constants + vkCmdDispatch.
  void dispatch(VkCommandBuffer cmd, std::span<const std::byte> push_constants,
                std::uint32_t groups_x, std::uint32_t groups_y, std::uint32_t groups_z) const;

 private:
  VkDevice device_ = VK_NULL_HANDLE;
  std::uint32_t buffer_count_ = 0;
  std::uint32_t push_constant_bytes_ = 0;
  DescriptorSetLayoutHandle set_layout_;
  PipelineLayoutHandle layout_;
  PipelineHandle pipeline_;
  DescriptorPoolHandle pool_;
  VkDescriptorSet set_ = VK_NULL_HANDLE;  // freed with the pool
};

// Work groups needed to cover `items` with groups of `group_size`.
[[nodiscard]] constexpr std::uint32_t group_count(std::uint32_t items,
                                                  std::uint32_t group_size) noexcept {
  return (items + group_size - 1) / group_size;
}

}  // namespace clinvid::gpu
