#include "workstation.hpp"

#include <gst/gst.h>

#include "core/paths.hpp"

namespace clinvid::studio {
namespace {

std::vector<std::string> attached_cameras() {
  std::vector<std::string> names;
  GstDeviceMonitor* monitor = gst_device_monitor_new();
  gst_device_monitor_add_filter(monitor, "Video/Source", nullptr);
  if (gst_device_monitor_start(monitor) == TRUE) {
    GList* devices = gst_device_monitor_get_devices(monitor);
    for (GList* item = devices; item != nullptr; item = item->next) {
      auto* device = static_cast<GstDevice*>(item->data);
      gchar* name = gst_device_get_display_name(device);
      names.emplace_back(name != nullptr ? name : "camera");
      g_free(name);
    }
    g_list_free_full(devices, gst_object_unref);
    gst_device_monitor_stop(monitor);
  }
  gst_object_unref(monitor);
  return names;
}

}  // namespace

Workstation discover_workstation() {
  Workstation found;
  found.archive = paths::default_archive();
  if (auto made = paths::ensure_directory(found.archive); !made) {
    found.archive_problem = made.error().message();
  }
  found.cameras = attached_cameras();
  return found;
}

}  // namespace clinvid::studio
