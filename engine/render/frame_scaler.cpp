#include "render/frame_scaler.hpp"

#include <string>

extern "C" {
#include <libswscale/swscale.h>
}

namespace clinvid::render {

struct FrameScaler::Impl {
  SwsContext* context = nullptr;
  ~Impl() { sws_freeContext(context); }
};

FrameScaler::FrameScaler(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
FrameScaler::~FrameScaler() = default;
FrameScaler::FrameScaler(FrameScaler&&) noexcept = default;
FrameScaler& FrameScaler::operator=(FrameScaler&&) noexcept = default;

Result<FrameScaler> FrameScaler::create(std::uint32_t src_width, std::uint32_t src_height,
                                        std::uint32_t dst_width, std::uint32_t dst_height) {
  auto impl = std::make_unique<Impl>();
  impl->context =
      sws_getContext(static_cast<int>(src_width), static_cast<int>(src_height), AV_PIX_FMT_YUV420P,
                     static_cast<int>(dst_width), static_cast<int>(dst_height), AV_PIX_FMT_YUV420P,
                     SWS_BICUBIC, nullptr, nullptr, nullptr);
  if (impl->context == nullptr) {
    return fail(Errc::media, "cannot scale " + std::to_string(src_width) + "x" +
                                 std::to_string(src_height) + " to " + std::to_string(dst_width) +
                                 "x" + std::to_string(dst_height));
  }
  return FrameScaler(std::move(impl));
}

void FrameScaler::scale(const ConstFrameView& src, const FrameView& dst) const {
  const std::uint8_t* const in[3] = {src.planes[0], src.planes[1], src.planes[2]};
  const int in_strides[3] = {static_cast<int>(src.strides[0]), static_cast<int>(src.strides[1]),
                             static_cast<int>(src.strides[2])};
  std::uint8_t* const out[3] = {dst.planes[0], dst.planes[1], dst.planes[2]};
  const int out_strides[3] = {static_cast<int>(dst.strides[0]), static_cast<int>(dst.strides[1]),
                              static_cast<int>(dst.strides[2])};
  sws_scale(impl_->context, in, in_strides, 0, static_cast<int>(src.height), out, out_strides);
}

}  // namespace clinvid::render
