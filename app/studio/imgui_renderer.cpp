#include "imgui_renderer.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>

#include "gpu/commands.hpp"
#include "gpu/vk_check.hpp"

namespace clinvid::studio {

namespace {

constexpr std::uint32_t kImguiVertSpv[] =
#include "studio_shaders/imgui_vert.spv.inc"
    ;
constexpr std::uint32_t kImguiFragSpv[] =
#include "studio_shaders/imgui_frag.spv.inc"
    ;

// Textures alive at once: the font atlas plus one per camera preview, with room to spare.
constexpr std::uint32_t kMaxTextures = 64;
constexpr VkDeviceSize kMinBufferBytes = 64 * 1024;

static_assert(sizeof(VkDescriptorSet) == sizeof(ImTextureID),
              "ImTextureID carries a VkDescriptorSet");
static_assert(sizeof(ImDrawIdx) == 2 || sizeof(ImDrawIdx) == 4);

struct PushConstants {
  float scale[2];
  float translate[2];
};

VkDescriptorSet to_descriptor_set(ImTextureID id) noexcept {
  return reinterpret_cast<VkDescriptorSet>(id);
}

Result<gpu::ShaderModuleHandle> make_shader(VkDevice device, const std::uint32_t* words,
                                            std::size_t word_count) {
  VkShaderModuleCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
  info.codeSize = word_count * sizeof(std::uint32_t);
  info.pCode = words;
  VkShaderModule module = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreateShaderModule(device, &info, nullptr, &module));
  return gpu::ShaderModuleHandle(device, module);
}

VkDeviceSize grown(VkDeviceSize needed) {
  VkDeviceSize size = kMinBufferBytes;
  while (size < needed) size *= 2;
  return size;
}

}  // namespace

Result<std::unique_ptr<ImGuiRenderer>> ImGuiRenderer::create(gpu::Context& context,
                                                             VkRenderPass render_pass,
                                                             std::uint32_t frames_in_flight) {
  std::unique_ptr<ImGuiRenderer> renderer(new ImGuiRenderer(context));
  const VkDevice device = context.device();

  VkSamplerCreateInfo sampler_info{};
  sampler_info.sType = VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO;
  sampler_info.magFilter = VK_FILTER_LINEAR;
  sampler_info.minFilter = VK_FILTER_LINEAR;
  sampler_info.mipmapMode = VK_SAMPLER_MIPMAP_MODE_LINEAR;
  sampler_info.addressModeU = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  sampler_info.addressModeV = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  sampler_info.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  sampler_info.maxLod = 1.0F;
  VkSampler sampler = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreateSampler(device, &sampler_info, nullptr, &sampler));
  renderer->sampler_ = gpu::SamplerHandle(device, sampler);

  VkDescriptorSetLayoutBinding binding{};
  binding.binding = 0;
  binding.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
  binding.descriptorCount = 1;
  binding.stageFlags = VK_SHADER_STAGE_FRAGMENT_BIT;
  VkDescriptorSetLayoutCreateInfo layout_info{};
  layout_info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  layout_info.bindingCount = 1;
  layout_info.pBindings = &binding;
  VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreateDescriptorSetLayout(device, &layout_info, nullptr, &set_layout));
  renderer->set_layout_ = gpu::DescriptorSetLayoutHandle(device, set_layout);

  const VkDescriptorPoolSize pool_size{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, kMaxTextures};
  VkDescriptorPoolCreateInfo pool_info{};
  pool_info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
  pool_info.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
  pool_info.maxSets = kMaxTextures;
  pool_info.poolSizeCount = 1;
  pool_info.pPoolSizes = &pool_size;
  VkDescriptorPool pool = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreateDescriptorPool(device, &pool_info, nullptr, &pool));
  renderer->descriptor_pool_ = gpu::DescriptorPoolHandle(device, pool);

  if (auto made = renderer->create_pipeline(render_pass); !made) {
    return tl::unexpected(made.error());
  }
  renderer->frames_.resize(std::max<std::uint32_t>(frames_in_flight, 1));
  return renderer;
}

