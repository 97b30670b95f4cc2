#include "capture/probes.hpp"

#include <cstring>
#include <exception>

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "capture/test_pattern.hpp"
#include "core/log.hpp"

namespace clinvid::capture {
namespace {

PadPtr static_pad(GstElement* bin, const char* element, const char* pad) {
  const ElementPtr child(gst_bin_get_by_name(GST_BIN(bin), element));
  if (!child) return nullptr;
  return PadPtr(gst_element_get_static_pad(child.get(), pad));
}

// Running time of `pts` in the pad's current segment, or -1.
std::int64_t running_time_ns(GstPad* pad, GstClockTime pts) {
  if (!GST_CLOCK_TIME_IS_VALID(pts)) return -1;
  GstEvent* event = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0);
  if (event == nullptr) return static_cast<std::int64_t>(pts);
  const GstSegment* segment = nullptr;
  gst_event_parse_segment(event, &segment);
  const guint64 running = gst_segment_to_running_time(segment, GST_FORMAT_TIME, pts);
  gst_event_unref(event);
  return GST_CLOCK_TIME_IS_VALID(running) ? static_cast<std::int64_t>(running) : -1;
}

// Where frames enter the stream (the capture queue; audio: after convert): the stream's start
// and gaps in its timestamps (frames the device dropped).
GstPadProbeReturn on_entry(GstPad* pad, GstPadProbeInfo* info, gpointer user) {
  auto* stream = static_cast<StreamRuntime*>(user);
  if ((GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) != 0) {
    GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
    if (GST_EVENT_TYPE(event) == GST_EVENT_CAPS) {
      GstCaps* caps = nullptr;
      gst_event_parse_caps(event, &caps);
      const GstStructure* s = gst_caps_get_structure(caps, 0);
      gint num = 0;
      gint den = 0;
      if (gst_structure_get_fraction(s, "framerate", &num, &den) != FALSE && num > 0 && den > 0) {
        stream->frame_duration_ns.store(
            static_cast<std::int64_t>(gst_util_uint64_scale_int(GST_SECOND, den, num)));
      }
    }
    return GST_PAD_PROBE_OK;
  }
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  const std::int64_t running = running_time_ns(pad, GST_BUFFER_PTS(buffer));
  if (running < 0) return GST_PAD_PROBE_OK;
  std::int64_t unset = -1;
  stream->first_running_ns.compare_exchange_strong(unset, running);
  const std::int64_t last = stream->last_pts_ns.exchange(running);
  const std::int64_t duration = stream->frame_duration_ns.load();
  if (last >= 0 && duration > 0 && running - last > duration + duration / 2) {
    const std::int64_t missing = (running - last + duration / 2) / duration - 1;
    if (missing > 0) stream->gap_frames.fetch_add(static_cast<std::uint64_t>(missing));
  }
  return GST_PAD_PROBE_OK;
}

GstPadProbeReturn count_frame(GstPad*, GstPadProbeInfo*, gpointer counter) {
  static_cast<std::atomic<std::uint64_t>*>(counter)->fetch_add(1);
  return GST_PAD_PROBE_OK;
}

GstPadProbeReturn count_bytes(GstPad*, GstPadProbeInfo* info, gpointer counter) {
  static_cast<std::atomic<std::uint64_t>*>(counter)->fetch_add(
      gst_buffer_get_size(GST_PAD_PROBE_INFO_BUFFER(info)));
  return GST_PAD_PROBE_OK;
}

// A test camera: draws the scene for the buffer's frame index on the session clock into the
// black frame videotestsrc produced; after fail-after frames, fails the way a camera that
// vanishes does (an element error, then a flow error that stops the source).
GstPadProbeReturn render_test_camera(GstPad* pad, GstPadProbeInfo* info, gpointer user) {
  auto* stream = static_cast<StreamRuntime*>(user);
  const std::int64_t count = stream->test_frames.fetch_add(1);
  if (stream->source.fail_after_frames && count >= *stream->source.fail_after_frames) {
    if (count == *stream->source.fail_after_frames) {
      GstObject* src = gst_pad_get_parent(pad);
      if (src != nullptr) {
        GError* error =
            g_error_new(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
                        "The test camera %s disappeared after %" G_GINT64_FORMAT " frames.",
                        stream->uri.c_str(), count);
        gst_element_post_message(GST_ELEMENT(src),
                                 gst_message_new_error(src, error, "fail-after reached"));
        g_error_free(error);
        gst_object_unref(src);
      }
    }
    gst_buffer_unref(GST_PAD_PROBE_INFO_BUFFER(info));
    GST_PAD_PROBE_INFO_DATA(info) = nullptr;
    GST_PAD_PROBE_INFO_FLOW_RETURN(info) = GST_FLOW_ERROR;
    return GST_PAD_PROBE_HANDLED;
  }
  if (stream->source.drop_every_frames &&
      count % *stream->source.drop_every_frames == *stream->source.drop_every_frames - 1) {
    return GST_PAD_PROBE_DROP;  // lost inside the "camera": a gap in its timestamps
  }
  GstBuffer* buffer = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
  GST_PAD_PROBE_INFO_DATA(info) = buffer;
  const std::int64_t running = running_time_ns(pad, GST_BUFFER_PTS(buffer));
  const Rational rate = stream->plan.rate.value_or(Rational::make(30, 1).value());
  // The frame whose slot on the session clock holds this timestamp (rounded to nearest).
  const std::int64_t index =
      running < 0 ? count
                  : static_cast<std::int64_t>(gst_util_uint64_scale_round(
                        static_cast<guint64>(running), static_cast<guint64>(rate.num()),
                        GST_SECOND * static_cast<guint64>(rate.den())));
  GstVideoInfo vinfo;
  gst_video_info_set_format(&vinfo, GST_VIDEO_FORMAT_I420, stream->plan.width, stream->plan.height);
  GstVideoFrame frame;
  if (gst_video_frame_map(&frame, &vinfo, buffer, GST_MAP_WRITE) == FALSE) {
    return GST_PAD_PROBE_OK;
  }
  FrameView view;
  view.format = PixelFormat::i420;
  view.width = stream->plan.width;
  view.height = stream->plan.height;
  for (int p = 0; p < 3; ++p) {
    view.planes[static_cast<std::size_t>(p)] =
        static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, p));
    view.strides[static_cast<std::size_t>(p)] =
        static_cast<std::size_t>(GST_VIDEO_FRAME_PLANE_STRIDE(&frame, p));
  }
  // The scene is drawn for the session's rate (test://gait walks in real time).
  TestSceneOptions scene_options = stream->source.scene_options;
  scene_options.frame_rate = rate;
  const Status drawn = render_test_frame(stream->source.scene, index, scene_options, view);
  gst_video_frame_unmap(&frame);
  if (!drawn) log(LogLevel::error, "capture", "test camera: {}", drawn.error().message());
  return GST_PAD_PROBE_OK;
}

