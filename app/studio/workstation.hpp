// What the studio finds on the machine at start: the local archive it uses and the cameras
// attached. With no camera attached the studio runs on its built-in test camera, so a
// newcomer can try everything on a laptop or a server under Xvfb.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace clinvid::studio {

struct Workstation {
  std::filesystem::path archive;     // paths::default_archive(), created 0700 if missing
  std::string archive_problem;       // empty when the archive directory is usable
  std::vector<std::string> cameras;  // display names of attached video sources
};

// Creates the archive directory when needed and lists video sources with GstDeviceMonitor.
// gst_init must have run. Never fails: problems are reported in the result.
[[nodiscard]] Workstation discover_workstation();

}  // namespace clinvid::studio
