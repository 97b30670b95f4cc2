#include "capture/gst_support.hpp"

#include <mutex>

namespace clinvid::capture {

bool have_element(const char* factory_name) {
  GstElementFactory* factory = gst_element_factory_find(factory_name);
  if (factory == nullptr) return false;
  gst_object_unref(factory);
  return true;
}

Status init_gstreamer(const std::optional<std::filesystem::path>& plugin_dir) {
  static std::once_flag once;
  static std::string init_problem;
  std::call_once(once, [] {
    GError* error = nullptr;
    if (gst_init_check(nullptr, nullptr, &error) == FALSE) {
      init_problem = std::string("GStreamer did not initialise: ") +
                     (error != nullptr ? error->message : "unknown reason");
      if (error != nullptr) g_error_free(error);
    }
  });
  if (!init_problem.empty()) return fail(Errc::media, init_problem);
  static std::mutex scan_mutex;
  const std::lock_guard lock(scan_mutex);
  if (!(have_element("clinvidcolor") && have_element("clinvidagesink")) && plugin_dir) {
    static_cast<void>(gst_registry_scan_path(gst_registry_get(), plugin_dir->c_str()));
  }
  for (const char* name : {"clinvidcolor", "clinvidagesink"}) {
    if (!have_element(name)) {
      return fail(Errc::not_found,
                  std::string("the GStreamer element ") + name +
                      " is neither installed nor found; set GST_PLUGIN_PATH to the directory "
                      "holding libgstclinvid.so");
    }
  }
  return {};
}

std::string describe_message(GstMessage* message) {
  GError* error = nullptr;
  gchar* debug = nullptr;
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    gst_message_parse_error(message, &error, &debug);
  } else if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_WARNING) {
    gst_message_parse_warning(message, &error, &debug);
  } else {
    return GST_MESSAGE_TYPE_NAME(message);
  }
  std::string text = error != nullptr ? error->message : "unknown error";
  if (debug != nullptr && *debug != '\0') text += std::string(" (") + debug + ")";
  if (error != nullptr) g_error_free(error);
  g_free(debug);
  return text;
}

}  // namespace clinvid::capture
