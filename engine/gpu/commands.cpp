#include "gpu/commands.hpp"

#include <cstdint>
#include <limits>

#include "gpu/vk_check.hpp"

namespace clinvid::gpu {

Result<CommandRunner> CommandRunner::create(Context& context) {
  CommandRunner runner;
  runner.context_ = &context;
  const VkDevice device = context.device();

  VkCommandPoolCreateInfo pool_info{};
  pool_info.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
  pool_info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pool_info.queueFamilyIndex = context.queue_family();
  VkCommandPool pool = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreateCommandPool(device, &pool_info, nullptr, &pool));
  runner.pool_ = CommandPoolHandle(device, pool);

  VkCommandBufferAllocateInfo alloc{};
  alloc.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  alloc.commandPool = pool;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  CLINVID_VK_TRY(vkAllocateCommandBuffers(device, &alloc, &runner.command_buffer_));

  VkFenceCreateInfo fence_info{};
  fence_info.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  VkFence fence = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreateFence(device, &fence_info, nullptr, &fence));
  runner.fence_ = FenceHandle(device, fence);
  return runner;
}

Status CommandRunner::run(const std::function<void(VkCommandBuffer)>& record) {
  if (context_ == nullptr) return fail(Errc::internal, "CommandRunner used before create()");
  const VkDevice device = context_->device();
  CLINVID_VK_TRY(vkResetCommandBuffer(command_buffer_, 0));
  VkCommandBufferBeginInfo begin{};
  begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  CLINVID_VK_TRY(vkBeginCommandBuffer(command_buffer_, &begin));
  record(command_buffer_);
  CLINVID_VK_TRY(vkEndCommandBuffer(command_buffer_));

  VkSubmitInfo submit{};
  submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &command_buffer_;
  const VkFence fence = fence_.get();
  if (auto s = context_->submit(submit, fence); !s) return s;
  CLINVID_VK_TRY(
      vkWaitForFences(device, 1, &fence, VK_TRUE, std::numeric_limits<std::uint64_t>::max()));
  CLINVID_VK_TRY(vkResetFences(device, 1, &fence));
  return {};
}

void buffer_barrier(VkCommandBuffer cmd, VkBuffer buffer, VkPipelineStageFlags src_stage,
                    VkAccessFlags src_access, VkPipelineStageFlags dst_stage,
                    VkAccessFlags dst_access) {
  VkBufferMemoryBarrier barrier{};
  barrier.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER;
  barrier.srcAccessMask = src_access;
  barrier.dstAccessMask = dst_access;
  barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  barrier.buffer = buffer;
  barrier.offset = 0;
  barrier.size = VK_WHOLE_SIZE;
  vkCmdPipelineBarrier(cmd, src_stage, dst_stage, 0, 0, nullptr, 1, &barrier, 0, nullptr);
}

}  // namespace clinvid::gpu
