// `clinvid sources [--json]`: the cameras and microphones attached to this machine (found with
// GstDeviceMonitor), each with the URI `clinvid record` takes and the modes it offers, plus the
// built-in test sources.
//
// Exit: 0 (also when nothing is attached); 3 when GStreamer cannot run.
#pragma once

#include "cli11.h"

#include "command.h"

namespace clinvid::cli {

[[nodiscard]] Command add_sources(CLI::App& parent);

}  // namespace clinvid::cli
