// Capture: the live camera preview and the panel that says which GPU draws it and why.
//
// The view reads the engine's model (gpu::Context info, the preview source's state) and
// keeps only UI state of its own. UI thread only.
#pragma once

#include <chrono>
#include <cstdint>

#include "gpu/context.hpp"
#include "preview_source.hpp"
#include "preview_texture.hpp"
#include "workstation.hpp"

namespace clinvid::studio {

class CaptureView {
 public:
  // All four must outlive the view.
  CaptureView(const gpu::Context& context, const PreviewSource& source,
              const PreviewTexture& texture, const Workstation& workstation);

  // Draws into the current ImGui window, filling the space left.
  void draw();

 private:
  enum class PreviewScale { invalid = 0, fit, actual_size };

  void draw_side_panel();
  void draw_gpu_section() const;
  void draw_workstation_section() const;
  void draw_camera_section();
  void draw_preview() const;
  void update_rates();

  const gpu::Context* context_;
  const PreviewSource* source_;
  const PreviewTexture* texture_;
  const Workstation* workstation_;

  PreviewScale scale_ = PreviewScale::fit;
  // Preview rate over the last half second, measured where the user sees it (uploads).
  std::chrono::steady_clock::time_point rate_window_start_ = std::chrono::steady_clock::now();
  std::uint64_t rate_window_uploads_ = 0;
  double preview_fps_ = 0.0;
  bool rate_measured_ = false;
};

}  // namespace clinvid::studio
