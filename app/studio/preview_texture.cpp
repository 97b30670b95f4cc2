#include "preview_texture.hpp"

#include <cstring>
#include <utility>

namespace clinvid::studio {

namespace {}  // namespace

PreviewTexture::PreviewTexture(gpu::Context& context, ImGuiRenderer& renderer,
                               std::uint32_t frames_in_flight)
    : context_(&context), renderer_(&renderer), staging_(frames_in_flight) {}

PreviewTexture::~PreviewTexture() {
  renderer_->remove_texture(texture_id_);
}

Status PreviewTexture::recreate_image(std::uint32_t width, std::uint32_t height,
                                      const std::function<Status()>& wait_gpu_idle) {
  if (texture_id_ != nullptr) {
    if (auto idle = wait_gpu_idle(); !idle) return idle;
    renderer_->remove_texture(std::exchange(texture_id_, nullptr));
  }
  has_content_ = false;
  auto image = gpu::Image2D::create(*context_, width, height, VK_FORMAT_R8G8B8A8_UNORM,
                                    VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                                    "studio.preview");
  if (!image) return with_context(image.error(), "preview image");
  image_ = std::move(*image);
  auto id = renderer_->add_texture(image_.view());
  if (!id) return tl::unexpected(id.error());
  texture_id_ = *id;
  return {};
}

Status PreviewTexture::record_upload(VkCommandBuffer cmd, std::uint32_t frame_slot,
                                     PreviewSlot& slot,
                                     const std::function<Status()>& wait_gpu_idle) {
  const std::uint64_t previous = frame_.sequence;
  if (!slot.take_newer(frame_)) return {};
  if (previous != 0 && frame_.sequence > previous + 1) {
    skipped_frames_ += frame_.sequence - previous - 1;
  }
  if (frame_slot >= staging_.size()) return fail(Errc::internal, "preview frame slot out of range");
  if (frame_.width == 0 || frame_.height == 0) return {};

  if (texture_id_ == nullptr || image_.width() != frame_.width ||
      image_.height() != frame_.height) {
    if (auto made = recreate_image(frame_.width, frame_.height, wait_gpu_idle); !made) {
      return made;
    }
  }

  gpu::Buffer& staging = staging_[frame_slot];
  const auto bytes = static_cast<VkDeviceSize>(frame_.rgba.size());
  if (staging.size_bytes() < bytes) {
    auto made = gpu::Buffer::create(*context_, bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                                    gpu::MemoryUse::upload, "studio.preview.staging");
    if (!made) return with_context(made.error(), "preview staging buffer");
    staging = std::move(*made);
  }
  // Striped in the frame taken from the slot (recycled by the producer anyway), not in the
  // staging memory, which may be write-combined and slow to read.
  clipped_fraction_ = 0.0;
  mean_luma_ = studio::mean_luma(frame_.rgba.data(), frame_.width, frame_.height);
  // Peaking reads the picture's own edges, so it goes before the zebra paints its stripes.
  focus_ = {};
  if (focus_peaking_) focus_ = mark_focus_peaks(frame_.rgba.data(), frame_.width, frame_.height);
  if (clipping_ == ClippingIndicator::zebra) {
    const std::size_t clipped = stripe_clipped(frame_.rgba.data(), frame_.width, frame_.height);
    clipped_fraction_ =
        static_cast<double>(clipped) / (static_cast<double>(frame_.width) * frame_.height);
  }
  std::memcpy(staging.mapped(), frame_.rgba.data(), frame_.rgba.size());

  // The previous frame in flight may still sample the image; the transition's barrier
  // orders this copy after it (same queue, submission order).
  image_.transition(cmd, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL);
  image_.copy_from(cmd, staging.handle());
  image_.transition(cmd, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
  has_content_ = true;
  ++uploaded_frames_;
  return {};
}

}  // namespace clinvid::studio
