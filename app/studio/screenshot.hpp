// Screenshots of the studio window: a copy of the swapchain image after a frame is drawn,
// written as PNG. Used by `--screenshot` (tests, documentation).
//
// The PNG is plaintext on disk (DESIGN invariant 1 is about patient media); the studio only
// takes one when asked on the command line, and the built-in test camera is synthetic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <vulkan/vulkan.h>

#include "core/result.hpp"

namespace clinvid::studio {

// Records a copy of `image` (in `layout`, rendered by the preceding render pass) into
// `buffer` as tightly packed texels, and leaves the image in `layout`. The buffer's contents
// are visible to the host once the command buffer's fence has signalled.
void record_swapchain_readback(VkCommandBuffer cmd, VkImage image, VkExtent2D extent,
                               VkBuffer buffer,
                               VkImageLayout layout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR);

// Converts 8-bit texels of `format` (B8G8R8A8 or R8G8B8A8, UNORM or SRGB) to opaque RGBA.
[[nodiscard]] Result<std::vector<std::uint8_t>> to_opaque_rgba(std::span<const std::byte> texels,
                                                               VkFormat format, std::uint32_t width,
                                                               std::uint32_t height);

// Writes tightly packed RGBA as an 8-bit RGBA PNG.
[[nodiscard]] Status write_png(const std::string& path, std::span<const std::uint8_t> rgba,
                               std::uint32_t width, std::uint32_t height);

}  // namespace clinvid::studio
