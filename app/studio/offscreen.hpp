// The studio's UI drawn without a window: Dear ImGui's draw data rendered by ImGuiRenderer into
// an image on whichever Vulkan device the process uses (Mesa lavapipe where there is no GPU),
// then read back as RGBA. No display, no surface, no swapchain: what tests and headless
// documentation runs use to see a view exactly as the window would show it.
//
// UI thread only, like the renderer; render() waits for the GPU before returning.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <imgui.h>
#include <vulkan/vulkan.h>

#include "core/result.hpp"
#include "gpu/buffer.hpp"
#include "gpu/commands.hpp"
#include "gpu/context.hpp"
#include "gpu/handle.hpp"
#include "gpu/image.hpp"
#include "imgui_renderer.hpp"

namespace clinvid::studio {

class OffscreenCanvas {
 public:
  // An 8-bit RGBA (UNORM, like the window's surface format) canvas of `width` × `height`.
  [[nodiscard]] static Result<std::unique_ptr<OffscreenCanvas>> create(gpu::Context& context,
                                                                       std::uint32_t width,
                                                                       std::uint32_t height);

  // The pass to create the ImGuiRenderer with (one frame in flight is enough here).
  [[nodiscard]] VkRenderPass render_pass() const noexcept { return render_pass_.get(); }

  // Clears to `background`, draws `draw_data` and returns width × height opaque RGBA texels.
  [[nodiscard]] Result<std::vector<std::uint8_t>> render(ImGuiRenderer& renderer,
                                                         const ImDrawData& draw_data,
                                                         ImVec4 background);

 private:
  OffscreenCanvas(gpu::Context& context, VkExtent2D extent) : context_(&context), extent_(extent) {}

  gpu::Context* context_;
  VkExtent2D extent_;
  gpu::RenderPassHandle render_pass_;
  gpu::Image2D image_;
  gpu::FramebufferHandle framebuffer_;
  gpu::Buffer readback_;
  std::unique_ptr<gpu::CommandRunner> runner_;
};

}  // namespace clinvid::studio
