// The Capture view's model: the cameras, their live previews, the consent check that must pass
// before Record, and the recording itself (a capture::Session into the archive).
//
// Every camera has a PreviewSlot the UI uploads from. While nothing records, a PreviewSource per
// camera fills it; while a session records, the camera belongs to the session and its preview
// frames fill the same slot, so the picture never stops.
//
// Threading: the public functions are for the UI thread and never wait for GStreamer, the
// archive's media or the encoder. A worker thread owns the preview sources and the session:
// it starts and stops them, runs the session's poll loop, registers and catalogues the
// recording (with an Archive of its own, unlocked with a copy of the user's passphrase: an
// Archive belongs to one thread at a time), and publishes a CaptureStatus snapshot. The
// destructor stops a recording in progress (sealing and cataloguing it) and joins.
#pragma once

#include <chrono>
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

#include "archive/archive.hpp"
#include "calibration_worker.hpp"
#include "capture/archive_session.hpp"
#include "capture/session.hpp"
#include "core/result.hpp"
#include "crypto/secret.hpp"
#include "preview_source.hpp"

namespace clinvid::studio {

// The built-in test cameras the studio offers when no camera is attached: small enough that two
// of them encode in real time on a laptop or a CI runner.
inline constexpr const char* kTestCameraTheatre = "test://theatre?width=640&height=360&rate=30/1";
inline constexpr const char* kTestCameraGait = "test://gait?width=640&height=360&rate=30/1";

enum class CapturePhase {
  invalid = 0,
  previewing,  // live previews; Record may start
  starting,    // registering the streams and starting the session
  recording,
  stopping,  // sealing the files and cataloguing
};
[[nodiscard]] std::string_view to_string(CapturePhase phase) noexcept;

// What the last recording came to.
struct CaptureOutcome {
  std::vector<std::pair<std::string, std::string>> recordings;  // stream id → catalogued id
  std::vector<capture::StreamStats> streams;                    // final per-stream counters
  std::string error;    // why it did not start, or why cataloguing failed; empty when fine
  std::string problem;  // what went wrong while recording (a camera lost, storage stopped it)
  double seconds = 0;   // how long it recorded
};

struct CaptureStatus {
  CapturePhase phase = CapturePhase::previewing;
  double elapsed_seconds = 0;                 // of the recording in progress
  std::vector<capture::StreamStats> streams;  // the recording in progress, per camera
  std::size_t markers = 0;                    // added to the recording in progress
  std::vector<std::string> preview_errors;    // per camera; empty strings when fine
  std::optional<CaptureOutcome> last;         // the last recording, once it ended
  std::uint64_t outcomes = 0;                 // recordings ended since start (a counter)
};

// Who records into which archive; the worker opens its own Archive with these.
struct Recorder {
  std::filesystem::path archive_dir;
  std::string user;
  crypto::SecretBytes passphrase;
};

struct CaptureOptions {
  std::vector<std::string> camera_uris;  // at least one, each as capture::parse_source takes it
  PreviewSourceOptions preview;          // camera_uri is set per camera
  std::string preset = "theatre-1080p30";
};

class CaptureController {
 public:
  // Checks every camera URI and starts the worker and the previews. gst_init must have run and
  // the shared gpu::Context be installed (clinvidcolor runs on it).
  [[nodiscard]] static Result<std::unique_ptr<CaptureController>> create(CaptureOptions options);
  ~CaptureController();
  CaptureController(const CaptureController&) = delete;
  CaptureController& operator=(const CaptureController&) = delete;
  CaptureController(CaptureController&&) = delete;
  CaptureController& operator=(CaptureController&&) = delete;

