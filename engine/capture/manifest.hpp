// The session manifest: what the archive catalogues a recording from. Internal builder; the
// format is documented in docs/recording.md ("clinvid-session/1").
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "capture/stream.hpp"
#include "core/json.hpp"
#include "core/rational.hpp"

namespace clinvid::capture {

inline constexpr const char* kManifestFormat = "clinvid-session/1";

struct Marker {
  std::string label;
  Time time;  // session clock
  std::int64_t wall_unix_ns = 0;
};

struct ManifestInputs {
  std::string session_id;
  std::string status;  // "recording", "complete", "stopped"
  std::string preset;
  std::vector<std::string> recipients;
  std::filesystem::path out_dir;  // the session directory
  std::int64_t created_unix_ns = 0;
  std::int64_t clock_zero_unix_ns = 0;  // wall-clock time of running time 0; 0 before start
  std::string stop_reason;
  const std::vector<std::unique_ptr<StreamRuntime>>* streams = nullptr;
  const std::vector<Marker>* markers = nullptr;
};

// "2026-11-22T22:10:03.125Z"
[[nodiscard]] std::string utc_text(std::int64_t unix_ns);
[[nodiscard]] std::int64_t now_unix_ns();

// The stream's counters and state as a StreamStats (fps updated from the last call).
[[nodiscard]] StreamStats stats_of(const StreamRuntime& stream);
[[nodiscard]] Json build_manifest(const ManifestInputs& inputs);

}  // namespace clinvid::capture
