#include "gpu/context.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include <dlfcn.h>

#include "core/log.hpp"
#include "gpu/vk_check.hpp"

namespace clinvid::gpu {
namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

bool has_layer(const char* name) {
  std::uint32_t count = 0;
  vkEnumerateInstanceLayerProperties(&count, nullptr);
  std::vector<VkLayerProperties> layers(count);
  vkEnumerateInstanceLayerProperties(&count, layers.data());
  return std::any_of(layers.begin(), layers.end(), [&](const VkLayerProperties& l) {
    return std::strcmp(l.layerName, name) == 0;
  });
}

bool has_instance_extension(const char* name) {
  std::uint32_t count = 0;
  vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr);
  std::vector<VkExtensionProperties> exts(count);
  vkEnumerateInstanceExtensionProperties(nullptr, &count, exts.data());
  return std::any_of(exts.begin(), exts.end(), [&](const VkExtensionProperties& e) {
    return std::strcmp(e.extensionName, name) == 0;
  });
}

// Sanitizer builds only: LeakSanitizer reports at exit, after the Vulkan loader has unloaded
// the driver, so lavapipe's one known allocation would show as "<unknown module>" and could
// not be told apart from a leak of ours. Keeping the driver loaded lets tests/sanitizer/
// lsan.supp name it.
void pin_driver_for_leak_reports() {
#if defined(__SANITIZE_ADDRESS__)
  static void* const pinned = dlopen("libvulkan_lvp.so", RTLD_NOW | RTLD_NODELETE);
  (void)pinned;
#endif
}

Result<VkInstance> create_instance(const std::string& app_name,
                                   const std::vector<std::string>& extensions, bool validation,
                                   bool& debug_utils) {
  pin_driver_for_leak_reports();
  VkApplicationInfo app{};
  app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
  app.pApplicationName = app_name.c_str();
  app.applicationVersion = VK_MAKE_API_VERSION(0, 0, 1, 0);
  app.pEngineName = "clinvid";
  app.engineVersion = VK_MAKE_API_VERSION(0, 0, 1, 0);
  app.apiVersion = VK_API_VERSION_1_1;

  std::vector<const char*> ext_ptrs;
  for (const auto& e : extensions) ext_ptrs.push_back(e.c_str());
  debug_utils = has_instance_extension(VK_EXT_DEBUG_UTILS_EXTENSION_NAME) && validation;
  if (debug_utils) ext_ptrs.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  std::vector<const char*> layers;
  if (validation) {
    if (has_layer(kValidationLayer)) {
      layers.push_back(kValidationLayer);
    } else {
      log(LogLevel::warn, "gpu", "validation requested but {} is not installed", kValidationLayer);
    }
  }

  VkInstanceCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
  info.pApplicationInfo = &app;
  info.enabledExtensionCount = static_cast<std::uint32_t>(ext_ptrs.size());
  info.ppEnabledExtensionNames = ext_ptrs.data();
  info.enabledLayerCount = static_cast<std::uint32_t>(layers.size());
  info.ppEnabledLayerNames = layers.data();
  VkInstance instance = VK_NULL_HANDLE;
  const VkResult r = vkCreateInstance(&info, nullptr, &instance);
  if (r == VK_ERROR_INCOMPATIBLE_DRIVER) {
    return fail(Errc::unsupported,
                "no Vulkan driver found (install mesa-vulkan-drivers for lavapipe)");
  }
  CLINVID_VK_TRY(r);
  return instance;
}

std::vector<VkPhysicalDevice> physical_devices(VkInstance instance) {
  std::uint32_t count = 0;
  vkEnumeratePhysicalDevices(instance, &count, nullptr);
  std::vector<VkPhysicalDevice> devices(count);
  vkEnumeratePhysicalDevices(instance, &count, devices.data());
  devices.resize(count);
  return devices;
}

std::vector<VkQueueFamilyProperties> queue_families(VkPhysicalDevice device) {
  std::uint32_t count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(device, &count, nullptr);
  std::vector<VkQueueFamilyProperties> families(count);
  vkGetPhysicalDeviceQueueFamilyProperties(device, &count, families.data());
  return families;
}