Status ImGuiRenderer::create_pipeline(VkRenderPass render_pass) {
  const VkDevice device = context_->device();
  auto vert = make_shader(device, kImguiVertSpv, std::size(kImguiVertSpv));
  if (!vert) return tl::unexpected(vert.error());
  auto frag = make_shader(device, kImguiFragSpv, std::size(kImguiFragSpv));
  if (!frag) return tl::unexpected(frag.error());

  const VkPushConstantRange push_range{VK_SHADER_STAGE_VERTEX_BIT, 0, sizeof(PushConstants)};
  const VkDescriptorSetLayout set_layout = set_layout_.get();
  VkPipelineLayoutCreateInfo layout_info{};
  layout_info.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  layout_info.setLayoutCount = 1;
  layout_info.pSetLayouts = &set_layout;
  layout_info.pushConstantRangeCount = 1;
  layout_info.pPushConstantRanges = &push_range;
  VkPipelineLayout pipeline_layout = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreatePipelineLayout(device, &layout_info, nullptr, &pipeline_layout));
  pipeline_layout_ = gpu::PipelineLayoutHandle(device, pipeline_layout);

  std::array<VkPipelineShaderStageCreateInfo, 2> stages{};
  stages[0].sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
  stages[0].module = vert->get();
  stages[0].pName = "main";
  stages[1].sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;
  stages[1].module = frag->get();
  stages[1].pName = "main";

  const VkVertexInputBindingDescription vertex_binding{0, sizeof(ImDrawVert),
                                                       VK_VERTEX_INPUT_RATE_VERTEX};
  const std::array<VkVertexInputAttributeDescription, 3> attributes{{
      {0, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(ImDrawVert, pos)},
      {1, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(ImDrawVert, uv)},
      {2, 0, VK_FORMAT_R8G8B8A8_UNORM, offsetof(ImDrawVert, col)},
  }};
  VkPipelineVertexInputStateCreateInfo vertex_input{};
  vertex_input.sType = VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO;
  vertex_input.vertexBindingDescriptionCount = 1;
  vertex_input.pVertexBindingDescriptions = &vertex_binding;
  vertex_input.vertexAttributeDescriptionCount = static_cast<std::uint32_t>(attributes.size());
  vertex_input.pVertexAttributeDescriptions = attributes.data();

  VkPipelineInputAssemblyStateCreateInfo assembly{};
  assembly.sType = VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO;
  assembly.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;

  VkPipelineViewportStateCreateInfo viewport{};
  viewport.sType = VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO;
  viewport.viewportCount = 1;
  viewport.scissorCount = 1;

  VkPipelineRasterizationStateCreateInfo raster{};
  raster.sType = VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO;
  raster.polygonMode = VK_POLYGON_MODE_FILL;
  raster.cullMode = VK_CULL_MODE_NONE;
  raster.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
  raster.lineWidth = 1.0F;

  VkPipelineMultisampleStateCreateInfo multisample{};
  multisample.sType = VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO;
  multisample.rasterizationSamples = VK_SAMPLE_COUNT_1_BIT;

  // ImGui's colours are straight alpha; the window stays opaque (alpha accumulates to 1).
  VkPipelineColorBlendAttachmentState blend_attachment{};
  blend_attachment.blendEnable = VK_TRUE;
  blend_attachment.srcColorBlendFactor = VK_BLEND_FACTOR_SRC_ALPHA;
  blend_attachment.dstColorBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA;
  blend_attachment.colorBlendOp = VK_BLEND_OP_ADD;
  blend_attachment.srcAlphaBlendFactor = VK_BLEND_FACTOR_ONE;
  blend_attachment.dstAlphaBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA;
  blend_attachment.alphaBlendOp = VK_BLEND_OP_ADD;
  blend_attachment.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT |
                                    VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT;
  VkPipelineColorBlendStateCreateInfo blend{};
  blend.sType = VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO;
  blend.attachmentCount = 1;
  blend.pAttachments = &blend_attachment;

  VkPipelineDepthStencilStateCreateInfo depth{};
  depth.sType = VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO;

  const std::array<VkDynamicState, 2> dynamic_states{VK_DYNAMIC_STATE_VIEWPORT,
                                                     VK_DYNAMIC_STATE_SCISSOR};
  VkPipelineDynamicStateCreateInfo dynamic{};
  dynamic.sType = VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO;
  dynamic.dynamicStateCount = static_cast<std::uint32_t>(dynamic_states.size());
  dynamic.pDynamicStates = dynamic_states.data();

  VkGraphicsPipelineCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO;
  info.stageCount = static_cast<std::uint32_t>(stages.size());
  info.pStages = stages.data();
  info.pVertexInputState = &vertex_input;
  info.pInputAssemblyState = &assembly;
  info.pViewportState = &viewport;
  info.pRasterizationState = &raster;
  info.pMultisampleState = &multisample;
  info.pDepthStencilState = &depth;
  info.pColorBlendState = &blend;
  info.pDynamicState = &dynamic;
  info.layout = pipeline_layout_.get();
  info.renderPass = render_pass;
  info.subpass = 0;
  VkPipeline pipeline = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreateGraphicsPipelines(device, VK_NULL_HANDLE, 1, &info, nullptr, &pipeline));
  pipeline_ = gpu::PipelineHandle(device, pipeline);
  context_->set_name(VK_OBJECT_TYPE_PIPELINE, reinterpret_cast<std::uint64_t>(pipeline),
                     "studio.imgui");
  return {};
}

