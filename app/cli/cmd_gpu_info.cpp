#include "cmd_gpu_info.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "gpu/context.hpp"

namespace clinvid::cli {
namespace {

using gpu::PhysicalDeviceInfo;
using Json = nlohmann::ordered_json;  // keeps keys in the order written, for readers

struct GpuInfoOptions {
  bool json = false;
};

const PhysicalDeviceInfo* find_device(const std::vector<PhysicalDeviceInfo>& devices,
                                      std::uint32_t index) {
  const auto it =
      std::find_if(devices.begin(), devices.end(), [&](const auto& d) { return d.index == index; });
  return it == devices.end() ? nullptr : &*it;
}

std::string chosen_name(const std::vector<PhysicalDeviceInfo>& devices, std::uint32_t index) {
  const PhysicalDeviceInfo* device = find_device(devices, index);
  return device == nullptr ? std::string("?") : device->name;
}

std::string hex(std::uint32_t value) {
  return fmt::format("0x{:04x}", value);
}

std::string mebibytes(std::uint64_t bytes) {
  return fmt::format("{} MiB", bytes / (std::uint64_t{1} << 20U));
}

Json device_json(const PhysicalDeviceInfo& d) {
  const gpu::DeviceLimits& l = d.limits;
  return Json{
      {"index", d.index},
      {"name", d.name},
      {"type", std::string(gpu::to_id(d.type))},
      {"type_description", std::string(gpu::to_string(d.type))},
      {"api_version", gpu::api_version_string(d.api_version)},
      {"driver_name", d.driver_name},
      {"driver_info", d.driver_info},
      {"vendor_id", d.vendor_id},
      {"device_id", d.device_id},
      {"has_compute_queue", d.has_compute_queue},
      {"limits",
       {
           {"max_compute_workgroup_invocations", l.max_compute_workgroup_invocations},
           {"max_compute_workgroup_size",
            {l.max_compute_workgroup_size[0], l.max_compute_workgroup_size[1],
             l.max_compute_workgroup_size[2]}},
           {"max_compute_workgroup_count",
            {l.max_compute_workgroup_count[0], l.max_compute_workgroup_count[1],
             l.max_compute_workgroup_count[2]}},
           {"max_storage_buffer_range_bytes", l.max_storage_buffer_range},
           {"max_push_constants_size_bytes", l.max_push_constants_size},
           {"max_image_dimension_2d", l.max_image_dimension_2d},
           {"timestamp_period_ns", l.timestamp_period_ns},
           {"timestamp_valid_bits", l.timestamp_valid_bits},
           {"device_local_bytes", l.device_local_bytes},
       }},
  };
}

void print_device(const PhysicalDeviceInfo& d, bool chosen) {
  const gpu::DeviceLimits& l = d.limits;
  fmt::print("[{}] {}{}\n", d.index, d.name, chosen ? "  (chosen)" : "");
  fmt::print("    type:                {}\n", gpu::to_string(d.type));
  fmt::print("    api version:         {}\n", gpu::api_version_string(d.api_version));
  fmt::print("    driver:              {} ({})\n", d.driver_name, d.driver_info);
  fmt::print("    vendor/device id:    {} / {}\n", hex(d.vendor_id), hex(d.device_id));
  fmt::print("    compute queue:       {}\n", d.has_compute_queue ? "yes" : "no");
  fmt::print("    workgroup:           {} invocations, size {}x{}x{}, count {}x{}x{}\n",
             l.max_compute_workgroup_invocations, l.max_compute_workgroup_size[0],
             l.max_compute_workgroup_size[1], l.max_compute_workgroup_size[2],
             l.max_compute_workgroup_count[0], l.max_compute_workgroup_count[1],
             l.max_compute_workgroup_count[2]);
  fmt::print("    storage buffer:      {} bytes max range\n", l.max_storage_buffer_range);
  fmt::print("    push constants:      {} bytes\n", l.max_push_constants_size);
  fmt::print("    image 2D:            {} px max dimension\n", l.max_image_dimension_2d);
  if (l.timestamp_valid_bits == 0) {
    fmt::print("    timestamps:          not supported on the compute queue\n");
  } else {
    fmt::print("    timestamps:          period {} ns, {} valid bits\n", l.timestamp_period_ns,
               l.timestamp_valid_bits);
  }
  fmt::print("    device-local memory: {}\n", mebibytes(l.device_local_bytes));
}

// What to tell the user when the choice failed: with an override, how to pick a device.
std::string choice_failure(const Error& error, const std::vector<PhysicalDeviceInfo>& devices,
                           const char* spec) {
  if (spec == nullptr || *spec == '\0') {
    return "no usable Vulkan device: " + error.message() +
           "\nfix: sudo apt-get install mesa-vulkan-drivers";
  }
  std::vector<std::string> choices;
  for (const auto& d : devices) {
    if (d.has_compute_queue) choices.push_back(fmt::format("{} ({})", d.index, d.name));
  }
  return fmt::format(
      "{}\nfix: unset CLINVID_VK_DEVICE, or set it to an index or part of a name: {}",
      error.message(),
      choices.empty() ? "none has a compute queue" : fmt::format("{}", fmt::join(choices, ", ")));
}

ExitCode run_gpu_info(const GpuInfoOptions& options) {
  auto devices = gpu::Context::enumerate();
  if (!devices) {
    return report_error(ExitCode::runtime_error,
                        "no Vulkan: " + devices.error().message() +
                            "\nfix: sudo apt-get install mesa-vulkan-drivers libvulkan1");
  }
  // The engine refuses to run when CLINVID_VK_DEVICE matches nothing (it does not fall
  // back), so gpu-info lists the devices to choose from and then fails the same way.
  const char* spec = std::getenv("CLINVID_VK_DEVICE");
  const bool has_override = spec != nullptr && *spec != '\0';
  const auto choice = gpu::choose_device(*devices, spec);

  if (options.json) {
    Json out;
    out["devices"] = Json::array();
    for (const auto& d : *devices) out["devices"].push_back(device_json(d));
    out["override"] =
        has_override ? Json{{"spec", spec}, {"matched", choice.has_value()}} : Json(nullptr);
    if (choice) {
      out["chosen"] = Json{{"index", choice->index},
                           {"name", chosen_name(*devices, choice->index)},
                           {"reason", choice->reason}};
    } else {
      out["chosen"] = nullptr;
      out["error"] = choice.error().message();
    }
    fmt::print("{}\n", out.dump(2));
  } else {
    fmt::print("Vulkan devices: {}\n", devices->size());
    for (const auto& d : *devices) print_device(d, choice && choice->index == d.index);
    if (choice) {
      fmt::print("chosen: [{}] {}: {}\n", choice->index, chosen_name(*devices, choice->index),
                 choice->reason);
    } else {
      fmt::print("chosen: none\n");
    }
  }
  std::fflush(stdout);

  if (!choice) {
    return report_error(ExitCode::runtime_error, choice_failure(choice.error(), *devices, spec));
  }
  return ExitCode::ok;
}

}  // namespace

Command add_gpu_info(CLI::App& parent) {
  auto options = std::make_shared<GpuInfoOptions>();
  CLI::App* app = parent.add_subcommand(
      "gpu-info", "List Vulkan devices and their limits, and show which one clinvid uses and why");
  app->add_flag("--json", options->json, "Print the same information as JSON on stdout");
  app->footer("CLINVID_VK_DEVICE=<index|name substring> overrides the choice.");
  return Command{app, [options] { return run_gpu_info(*options); }};
}

}  // namespace clinvid::cli
