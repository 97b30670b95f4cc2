// `clinvid doctor [--json]`: checks that this machine has what the suite needs (GStreamer
// elements, FFmpeg codecs and muxers, a Vulkan compute device, the age CLI, archive disk
// space, Xvfb for the headless studio) and says how to fix what is missing. The checks are
// the table in doctor_checks.h.
//
// Exit: 0 nothing FAILed (warnings allowed); 1 at least one check FAILed.
#pragma once

#include "cli11.h"

#include "command.h"

namespace clinvid::cli {

[[nodiscard]] Command add_doctor(CLI::App& parent);

}  // namespace clinvid::cli
