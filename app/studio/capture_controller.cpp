#include "capture_controller.hpp"

#include <exception>
#include <utility>

#include <fmt/format.h>

#include "colour/standardiser.hpp"
#include "core/frame.hpp"
#include "core/id.hpp"
#include "core/log.hpp"

namespace clinvid::studio {

namespace {

constexpr std::string_view kLogModule = "studio.capture";
// How long one poll of the session waits for pipeline messages: the latency of Stop, markers
// and the previews while recording.
constexpr std::chrono::milliseconds kPollInterval{15};
// How long the idle worker sleeps between looks at the preview pipelines' buses.
constexpr std::chrono::milliseconds kIdleInterval{100};
// ... and while it standardises previews: about twice the cameras' frame rate.
constexpr std::chrono::milliseconds kStandardiseInterval{15};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// What went wrong during the recording, in a line: the session's stop reason and every stream
// that failed (a camera unplugged mid-recording), whose siblings were kept.
std::string recording_problem(const capture::Session& session,
                              const std::vector<capture::StreamStats>& streams) {
  std::string problem = session.stop_reason();
  for (const capture::StreamStats& stream : streams) {
    if (stream.state != capture::StreamState::failed) continue;
    if (!problem.empty()) problem += "; ";
    problem += fmt::format("{} ({}) failed: {}", stream.id, stream.uri,
                           stream.error.empty() ? "no reason given" : stream.error);
  }
  return problem;
}

}  // namespace

std::string_view to_string(CapturePhase phase) noexcept {
  switch (phase) {
    case CapturePhase::previewing: return "previewing";
    case CapturePhase::starting: return "starting";
    case CapturePhase::recording: return "recording";
    case CapturePhase::stopping: return "stopping";
    case CapturePhase::invalid: break;
  }
  return "invalid";
}

// The worker thread's own state: nothing here is touched by the UI thread.
struct CaptureController::Worker {
  std::vector<std::unique_ptr<PreviewSource>> previews;  // one per camera; null where it failed
  std::unique_ptr<archive::Archive> archive;             // while recording
  std::optional<capture::ArchiveRecording> recording;
  std::optional<capture::Session> session;
  std::vector<std::uint64_t> preview_sequences;  // the session's preview frames taken
  std::chrono::steady_clock::time_point started;
  std::size_t markers = 0;
  bool stop_requested = false;
  // The standardised preview, per camera: the CPU standardiser for the accepted profile
  // (`profile_serials`), and the live frames taken so far.
  std::vector<std::unique_ptr<colour::Standardiser>> standardisers;
  std::vector<std::uint64_t> profile_serials;
  std::vector<std::uint64_t> standardised_published;
  PreviewFrame scratch;
  std::vector<std::uint8_t> standardised;
  bool standardising = false;
};

Result<std::unique_ptr<CaptureController>> CaptureController::create(CaptureOptions options) {
  if (options.camera_uris.empty()) return fail(Errc::invalid_argument, "no camera to capture");
  for (const std::string& uri : options.camera_uris) {
    auto spec = capture::parse_source(uri);
    if (!spec) return with_context(spec.error(), "camera");
  }
  if (auto preset = capture::find_preset(options.preset); !preset) {
    return tl::unexpected(preset.error());
  }
  std::unique_ptr<CaptureController> controller(new CaptureController(std::move(options)));
  controller->thread_ = std::thread(&CaptureController::run, controller.get());
  return controller;
}

CaptureController::CaptureController(CaptureOptions options) : options_(std::move(options)) {
  for (const std::string& uri : options_.camera_uris) {
    auto camera = std::make_unique<Camera>();
    camera->uri = uri;
    cameras_.push_back(std::move(camera));
  }
  status_.preview_errors.resize(cameras_.size());
  calibration_ = std::make_unique<CalibrationWorker>(cameras_.size());
}

CaptureController::~CaptureController() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Converter CaptureController::converter() const {
  const std::lock_guard lock(mutex_);
  return converter_;
}

std::string CaptureController::converter_warning() const {
  const std::lock_guard lock(mutex_);
  return converter_warning_;
}

CaptureStatus CaptureController::status() const {
  const std::lock_guard lock(mutex_);
  return status_;
}

Result<capture::ConsentCheck> CaptureController::check_consent(
    archive::Archive& archive, const capture::ArchiveTarget& target) {
  clear_consent();
  auto check = capture::check_recording_consent(archive, target);
  checked_target_ = target;
  // A check that could not be asked (an unknown consent form, a malformed site) blocks Record
  // with its reason just as a refusal does.
  check_ = check ? *check : capture::ConsentCheck{false, check.error().message()};
  if (!check) return tl::unexpected(check.error());
  return *check;
}

void CaptureController::clear_consent() {
  checked_target_.reset();
  check_.reset();
}

std::string CaptureController::record_blocked_reason(const capture::ArchiveTarget& target,
                                                     bool signed_in) const {
  if (!signed_in) return "Sign in first: recordings go into the archive as the signed-in user.";
  switch (status().phase) {
    case CapturePhase::starting: return "Starting the recording...";
    case CapturePhase::recording: return "Recording.";
    case CapturePhase::stopping: return "Sealing and cataloguing the last recording...";
    case CapturePhase::previewing:
    case CapturePhase::invalid: break;
  }
  if (auto valid = capture::validate(target); !valid) {
    return fmt::format("Consent panel: {}.", valid.error().detail);
  }
  if (!check_ || !checked_target_) return "Check consent first.";
  if (*checked_target_ != target) {
    return "The consent panel changed since the check: check consent again.";
  }
  if (!check_->allowed) return "Consent does not allow this recording: " + check_->reason;
  return {};
}

Status CaptureController::record(const capture::ArchiveTarget& target, Recorder recorder) {
  if (const std::string reason = record_blocked_reason(target, true); !reason.empty()) {
    return fail(Errc::permission_denied, reason);
  }
  // Starting at once, so a second click cannot post a second recording.
  set_phase(CapturePhase::starting);
  post(RecordCommand{target, std::move(recorder)});
  return {};
}

void CaptureController::stop() {
  post(StopCommand{});
}

Status CaptureController::add_marker(std::string label) {
  if (status().phase != CapturePhase::recording) {
    return fail(Errc::invalid_argument, "a marker needs a recording in progress");
  }
  post(MarkerCommand{std::move(label)});
  return {};
}

void CaptureController::post(Command command) {
  {
    const std::lock_guard lock(mutex_);
    commands_.push_back(std::move(command));
  }
  wake_.notify_all();
}

void CaptureController::set_phase(CapturePhase phase) {
  const std::lock_guard lock(mutex_);
  status_.phase = phase;
}

void CaptureController::run() noexcept {
  Worker worker;
  try {
    start_previews(worker);
    for (;;) {
      std::optional<Command> command;
      bool stopping = false;
      {
        std::unique_lock lock(mutex_);
        if (!worker.session) {
          wake_.wait_for(lock, worker.standardising ? kStandardiseInterval : kIdleInterval,
                         [this] { return stopping_ || !commands_.empty(); });
        }
        if (!commands_.empty()) {
          command = std::move(commands_.front());
          commands_.pop_front();
        }
        stopping = stopping_;
      }
      if (command) handle(worker, *command);
      if (stopping) break;
      if (worker.session) {
        tick(worker);
      } else {
        poll_previews(worker);
        worker.standardising = standardise_previews(worker);
      }
    }
    if (worker.session) finish(worker);  // the studio is closing: seal and catalogue first
  } catch (const std::exception& error) {
    log(LogLevel::error, kLogModule, "capture worker: {}", error.what());
  }
  worker.previews.clear();
}

void CaptureController::handle(Worker& worker, Command& command) {
  if (auto* record = std::get_if<RecordCommand>(&command)) {
    if (worker.session) return;  // already recording: record() refuses this, but be sure
    if (auto started = begin_recording(worker, *record); !started) {
      log(LogLevel::warn, kLogModule, "recording did not start: {}", started.error().message());
      CaptureOutcome outcome;
      outcome.error = started.error().message();
      start_previews(worker);
      const std::lock_guard lock(mutex_);
      status_.phase = CapturePhase::previewing;
      status_.last = std::move(outcome);
      ++status_.outcomes;
    }
  } else if (std::holds_alternative<StopCommand>(command)) {
    worker.stop_requested = true;
  } else if (auto* marker = std::get_if<MarkerCommand>(&command)) {
    if (!worker.session) return;
    if (auto added = worker.session->add_marker(marker->label); !added) {
      log(LogLevel::warn, kLogModule, "marker: {}", added.error().message());
      return;
    }
    ++worker.markers;
    const std::lock_guard lock(mutex_);
    status_.markers = worker.markers;
  }
}

void CaptureController::start_previews(Worker& worker) {
  worker.previews.clear();
  std::vector<std::string> errors(cameras_.size());
  Converter converter = Converter::invalid;
  std::string warning;
  for (std::size_t i = 0; i < cameras_.size(); ++i) {
    PreviewSourceOptions options = options_.preview;
    options.camera_uri = cameras_[i]->uri;
    auto source = PreviewSource::start(options, cameras_[i]->live);
    if (!source) {
      errors[i] = source.error().message();
      log(LogLevel::warn, kLogModule, "camera {}: {}", cameras_[i]->uri, errors[i]);
      worker.previews.emplace_back();
      continue;
    }
    if (converter == Converter::invalid) {
      converter = (*source)->converter();
      warning = (*source)->converter_warning();
    }
    worker.previews.push_back(std::move(*source));
  }
  const std::lock_guard lock(mutex_);
  status_.preview_errors = std::move(errors);
  if (converter != Converter::invalid) {
    converter_ = converter;
    converter_warning_ = std::move(warning);
  }
}

void CaptureController::poll_previews(Worker& worker) {
  std::vector<std::string> errors(cameras_.size());
  for (std::size_t i = 0; i < worker.previews.size(); ++i) {
    if (!worker.previews[i]) continue;
    worker.previews[i]->poll_bus();
    errors[i] = worker.previews[i]->error();
  }
  const std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (!errors[i].empty()) status_.preview_errors[i] = errors[i];
  }
}

