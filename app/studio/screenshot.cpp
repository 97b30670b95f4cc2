#include "screenshot.hpp"

#include <fmt/format.h>
#include <png.h>

namespace clinvid::studio {

namespace {

constexpr std::size_t kBytesPerTexel = 4;

VkImageMemoryBarrier colour_barrier(VkImage image, VkImageLayout from, VkImageLayout to,
                                    VkAccessFlags src_access, VkAccessFlags dst_access) {
  VkImageMemoryBarrier barrier{};
  barrier.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER;
  barrier.srcAccessMask = src_access;
  barrier.dstAccessMask = dst_access;
  barrier.oldLayout = from;
  barrier.newLayout = to;
  barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  barrier.image = image;
  barrier.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  return barrier;
}

}  // namespace

void record_swapchain_readback(VkCommandBuffer cmd, VkImage image, VkExtent2D extent,
                               VkBuffer buffer, VkImageLayout layout) {
  const VkImageMemoryBarrier to_source =
      colour_barrier(image, layout, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                     VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT, VK_ACCESS_TRANSFER_READ_BIT);
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
                       VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0, nullptr, 1, &to_source);
  VkBufferImageCopy region{};
  region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  region.imageExtent = {extent.width, extent.height, 1};
  vkCmdCopyImageToBuffer(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, buffer, 1, &region);
  const VkImageMemoryBarrier to_present = colour_barrier(
      image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, layout, VK_ACCESS_TRANSFER_READ_BIT, 0);
  VkBufferMemoryBarrier to_host{};
  to_host.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER;
  to_host.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  to_host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  to_host.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  to_host.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  to_host.buffer = buffer;
  to_host.size = VK_WHOLE_SIZE;
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT | VK_PIPELINE_STAGE_HOST_BIT, 0, 0,
                       nullptr, 1, &to_host, 1, &to_present);
}

Result<std::vector<std::uint8_t>> to_opaque_rgba(std::span<const std::byte> texels, VkFormat format,
                                                 std::uint32_t width, std::uint32_t height) {
  bool swap_red_blue = false;
  switch (format) {
    case VK_FORMAT_B8G8R8A8_UNORM:
    case VK_FORMAT_B8G8R8A8_SRGB: swap_red_blue = true; break;
    case VK_FORMAT_R8G8B8A8_UNORM:
    case VK_FORMAT_R8G8B8A8_SRGB: break;
    default:
      return fail(Errc::unsupported,
                  fmt::format("screenshot of swapchain format {}", static_cast<int>(format)));
  }
  const std::size_t count = std::size_t{width} * height;
  if (texels.size() < count * kBytesPerTexel) {
    return fail(Errc::internal, "screenshot readback is smaller than the image");
  }
  std::vector<std::uint8_t> rgba(count * kBytesPerTexel);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = i * kBytesPerTexel;
    const auto c0 = std::to_integer<std::uint8_t>(texels[at]);
    const auto c1 = std::to_integer<std::uint8_t>(texels[at + 1]);
    const auto c2 = std::to_integer<std::uint8_t>(texels[at + 2]);
    rgba[at] = swap_red_blue ? c2 : c0;
    rgba[at + 1] = c1;
    rgba[at + 2] = swap_red_blue ? c0 : c2;
    rgba[at + 3] = 0xFF;
  }
  return rgba;
}

Status write_png(const std::string& path, std::span<const std::uint8_t> rgba, std::uint32_t width,
                 std::uint32_t height) {
  if (rgba.size() < std::size_t{width} * height * kBytesPerTexel) {
    return fail(Errc::invalid_argument, "PNG pixels are smaller than the image");
  }
  // libpng's simplified API: no setjmp/longjmp across C++ frames.
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = width;
  image.height = height;
  image.format = PNG_FORMAT_RGBA;
  const auto row_stride = static_cast<png_int_32>(width * kBytesPerTexel);
  if (png_image_write_to_file(&image, path.c_str(), 0, rgba.data(), row_stride, nullptr) == 0) {
    const std::string why = image.message;
    png_image_free(&image);
    return fail(Errc::io, fmt::format("cannot write {}: {}", path, why));
  }
  return {};
}

}  // namespace clinvid::studio
