#include "gpu/image.hpp"

#include "gpu/vk_check.hpp"

namespace clinvid::gpu {
namespace {

struct StageAccess {
  VkPipelineStageFlags stage;
  VkAccessFlags access;
};

StageAccess usage_of(VkImageLayout layout) {
  switch (layout) {
    case VK_IMAGE_LAYOUT_UNDEFINED: return {VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, 0};
    case VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL:
      return {VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT};
    case VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL:
      return {VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_READ_BIT};
    case VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL:
      return {VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
              VK_ACCESS_SHADER_READ_BIT};
    case VK_IMAGE_LAYOUT_GENERAL:
      return {VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
              VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT};
    case VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL:
      return {VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
              VK_ACCESS_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT};
    default:
      return {VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
              VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT};
  }
}

VkBufferImageCopy whole_image(std::uint32_t width, std::uint32_t height, VkDeviceSize offset) {
  VkBufferImageCopy region{};
  region.bufferOffset = offset;
  region.imageSubresource.aspectMask = VK_IMAGE_ASPECT_COLOR_BIT;
  region.imageSubresource.layerCount = 1;
  region.imageExtent = {width, height, 1};
  return region;
}

}  // namespace

Result<Image2D> Image2D::create(Context& context, std::uint32_t width, std::uint32_t height,
                                VkFormat format, VkImageUsageFlags usage, const char* debug_name) {
  if (width == 0 || height == 0 || width > context.info().limits.max_image_dimension_2d ||
      height > context.info().limits.max_image_dimension_2d) {
    return fail(Errc::out_of_range, "image size " + std::to_string(width) + "x" +
                                        std::to_string(height) + " outside the device's limits");
  }
  const VkDevice device = context.device();
  Image2D out;
  out.format_ = format;
  out.width_ = width;
  out.height_ = height;

  VkImageCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO;
  info.imageType = VK_IMAGE_TYPE_2D;
  info.format = format;
  info.extent = {width, height, 1};
  info.mipLevels = 1;
  info.arrayLayers = 1;
  info.samples = VK_SAMPLE_COUNT_1_BIT;
  info.tiling = VK_IMAGE_TILING_OPTIMAL;
  info.usage = usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  VkImage image = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreateImage(device, &info, nullptr, &image));
  out.image_ = ImageHandle(device, image);
  context.set_name(VK_OBJECT_TYPE_IMAGE, reinterpret_cast<std::uint64_t>(image), debug_name);

  VkMemoryRequirements req{};
  vkGetImageMemoryRequirements(device, image, &req);
  auto type = context.find_memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
  if (!type) return tl::unexpected(type.error());
  VkMemoryAllocateInfo alloc{};
  alloc.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex = *type;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkAllocateMemory(device, &alloc, nullptr, &memory));
  out.memory_ = MemoryHandle(device, memory);
  CLINVID_VK_TRY(vkBindImageMemory(device, image, memory, 0));

  VkImageViewCreateInfo view_info{};
  view_info.sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO;
  view_info.image = image;
  view_info.viewType = VK_IMAGE_VIEW_TYPE_2D;
  view_info.format = format;
  view_info.subresourceRange.aspectMask = VK_IMAGE_ASPECT_COLOR_BIT;
  view_info.subresourceRange.levelCount = 1;
  view_info.subresourceRange.layerCount = 1;
  VkImageView view = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreateImageView(device, &view_info, nullptr, &view));
  out.view_ = ImageViewHandle(device, view);
  return out;
}

void Image2D::transition(VkCommandBuffer cmd, VkImageLayout new_layout) {
  const StageAccess src = usage_of(layout_);
  const StageAccess dst = usage_of(new_layout);
  VkImageMemoryBarrier barrier{};
  barrier.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER;
  barrier.srcAccessMask = src.access;
  barrier.dstAccessMask = dst.access;
  barrier.oldLayout = layout_;
  barrier.newLayout = new_layout;
  barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  barrier.image = image_.get();
  barrier.subresourceRange.aspectMask = VK_IMAGE_ASPECT_COLOR_BIT;
  barrier.subresourceRange.levelCount = 1;
  barrier.subresourceRange.layerCount = 1;
  vkCmdPipelineBarrier(cmd, src.stage, dst.stage, 0, 0, nullptr, 0, nullptr, 1, &barrier);
  layout_ = new_layout;
}

void Image2D::copy_from(VkCommandBuffer cmd, VkBuffer buffer, VkDeviceSize offset) const {
  const VkBufferImageCopy region = whole_image(width_, height_, offset);
  vkCmdCopyBufferToImage(cmd, buffer, image_.get(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1,
                         &region);
}

void Image2D::copy_to(VkCommandBuffer cmd, VkBuffer buffer, VkDeviceSize offset) const {
  const VkBufferImageCopy region = whole_image(width_, height_, offset);
  vkCmdCopyImageToBuffer(cmd, image_.get(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, buffer, 1,
                         &region);
}

}  // namespace clinvid::gpu
