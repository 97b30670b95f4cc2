// One stream of a session at run time: its bin, counters updated by pad probes on streaming
// threads, and its state. Internal to engine/capture.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>

#include "capture/branch.hpp"
#include "capture/gst_support.hpp"
#include "capture/session.hpp"
#include "capture/source.hpp"
#include "core/json.hpp"

namespace clinvid::capture {

enum class StreamKind { invalid = 0, video, audio };

struct StreamRuntime {
  std::string id;
  std::string uri;
  StreamKind kind = StreamKind::invalid;
  SourceSpec source;  // video only
  BranchPlan plan;
  std::filesystem::path file;
  std::vector<std::string> recipients;  // everyone its file is encrypted to
  std::filesystem::path profile_path;
  Json profile;                // the calibration profile's content; null when none
  std::string colour_backend;  // where clinvidcolor standardises once playing: gpu or cpu
  ElementPtr bin;

  // Written by streaming threads.
  std::atomic<std::uint64_t> captured{0};    // into the capture queue (video)
  std::atomic<std::uint64_t> processed{0};   // out of it, into clinvidcolor
  std::atomic<std::uint64_t> frames_in{0};   // into the encoder queue
  std::atomic<std::uint64_t> frames_out{0};  // out of it, into the encoder
  std::atomic<std::uint64_t> gap_frames{0};  // missing from the source's timestamps
  std::atomic<std::uint64_t> bytes{0};       // into the encrypting sink
  std::atomic<std::int64_t> first_running_ns{-1};
  std::atomic<std::int64_t> last_pts_ns{-1};
  std::atomic<std::int64_t> frame_duration_ns{0};
  std::atomic<std::int64_t> test_frames{0};  // frames a test camera has rendered

  // Guarded by `mutex`.
  mutable std::mutex mutex;
  StreamState state = StreamState::pending;
  std::string error;
  bool eos_sent = false;
  mutable std::uint64_t fps_frames = 0;
  mutable std::chrono::steady_clock::time_point fps_at{};
  mutable double fps = 0;

  // The preview slot: the newest sample, replaced by the appsink callback.
  mutable std::mutex preview_mutex;
  SamplePtr latest;
  std::uint64_t preview_sequence = 0;
};

}  // namespace clinvid::capture
