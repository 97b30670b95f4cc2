#include "swapchain.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "gpu/vk_check.hpp"

namespace clinvid::studio {

Result<VkSurfaceFormatKHR> choose_surface_format(const gpu::Context& context) {
  std::uint32_t count = 0;
  CLINVID_VK_TRY(vkGetPhysicalDeviceSurfaceFormatsKHR(context.physical_device(), context.surface(),
                                                      &count, nullptr));
  std::vector<VkSurfaceFormatKHR> formats(count);
  CLINVID_VK_TRY(vkGetPhysicalDeviceSurfaceFormatsKHR(context.physical_device(), context.surface(),
                                                      &count, formats.data()));
  if (formats.empty()) return fail(Errc::unsupported, "the window surface offers no formats");
  for (const VkFormat wanted : {VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R8G8B8A8_UNORM}) {
    for (const VkSurfaceFormatKHR& format : formats) {
      if (format.format == wanted && format.colorSpace == VK_COLOR_SPACE_SRGB_NONLINEAR_KHR) {
        return format;
      }
    }
  }
  return formats.front();
}

Result<bool> surface_has_area(const gpu::Context& context) {
  VkSurfaceCapabilitiesKHR caps{};
  CLINVID_VK_TRY(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(context.physical_device(),
                                                           context.surface(), &caps));
  return caps.currentExtent.width != 0 && caps.currentExtent.height != 0;
}

Result<gpu::RenderPassHandle> create_render_pass(const gpu::Context& context, VkFormat format,
                                                 VkImageLayout final_layout) {
  VkAttachmentDescription colour{};
  colour.format = format;
  colour.samples = VK_SAMPLE_COUNT_1_BIT;
  colour.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
  colour.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
  colour.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  colour.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  colour.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  colour.finalLayout = final_layout;
  const VkAttachmentReference colour_ref{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  VkSubpassDescription subpass{};
  subpass.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  subpass.colorAttachmentCount = 1;
  subpass.pColorAttachments = &colour_ref;
  // The acquire semaphore is waited at COLOR_ATTACHMENT_OUTPUT; the layout transition must
  // happen after it.
  VkSubpassDependency dependency{};
  dependency.srcSubpass = VK_SUBPASS_EXTERNAL;
  dependency.dstSubpass = 0;
  dependency.srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  dependency.dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  dependency.dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  VkRenderPassCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO;
  info.attachmentCount = 1;
  info.pAttachments = &colour;
  info.subpassCount = 1;
  info.pSubpasses = &subpass;
  info.dependencyCount = 1;
  info.pDependencies = &dependency;
  VkRenderPass pass = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreateRenderPass(context.device(), &info, nullptr, &pass));
  return gpu::RenderPassHandle(context.device(), pass);
}

Swapchain& Swapchain::operator=(Swapchain&& other) noexcept {
  if (this != &other) {
    render_finished_ = std::move(other.render_finished_);
    framebuffers_ = std::move(other.framebuffers_);
    views_ = std::move(other.views_);
    images_ = std::move(other.images_);
    swapchain_ = std::move(other.swapchain_);
    extent_ = other.extent_;
    format_ = other.format_;
    readable_ = other.readable_;
  }
  return *this;
}

Result<Swapchain> Swapchain::create(const gpu::Context& context, VkRenderPass render_pass,
                                    VkSurfaceFormatKHR format, VkExtent2D wanted,
                                    VkSwapchainKHR old) {
  const VkDevice device = context.device();
  VkSurfaceCapabilitiesKHR caps{};
  CLINVID_VK_TRY(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(context.physical_device(),
                                                           context.surface(), &caps));
  VkExtent2D extent = caps.currentExtent;
  if (extent.width == std::numeric_limits<std::uint32_t>::max()) {
    extent.width = std::clamp(wanted.width, caps.minImageExtent.width, caps.maxImageExtent.width);
    extent.height =
        std::clamp(wanted.height, caps.minImageExtent.height, caps.maxImageExtent.height);
  }
  if (extent.width == 0 || extent.height == 0) {
    return fail(Errc::invalid_argument, "the window has no area (minimised)");
  }
  std::uint32_t image_count = caps.minImageCount + 1;
  if (caps.maxImageCount > 0) image_count = std::min(image_count, caps.maxImageCount);

  VkCompositeAlphaFlagBitsKHR alpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR;
  if ((caps.supportedCompositeAlpha & static_cast<VkCompositeAlphaFlagsKHR>(alpha)) == 0) {
    for (const VkCompositeAlphaFlagBitsKHR candidate :
         {VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR, VK_COMPOSITE_ALPHA_PRE_MULTIPLIED_BIT_KHR,
          VK_COMPOSITE_ALPHA_POST_MULTIPLIED_BIT_KHR}) {
      if ((caps.supportedCompositeAlpha & static_cast<VkCompositeAlphaFlagsKHR>(candidate)) != 0) {
        alpha = candidate;
        break;
      }
    }
  }

  Swapchain swapchain;
  swapchain.readable_ = (caps.supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_SRC_BIT) != 0;
  VkSwapchainCreateInfoKHR info{};
  info.sType = VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR;
  info.surface = context.surface();
  info.minImageCount = image_count;
  info.imageFormat = format.format;
  info.imageColorSpace = format.colorSpace;
  info.imageExtent = extent;
  info.imageArrayLayers = 1;
  info.imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT;
  if (swapchain.readable_) info.imageUsage |= VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
  info.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
  info.preTransform = (caps.supportedTransforms & VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR) != 0
                          ? VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR
                          : caps.currentTransform;
  info.compositeAlpha = alpha;
  // FIFO: always available, paced by the display, never tears. The preview never waits on
  // it: frames that arrive faster than the display are dropped in the preview slot.
  info.presentMode = VK_PRESENT_MODE_FIFO_KHR;
  info.clipped = VK_TRUE;
  info.oldSwapchain = old;
  VkSwapchainKHR handle = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreateSwapchainKHR(device, &info, nullptr, &handle));
  swapchain.swapchain_ = SwapchainHandle(device, handle);
  swapchain.extent_ = extent;
  swapchain.format_ = format.format;