bool CaptureController::standardise_previews(Worker& worker) {
  const std::size_t count = cameras_.size();
  worker.standardisers.resize(count);
  worker.profile_serials.resize(count, 0);
  worker.standardised_published.resize(count, 0);
  bool any = false;
  for (std::size_t i = 0; i < count; ++i) {
    const auto accepted = calibration_->accepted(i);
    if (!accepted) {
      worker.standardisers[i].reset();
      continue;
    }
    any = true;
    if (!worker.standardisers[i] || worker.profile_serials[i] != accepted->serial) {
      auto created = colour::Standardiser::create(colour::Standardiser::Backend::cpu, nullptr);
      if (!created) {
        log(LogLevel::warn, kLogModule, "cam{}: standardiser: {}", i, created.error().message());
        continue;
      }
      if (auto set = (*created)->set_correction(accepted->profile.correction); !set) {
        log(LogLevel::warn, kLogModule, "cam{}: standardiser: {}", i, set.error().message());
        continue;
      }
      worker.standardisers[i] = std::move(*created);
      worker.profile_serials[i] = accepted->serial;
      worker.standardised_published[i] = 0;
    }
    const std::uint64_t published = cameras_[i]->live.published();
    if (published == worker.standardised_published[i]) continue;
    worker.standardised_published[i] = published;
    worker.scratch = cameras_[i]->live.copy_latest();
    const PreviewFrame& frame = worker.scratch;
    if (frame.sequence == 0) continue;
    worker.standardised.resize(frame.rgba.size());
    const FrameView dst = rgba_view(worker.standardised, frame.width, frame.height);
    if (auto done =
            worker.standardisers[i]->process(frame.view(), dst, colour::StandardiseSettings{});
        !done) {
      log(LogLevel::warn, kLogModule, "cam{}: standardising the preview: {}", i,
          done.error().message());
      continue;
    }
    cameras_[i]->standardised.publish(worker.standardised.data(), dst.strides[0], frame.width,
                                      frame.height);
  }
  return any;
}