GstFlowReturn on_preview_sample(GstAppSink* sink, gpointer user) {
  auto* stream = static_cast<StreamRuntime*>(user);
  SamplePtr sample(gst_app_sink_pull_sample(sink));
  if (!sample) return GST_FLOW_OK;
  const std::lock_guard lock(stream->preview_mutex);
  stream->latest = std::move(sample);
  ++stream->preview_sequence;
  return GST_FLOW_OK;
}

Status add_probe(GstElement* bin, const char* element, const char* pad_name, GstPadProbeType type,
                 GstPadProbeCallback callback, gpointer data) {
  const PadPtr pad = static_pad(bin, element, pad_name);
  if (!pad) {
    return fail(Errc::internal, std::string("no pad ") + element + "." + pad_name);
  }
  gst_pad_add_probe(pad.get(), type, callback, data, nullptr);
  return {};
}

}  // namespace

Status install_probes(StreamRuntime& stream) {
  GstElement* bin = stream.bin.get();
  const bool video = stream.kind == StreamKind::video;
  const char* entry = video ? "srcq" : "convert";
  const char* entry_pad = video ? "sink" : "src";
  const auto entry_types =
      static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM);
  if (stream.plan.rate) {
    stream.frame_duration_ns.store(static_cast<std::int64_t>(
        gst_util_uint64_scale_int(GST_SECOND, static_cast<gint>(stream.plan.rate->den()),
                                  static_cast<gint>(stream.plan.rate->num()))));
  }
  if (auto ok = add_probe(bin, entry, entry_pad, entry_types, on_entry, &stream); !ok) return ok;
  if (video) {
    if (auto ok = add_probe(bin, "srcq", "sink", GST_PAD_PROBE_TYPE_BUFFER, count_frame,
                            &stream.captured);
        !ok) {
      return ok;
    }
    if (auto ok = add_probe(bin, "srcq", "src", GST_PAD_PROBE_TYPE_BUFFER, count_frame,
                            &stream.processed);
        !ok) {
      return ok;
    }
  }
  if (auto ok =
          add_probe(bin, "encq", "sink", GST_PAD_PROBE_TYPE_BUFFER, count_frame, &stream.frames_in);
      !ok) {
    return ok;
  }
  if (auto ok =
          add_probe(bin, "encq", "src", GST_PAD_PROBE_TYPE_BUFFER, count_frame, &stream.frames_out);
      !ok) {
    return ok;
  }
  if (auto ok =
          add_probe(bin, "sink", "sink", GST_PAD_PROBE_TYPE_BUFFER, count_bytes, &stream.bytes);
      !ok) {
    return ok;
  }
  if (stream.kind == StreamKind::video && stream.source.kind == SourceKind::test) {
    if (auto ok = add_probe(bin, "srccaps", "src", GST_PAD_PROBE_TYPE_BUFFER, render_test_camera,
                            &stream);
        !ok) {
      return ok;
    }
  }
  if (stream.kind == StreamKind::video) {
    const ElementPtr preview(gst_bin_get_by_name(GST_BIN(bin), "preview"));
    if (!preview) return fail(Errc::internal, "no preview appsink");
    GstAppSinkCallbacks callbacks{};
    callbacks.new_sample = on_preview_sample;
    gst_app_sink_set_callbacks(GST_APP_SINK(preview.get()), &callbacks, &stream, nullptr);
  }
  return {};
}

