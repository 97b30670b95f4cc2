// Frames in host memory that the Vulkan device reads and writes in place.
//
// A HostFrameMemory is a buffer of host-visible, coherent, cached memory, persistently mapped,
// and registered process-wide while it lives. A frame whose planes lie in one (a GStreamer
// buffer from clinvidcolor's pool, say) is found again from its plane pointers alone
// (find_host_frame), so the GPU standardiser binds that memory instead of copying the frame
// into staging memory and the result back out: no CPU copies on the GPU path.
//
// Thread-safe: creating, destroying and looking up may happen on any thread.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <optional>

#include "core/frame.hpp"
#include "core/result.hpp"
#include "gpu/buffer.hpp"
#include "gpu/context.hpp"

namespace clinvid::gpu {

class HostFrameMemory {
 public:
  // Errc::unsupported when the device has no host-visible, coherent and cached memory type
  // (then frames go through staging copies, as before).
  [[nodiscard]] static Result<std::unique_ptr<HostFrameMemory>> create(
      std::shared_ptr<Context> context, std::size_t size_bytes);
  ~HostFrameMemory();
  HostFrameMemory(const HostFrameMemory&) = delete;
  HostFrameMemory& operator=(const HostFrameMemory&) = delete;
  HostFrameMemory(HostFrameMemory&&) = delete;
  HostFrameMemory& operator=(HostFrameMemory&&) = delete;

  [[nodiscard]] std::byte* data() const noexcept { return buffer_.mapped(); }
  [[nodiscard]] std::size_t size_bytes() const noexcept { return size_; }

 private:
  HostFrameMemory() = default;
  std::shared_ptr<Context> context_;  // outlives the buffer
  Buffer buffer_;
  std::size_t size_ = 0;
};

// Where a frame lies in a HostFrameMemory: the buffer, the byte range [offset, offset + size)
// its planes span, and each plane's offset from `offset` and stride. Offsets and strides are
// multiples of 4 (the shaders address 32-bit words).
struct HostFrameRef {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceSize offset = 0;
  VkDeviceSize size = 0;
  std::array<std::size_t, 3> plane_offsets{};
  std::array<std::size_t, 3> strides{};
};

// The HostFrameMemory of `context` holding every plane of `frame`; nullopt when there is none,
// or the planes are not 4-byte aligned.
[[nodiscard]] std::optional<HostFrameRef> find_host_frame(const Context& context,
                                                          const ConstFrameView& frame);

}  // namespace clinvid::gpu
