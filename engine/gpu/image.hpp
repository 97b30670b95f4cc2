// 2D images with memory and a view, and the layout transitions and copies they need.
#pragma once

#include <cstdint>

#include "gpu/context.hpp"
#include "gpu/handle.hpp"

namespace clinvid::gpu {

class Image2D {
 public:
  Image2D() = default;
  // Device-local, optimal tiling, one mip level, starts in VK_IMAGE_LAYOUT_UNDEFINED.
  [[nodiscard]] static Result<Image2D> create(Context& context, std::uint32_t width,
                                              std::uint32_t height, VkFormat format,
                                              VkImageUsageFlags usage, const char* debug_name);

  [[nodiscard]] VkImage handle() const noexcept { return image_.get(); }
  [[nodiscard]] VkImageView view() const noexcept { return view_.get(); }
  [[nodiscard]] VkFormat format() const noexcept { return format_; }
  [[nodiscard]] std::uint32_t width() const noexcept { return width_; }
  [[nodiscard]] std::uint32_t height() const noexcept { return height_; }
  [[nodiscard]] VkImageLayout layout() const noexcept { return layout_; }

  // Records a barrier into `new_layout`, covering the usual producer/consumer stages
  // (transfer, compute, fragment). Tracks the layout for the next call.
  void transition(VkCommandBuffer cmd, VkImageLayout new_layout);
  // Records a copy of tightly packed texels from `buffer` (layout must be TRANSFER_DST).
  void copy_from(VkCommandBuffer cmd, VkBuffer buffer, VkDeviceSize offset = 0) const;
  // Records a copy to tightly packed texels in `buffer` (layout must be TRANSFER_SRC).
  void copy_to(VkCommandBuffer cmd, VkBuffer buffer, VkDeviceSize offset = 0) const;

 private:
  ImageHandle image_;
  MemoryHandle memory_;
  ImageViewHandle view_;
  VkFormat format_ = VK_FORMAT_UNDEFINED;
  std::uint32_t width_ = 0;
  std::uint32_t height_ = 0;
  VkImageLayout layout_ = VK_IMAGE_LAYOUT_UNDEFINED;
};

}  // namespace clinvid::gpu
