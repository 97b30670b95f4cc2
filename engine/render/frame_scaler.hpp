// Scales a whole I420 frame to another size (libswscale, bicubic): the last step of an export
// whose preset size differs from the project's canvas.
#pragma once

#include <cstdint>
#include <memory>

#include "core/frame.hpp"
#include "core/result.hpp"

namespace clinvid::render {

// Move-only; one thread at a time.
class FrameScaler {
 public:
  [[nodiscard]] static Result<FrameScaler> create(std::uint32_t src_width, std::uint32_t src_height,
                                                  std::uint32_t dst_width,
                                                  std::uint32_t dst_height);
  ~FrameScaler();
  FrameScaler(FrameScaler&&) noexcept;
  FrameScaler& operator=(FrameScaler&&) noexcept;
  FrameScaler(const FrameScaler&) = delete;
  FrameScaler& operator=(const FrameScaler&) = delete;

  // Both I420, of the sizes given to create().
  void scale(const ConstFrameView& src, const FrameView& dst) const;

 private:
  struct Impl;
  explicit FrameScaler(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clinvid::render
