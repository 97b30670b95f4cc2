// `clinvid calibrate INPUT -o PROFILE.json [--model linear3x3|affine|rootpoly2]
//  [--reference post2014|pre2014] [--corners x1,y1,...,x4,y4] [--camera-id ID] [--json]`:
// finds a ColorChecker Classic 24 in a still (PNG/JPEG) or in the first 5 s of a video file,
// fits a calibration profile (engine/colour/calibrate.hpp) and saves it. Prints the CIEDE2000
// error of every patch, fitted and left out (leave-one-patch-out validation), with mean/max.
// --corners measures the chart at four given grid corners (any order; the colours decide
// the orientation) instead of searching for it.
//
// Exit: 0 profile written; 1 no chart found; 2 usage; 3 unreadable input, unwritable output.
#pragma once

#include "cli11.h"

#include "command.h"

namespace clinvid::cli {

[[nodiscard]] Command add_calibrate(CLI::App& parent);

}  // namespace clinvid::cli
