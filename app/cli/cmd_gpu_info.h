// `clinvid gpu-info [--json]`: every Vulkan physical device with the limits the compute
// shaders depend on, and the one the engine chooses and why (clinvid::gpu::choose_device).
// CLINVID_VK_DEVICE (an index or part of a name) overrides the choice; the engine refuses to
// run when it matches no device with a compute queue, so gpu-info then still lists every
// device (stdout, and "override": {"matched": false} in JSON) but names the problem on
// stderr and exits 3.
//
// Exit: 0 devices listed and one chosen; 3 no Vulkan, no usable device, or a bad override.
#pragma once

#include "cli11.h"

#include "command.h"

namespace clinvid::cli {

[[nodiscard]] Command add_gpu_info(CLI::App& parent);

}  // namespace clinvid::cli
