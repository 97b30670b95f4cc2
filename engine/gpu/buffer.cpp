#include "gpu/buffer.hpp"

#include "gpu/vk_check.hpp"

namespace clinvid::gpu {

Result<Buffer> Buffer::create(Context& context, VkDeviceSize size_bytes, VkBufferUsageFlags usage,
                              MemoryUse use, const char* debug_name) {
  if (size_bytes == 0) return fail(Errc::invalid_argument, "buffer of zero bytes");
  const VkDevice device = context.device();
  Buffer out;
  out.size_bytes_ = size_bytes;

  VkBufferCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  info.size = size_bytes;
  info.usage = usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  VkBuffer buffer = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreateBuffer(device, &info, nullptr, &buffer));
  out.buffer_ = BufferHandle(device, buffer);
  context.set_name(VK_OBJECT_TYPE_BUFFER, reinterpret_cast<std::uint64_t>(buffer), debug_name);

  VkMemoryRequirements req{};
  vkGetBufferMemoryRequirements(device, buffer, &req);
  Result<std::uint32_t> type = fail(Errc::invalid_argument, "memory use not set");
  switch (use) {
    case MemoryUse::device_local:
      type = context.find_memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
      break;
    case MemoryUse::upload:
      type = context.find_memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                              VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
      break;
    case MemoryUse::readback:
      type = context.find_memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                              VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
      if (!type) {
        type = context.find_memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT);
      }
      break;
    case MemoryUse::shared:
      // No fallback: uncached memory would make every CPU read of a frame (an encoder's) slow.
      type = context.find_memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                              VK_MEMORY_PROPERTY_HOST_COHERENT_BIT |
                                                              VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
      break;
    case MemoryUse::invalid: break;
  }
  if (!type) return tl::unexpected(type.error());

  VkMemoryAllocateInfo alloc{};
  alloc.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex = *type;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkAllocateMemory(device, &alloc, nullptr, &memory));
  out.memory_ = MemoryHandle(device, memory);
  CLINVID_VK_TRY(vkBindBufferMemory(device, buffer, memory, 0));

  if (use != MemoryUse::device_local) {
    VkPhysicalDeviceMemoryProperties props{};
    vkGetPhysicalDeviceMemoryProperties(context.physical_device(), &props);
    out.coherent_ =
        (props.memoryTypes[*type].propertyFlags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) != 0;
    void* mapped = nullptr;
    CLINVID_VK_TRY(vkMapMemory(device, memory, 0, VK_WHOLE_SIZE, 0, &mapped));
    out.mapped_ = static_cast<std::byte*>(mapped);
  }
  return out;
}

Status Buffer::invalidate() const {
  if (coherent_ || mapped_ == nullptr) return {};
  VkMappedMemoryRange range{};
  range.sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE;
  range.memory = memory_.get();
  range.offset = 0;
  range.size = VK_WHOLE_SIZE;
  CLINVID_VK_TRY(vkInvalidateMappedMemoryRanges(memory_.device(), 1, &range));
  return {};
}

}  // namespace clinvid::gpu
