// Move-only owners of Vulkan device-level handles (STYLE: one owner type per C handle).
#pragma once

#include <utility>

#include <vulkan/vulkan.h>

namespace clinvid::gpu {

// Owns `handle`, created on `device`, destroyed with `Destroy(device, handle, nullptr)`.
// The device must outlive the handle. Copy is deleted; moves leave the source empty.
template <class Handle, auto Destroy>
class DeviceHandle {
 public:
  DeviceHandle() = default;
  DeviceHandle(VkDevice device, Handle handle) noexcept : device_(device), handle_(handle) {}
  ~DeviceHandle() { reset(); }

  DeviceHandle(const DeviceHandle&) = delete;
  DeviceHandle& operator=(const DeviceHandle&) = delete;
  DeviceHandle(DeviceHandle&& other) noexcept
      : device_(std::exchange(other.device_, VK_NULL_HANDLE)),
        handle_(std::exchange(other.handle_, VK_NULL_HANDLE)) {}
  DeviceHandle& operator=(DeviceHandle&& other) noexcept {
    if (this != &other) {
      reset();
      device_ = std::exchange(other.device_, VK_NULL_HANDLE);
      handle_ = std::exchange(other.handle_, VK_NULL_HANDLE);
    }
    return *this;
  }

  void reset() noexcept {
    if (handle_ != VK_NULL_HANDLE) Destroy(device_, handle_, nullptr);
    handle_ = VK_NULL_HANDLE;
  }

  [[nodiscard]] Handle get() const noexcept { return handle_; }
  [[nodiscard]] VkDevice device() const noexcept { return device_; }
  explicit operator bool() const noexcept { return handle_ != VK_NULL_HANDLE; }

 private:
  VkDevice device_ = VK_NULL_HANDLE;
  Handle handle_ = VK_NULL_HANDLE;
};

using BufferHandle = DeviceHandle<VkBuffer, vkDestroyBuffer>;
using MemoryHandle = DeviceHandle<VkDeviceMemory, vkFreeMemory>;
using ImageHandle = DeviceHandle<VkImage, vkDestroyImage>;
using ImageViewHandle = DeviceHandle<VkImageView, vkDestroyImageView>;
using SamplerHandle = DeviceHandle<VkSampler, vkDestroySampler>;
using ShaderModuleHandle = DeviceHandle<VkShaderModule, vkDestroyShaderModule>;
using PipelineHandle = DeviceHandle<VkPipeline, vkDestroyPipeline>;
using PipelineLayoutHandle = DeviceHandle<VkPipelineLayout, vkDestroyPipelineLayout>;
using DescriptorSetLayoutHandle = DeviceHandle<VkDescriptorSetLayout, vkDestroyDescriptorSetLayout>;
using DescriptorPoolHandle = DeviceHandle<VkDescriptorPool, vkDestroyDescriptorPool>;
using CommandPoolHandle = DeviceHandle<VkCommandPool, vkDestroyCommandPool>;
using FenceHandle = DeviceHandle<VkFence, vkDestroyFence>;
using SemaphoreHandle = DeviceHandle<VkSemaphore, vkDestroySemaphore>;
using QueryPoolHandle = DeviceHandle<VkQueryPool, vkDestroyQueryPool>;
using RenderPassHandle = DeviceHandle<VkRenderPass, vkDestroyRenderPass>;
using FramebufferHandle = DeviceHandle<VkFramebuffer, vkDestroyFramebuffer>;

}  // namespace clinvid::gpu