std::optional<PreviewFrame> copy_preview(const StreamRuntime& stream,
                                         std::uint64_t after_sequence) {
  SamplePtr sample;
  std::uint64_t sequence = 0;
  {
    const std::lock_guard lock(stream.preview_mutex);
    if (!stream.latest || stream.preview_sequence <= after_sequence) return std::nullopt;
    sample.reset(gst_sample_ref(stream.latest.get()));
    sequence = stream.preview_sequence;
  }
  GstVideoInfo info;
  if (gst_video_info_from_caps(&info, gst_sample_get_caps(sample.get())) == FALSE ||
      GST_VIDEO_INFO_FORMAT(&info) != GST_VIDEO_FORMAT_I420) {
    return std::nullopt;
  }
  GstBuffer* buffer = gst_sample_get_buffer(sample.get());
  GstVideoFrame frame;
  if (gst_video_frame_map(&frame, &info, buffer, GST_MAP_READ) == FALSE) return std::nullopt;
  PreviewFrame out;
  out.sequence = sequence;
  out.width = static_cast<std::uint32_t>(GST_VIDEO_INFO_WIDTH(&info));
  out.height = static_cast<std::uint32_t>(GST_VIDEO_INFO_HEIGHT(&info));
  if (GST_BUFFER_PTS_IS_VALID(buffer)) {
    out.timestamp = Time::nanoseconds(static_cast<std::int64_t>(GST_BUFFER_PTS(buffer)));
  }
  for (int p = 0; p < 3; ++p) {
    const auto width = static_cast<std::size_t>(GST_VIDEO_FRAME_COMP_WIDTH(&frame, p));
    const auto height = static_cast<std::size_t>(GST_VIDEO_FRAME_COMP_HEIGHT(&frame, p));
    const auto stride = static_cast<std::size_t>(GST_VIDEO_FRAME_PLANE_STRIDE(&frame, p));
    const auto* data = static_cast<const std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, p));
    for (std::size_t y = 0; y < height; ++y) {
      out.i420.insert(out.i420.end(), data + y * stride, data + y * stride + width);
    }
  }
  gst_video_frame_unmap(&frame);
  return out;
}

}  // namespace clinvid::capture
