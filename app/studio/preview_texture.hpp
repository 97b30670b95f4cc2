// A camera preview on the GPU: the newest frame of a PreviewSlot, uploaded through a staging
// buffer into an Image2D that ImGui draws.
//
// Threading: UI thread only. record_upload() never waits for the camera: when no new frame
// has arrived it records nothing and the previous frame stays on screen.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <imgui.h>
#include <vulkan/vulkan.h>

#include "core/result.hpp"
#include "exposure_aids.hpp"
#include "gpu/buffer.hpp"
#include "gpu/image.hpp"
#include "imgui_renderer.hpp"
#include "preview_source.hpp"

namespace clinvid::studio {

// Whether clipped texels (a channel at or above kClippedLevel) are striped on upload (a zebra
// pattern, as on a camera's monitor), so over-exposure shows before it is recorded.
enum class ClippingIndicator { invalid = 0, off, zebra };

class PreviewTexture {
 public:
  // `frames_in_flight`: one staging buffer per frame the caller may have in flight.
  PreviewTexture(gpu::Context& context, ImGuiRenderer& renderer, std::uint32_t frames_in_flight);
  ~PreviewTexture();
  PreviewTexture(const PreviewTexture&) = delete;
  PreviewTexture& operator=(const PreviewTexture&) = delete;
  PreviewTexture(PreviewTexture&&) = delete;
  PreviewTexture& operator=(PreviewTexture&&) = delete;

  // When `slot` holds a newer frame, records its upload into `cmd` (before the render pass
  // that draws it). The GPU must have finished the frame that last used `frame_slot`.
  // `wait_gpu_idle` is called before the image is replaced (the camera changed size).
  [[nodiscard]] Status record_upload(VkCommandBuffer cmd, std::uint32_t frame_slot,
                                     PreviewSlot& slot,
                                     const std::function<Status()>& wait_gpu_idle);

  void set_clipping_indicator(ClippingIndicator indicator) noexcept { clipping_ = indicator; }
  // Share of the last uploaded frame's texels that were clipped (measured with the zebra on).
  [[nodiscard]] double clipped_fraction() const noexcept { return clipped_fraction_; }
  // Focus peaking (exposure_aids.hpp): sharp edges painted on upload, and the reading.
  void set_focus_peaking(bool on) noexcept { focus_peaking_ = on; }
  [[nodiscard]] bool focus_peaking() const noexcept { return focus_peaking_; }
  [[nodiscard]] const FocusReading& focus() const noexcept { return focus_; }
  // Mean luma (0..255) of the last uploaded frame, before any indicator painted it.
  [[nodiscard]] double mean_luma() const noexcept { return mean_luma_; }

  // True once a frame has been uploaded; until then texture_id() draws nothing useful.
  [[nodiscard]] bool has_content() const noexcept { return has_content_; }
  [[nodiscard]] ImTextureID texture_id() const noexcept { return texture_id_; }
  [[nodiscard]] std::uint32_t width() const noexcept { return image_.width(); }
  [[nodiscard]] std::uint32_t height() const noexcept { return image_.height(); }
  // Sequence number of the frame shown (PreviewFrame::sequence).
  [[nodiscard]] std::uint64_t sequence() const noexcept { return frame_.sequence; }
  // Frames uploaded, and frames the camera delivered that were replaced before upload.
  [[nodiscard]] std::uint64_t uploaded_frames() const noexcept { return uploaded_frames_; }
  [[nodiscard]] std::uint64_t skipped_frames() const noexcept { return skipped_frames_; }

 private:
  [[nodiscard]] Status recreate_image(std::uint32_t width, std::uint32_t height,
                                      const std::function<Status()>& wait_gpu_idle);

  gpu::Context* context_;
  ImGuiRenderer* renderer_;
  std::vector<gpu::Buffer> staging_;  // one per frame in flight
  gpu::Image2D image_;
  ImTextureID texture_id_ = nullptr;
  PreviewFrame frame_;  // the consumer side of the slot's buffer exchange
  ClippingIndicator clipping_ = ClippingIndicator::off;
  bool focus_peaking_ = false;
  FocusReading focus_;
  double mean_luma_ = 0.0;
  double clipped_fraction_ = 0.0;
  bool has_content_ = false;
  std::uint64_t uploaded_frames_ = 0;
  std::uint64_t skipped_frames_ = 0;
};

}  // namespace clinvid::studio
