// The window's swapchain (FIFO: paced by the display), its framebuffers and the render pass
// the studio draws ImGui in.
#pragma once

#include <cstdint>
#include <vector>

#include <vulkan/vulkan.h>

#include "core/result.hpp"
#include "gpu/context.hpp"
#include "gpu/handle.hpp"

namespace clinvid::studio {

using SwapchainHandle = gpu::DeviceHandle<VkSwapchainKHR, vkDestroySwapchainKHR>;

// An 8-bit UNORM format with sRGB non-linear colour space when the surface offers one: ImGui
// colours and camera frames are already sRGB-encoded, so they pass through untouched.
[[nodiscard]] Result<VkSurfaceFormatKHR> choose_surface_format(const gpu::Context& context);

// False while the window is minimised: a swapchain cannot be made then.
[[nodiscard]] Result<bool> surface_has_area(const gpu::Context& context);

// Clears to the window background and ends in `final_layout`: PRESENT_SRC_KHR for the window,
// COLOR_ATTACHMENT_OPTIMAL for an off-screen image (offscreen.hpp).
[[nodiscard]] Result<gpu::RenderPassHandle> create_render_pass(
    const gpu::Context& context, VkFormat format,
    VkImageLayout final_layout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR);

class Swapchain {
 public:
  Swapchain() = default;
  ~Swapchain() = default;
  Swapchain(const Swapchain&) = delete;
  Swapchain& operator=(const Swapchain&) = delete;
  Swapchain(Swapchain&&) noexcept = default;
  // Releases the old framebuffers and views before the old swapchain (their images).
  Swapchain& operator=(Swapchain&& other) noexcept;
  // `wanted` is the framebuffer size in pixels (used when the surface leaves it to us).
  // `old` is retired by the new swapchain; the caller destroys it afterwards.
  [[nodiscard]] static Result<Swapchain> create(const gpu::Context& context,
                                                VkRenderPass render_pass, VkSurfaceFormatKHR format,
                                                VkExtent2D wanted, VkSwapchainKHR old);

  [[nodiscard]] VkSwapchainKHR handle() const noexcept { return swapchain_.get(); }
  [[nodiscard]] VkExtent2D extent() const noexcept { return extent_; }
  [[nodiscard]] VkFormat format() const noexcept { return format_; }
  // Whether images can be copied out (screenshots).
  [[nodiscard]] bool readable() const noexcept { return readable_; }
  [[nodiscard]] std::uint32_t image_count() const noexcept {
    return static_cast<std::uint32_t>(images_.size());
  }
  [[nodiscard]] VkImage image(std::uint32_t index) const { return images_.at(index); }
  [[nodiscard]] VkFramebuffer framebuffer(std::uint32_t index) const {
    return framebuffers_.at(index).get();
  }
  // Signalled when rendering to image `index` is done; presentation waits on it. One per
  // image, not per frame in flight, because presentation holds it until the image returns.
  [[nodiscard]] VkSemaphore render_finished(std::uint32_t index) const {
    return render_finished_.at(index).get();
  }

 private:
  SwapchainHandle swapchain_;    // declared first: destroyed after its views and framebuffers
  std::vector<VkImage> images_;  // owned by the swapchain
  std::vector<gpu::ImageViewHandle> views_;
  std::vector<gpu::FramebufferHandle> framebuffers_;
  std::vector<gpu::SemaphoreHandle> render_finished_;
  VkExtent2D extent_{};
  VkFormat format_ = VK_FORMAT_UNDEFINED;
  bool readable_ = false;
};

}  // namespace clinvid::studio