  std::uint32_t count = 0;
  CLINVID_VK_TRY(vkGetSwapchainImagesKHR(device, handle, &count, nullptr));
  swapchain.images_.resize(count);
  CLINVID_VK_TRY(vkGetSwapchainImagesKHR(device, handle, &count, swapchain.images_.data()));

  for (const VkImage image : swapchain.images_) {
    VkImageViewCreateInfo view_info{};
    view_info.sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO;
    view_info.image = image;
    view_info.viewType = VK_IMAGE_VIEW_TYPE_2D;
    view_info.format = format.format;
    view_info.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    VkImageView view = VK_NULL_HANDLE;
    CLINVID_VK_TRY(vkCreateImageView(device, &view_info, nullptr, &view));
    swapchain.views_.emplace_back(device, view);

    VkFramebufferCreateInfo fb_info{};
    fb_info.sType = VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO;
    fb_info.renderPass = render_pass;
    fb_info.attachmentCount = 1;
    fb_info.pAttachments = &view;
    fb_info.width = extent.width;
    fb_info.height = extent.height;
    fb_info.layers = 1;
    VkFramebuffer framebuffer = VK_NULL_HANDLE;
    CLINVID_VK_TRY(vkCreateFramebuffer(device, &fb_info, nullptr, &framebuffer));
    swapchain.framebuffers_.emplace_back(device, framebuffer);

    VkSemaphoreCreateInfo semaphore_info{};
    semaphore_info.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO;
    VkSemaphore semaphore = VK_NULL_HANDLE;
    CLINVID_VK_TRY(vkCreateSemaphore(device, &semaphore_info, nullptr, &semaphore));
    swapchain.render_finished_.emplace_back(device, semaphore);
  }
  return swapchain;
}

}  // namespace clinvid::studio
