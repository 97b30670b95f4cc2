// GPU timestamp queries: how long recorded work took on the device, in nanoseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "gpu/context.hpp"
#include "gpu/handle.hpp"

namespace clinvid::gpu {

class TimestampPool {
 public:
  TimestampPool() = default;
  // Fails with Errc::unsupported when the queue family has no timestamp bits.
  [[nodiscard]] static Result<TimestampPool> create(Context& context, std::uint32_t count);

  void reset(VkCommandBuffer cmd) const;
  void write(VkCommandBuffer cmd, std::uint32_t index, VkPipelineStageFlagBits stage) const;
  // Nanoseconds between two written queries, after the command buffer completed.
  [[nodiscard]] Result<std::uint64_t> elapsed_ns(std::uint32_t begin, std::uint32_t end) const;

 private:
  VkDevice device_ = VK_NULL_HANDLE;
  QueryPoolHandle pool_;
  std::uint32_t count_ = 0;
  double period_ns_ = 0.0;
  std::uint64_t valid_mask_ = 0;
};

}  // namespace clinvid::gpu
