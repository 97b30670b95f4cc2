// The `clinvid` GStreamer plugin: registers every clinvid element. Found through
// GST_PLUGIN_PATH=<build>/plugins/gst; `gst-inspect-1.0 clinvid` lists the elements.
#include <gst/gst.h>

#include "clinvidagesink.h"
#include "clinvidagesrc.h"
#include "clinvidchart.h"
#include "clinvidcolor.h"

#ifndef PACKAGE
#error "PACKAGE must be defined by the build (plugins/gst/CMakeLists.txt)"
#endif
#ifndef VERSION
#error "VERSION must be defined by the build (plugins/gst/CMakeLists.txt)"
#endif

namespace {

gboolean plugin_init(GstPlugin* plugin) {
  gboolean ok = TRUE;
  ok &= GST_ELEMENT_REGISTER(clinvidcolor, plugin);
  ok &= GST_ELEMENT_REGISTER(clinvidchart, plugin);
  ok &= GST_ELEMENT_REGISTER(clinvidagesink, plugin);
  ok &= GST_ELEMENT_REGISTER(clinvidagesrc, plugin);
  return ok;
}

}  // namespace

// "LGPL": GStreamer refuses to load plugins whose license string it does not know.
GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, clinvid,
                  "clinvid clinical video elements (Vulkan compute colour processing)", plugin_init,
                  VERSION, "LGPL", "clinvid", "https://clinvid.invalid")
