#include "gpu/host_frame.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>

namespace clinvid::gpu {
namespace {

struct Registered {
  std::uintptr_t end = 0;
  const Context* context = nullptr;
  VkBuffer buffer = VK_NULL_HANDLE;
};

// Live HostFrameMemory by start address.
struct Registry {
  std::mutex mutex;
  std::map<std::uintptr_t, Registered> by_start;
};

// Never destroyed: a GstBuffer's memory may be released during exit, after statics go.
Registry& registry() {
  static auto* r = new Registry();
  return *r;
}

}  // namespace

Result<std::unique_ptr<HostFrameMemory>> HostFrameMemory::create(std::shared_ptr<Context> context,
                                                                 std::size_t size_bytes) {
  if (!context) return fail(Errc::invalid_argument, "host frame memory needs a Vulkan context");
  constexpr VkBufferUsageFlags usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                       VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                       VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  auto buffer = Buffer::create(*context, size_bytes, usage, MemoryUse::shared, "host frame");
  if (!buffer) {
    return fail(Errc::unsupported, "no host-visible, coherent and cached memory for frames: " +
                                       buffer.error().message());
  }
  std::unique_ptr<HostFrameMemory> out(new HostFrameMemory());
  out->context_ = std::move(context);
  out->buffer_ = std::move(*buffer);
  out->size_ = size_bytes;
  const auto start = reinterpret_cast<std::uintptr_t>(out->data());
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  r.by_start[start] = {start + size_bytes, out->context_.get(), out->buffer_.handle()};
  return out;
}

HostFrameMemory::~HostFrameMemory() {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  r.by_start.erase(reinterpret_cast<std::uintptr_t>(data()));
}

std::optional<HostFrameRef> find_host_frame(const Context& context, const ConstFrameView& frame) {
  const int planes = plane_count(frame.format);
  if (planes <= 0) return std::nullopt;
  std::uintptr_t lo = UINTPTR_MAX;
  std::uintptr_t hi = 0;
  for (int p = 0; p < planes; ++p) {
    const auto i = static_cast<std::size_t>(p);
    const PlaneExtent extent = plane_extent(frame.format, frame.width, frame.height, p);
    if (frame.planes[i] == nullptr || extent.rows == 0) return std::nullopt;
    const auto begin = reinterpret_cast<std::uintptr_t>(frame.planes[i]);
    lo = std::min(lo, begin);
    hi = std::max(hi, begin + frame.strides[i] * (extent.rows - 1) + extent.row_bytes);
  }
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  auto it = r.by_start.upper_bound(lo);
  if (it == r.by_start.begin()) return std::nullopt;
  --it;
  const std::uintptr_t start = it->first;
  if (it->second.context != &context || hi > it->second.end) return std::nullopt;
  HostFrameRef ref;
  ref.buffer = it->second.buffer;
  ref.offset = lo - start;
  // Whole words where the memory allows: the shaders read and write the last row's padding.
  ref.size = std::min((hi - lo + 3) / 4 * 4, it->second.end - lo);
  if (ref.offset % 4 != 0) return std::nullopt;
  for (int p = 0; p < planes; ++p) {
    const auto i = static_cast<std::size_t>(p);
    ref.plane_offsets[i] = reinterpret_cast<std::uintptr_t>(frame.planes[i]) - lo;
    ref.strides[i] = frame.strides[i];
    if (ref.plane_offsets[i] % 4 != 0 || ref.strides[i] % 4 != 0) return std::nullopt;
  }
  return ref;
}

}  // namespace clinvid::gpu
