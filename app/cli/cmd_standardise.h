// `clinvid standardise --profile PROFILE.json INPUT OUTPUT`: applies a calibration profile
// (from `clinvid calibrate`) to a still or a video file.
//  - Stills (PNG/JPEG in; the output's extension picks PNG or JPEG) go through the engine's
//    CPU reference (colour/standardise.hpp), bit-exact with the GPU shader's definition.
//  - Video files are decoded with GStreamer, standardised by the clinvidcolor element (GPU
//    where there is one) and encoded to H.264 in MP4; audio is not carried over.
// The output is written to OUTPUT.tmp and renamed when complete: a failure leaves no output.
//
// Exit: 0 written; 2 usage; 3 bad profile, unreadable input, unwritable output.
#pragma once

#include "cli11.h"

#include "command.h"

namespace clinvid::cli {

[[nodiscard]] Command add_standardise(CLI::App& parent);

}  // namespace clinvid::cli