Status ImGuiRenderer::upload_fonts() {
  ImGuiIO& io = ImGui::GetIO();
  unsigned char* pixels = nullptr;
  int width = 0;
  int height = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
  if (pixels == nullptr || width <= 0 || height <= 0) {
    return fail(Errc::internal, "ImGui produced no font atlas");
  }
  const auto texel_bytes = static_cast<VkDeviceSize>(width) * static_cast<VkDeviceSize>(height) * 4;

  auto image = gpu::Image2D::create(*context_, static_cast<std::uint32_t>(width),
                                    static_cast<std::uint32_t>(height), VK_FORMAT_R8G8B8A8_UNORM,
                                    VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                                    "studio.imgui.font");
  if (!image) return with_context(image.error(), "font atlas image");
  auto staging = gpu::Buffer::create(*context_, texel_bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                                     gpu::MemoryUse::upload, "studio.imgui.font.staging");
  if (!staging) return with_context(staging.error(), "font atlas staging buffer");
  std::memcpy(staging->mapped(), pixels, static_cast<std::size_t>(texel_bytes));

  auto runner = gpu::CommandRunner::create(*context_);
  if (!runner) return tl::unexpected(runner.error());
  gpu::Image2D& target = *image;
  const VkBuffer source = staging->handle();
  auto uploaded = runner->run([&](VkCommandBuffer cmd) {
    target.transition(cmd, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL);
    target.copy_from(cmd, source);
    target.transition(cmd, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
  });
  if (!uploaded) return with_context(uploaded.error(), "font atlas upload");

  if (font_texture_ != nullptr) remove_texture(font_texture_);
  font_image_ = std::move(*image);
  auto id = add_texture(font_image_.view());
  if (!id) return tl::unexpected(id.error());
  font_texture_ = *id;
  io.Fonts->SetTexID(font_texture_);
  return {};
}

Result<ImTextureID> ImGuiRenderer::add_texture(VkImageView view) {
  const VkDescriptorSetLayout set_layout = set_layout_.get();
  VkDescriptorSetAllocateInfo alloc{};
  alloc.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
  alloc.descriptorPool = descriptor_pool_.get();
  alloc.descriptorSetCount = 1;
  alloc.pSetLayouts = &set_layout;
  VkDescriptorSet set = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkAllocateDescriptorSets(context_->device(), &alloc, &set));

  VkDescriptorImageInfo image_info{};
  image_info.sampler = sampler_.get();
  image_info.imageView = view;
  image_info.imageLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
  VkWriteDescriptorSet write{};
  write.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
  write.dstSet = set;
  write.dstBinding = 0;
  write.descriptorCount = 1;
  write.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
  write.pImageInfo = &image_info;
  vkUpdateDescriptorSets(context_->device(), 1, &write, 0, nullptr);
  return reinterpret_cast<ImTextureID>(set);
}

