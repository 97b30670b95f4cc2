// Draws Dear ImGui with the studio's Vulkan device.
//
// Why our own: Debian's imgui_impl_vulkan (1.86) binds only the font atlas and ignores
// ImTextureID, so camera previews could not be shown. Here ImTextureID is a VkDescriptorSet
// (one combined image sampler) made by add_texture(); the font atlas is one of them.
//
// Threading: UI thread only. The renderer never submits frame work itself: record() writes
// into the caller's command buffer; only upload_fonts() submits (through Context::submit).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <imgui.h>
#include <vulkan/vulkan.h>

#include "core/result.hpp"
#include "gpu/buffer.hpp"
#include "gpu/context.hpp"
#include "gpu/handle.hpp"
#include "gpu/image.hpp"

namespace clinvid::studio {

class ImGuiRenderer {
 public:
  // `render_pass`: the pass record() draws in (one colour attachment, subpass 0).
  // `frames_in_flight`: how many frames the caller records before waiting on the oldest;
  // each gets its own vertex and index buffers.
  [[nodiscard]] static Result<std::unique_ptr<ImGuiRenderer>> create(
      gpu::Context& context, VkRenderPass render_pass, std::uint32_t frames_in_flight);
  ~ImGuiRenderer() = default;
  ImGuiRenderer(const ImGuiRenderer&) = delete;
  ImGuiRenderer& operator=(const ImGuiRenderer&) = delete;
  ImGuiRenderer(ImGuiRenderer&&) = delete;
  ImGuiRenderer& operator=(ImGuiRenderer&&) = delete;

  // Builds the current ImGui context's font atlas, uploads it (blocking) and sets its
  // texture id. Call after fonts are configured and before the first frame.
  [[nodiscard]] Status upload_fonts();

  // A texture id for ImGui::Image showing `view`, which must be in
  // VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL whenever a frame that draws it executes.
  // The view must outlive the id.
  [[nodiscard]] Result<ImTextureID> add_texture(VkImageView view);
  // The GPU must have finished every frame that drew `id`.
  void remove_texture(ImTextureID id) noexcept;

  // Records `draw_data` into `cmd`, inside the render pass given at creation.
  // `frame_slot` < frames_in_flight names buffers the GPU has finished reading.
  [[nodiscard]] Status record(VkCommandBuffer cmd, const ImDrawData& draw_data,
                              std::uint32_t frame_slot);

 private:
  struct FrameBuffers {
    gpu::Buffer vertices;
    gpu::Buffer indices;
  };

  explicit ImGuiRenderer(gpu::Context& context) : context_(&context) {}
  [[nodiscard]] Status create_pipeline(VkRenderPass render_pass);
  [[nodiscard]] Status reserve(FrameBuffers& buffers, VkDeviceSize vertex_bytes,
                               VkDeviceSize index_bytes);
  void bind_state(VkCommandBuffer cmd, const ImDrawData& draw_data, const FrameBuffers& buffers,
                  VkExtent2D framebuffer) const;

  gpu::Context* context_;
  gpu::SamplerHandle sampler_;
  gpu::DescriptorSetLayoutHandle set_layout_;
  gpu::DescriptorPoolHandle descriptor_pool_;
  gpu::PipelineLayoutHandle pipeline_layout_;
  gpu::PipelineHandle pipeline_;
  gpu::Image2D font_image_;
  ImTextureID font_texture_ = nullptr;
  std::vector<FrameBuffers> frames_;
};

}  // namespace clinvid::studio