  [[nodiscard]] std::size_t camera_count() const noexcept { return cameras_.size(); }
  [[nodiscard]] const std::string& camera_uri(std::size_t index) const {
    return cameras_.at(index)->uri;
  }
  [[nodiscard]] PreviewSlot& preview_slot(std::size_t index) { return cameras_.at(index)->live; }
  // The camera's last frame of the previous recording (for the ghost overlay); empty until one
  // ended.
  [[nodiscard]] PreviewSlot& ghost_slot(std::size_t index) { return cameras_.at(index)->ghost; }
  // The camera's preview through its accepted calibration profile (the CPU standardiser, on
  // the worker thread); empty until a profile is accepted. While recording, the live slot
  // already shows what is recorded, standardised by the session.
  [[nodiscard]] PreviewSlot& standardised_slot(std::size_t index) {
    return cameras_.at(index)->standardised;
  }
  // The calibration wizard's model: its accepted profiles are what the next recording uses.
  [[nodiscard]] CalibrationWorker& calibration() noexcept { return *calibration_; }
  // Which converter each preview runs (clinvidcolor, or the videoconvert fallback) and why.
  [[nodiscard]] Converter converter() const;
  [[nodiscard]] std::string converter_warning() const;

  // --- consent: Record is enabled only for the target last checked, while it was allowed.
  // Asks the gate (audited, nothing registered) on the caller's Archive: the signed-in user's.
  // An error (an unknown consent form) blocks Record with its message, as a refusal does.
  [[nodiscard]] Result<capture::ConsentCheck> check_consent(archive::Archive& archive,
                                                            const capture::ArchiveTarget& target);
  // Forgets the check (sign-out, another user).
  void clear_consent();
  // Why Record is not possible now for `target`; empty when it is.
  [[nodiscard]] std::string record_blocked_reason(const capture::ArchiveTarget& target,
                                                  bool signed_in) const;

  // Starts recording every camera into the archive. Refused (Errc::permission_denied with the
  // reason) unless record_blocked_reason() is empty; the outcome comes in status().last.
  [[nodiscard]] Status record(const capture::ArchiveTarget& target, Recorder recorder);
  // Stops the recording in progress (files sealed, recordings catalogued). No-op otherwise.
  void stop();
  // A marker on the recording in progress; Errc::invalid_argument when nothing records.
  [[nodiscard]] Status add_marker(std::string label);

  [[nodiscard]] CaptureStatus status() const;

 private:
  struct Camera {
    std::string uri;
    PreviewSlot live;
    PreviewSlot ghost;
    PreviewSlot standardised;
  };
  struct RecordCommand {
    capture::ArchiveTarget target;
    Recorder recorder;
  };
  struct StopCommand {};
  struct MarkerCommand {
    std::string label;
  };
  using Command = std::variant<RecordCommand, StopCommand, MarkerCommand>;
  struct Worker;  // the worker thread's own state (capture_controller.cpp)

  explicit CaptureController(CaptureOptions options);
  void post(Command command);
  // The worker thread's parts (capture_controller.cpp).
  void run() noexcept;
  void handle(Worker& worker, Command& command);
  void start_previews(Worker& worker);
  void poll_previews(Worker& worker);
  // Runs each camera's newest preview frame through its accepted profile; true when some
  // camera has one (the worker then looks again soon).
  bool standardise_previews(Worker& worker);
  [[nodiscard]] Status begin_recording(Worker& worker, RecordCommand& command);
  void tick(Worker& worker);
  void finish(Worker& worker);
  void set_phase(CapturePhase phase);

  CaptureOptions options_;
  std::vector<std::unique_ptr<Camera>> cameras_;    // fixed at creation
  std::unique_ptr<CalibrationWorker> calibration_;  // reads the cameras' live slots

  // The consent check (UI thread only).
  std::optional<capture::ArchiveTarget> checked_target_;
  std::optional<capture::ConsentCheck> check_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Command> commands_;              // guarded by mutex_
  CaptureStatus status_;                      // guarded by mutex_
  Converter converter_ = Converter::invalid;  // guarded by mutex_
  std::string converter_warning_;             // guarded by mutex_
  bool stopping_ = false;                     // guarded by mutex_
  std::thread thread_;                        // last: starts after the members above exist
};

}  // namespace clinvid::studio