Status CaptureController::begin_recording(Worker& worker, RecordCommand& command) {
  // The cameras belong to the session from here: a v4l2 device opens once.
  worker.previews.clear();
  auto opened = archive::Archive::open(command.recorder.archive_dir);
  if (!opened) return with_context(opened.error(), "opening the archive");
  auto archive = std::make_unique<archive::Archive>(std::move(*opened));
  if (auto unlocked = archive->unlock(command.recorder.user, command.recorder.passphrase);
      !unlocked) {
    return with_context(unlocked.error(), "signing in as " + command.recorder.user);
  }
  capture::SessionConfig config;
  for (std::size_t i = 0; i < cameras_.size(); ++i) {
    const auto accepted = calibration_->accepted(i);
    config.cameras.push_back(
        {cameras_[i]->uri, accepted ? accepted->path : std::filesystem::path()});
  }
  config.preset = options_.preset;
  config.plugin_dir = std::filesystem::path(CLINVID_GST_PLUGIN_DIR);
  const std::string session_ref = Uuid::random().to_string();
  config.out_dir = command.recorder.archive_dir / "sessions" / session_ref;
  auto started = capture::start_recording(*archive, command.target, std::move(config), session_ref);
  if (!started) return tl::unexpected(started.error());
  worker.archive = std::move(archive);
  worker.recording.emplace(std::move(started->recording));
  worker.session.emplace(std::move(started->session));
  worker.preview_sequences.assign(cameras_.size(), 0);
  worker.started = std::chrono::steady_clock::now();
  worker.markers = 0;
  worker.stop_requested = false;
  log(LogLevel::info, kLogModule, "recording {} camera(s), session {}", cameras_.size(),
      session_ref);
  const std::lock_guard lock(mutex_);
  status_.phase = CapturePhase::recording;
  status_.elapsed_seconds = 0;
  status_.markers = 0;
  status_.streams.clear();
  return {};
}