PhysicalDeviceInfo describe(VkPhysicalDevice device, std::uint32_t index) {
  VkPhysicalDeviceDriverProperties driver{};
  driver.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES;
  VkPhysicalDeviceProperties2 props2{};
  props2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
  VkPhysicalDeviceProperties basic{};
  vkGetPhysicalDeviceProperties(device, &basic);
  // Driver properties are core in 1.2; ask for them only where the device has 1.2.
  if (basic.apiVersion >= VK_API_VERSION_1_2) props2.pNext = &driver;
  vkGetPhysicalDeviceProperties2(device, &props2);
  const VkPhysicalDeviceProperties& p = props2.properties;

  PhysicalDeviceInfo info;
  info.index = index;
  info.name = p.deviceName;
  info.type = p.deviceType;
  info.api_version = p.apiVersion;
  info.vendor_id = p.vendorID;
  info.device_id = p.deviceID;
  if (props2.pNext != nullptr) {
    info.driver_name = driver.driverName;
    info.driver_info = driver.driverInfo;
  }
  DeviceLimits& l = info.limits;
  l.max_compute_workgroup_invocations = p.limits.maxComputeWorkGroupInvocations;
  for (int i = 0; i < 3; ++i) {
    l.max_compute_workgroup_size[i] = p.limits.maxComputeWorkGroupSize[i];
    l.max_compute_workgroup_count[i] = p.limits.maxComputeWorkGroupCount[i];
  }
  l.max_storage_buffer_range = p.limits.maxStorageBufferRange;
  l.max_push_constants_size = p.limits.maxPushConstantsSize;
  l.max_image_dimension_2d = p.limits.maxImageDimension2D;
  l.timestamp_period_ns = p.limits.timestampPeriod;
  for (const auto& family : queue_families(device)) {
    if ((family.queueFlags & VK_QUEUE_COMPUTE_BIT) != 0) {
      info.has_compute_queue = true;
      if (p.limits.timestampComputeAndGraphics == VK_TRUE) {
        l.timestamp_valid_bits = family.timestampValidBits;
      }
      break;
    }
  }
  VkPhysicalDeviceMemoryProperties mem{};
  vkGetPhysicalDeviceMemoryProperties(device, &mem);
  for (std::uint32_t i = 0; i < mem.memoryHeapCount; ++i) {
    if ((mem.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) != 0) {
      l.device_local_bytes += mem.memoryHeaps[i].size;
    }
  }
  return info;
}

int type_rank(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 4;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 3;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 1;
    default: return 0;
  }
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::mutex& shared_mutex() {
  static std::mutex m;
  return m;
}
std::shared_ptr<Context>& shared_slot() {
  static std::shared_ptr<Context> slot;
  return slot;
}

bool validation_from_env() {
  const char* v = std::getenv("CLINVID_VK_VALIDATION");
  return v != nullptr && std::strcmp(v, "1") == 0;
}

}  // namespace

std::string_view to_string(VkPhysicalDeviceType type) noexcept {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete GPU";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated GPU";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual GPU";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "CPU (software)";
    default: return "other";
  }
}

std::string_view to_id(VkPhysicalDeviceType type) noexcept {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete_gpu";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated_gpu";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual_gpu";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
    default: return "other";
  }
}

std::string api_version_string(std::uint32_t version) {
  return std::to_string(VK_API_VERSION_MAJOR(version)) + "." +
         std::to_string(VK_API_VERSION_MINOR(version)) + "." +
         std::to_string(VK_API_VERSION_PATCH(version));
}

