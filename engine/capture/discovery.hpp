// Cameras and microphones attached to this machine, found with GstDeviceMonitor, each with a
// URI that `Session` accepts and the modes (caps) it offers.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"

namespace clinvid::capture {

enum class DeviceKind { invalid = 0, camera, microphone };

struct DeviceMode {
  std::string media;   // "video/x-raw", "image/jpeg", "audio/x-raw"
  std::string format;  // "YUY2", "S16LE"; empty when not fixed
  int width = 0;       // video
  int height = 0;
  std::string rates;  // "30/1, 15/1" as GStreamer lists them; or audio sample rates
};

struct Device {
  DeviceKind kind = DeviceKind::invalid;
  std::string name;  // human name ("Integrated Camera")
  std::string uri;   // what to pass to --source/--audio; empty if not addressable
  std::string api;   // "v4l2", "pipewire", "pulse", "alsa"
  std::vector<DeviceMode> modes;
};

// Probes for up to `timeout` (the monitor's first scan). An empty list is not an error: a
// machine without cameras has none; the test cameras (test://…) are always available.
[[nodiscard]] Result<std::vector<Device>> discover_devices(
    std::chrono::milliseconds timeout = std::chrono::seconds(2),
    const std::optional<std::filesystem::path>& plugin_dir = std::nullopt);

[[nodiscard]] Json to_json(const Device& device);

}  // namespace clinvid::capture
