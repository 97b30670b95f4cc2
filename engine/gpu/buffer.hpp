// Buffers with their memory, one allocation each (frames are few and large).
#pragma once

#include <cstddef>
#include <cstdint>

#include "gpu/context.hpp"
#include "gpu/handle.hpp"

namespace clinvid::gpu {

enum class MemoryUse {
  invalid = 0,
  device_local,  // GPU-only; reached through staging copies
  upload,        // host-visible, coherent, persistently mapped: CPU writes, GPU reads
  readback,      // host-visible, cached when possible, persistently mapped: GPU writes, CPU reads
  shared,        // host-visible, coherent and cached, persistently mapped: both read and write
};

class Buffer {
 public:
  Buffer() = default;
  [[nodiscard]] static Result<Buffer> create(Context& context, VkDeviceSize size_bytes,
                                             VkBufferUsageFlags usage, MemoryUse use,
                                             const char* debug_name);

  [[nodiscard]] VkBuffer handle() const noexcept { return buffer_.get(); }
  [[nodiscard]] VkDeviceSize size_bytes() const noexcept { return size_bytes_; }
  // Host pointer for upload/readback buffers; nullptr for device_local.
  [[nodiscard]] std::byte* mapped() const noexcept { return mapped_; }
  // For readback memory that is not coherent: makes GPU writes visible to the host.
  [[nodiscard]] Status invalidate() const;

 private:
  BufferHandle buffer_;
  MemoryHandle memory_;
  VkDeviceSize size_bytes_ = 0;
  std::byte* mapped_ = nullptr;
  bool coherent_ = true;
};

}  // namespace clinvid::gpu