Result<DeviceChoice> choose_device(const std::vector<PhysicalDeviceInfo>& devices,
                                   const char* override_spec) {
  if (devices.empty()) {
    return fail(Errc::not_found, "no Vulkan device (install mesa-vulkan-drivers for lavapipe)");
  }
  if (override_spec != nullptr && *override_spec != '\0') {
    const std::string spec = override_spec;
    std::uint32_t wanted = 0;
    const auto [ptr, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), wanted);
    const bool numeric = ec == std::errc() && ptr == spec.data() + spec.size();
    for (const auto& d : devices) {
      const bool match =
          numeric ? d.index == wanted : lower(d.name).find(lower(spec)) != std::string::npos;
      if (match && d.has_compute_queue) {
        return DeviceChoice{d.index, "selected by CLINVID_VK_DEVICE=" + spec};
      }
    }
    return fail(Errc::not_found,
                "CLINVID_VK_DEVICE=" + spec + " matches no Vulkan device with a compute queue");
  }
  const PhysicalDeviceInfo* best = nullptr;
  for (const auto& d : devices) {
    if (!d.has_compute_queue) continue;
    if (best == nullptr || type_rank(d.type) > type_rank(best->type)) best = &d;
  }
  if (best == nullptr) return fail(Errc::not_found, "no Vulkan device has a compute queue");
  std::string reason;
  switch (best->type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: reason = "first discrete GPU"; break;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      reason = "no discrete GPU; first integrated GPU";
      break;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      reason = "no hardware GPU; software rasteriser (lavapipe) runs the same shaders";
      break;
    default: reason = "best available device"; break;
  }
  return DeviceChoice{best->index, reason};
}

Result<std::vector<PhysicalDeviceInfo>> Context::enumerate() {
  bool debug_utils = false;
  auto instance = create_instance("clinvid-enumerate", {}, false, debug_utils);
  if (!instance) return tl::unexpected(instance.error());
  std::vector<PhysicalDeviceInfo> out;
  std::uint32_t index = 0;
  for (VkPhysicalDevice d : physical_devices(*instance)) out.push_back(describe(d, index++));
  vkDestroyInstance(*instance, nullptr);
  return out;
}

Result<std::shared_ptr<Context>> Context::create(ContextOptions options) {
  std::shared_ptr<Context> ctx(new Context());
  bool debug_utils = false;
  auto instance = create_instance(options.application_name, options.instance_extensions,
                                  options.validation || validation_from_env(), debug_utils);
  if (!instance) return tl::unexpected(instance.error());
  ctx->instance_ = *instance;
  if (debug_utils) {
    ctx->set_object_name_ = reinterpret_cast<PFN_vkSetDebugUtilsObjectNameEXT>(
        vkGetInstanceProcAddr(ctx->instance_, "vkSetDebugUtilsObjectNameEXT"));
  }
  if (options.create_surface) {
    auto surface = options.create_surface(ctx->instance_);
    if (!surface) return tl::unexpected(surface.error());
    ctx->surface_ = *surface;
  }

  const auto handles = physical_devices(ctx->instance_);
  std::vector<PhysicalDeviceInfo> infos;
  for (std::uint32_t i = 0; i < handles.size(); ++i) infos.push_back(describe(handles[i], i));
  auto choice = choose_device(infos, std::getenv("CLINVID_VK_DEVICE"));
  if (!choice) return tl::unexpected(choice.error());
  ctx->choice_ = *choice;
  ctx->info_ = infos[choice->index];
  ctx->physical_ = handles[choice->index];

  // One queue family for everything: compute, and graphics+present when there is a surface.
  const auto families = queue_families(ctx->physical_);
  bool found = false;
  for (std::uint32_t i = 0; i < families.size() && !found; ++i) {
    VkQueueFlags need = VK_QUEUE_COMPUTE_BIT;
    if (ctx->surface_ != VK_NULL_HANDLE || options.graphics) need |= VK_QUEUE_GRAPHICS_BIT;
    if ((families[i].queueFlags & need) != need) continue;
    if (ctx->surface_ != VK_NULL_HANDLE) {
      VkBool32 present = VK_FALSE;
      vkGetPhysicalDeviceSurfaceSupportKHR(ctx->physical_, i, ctx->surface_, &present);
      if (present != VK_TRUE) continue;
    }
    ctx->queue_family_ = i;
    ctx->info_.limits.timestamp_valid_bits = families[i].timestampValidBits;
    found = true;
  }
  if (!found) {
    return fail(Errc::unsupported,
                ctx->info_.name + " has no queue family for " +
                    (ctx->surface_ != VK_NULL_HANDLE ? "compute + graphics + present" : "compute"));
  }

  const float priority = 1.0F;
  VkDeviceQueueCreateInfo queue_info{};
  queue_info.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
  queue_info.queueFamilyIndex = ctx->queue_family_;
  queue_info.queueCount = 1;
  queue_info.pQueuePriorities = &priority;
  std::vector<const char*> ext_ptrs;
  for (const auto& e : options.device_extensions) ext_ptrs.push_back(e.c_str());
  VkDeviceCreateInfo device_info{};
  device_info.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
  device_info.queueCreateInfoCount = 1;
  device_info.pQueueCreateInfos = &queue_info;
  device_info.enabledExtensionCount = static_cast<std::uint32_t>(ext_ptrs.size());
  device_info.ppEnabledExtensionNames = ext_ptrs.data();
  CLINVID_VK_TRY(vkCreateDevice(ctx->physical_, &device_info, nullptr, &ctx->device_));
  vkGetDeviceQueue(ctx->device_, ctx->queue_family_, 0, &ctx->queue_);
  log(LogLevel::info, "gpu", "using {} ({}): {}", ctx->info_.name, ctx->info_.driver_info,
      ctx->choice_.reason);
  return ctx;
}

