// One-shot command recording: a command pool, one primary command buffer and a fence.
// Not thread-safe: one CommandRunner per thread or per worker object.
#pragma once

#include <functional>

#include "gpu/context.hpp"
#include "gpu/handle.hpp"

namespace clinvid::gpu {

class CommandRunner {
 public:
  [[nodiscard]] static Result<CommandRunner> create(Context& context);

  // Records with `record`, submits on the context's queue and waits for completion.
  [[nodiscard]] Status run(const std::function<void(VkCommandBuffer)>& record);

 private:
  Context* context_ = nullptr;
  CommandPoolHandle pool_;
  VkCommandBuffer command_buffer_ = VK_NULL_HANDLE;  // freed with the pool
  FenceHandle fence_;
};

// A pipeline barrier making writes by `src_stage`/`src_access` visible to the reader.
void buffer_barrier(VkCommandBuffer cmd, VkBuffer buffer, VkPipelineStageFlags src_stage,
                    VkAccessFlags src_access, VkPipelineStageFlags dst_stage,
                    VkAccessFlags dst_access);

}  // namespace clinvid::gpu
