#pragma once

#include "command.h"

namespace clinvid::cli {

// `clinvid project new|validate|otio|save|open|list`: edit projects (timeline JSON).
Command add_project(CLI::App& parent);

}  // namespace clinvid::cli
