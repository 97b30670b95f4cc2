// Video files for the colour commands, through GStreamer: decoding the first seconds of a
// file to RGBA (to find a chart) and re-encoding a whole file through clinvidcolor.
// Everything here runs on the calling thread and blocks until done.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>

#include "core/frame.hpp"
#include "core/result.hpp"

namespace clinvid::cli {

// gst_init once, and clinvidcolor findable: from the registry (installed or GST_PLUGIN_PATH)
// or else from the build tree this binary was built in. Errc::not_found when neither has it.
[[nodiscard]] Status init_gstreamer_with_plugin();

// Called with each decoded RGBA frame (valid during the call) and its timestamp in
// nanoseconds from the start of the file; returns false to stop.
using FrameVisitor = std::function<bool(const ConstFrameView& rgba, std::uint64_t pts_ns)>;

// Decodes `path` (`uridecodebin ! videoconvert ! RGBA ! appsink`) and visits frames until
// the visitor says stop, a frame's timestamp passes `max_pts_ns`, or the file ends.
// Errc::media naming GStreamer's message when the file cannot be decoded.
[[nodiscard]] Status visit_video_frames(const std::filesystem::path& path, std::uint64_t max_pts_ns,
                                        const FrameVisitor& visitor);

// Re-encodes the video of `input` through `clinvidcolor profile=<profile>` to an H.264 MP4
// at `output`, written as `output`.tmp and renamed on success (removed on failure). Audio
// is not carried over.
[[nodiscard]] Status standardise_video(const std::filesystem::path& input,
                                       const std::filesystem::path& output,
                                       const std::filesystem::path& profile);

}  // namespace clinvid::cli
