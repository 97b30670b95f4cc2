// A GstBufferPool whose video frames live in gpu::HostFrameMemory: host memory the Vulkan
// device reads and writes in place. clinvidcolor offers one upstream (the camera writes its
// frames straight into memory the shader reads) and uses one for its output (the shader writes
// where the encoder reads), so the GPU path copies no frame on the CPU.
//
// Buffers carry GstVideoMeta with GStreamer's default layout for the pool's caps; memory is
// released (with its Vulkan buffer) when the last reference to a buffer goes, on any thread.
#pragma once

#include <memory>

#include <gst/gst.h>

#include "gpu/context.hpp"

namespace clinvid::gst {

// A new pool allocating from `context` (transfer full, as gst_buffer_pool_new); configure it
// with gst_buffer_pool_config_set_params (video caps) before activating.
[[nodiscard]] GstBufferPool* host_frame_pool_new(std::shared_ptr<gpu::Context> context);

// A pool configured for the video `caps` (its frame size in `size`, no minimum or maximum
// count, video meta on), or nullptr when `context` is null (not the GPU backend), the caps are
// not raw video, or the device has no memory for such a pool (host-visible, coherent, cached).
[[nodiscard]] GstBufferPool* host_frame_pool_for(std::shared_ptr<gpu::Context> context,
                                                 GstCaps* caps, guint& size);

}  // namespace clinvid::gst
