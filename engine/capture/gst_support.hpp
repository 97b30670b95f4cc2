// GStreamer glue shared by the capture module: initialisation with the project's plugin, and
// owners for the handles it holds. Internal to engine/capture (no public header includes it).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <gst/gst.h>

#include "core/result.hpp"

namespace clinvid::capture {

// gst_init once; then makes sure clinvidcolor and clinvidagesink are in the registry, scanning
// `plugin_dir` when they are not. Errc::not_found names what is missing and how to fix it.
[[nodiscard]] Status init_gstreamer(const std::optional<std::filesystem::path>& plugin_dir);
// Whether an element factory of this name is registered.
[[nodiscard]] bool have_element(const char* factory_name);

struct GstObjectDeleter {
  void operator()(gpointer object) const noexcept {
    if (object != nullptr) gst_object_unref(object);
  }
};
struct GstMiniObjectDeleter {
  void operator()(gpointer object) const noexcept {
    if (object != nullptr) gst_mini_object_unref(static_cast<GstMiniObject*>(object));
  }
};
using ElementPtr = std::unique_ptr<GstElement, GstObjectDeleter>;
using PadPtr = std::unique_ptr<GstPad, GstObjectDeleter>;
using BusPtr = std::unique_ptr<GstBus, GstObjectDeleter>;
using MessagePtr = std::unique_ptr<GstMessage, GstMiniObjectDeleter>;
using SamplePtr = std::unique_ptr<GstSample, GstMiniObjectDeleter>;

// "message (debug)" of an ERROR or WARNING message.
[[nodiscard]] std::string describe_message(GstMessage* message);

}  // namespace clinvid::capture
