#include "gpu/timestamps.hpp"

#include <array>

#include "gpu/vk_check.hpp"

namespace clinvid::gpu {

Result<TimestampPool> TimestampPool::create(Context& context, std::uint32_t count) {
  const DeviceLimits& limits = context.info().limits;
  if (limits.timestamp_valid_bits == 0) {
    return fail(Errc::unsupported, context.info().name + " has no timestamps on its queue");
  }
  TimestampPool out;
  out.device_ = context.device();
  out.count_ = count;
  out.period_ns_ = static_cast<double>(limits.timestamp_period_ns);
  out.valid_mask_ = limits.timestamp_valid_bits >= 64
                        ? ~std::uint64_t{0}
                        : (std::uint64_t{1} << limits.timestamp_valid_bits) - 1;
  VkQueryPoolCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO;
  info.queryType = VK_QUERY_TYPE_TIMESTAMP;
  info.queryCount = count;
  VkQueryPool pool = VK_NULL_HANDLE;
  CLINVID_VK_TRY(vkCreateQueryPool(out.device_, &info, nullptr, &pool));
  out.pool_ = QueryPoolHandle(out.device_, pool);
  return out;
}

void TimestampPool::reset(VkCommandBuffer cmd) const {
  vkCmdResetQueryPool(cmd, pool_.get(), 0, count_);
}

void TimestampPool::write(VkCommandBuffer cmd, std::uint32_t index,
                          VkPipelineStageFlagBits stage) const {
  vkCmdWriteTimestamp(cmd, stage, pool_.get(), index);
}

Result<std::uint64_t> TimestampPool::elapsed_ns(std::uint32_t begin, std::uint32_t end) const {
  if (begin >= count_ || end >= count_) return fail(Errc::out_of_range, "timestamp index");
  std::array<std::uint64_t, 2> ticks{};
  for (const auto& [index, slot] : {std::pair{begin, 0}, std::pair{end, 1}}) {
    CLINVID_VK_TRY(vkGetQueryPoolResults(device_, pool_.get(), index, 1, sizeof(std::uint64_t),
                                         &ticks[static_cast<std::size_t>(slot)],
                                         sizeof(std::uint64_t),
                                         VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
  }
  const std::uint64_t delta = (ticks[1] - ticks[0]) & valid_mask_;
  return static_cast<std::uint64_t>(static_cast<double>(delta) * period_ns_);
}

}  // namespace clinvid::gpu
