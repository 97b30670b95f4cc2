#include "gpu/compute.hpp"

#include <vector>

#include "gpu/vk_check.hpp"

namespace clinvid::gpu {

Result<ComputePipeline> ComputePipeline::create(Context& context, const ComputePipelineDesc& desc) {
  if (desc.spirv.empty()) return fail(Errc::invalid_argument, "compute pipeline without SPIR-V");
  if (desc.push_constant_bytes > context.info().limits.max_push_constants_size) {
    return fail(Errc::unsupported, std::string(desc.debug_name) + ": push constants exceed limit");
  }
  const VkDevice device = context.device();
  ComputePipeline out;
  out.device_ = device;
  out.buffer_count_ = desc.storage_buffer_count;
  out.push_constant_bytes_ = desc.push_constant_bytes;

  std::vector<VkDescriptorSetLayoutBinding> bindings(desc.storage_buffer_count);
  for (std::uint32_t i = 0; i < desc.storage_buffer_count; ++i) {
    bindings[i].binding = i;
    bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    bindings[i].descriptorCount = 1;
    bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  VkDescriptorSetLayoutCreateInfo set_info{};
  set_info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  set_info.bindingCount = desc.storage_buffer_count;
  set_info.pBindings = bindings.data();
  VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreateDescriptorSetLayout(device, &set_info, nullptr, &set_layout));
  out.set_layout_ = DescriptorSetLayoutHandle(device, set_layout);

  VkPushConstantRange push{};
  push.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  push.size = desc.push_constant_bytes;
  VkPipelineLayoutCreateInfo layout_info{};
  layout_info.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  layout_info.setLayoutCount = 1;
  layout_info.pSetLayouts = &set_layout;
  layout_info.pushConstantRangeCount = desc.push_constant_bytes > 0 ? 1U : 0U;
  layout_info.pPushConstantRanges = &push;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreatePipelineLayout(device, &layout_info, nullptr, &layout));
  out.layout_ = PipelineLayoutHandle(device, layout);

  VkShaderModuleCreateInfo module_info{};
  module_info.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
  module_info.codeSize = desc.spirv.size_bytes();
  module_info.pCode = desc.spirv.data();
  VkShaderModule module = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreateShaderModule(device, &module_info, nullptr, &module));
  const ShaderModuleHandle module_owner(device, module);

  VkComputePipelineCreateInfo pipeline_info{};
  pipeline_info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
  pipeline_info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  pipeline_info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  pipeline_info.stage.module = module;
  pipeline_info.stage.pName = "main";
  pipeline_info.layout = layout;
  VkPipeline pipeline = VK_NULL_HANDLE;
  CLINVID_VK_TRY(
      vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &pipeline_info, nullptr, &pipeline));
  out.pipeline_ = PipelineHandle(device, pipeline);
  context.set_name(VK_OBJECT_TYPE_PIPELINE, reinterpret_cast<std::uint64_t>(pipeline),
                   desc.debug_name);

  if (desc.storage_buffer_count > 0) {
    VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, desc.storage_buffer_count};
    VkDescriptorPoolCreateInfo pool_info{};
    pool_info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
    pool_info.maxSets = 1;
    pool_info.poolSizeCount = 1;
    pool_info.pPoolSizes = &size;
    VkDescriptorPool pool = VK_NULL_HANDLE;
    CLINVID_VK_TRY(vkCreateDescriptorPool(device, &pool_info, nullptr, &pool));
    out.pool_ = DescriptorPoolHandle(device, pool);
    VkDescriptorSetAllocateInfo alloc{};
    alloc.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
    alloc.descriptorPool = pool;
    alloc.descriptorSetCount = 1;
    alloc.pSetLayouts = &set_layout;
    CLINVID_VK_TRY(vkAllocateDescriptorSets(device, &alloc, &out.set_));
  }
  return out;
}

void ComputePipeline::bind(std::span<const VkBuffer> buffers) {
  std::vector<VkDescriptorBufferInfo> infos(buffers.size());
  std::vector<VkWriteDescriptorSet> writes(buffers.size());
  for (std::size_t i = 0; i < buffers.size() && i < buffer_count_; ++i) {
    infos[i] = {buffers[i], 0, VK_WHOLE_SIZE};
    writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
    writes[i].dstSet = set_;
    writes[i].dstBinding = static_cast<std::uint32_t>(i);
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &infos[i];
  }
  vkUpdateDescriptorSets(device_, static_cast<std::uint32_t>(writes.size()), writes.data(), 0,
                         nullptr);
}

void ComputePipeline::dispatch(VkCommandBuffer cmd, std::span<const std::byte> push_constants,
                               std::uint32_t groups_x, std::uint32_t groups_y,
                               std::uint32_t groups_z) const {
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline_.get());
  if (set_ != VK_NULL_HANDLE) {
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout_.get(), 0, 1, &set_, 0,
                            nullptr);
  }
  if (!push_constants.empty()) {
    vkCmdPushConstants(cmd, layout_.get(), VK_SHADER_STAGE_COMPUTE_BIT, 0,
                       static_cast<std::uint32_t>(push_constants.size()), push_constants.data());
  }
  vkCmdDispatch(cmd, groups_x, groups_y, groups_z);
}

}  // namespace clinvid::gpu
