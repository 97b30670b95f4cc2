// The process's Vulkan instance, physical device choice, logical device and queue.
//
// DESIGN invariant 5: one Vulkan device per process. The engine owns it; the studio's
// renderer and the GStreamer elements running inside the studio share it through
// Context::shared(). A process that needs a presentation surface (the studio) creates its
// Context with that surface first and installs it with Context::install_shared().
//
// Threading: the handles are immutable after creation and may be read from any thread.
// VkQueue access is externally synchronised: every submit goes through submit(), which
// holds queue_mutex(); a presenter takes the same mutex around vkQueuePresentKHR.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <vulkan/vulkan.h>

#include "core/result.hpp"

namespace clinvid::gpu {

struct DeviceLimits {
  std::uint32_t max_compute_workgroup_invocations = 0;
  std::uint32_t max_compute_workgroup_size[3] = {};
  std::uint32_t max_compute_workgroup_count[3] = {};
  std::uint32_t max_storage_buffer_range = 0;
  std::uint32_t max_push_constants_size = 0;
  std::uint32_t max_image_dimension_2d = 0;
  float timestamp_period_ns = 0.0F;
  std::uint32_t timestamp_valid_bits = 0;  // of the chosen queue family; 0 = no timestamps
  std::uint64_t device_local_bytes = 0;
};

struct PhysicalDeviceInfo {
  std::uint32_t index = 0;  // position in vkEnumeratePhysicalDevices order
  std::string name;
  VkPhysicalDeviceType type = VK_PHYSICAL_DEVICE_TYPE_OTHER;
  std::uint32_t api_version = 0;
  std::uint32_t vendor_id = 0;
  std::uint32_t device_id = 0;
  std::string driver_name;  // e.g. "llvmpipe", "NVIDIA"
  std::string driver_info;  // e.g. "Mesa 22.3.6 (LLVM 15.0.6)"
  bool has_compute_queue = false;
  DeviceLimits limits;
};

[[nodiscard]] std::string_view to_string(VkPhysicalDeviceType type) noexcept;  // prose
[[nodiscard]] std::string_view to_id(VkPhysicalDeviceType type) noexcept;  // "discrete_gpu", …
[[nodiscard]] std::string api_version_string(std::uint32_t version);

struct DeviceChoice {
  std::uint32_t index = 0;
  std::string reason;  // why this one, in words, for `clinvid gpu-info` and the log
};

// Picks a device. When `override_spec` (CLINVID_VK_DEVICE: an index, or a case-insensitive
// substring of the name) is set, it must match a device with a compute queue, else the result
// is Errc::not_found: an explicit request is never silently replaced by another device.
// Without it: a discrete GPU, then integrated, then virtual, then CPU (lavapipe).
[[nodiscard]] Result<DeviceChoice> choose_device(const std::vector<PhysicalDeviceInfo>& devices,
                                                 const char* override_spec);

struct ContextOptions {
  std::string application_name = "clinvid";
  std::vector<std::string> instance_extensions;  // e.g. from glfwGetRequiredInstanceExtensions
  std::vector<std::string> device_extensions;    // e.g. VK_KHR_swapchain
  // When set, called once the instance exists; the chosen queue family must also support
  // graphics and presentation to this surface. The Context destroys the surface.
  std::function<Result<VkSurfaceKHR>(VkInstance)> create_surface;
  // The queue family must also support graphics (drawing without a surface: the studio's
  // off-screen canvas). Implied by create_surface.
  bool graphics = false;
  // Turn on VK_LAYER_KHRONOS_validation when installed. Default: CLINVID_VK_VALIDATION=1.
  bool validation = false;
};

class Context {
 public:
  [[nodiscard]] static Result<std::shared_ptr<Context>> create(ContextOptions options = {});
  // Lists every physical device without creating a logical device (for gpu-info).
  [[nodiscard]] static Result<std::vector<PhysicalDeviceInfo>> enumerate();

  // The process-wide compute context, created on first use (compute only) unless one was
  // installed before. Thread-safe.
  [[nodiscard]] static Result<std::shared_ptr<Context>> shared();
  // Makes `context` the one shared() returns. Fails if another is already installed.
  [[nodiscard]] static Status install_shared(std::shared_ptr<Context> context);
  // Drops the process-wide reference, so the context is destroyed once its last user lets
  // go (the studio calls this before destroying its window, which the surface depends on).
  static void release_shared() noexcept;

  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  Context(Context&&) = delete;
  Context& operator=(Context&&) = delete;

  [[nodiscard]] VkInstance instance() const noexcept { return instance_; }
  [[nodiscard]] VkPhysicalDevice physical_device() const noexcept { return physical_; }
  [[nodiscard]] VkDevice device() const noexcept { return device_; }
  [[nodiscard]] VkQueue queue() const noexcept { return queue_; }
  [[nodiscard]] std::uint32_t queue_family() const noexcept { return queue_family_; }
  [[nodiscard]] VkSurfaceKHR surface() const noexcept { return surface_; }
  [[nodiscard]] const PhysicalDeviceInfo& info() const noexcept { return info_; }
  [[nodiscard]] const DeviceChoice& choice() const noexcept { return choice_; }

  // A memory type index with `required` flags among `type_bits`, or Errc::unsupported.
  [[nodiscard]] Result<std::uint32_t> find_memory_type(std::uint32_t type_bits,
                                                       VkMemoryPropertyFlags required) const;

  // Submits under the queue mutex.
  [[nodiscard]] Status submit(const VkSubmitInfo& info, VkFence fence);
  [[nodiscard]] std::mutex& queue_mutex() noexcept { return queue_mutex_; }

  // Names an object for validation layers and debuggers; a no-op without debug utils.
  void set_name(VkObjectType type, std::uint64_t handle, const char* name) const;

 private:
  Context() = default;
  VkInstance instance_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  std::uint32_t queue_family_ = 0;
  VkSurfaceKHR surface_ = VK_NULL_HANDLE;
  PFN_vkSetDebugUtilsObjectNameEXT set_object_name_ = nullptr;
  PhysicalDeviceInfo info_;
  DeviceChoice choice_;
  std::mutex queue_mutex_;
};

}  // namespace clinvid::gpu
