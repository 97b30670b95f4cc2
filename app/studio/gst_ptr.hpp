// Owners for the GStreamer handles the studio holds (STYLE: one owner type per C handle).
// Candidates for engine/capture once it exists.
#pragma once

#include <memory>

#include <gst/gst.h>

namespace clinvid::studio {

struct GstObjectUnref {
  void operator()(gpointer object) const noexcept { gst_object_unref(object); }
};
struct GstMessageUnref {
  void operator()(GstMessage* message) const noexcept { gst_message_unref(message); }
};
struct GstSampleUnref {
  void operator()(GstSample* sample) const noexcept { gst_sample_unref(sample); }
};
struct GErrorFree {
  void operator()(GError* error) const noexcept { g_error_free(error); }
};
struct GFree {
  void operator()(gpointer memory) const noexcept { g_free(memory); }
};

template <class T>
using GstObjectPtr = std::unique_ptr<T, GstObjectUnref>;
using GstMessagePtr = std::unique_ptr<GstMessage, GstMessageUnref>;
using GstSamplePtr = std::unique_ptr<GstSample, GstSampleUnref>;
using GErrorPtr = std::unique_ptr<GError, GErrorFree>;
using GCharPtr = std::unique_ptr<gchar, GFree>;

}  // namespace clinvid::studio