Result<std::shared_ptr<Context>> Context::shared() {
  const std::lock_guard lock(shared_mutex());
  auto& slot = shared_slot();
  if (!slot) {
    auto created = create();
    if (!created) return tl::unexpected(created.error());
    slot = std::move(*created);
  }
  return slot;
}

Status Context::install_shared(std::shared_ptr<Context> context) {
  const std::lock_guard lock(shared_mutex());
  auto& slot = shared_slot();
  if (slot && slot != context) {
    return fail(Errc::invalid_argument, "a shared Vulkan context already exists in this process");
  }
  slot = std::move(context);
  return {};
}

void Context::release_shared() noexcept {
  const std::lock_guard lock(shared_mutex());
  shared_slot().reset();
}

Context::~Context() {
  if (device_ != VK_NULL_HANDLE) {
    vkDeviceWaitIdle(device_);
    vkDestroyDevice(device_, nullptr);
  }
  if (surface_ != VK_NULL_HANDLE) vkDestroySurfaceKHR(instance_, surface_, nullptr);
  if (instance_ != VK_NULL_HANDLE) vkDestroyInstance(instance_, nullptr);
}

Result<std::uint32_t> Context::find_memory_type(std::uint32_t type_bits,
                                                VkMemoryPropertyFlags required) const {
  VkPhysicalDeviceMemoryProperties mem{};
  vkGetPhysicalDeviceMemoryProperties(physical_, &mem);
  for (std::uint32_t i = 0; i < mem.memoryTypeCount; ++i) {
    if ((type_bits & (1U << i)) != 0 && (mem.memoryTypes[i].propertyFlags & required) == required) {
      return i;
    }
  }
  return fail(Errc::unsupported, "no memory type with the required properties");
}

Status Context::submit(const VkSubmitInfo& info, VkFence fence) {
  const std::lock_guard lock(queue_mutex_);
  CLINVID_VK_TRY(vkQueueSubmit(queue_, 1, &info, fence));
  return {};
}

void Context::set_name(VkObjectType type, std::uint64_t handle, const char* name) const {
  if (set_object_name_ == nullptr || name == nullptr) return;
  VkDebugUtilsObjectNameInfoEXT info{};
  info.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_OBJECT_NAME_INFO_EXT;
  info.objectType = type;
  info.objectHandle = handle;
  info.pObjectName = name;
  set_object_name_(device_, &info);
}

}  // namespace clinvid::gpu
