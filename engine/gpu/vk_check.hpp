// VkResult to Result<>, with the call that failed named in the error.
#pragma once

#include <string>
#include <string_view>

#include <vulkan/vulkan.h>

#include "core/result.hpp"

namespace clinvid::gpu {

[[nodiscard]] std::string_view to_string(VkResult result) noexcept;

[[nodiscard]] inline Status vk_check(VkResult result, std::string_view what) {
  if (result == VK_SUCCESS) return {};
  const Errc code = result == VK_ERROR_OUT_OF_HOST_MEMORY || result == VK_ERROR_OUT_OF_DEVICE_MEMORY
                        ? Errc::out_of_range
                        : Errc::gpu;
  return fail(code, std::string(what) + " failed: " + std::string(to_string(result)));
}

}  // namespace clinvid::gpu

// Returns the error from the enclosing function when a Vulkan call fails.
#define CLINVID_VK_TRY(call)                                                                      \
  do {                                                                                            \
    if (auto clinvid_vk_status_ = ::clinvid::gpu::vk_check((call), #call); !clinvid_vk_status_) { \
      return ::tl::unexpected(clinvid_vk_status_.error());                                        \
    }                                                                                             \
  } while (false)
