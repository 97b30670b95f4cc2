#include "capture/discovery.hpp"

#include <gst/gst.h>

#include "capture/gst_support.hpp"

namespace clinvid::capture {
namespace {

std::string string_field(const GstStructure* s, const char* name) {
  const gchar* value = s != nullptr ? gst_structure_get_string(s, name) : nullptr;
  return value != nullptr ? value : "";
}

std::string value_text(const GstStructure* s, const char* name) {
  const GValue* v = gst_structure_get_value(s, name);
  if (v == nullptr) return "";
  gchar* text = gst_value_serialize(v);
  std::string out = text != nullptr ? text : "";
  g_free(text);
  return out;
}

std::vector<DeviceMode> modes_of(GstDevice* device) {
  std::vector<DeviceMode> modes;
  GstCaps* caps = gst_device_get_caps(device);
  if (caps == nullptr) return modes;
  for (guint i = 0; i < gst_caps_get_size(caps); ++i) {
    const GstStructure* s = gst_caps_get_structure(caps, i);
    DeviceMode mode;
    mode.media = gst_structure_get_name(s);
    mode.format = string_field(s, "format");
    gst_structure_get_int(s, "width", &mode.width);
    gst_structure_get_int(s, "height", &mode.height);
    mode.rates = value_text(s, mode.media.starts_with("audio") ? "rate" : "framerate");
    modes.push_back(std::move(mode));
  }
  gst_caps_unref(caps);
  return modes;
}

}  // namespace

Result<std::vector<Device>> discover_devices(
    std::chrono::milliseconds timeout, const std::optional<std::filesystem::path>& plugin_dir) {
  if (auto ok = init_gstreamer(plugin_dir); !ok) return tl::unexpected(ok.error());
  std::unique_ptr<GstDeviceMonitor, GstObjectDeleter> monitor(gst_device_monitor_new());
  gst_device_monitor_add_filter(monitor.get(), "Video/Source", nullptr);
  gst_device_monitor_add_filter(monitor.get(), "Audio/Source", nullptr);
  if (gst_device_monitor_start(monitor.get()) == FALSE) {
    // No provider could start (no udev, no sound server): nothing attached that we can see.
    return std::vector<Device>{};
  }
  // Providers that enumerate asynchronously (PipeWire) report within the first moments.
  g_usleep(static_cast<gulong>(std::min<std::int64_t>(timeout.count(), 5000) * 1000 / 4));
  std::vector<Device> out;
  GList* devices = gst_device_monitor_get_devices(monitor.get());
  for (GList* l = devices; l != nullptr; l = l->next) {
    auto* device = GST_DEVICE(l->data);
    Device d;
    gchar* name = gst_device_get_display_name(device);
    d.name = name != nullptr ? name : "";
    g_free(name);
    const bool video = gst_device_has_classes(device, "Video/Source") != FALSE;
    d.kind = video ? DeviceKind::camera : DeviceKind::microphone;
    GstStructure* props = gst_device_get_properties(device);
    d.api = string_field(props, "device.api");
    const std::string path = !string_field(props, "api.v4l2.path").empty()
                                 ? string_field(props, "api.v4l2.path")
                                 : string_field(props, "device.path");
    if (video && path.starts_with("/dev/video")) {
      d.uri = "v4l2://" + path;
    } else if (!video && d.api == "alsa") {
      const std::string card = string_field(props, "alsa.card");
      const std::string dev = string_field(props, "alsa.device");
      if (!card.empty()) d.uri = "alsa://hw:" + card + (dev.empty() ? "" : "," + dev);
    } else if (!video && d.api == "pulse") {
      d.uri = "pulse://" + string_field(props, "device.string");
    } else if (!video) {
      const std::string id = string_field(props, "object.serial");
      if (!id.empty()) d.uri = "pipewire://" + id;
    }
    if (props != nullptr) gst_structure_free(props);
    d.modes = modes_of(device);
    out.push_back(std::move(d));
  }
  g_list_free_full(devices, gst_object_unref);
  gst_device_monitor_stop(monitor.get());
  return out;
}

Json to_json(const Device& device) {
  Json modes = Json::array();
  for (const DeviceMode& m : device.modes) {
    Json j = {{"media", m.media}, {"format", m.format}, {"rates", m.rates}};
    if (m.width > 0) {
      j["width"] = m.width;
      j["height"] = m.height;
    }
    modes.push_back(std::move(j));
  }
  return {{"kind", device.kind == DeviceKind::camera ? "camera" : "microphone"},
          {"name", device.name},
          {"uri", device.uri},
          {"api", device.api},
          {"modes", std::move(modes)}};
}

}  // namespace clinvid::capture