void ImGuiRenderer::remove_texture(ImTextureID id) noexcept {
  if (id == nullptr) return;
  const VkDescriptorSet set = to_descriptor_set(id);
  // Cannot fail for a pool created with FREE_DESCRIPTOR_SET (the spec allows only VK_SUCCESS).
  static_cast<void>(vkFreeDescriptorSets(context_->device(), descriptor_pool_.get(), 1, &set));
}

Status ImGuiRenderer::reserve(FrameBuffers& buffers, VkDeviceSize vertex_bytes,
                              VkDeviceSize index_bytes) {
  if (buffers.vertices.size_bytes() < vertex_bytes) {
    auto made =
        gpu::Buffer::create(*context_, grown(vertex_bytes), VK_BUFFER_USAGE_VERTEX_BUFFER_BIT,
                            gpu::MemoryUse::upload, "studio.imgui.vertices");
    if (!made) return with_context(made.error(), "ImGui vertex buffer");
    buffers.vertices = std::move(*made);
  }
  if (buffers.indices.size_bytes() < index_bytes) {
    auto made = gpu::Buffer::create(*context_, grown(index_bytes), VK_BUFFER_USAGE_INDEX_BUFFER_BIT,
                                    gpu::MemoryUse::upload, "studio.imgui.indices");
    if (!made) return with_context(made.error(), "ImGui index buffer");
    buffers.indices = std::move(*made);
  }
  return {};
}

void ImGuiRenderer::bind_state(VkCommandBuffer cmd, const ImDrawData& draw_data,
                               const FrameBuffers& buffers, VkExtent2D framebuffer) const {
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_.get());
  const VkBuffer vertex_buffer = buffers.vertices.handle();
  const VkDeviceSize vertex_offset = 0;
  vkCmdBindVertexBuffers(cmd, 0, 1, &vertex_buffer, &vertex_offset);
  vkCmdBindIndexBuffer(cmd, buffers.indices.handle(), 0,
                       sizeof(ImDrawIdx) == 2 ? VK_INDEX_TYPE_UINT16 : VK_INDEX_TYPE_UINT32);
  const VkViewport viewport{
      0.0F, 0.0F, static_cast<float>(framebuffer.width), static_cast<float>(framebuffer.height),
      0.0F, 1.0F};
  vkCmdSetViewport(cmd, 0, 1, &viewport);
  // Display coordinates (origin DisplayPos, size DisplaySize) to clip space [-1, 1].
  PushConstants push{};
  push.scale[0] = 2.0F / draw_data.DisplaySize.x;
  push.scale[1] = 2.0F / draw_data.DisplaySize.y;
  push.translate[0] = -1.0F - draw_data.DisplayPos.x * push.scale[0];
  push.translate[1] = -1.0F - draw_data.DisplayPos.y * push.scale[1];
  vkCmdPushConstants(cmd, pipeline_layout_.get(), VK_SHADER_STAGE_VERTEX_BIT, 0, sizeof(push),
                     &push);
}