void CaptureController::tick(Worker& worker) {
  const capture::SessionState state = worker.session->poll(kPollInterval);
  for (std::size_t i = 0; i < cameras_.size(); ++i) {
    auto frame = worker.session->preview(i, worker.preview_sequences[i]);
    if (!frame) continue;
    worker.preview_sequences[i] = frame->sequence;
    publish_i420(cameras_[i]->live, frame->i420, frame->width, frame->height);
  }
  {
    auto streams = worker.session->stats();
    const std::lock_guard lock(mutex_);
    status_.streams = std::move(streams);
    status_.elapsed_seconds = seconds_since(worker.started);
  }
  if (state != capture::SessionState::recording || worker.stop_requested) finish(worker);
}

void CaptureController::finish(Worker& worker) {
  set_phase(CapturePhase::stopping);
  CaptureOutcome outcome;
  outcome.seconds = seconds_since(worker.started);
  auto manifest = worker.session->stop();
  outcome.streams = worker.session->stats();
  outcome.problem = recording_problem(*worker.session, outcome.streams);
  if (!manifest) {
    // The files keep what was written and the recordings stay pending: recoverable.
    outcome.error = fmt::format(
        "{}; unfinished files can be made whole with 'clinvid recover' ({})",
        manifest.error().message(), worker.session->manifest_path().parent_path().string());
  } else if (auto catalogued = worker.recording->catalogue(*manifest); !catalogued) {
    outcome.error = catalogued.error().message();
  }
  outcome.recordings = worker.recording->catalogued();
  log(LogLevel::info, kLogModule, "recording ended after {:.1f} s: {} recording(s) catalogued{}",
      outcome.seconds, outcome.recordings.size(),
      outcome.error.empty() ? "" : "; " + outcome.error);
  // The last frame each camera showed, for repositioning the next recording (ghost overlay).
  for (const auto& camera : cameras_) {
    const PreviewFrame last = camera->live.copy_latest();
    if (last.sequence == 0) continue;
    camera->ghost.publish(last.rgba.data(), std::size_t{last.width} * 4, last.width, last.height);
  }
  worker.session.reset();
  worker.recording.reset();
  worker.archive.reset();
  start_previews(worker);
  const std::lock_guard lock(mutex_);
  status_.phase = CapturePhase::previewing;
  status_.streams = outcome.streams;
  status_.last = std::move(outcome);
  ++status_.outcomes;
}

}  // namespace clinvid::studio
