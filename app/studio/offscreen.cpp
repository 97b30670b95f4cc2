#include "offscreen.hpp"

#include <span>
#include <utility>

#include "gpu/vk_check.hpp"
#include "screenshot.hpp"
#include "swapchain.hpp"

namespace clinvid::studio {

namespace {

// The window's preferred surface format (swapchain.hpp): colours pass through unconverted.
constexpr VkFormat kCanvasFormat = VK_FORMAT_R8G8B8A8_UNORM;

}  // namespace

Result<std::unique_ptr<OffscreenCanvas>> OffscreenCanvas::create(gpu::Context& context,
                                                                 std::uint32_t width,
                                                                 std::uint32_t height) {
  if (width == 0 || height == 0) {
    return fail(Errc::invalid_argument, "an off-screen canvas needs a non-empty size");
  }
  std::unique_ptr<OffscreenCanvas> canvas(new OffscreenCanvas(context, VkExtent2D{width, height}));
  auto pass = create_render_pass(context, kCanvasFormat, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL);
  if (!pass) return tl::unexpected(pass.error());
  canvas->render_pass_ = std::move(*pass);
  auto image = gpu::Image2D::create(
      context, width, height, kCanvasFormat,
      VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT, "studio.offscreen");
  if (!image) return tl::unexpected(image.error());
  canvas->image_ = std::move(*image);

  const VkImageView view = canvas->image_.view();
  VkFramebufferCreateInfo fb_info{};
  fb_info.sType = VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO;
  fb_info.renderPass = canvas->render_pass_.get();
  fb_info.attachmentCount = 1;
  fb_info.pAttachments = &view;
  fb_info.width = width;
  fb_info.height = height;
  fb_info.layers = 1;
  VkFramebuffer framebuffer = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreateFramebuffer(context.device(), &fb_info, nullptr, &framebuffer));
  canvas->framebuffer_ = gpu::FramebufferHandle(context.device(), framebuffer);

  auto readback = gpu::Buffer::create(context, VkDeviceSize{width} * height * 4,
                                      VK_BUFFER_USAGE_TRANSFER_DST_BIT, gpu::MemoryUse::readback,
                                      "studio.offscreen.readback");
  if (!readback) return tl::unexpected(readback.error());
  canvas->readback_ = std::move(*readback);
  auto runner = gpu::CommandRunner::create(context);
  if (!runner) return tl::unexpected(runner.error());
  canvas->runner_ = std::make_unique<gpu::CommandRunner>(std::move(*runner));
  return canvas;
}

Result<std::vector<std::uint8_t>> OffscreenCanvas::render(ImGuiRenderer& renderer,
                                                          const ImDrawData& draw_data,
                                                          ImVec4 background) {
  Status drawn;
  auto ran = runner_->run([&](VkCommandBuffer cmd) {
    VkClearValue clear{};
    clear.color = {{background.x, background.y, background.z, 1.0F}};
    VkRenderPassBeginInfo pass{};
    pass.sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO;
    pass.renderPass = render_pass_.get();
    pass.framebuffer = framebuffer_.get();
    pass.renderArea.extent = extent_;
    pass.clearValueCount = 1;
    pass.pClearValues = &clear;
    vkCmdBeginRenderPass(cmd, &pass, VK_SUBPASS_CONTENTS_INLINE);
    drawn = renderer.record(cmd, draw_data, 0);
    vkCmdEndRenderPass(cmd);
    record_swapchain_readback(cmd, image_.handle(), extent_, readback_.handle(),
                              VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL);
  });
  if (!drawn) return tl::unexpected(drawn.error());
  if (!ran) return tl::unexpected(ran.error());
  if (auto visible = readback_.invalidate(); !visible) return tl::unexpected(visible.error());
  const std::span<const std::byte> texels(readback_.mapped(),
                                          static_cast<std::size_t>(readback_.size_bytes()));
  return to_opaque_rgba(texels, kCanvasFormat, extent_.width, extent_.height);
}

}  // namespace clinvid::studio
