// The calibration wizard's model: finds the ColorChecker in a camera's latest preview frame,
// fits a profile (colour::detect_chart + colour::calibrate), measures each patch's dE00 before
// and after, renders the difference view, matches all cameras to one reference
// (colour::calibrate_cameras + match_report), and saves the profile the user accepts.
//
// Threading: every public function is for any thread and never waits for a fit; the fits, the
// difference views and the saving run on the worker's own thread, one job at a time, so the
// UI and the capture worker (which reads accepted() for the standardised preview and the next
// recording) never block on them. The preview slots passed in must outlive the worker.
#pragma once

#include <array>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "colour/matching.hpp"
#include "colour/profile.hpp"
#include "core/result.hpp"
#include "preview_source.hpp"

namespace clinvid::studio {

enum class CalibrationState {
  invalid = 0,
  none,      // never calibrated (or rejected)
  running,   // a fit is queued or running
  found,     // a chart was found and fitted: a candidate waits for Accept or Reject
  no_chart,  // no ColorChecker in view
  failed,    // something else went wrong (message says what)
};
[[nodiscard]] std::string_view to_string(CalibrationState state) noexcept;

// A profile the user accepted, saved as JSON at `path`; the next recording uses it.
struct AcceptedProfile {
  std::filesystem::path path;
  colour::CalibrationProfile profile;
  std::uint64_t serial = 0;  // changes with every accept: a consumer's cache key
};

struct CameraCalibrationView {
  CalibrationState state = CalibrationState::none;
  std::string message;  // why there is no candidate, or what the last accept did
  std::optional<colour::CalibrationProfile> candidate;
  // dE00 of each patch as the camera delivers it (read as sRGB) against the reference, and
  // their summary over the patches the fit used: the "before" of the table.
  std::array<double, colour::kPatchCount> before_per_patch{};
  colour::DeltaEStats before;
  std::uint32_t frame_width = 0;  // of the frame the chart was found in (corner coordinates)
  std::uint32_t frame_height = 0;
  std::shared_ptr<const AcceptedProfile> accepted;
  std::string accept_error;
};

struct MatchView {
  CalibrationState state = CalibrationState::none;  // found: `report` holds the result
  std::string message;
  std::optional<colour::MatchReport> report;
};

struct CalibrationSnapshot {
  std::vector<CameraCalibrationView> cameras;
  MatchView match;
  std::uint64_t jobs_done = 0;  // a counter, for waits
  bool busy = false;            // a job is queued or running
};

// Said when a camera shows no chart.
inline constexpr const char* kNoChartAdvice =
    "no ColorChecker found: fill a quarter of the frame with it, square to the camera, evenly "
    "lit and not clipped, then calibrate again.";

class CalibrationWorker {
 public:
  explicit CalibrationWorker(std::size_t cameras);
  ~CalibrationWorker();  // joins; a fit in progress finishes first
  CalibrationWorker(const CalibrationWorker&) = delete;
  CalibrationWorker& operator=(const CalibrationWorker&) = delete;
  CalibrationWorker(CalibrationWorker&&) = delete;
  CalibrationWorker& operator=(CalibrationWorker&&) = delete;

  // Calibrates `camera` from the newest frame of `source` (RGBA). Errc::out_of_range for an
  // unknown camera.
  [[nodiscard]] Status calibrate(std::size_t camera, std::string camera_id,
                                 const PreviewSlot& source);
  // Calibrates every camera with the same options from their newest frames and reports how
  // well they match (worst pair); each camera's candidate becomes its profile from the match.
  void match_all(std::vector<std::pair<std::string, const PreviewSlot*>> sources);
  // Saves the candidate as <profile_dir>/camN-<time>.json; from then accepted() returns it.
  // Errc::invalid_argument when the camera has no candidate.
  [[nodiscard]] Status accept(std::size_t camera, std::filesystem::path profile_dir);
  // Drops the candidate; an accepted profile stays.
  void reject(std::size_t camera);
  // Forgets the accepted profile: the next recording is not standardised.
  void clear_accepted(std::size_t camera);

  [[nodiscard]] CalibrationSnapshot snapshot() const;
  [[nodiscard]] std::shared_ptr<const AcceptedProfile> accepted(std::size_t camera) const;
  // Before | after | dE false colour of the frame the candidate was fitted to, side by side,
  // each at half size.
  [[nodiscard]] PreviewSlot& difference_slot(std::size_t camera) { return *difference_.at(camera); }

 private:
  struct CalibrateJob {
    std::size_t camera = 0;
    std::string camera_id;
    const PreviewSlot* source = nullptr;
  };
  struct MatchJob {
    std::vector<std::pair<std::string, const PreviewSlot*>> sources;
  };
  struct AcceptJob {
    std::size_t camera = 0;
    std::filesystem::path path;
    colour::CalibrationProfile profile;
  };
  using Job = std::variant<CalibrateJob, MatchJob, AcceptJob>;

  void post(Job job);
  void run() noexcept;
  void handle(CalibrateJob& job);
  void handle(MatchJob& job);
  void handle(AcceptJob& job);
  // A found chart: the candidate, its before/after table and its difference view.
  void found(std::size_t camera, const PreviewFrame& frame, const colour::ChartDetection& chart,
             colour::CalibrationProfile profile);
  void set_state(std::size_t camera, CalibrationState state, std::string message);

  std::vector<std::unique_ptr<PreviewSlot>> difference_;  // fixed at creation

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;             // guarded by mutex_
  CalibrationSnapshot snapshot_;     // guarded by mutex_
  std::uint64_t accept_serial_ = 0;  // guarded by mutex_
  bool running_job_ = false;         // guarded by mutex_
  bool stopping_ = false;            // guarded by mutex_
  std::thread thread_;               // last: starts after the members above exist
};

}  // namespace clinvid::studio