Status ImGuiRenderer::record(VkCommandBuffer cmd, const ImDrawData& draw_data,
                             std::uint32_t frame_slot) {
  const float width_px = draw_data.DisplaySize.x * draw_data.FramebufferScale.x;
  const float height_px = draw_data.DisplaySize.y * draw_data.FramebufferScale.y;
  if (width_px <= 0.0F || height_px <= 0.0F || draw_data.TotalVtxCount <= 0) return {};
  if (frame_slot >= frames_.size()) return fail(Errc::internal, "ImGui frame slot out of range");
  FrameBuffers& buffers = frames_[frame_slot];

  const auto vertex_bytes = static_cast<VkDeviceSize>(draw_data.TotalVtxCount) * sizeof(ImDrawVert);
  const auto index_bytes = static_cast<VkDeviceSize>(draw_data.TotalIdxCount) * sizeof(ImDrawIdx);
  if (auto reserved = reserve(buffers, vertex_bytes, index_bytes); !reserved) return reserved;

  auto* vertex_out = reinterpret_cast<ImDrawVert*>(buffers.vertices.mapped());
  auto* index_out = reinterpret_cast<ImDrawIdx*>(buffers.indices.mapped());
  for (int list = 0; list < draw_data.CmdListsCount; ++list) {
    const ImDrawList& draw_list = *draw_data.CmdLists[list];
    std::memcpy(vertex_out, draw_list.VtxBuffer.Data,
                static_cast<std::size_t>(draw_list.VtxBuffer.Size) * sizeof(ImDrawVert));
    std::memcpy(index_out, draw_list.IdxBuffer.Data,
                static_cast<std::size_t>(draw_list.IdxBuffer.Size) * sizeof(ImDrawIdx));
    vertex_out += draw_list.VtxBuffer.Size;
    index_out += draw_list.IdxBuffer.Size;
  }

  const VkExtent2D framebuffer{static_cast<std::uint32_t>(width_px),
                               static_cast<std::uint32_t>(height_px)};
  bind_state(cmd, draw_data, buffers, framebuffer);

  const ImVec2 clip_origin = draw_data.DisplayPos;
  const ImVec2 clip_scale = draw_data.FramebufferScale;
  std::uint32_t global_index = 0;
  std::int32_t global_vertex = 0;
  VkDescriptorSet bound = VK_NULL_HANDLE;
  for (int list = 0; list < draw_data.CmdListsCount; ++list) {
    const ImDrawList& draw_list = *draw_data.CmdLists[list];
    for (int command_index = 0; command_index < draw_list.CmdBuffer.Size; ++command_index) {
      const ImDrawCmd& command = draw_list.CmdBuffer[command_index];
      if (command.UserCallback != nullptr) {
        if (command.UserCallback == ImDrawCallback_ResetRenderState) {
          bind_state(cmd, draw_data, buffers, framebuffer);
          bound = VK_NULL_HANDLE;
        } else {
          command.UserCallback(&draw_list, &command);
        }
        continue;
      }
      // Clip rectangle in framebuffer pixels, clamped: Vulkan rejects negative offsets.
      const float min_x = std::max((command.ClipRect.x - clip_origin.x) * clip_scale.x, 0.0F);
      const float min_y = std::max((command.ClipRect.y - clip_origin.y) * clip_scale.y, 0.0F);
      const float max_x = std::min((command.ClipRect.z - clip_origin.x) * clip_scale.x, width_px);
      const float max_y = std::min((command.ClipRect.w - clip_origin.y) * clip_scale.y, height_px);
      if (max_x <= min_x || max_y <= min_y) continue;
      const VkRect2D scissor{
          {static_cast<std::int32_t>(min_x), static_cast<std::int32_t>(min_y)},
          {static_cast<std::uint32_t>(max_x - min_x), static_cast<std::uint32_t>(max_y - min_y)}};
      vkCmdSetScissor(cmd, 0, 1, &scissor);

      const VkDescriptorSet set = to_descriptor_set(command.TextureId);
      if (set == VK_NULL_HANDLE) continue;
      if (set != bound) {
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_layout_.get(), 0, 1,
                                &set, 0, nullptr);
        bound = set;
      }
      vkCmdDrawIndexed(cmd, command.ElemCount, 1, command.IdxOffset + global_index,
                       static_cast<std::int32_t>(command.VtxOffset) + global_vertex, 0);
    }
    global_index += static_cast<std::uint32_t>(draw_list.IdxBuffer.Size);
    global_vertex += draw_list.VtxBuffer.Size;
  }
  return {};
}

}  // namespace clinvid::studio
