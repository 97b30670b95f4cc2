#include "cmd_record.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <poll.h>
#include <unistd.h>

#include <fmt/format.h>

#include "age_cli_common.h"
#include "archive/archive.hpp"
#include "archive_cli_common.h"
#include "capture/archive_session.hpp"
#include "capture/session.hpp"
#include "core/id.hpp"
#include "crypto/keys.hpp"

namespace clinvid::cli {
namespace {

struct RecordOptions {
  std::vector<std::string> sources;
  std::string audio;
  std::vector<std::string> profiles;
  double seconds = 0;
  std::string preset = "theatre-1080p30";
  std::string encoder = "auto";
  std::string colour_backend = "auto";
  std::string out;
  std::vector<std::string> recipients;
  std::vector<std::string> recipient_files;
  std::vector<std::string> markers;
  bool stdin_markers = false;
  bool json = false;
  unsigned fsync_ms = 1000;
  // Into the archive: who and what is filmed, under which consent, for which purposes.
  ArchiveOptions archive;
  std::string patient, consent_id, kind = "external_video", procedure, view, case_ref, notes;
  std::vector<std::string> sites, purposes{"clinical_record"};
};

// Test cameras film no one; every other source may film a patient.
bool films_a_patient(const std::string& uri) {
  return uri.rfind("test://", 0) != 0;
}

// Who and what is filmed, from the command line.
Result<capture::ArchiveTarget> archive_target(const RecordOptions& o) {
  capture::ArchiveTarget target;
  target.patient_id = o.patient;
  target.consent_id = o.consent_id;
  target.procedure = o.procedure;
  target.view = o.view;
  target.case_ref = o.case_ref;
  target.notes = o.notes;
  for (const auto& text : o.sites) {
    auto site = consent::parse_site_ref(text);
    if (!site) return tl::unexpected(site.error());
    target.sites.push_back(*site);
  }
  auto purposes = parse_purposes(o.purposes);
  if (!purposes) return tl::unexpected(purposes.error());
  target.purposes = *purposes;
  auto kind = consent::parse_recording_kind(o.kind);
  if (!kind) return tl::unexpected(kind.error());
  target.kind = *kind;
  return target;
}

// The archive side of a recording: one catalogued recording (own key, own file) per stream,
// each registered (and so consent-checked and audited) before anything is written.
struct ArchivedSession {
  std::unique_ptr<archive::Archive> archive;  // stable address: the recording points at it
  capture::ArchiveRecording recording;
};

Result<ArchivedSession> register_streams(const RecordOptions& o, capture::SessionConfig& config,
                                         const std::string& session_ref) {
  auto target = archive_target(o);
  if (!target) return tl::unexpected(target.error());
  auto opened = open_unlocked(o.archive);
  if (!opened) return tl::unexpected(opened.error());
  auto archive = std::make_unique<archive::Archive>(std::move(*opened));
  auto registered =
      capture::ArchiveRecording::register_streams(*archive, *target, config, session_ref);
  if (!registered) return tl::unexpected(registered.error());
  return ArchivedSession{std::move(archive), std::move(*registered)};
}

std::atomic<bool> g_stop_requested{false};

extern "C" void on_stop_signal(int /*signal*/) {
  g_stop_requested.store(true);
}

struct ScheduledMarker {
  double seconds = 0;
  std::string label;
  bool done = false;
};

Result<std::vector<ScheduledMarker>> parse_markers(const std::vector<std::string>& specs) {
  std::vector<ScheduledMarker> out;
  for (const std::string& spec : specs) {
    const std::size_t colon = spec.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size()) {
      return fail(Errc::invalid_argument, "--marker " + spec + ": expected SECONDS:LABEL");
    }
    try {
      std::size_t used = 0;
      const double at = std::stod(spec.substr(0, colon), &used);
      if (used != colon || at < 0) throw std::invalid_argument("bad");
      out.push_back({at, spec.substr(colon + 1), false});
    } catch (const std::exception&) {
      return fail(Errc::invalid_argument, "--marker " + spec + ": SECONDS is not a number");
    }
  }
  return out;
}

std::string human_bytes(std::uint64_t bytes) {
  if (bytes >= 1024 * 1024) return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / 1048576);
  if (bytes >= 1024) return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
  return fmt::format("{} B", bytes);
}

void print_status(std::FILE* to, const std::vector<capture::StreamStats>& stats, double elapsed) {
  for (const auto& s : stats) {
    fmt::print(to, "[{:6.1f} s] {} {:<28} {:5.1f} fps  frames {:6}  dropped {:4}  {:>10}  {}\n",
               elapsed, s.id, s.uri, s.fps, s.frames, s.dropped_frames, human_bytes(s.bytes),
               capture::to_string(s.state));
  }
  std::fflush(to);
}

// A line on stdin, if one is ready (without blocking).
std::optional<std::string> stdin_line() {
  pollfd fd{STDIN_FILENO, POLLIN, 0};
  if (::poll(&fd, 1, 0) <= 0 || (fd.revents & POLLIN) == 0) return std::nullopt;
  std::string line;
  char c = 0;
  while (::read(STDIN_FILENO, &c, 1) == 1 && c != '\n') line.push_back(c);
  return line;
}

ExitCode run_record(const RecordOptions& options) {
  if (options.sources.empty() && options.audio.empty()) {
    return report_error(ExitCode::usage, "record: give at least one --source");
  }
  if (options.profiles.size() > 1 && options.profiles.size() != options.sources.size()) {
    return report_error(ExitCode::usage,
                        "record: give one --profile for every camera, or a single one for all");
  }
  auto scheduled = parse_markers(options.markers);
  if (!scheduled) return report_error(ExitCode::usage, "record: " + scheduled.error().detail);
  const bool into_archive = !options.patient.empty() || !options.consent_id.empty();
  const bool real_camera =
      std::any_of(options.sources.begin(), options.sources.end(), films_a_patient) ||
      (!options.audio.empty() && films_a_patient(options.audio));
  if (real_camera && !into_archive) {
    return report_error(ExitCode::usage,
                        "record: a real camera or microphone needs --patient and --consent: the "
                        "recording goes into the archive, under the consent policy (test:// "
                        "sources need neither)");
  }
  if (into_archive && (options.patient.empty() || options.consent_id.empty())) {
    return report_error(ExitCode::usage, "record: give both --patient and --consent");
  }
  if (into_archive && options.sites.empty()) {
    return report_error(ExitCode::usage,
                        "record: say what is filmed: --body-site SITE[:left|right|bilateral]");
  }
  if (!into_archive && options.out.empty()) {
    return report_error(ExitCode::usage, "record: give --out DIR (or record into the archive)");
  }
  auto recipients = load_recipients(options.recipients, options.recipient_files);
  if (!recipients) return report_command_error("record", recipients.error());
  capture::SessionConfig config;
  for (const auto& r : *recipients) {
    const auto* x25519 = std::get_if<crypto::X25519Recipient>(&r);
    if (x25519 == nullptr) {
      return report_error(ExitCode::usage,
                          "record: recordings are encrypted to X25519 recipients (age1…) only");
    }
    config.recipients.push_back(x25519->to_string());
  }
  if (config.recipients.empty() && !into_archive) {
    return report_error(ExitCode::usage,
                        "record: no recipients; recordings are only written encrypted (-r/-R)");
  }
  for (std::size_t i = 0; i < options.sources.size(); ++i) {
    capture::CameraConfig camera{options.sources[i], {}};
    if (!options.profiles.empty()) {
      camera.profile = options.profiles.size() == 1 ? options.profiles[0] : options.profiles[i];
    }
    config.cameras.push_back(std::move(camera));
  }
  if (!options.audio.empty()) config.audio_uri = options.audio;
  config.preset = options.preset;
  auto encoder = capture::parse_encoder(options.encoder);
  if (!encoder) return report_error(ExitCode::usage, "record: " + encoder.error().detail);
  config.encoder = *encoder;
  config.colour_backend = options.colour_backend;
  config.out_dir = options.out;
  config.fsync_interval_ms = options.fsync_ms;
  config.plugin_dir = std::filesystem::path(CLINVID_GST_PLUGIN_DIR);

  // Into the archive: every stream is registered first, which asks the consent policy for
  // each purpose (and audits the answer); a refusal stops here, before anything is filmed.
  std::optional<ArchivedSession> archived;
  if (into_archive) {
    const std::string session_ref = Uuid::random().to_string();
    if (config.out_dir.empty())
      config.out_dir = archive_dir(options.archive) / "sessions" / session_ref;
    auto registered = register_streams(options, config, session_ref);
    if (!registered) return report_archive_error("record", registered.error());
    archived = std::move(*registered);
  }

  auto session = capture::Session::create(std::move(config));
  if (!session) {
    if (archived) archived->recording.abandon();
    return report_command_error("record", session.error());
  }
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  if (auto ok = session->start(); !ok) {
    if (archived) archived->recording.abandon();  // nothing was filmed
    return report_command_error("record", ok.error());
  }

  std::FILE* status_to = options.json ? stderr : stdout;
  fmt::print(status_to, "recording {} stream(s) into {}{}\n", session->stats().size(),
             archived ? "the archive" : options.out,
             options.seconds > 0 ? fmt::format(" for {} s", options.seconds)
                                 : std::string(" until Ctrl-C"));
  std::fflush(status_to);
  const auto started = std::chrono::steady_clock::now();
  auto next_status = started + std::chrono::seconds(1);
  for (;;) {
    const capture::SessionState state = session->poll(std::chrono::milliseconds(50));
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - started).count();
    if (state != capture::SessionState::recording || g_stop_requested.load()) break;
    if (options.seconds > 0 && elapsed >= options.seconds) break;
    for (auto& marker : *scheduled) {
      if (!marker.done && elapsed >= marker.seconds) {
        marker.done = true;
        if (auto ok = session->add_marker(marker.label); !ok) report_warning(ok.error().message());
      }
    }
    if (options.stdin_markers) {
      if (auto line = stdin_line(); line && !line->empty()) {
        if (auto ok = session->add_marker(*line); !ok) report_warning(ok.error().message());
      }
    }
    if (now >= next_status) {
      print_status(status_to, session->stats(), elapsed);
      next_status += std::chrono::seconds(1);
    }
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto manifest = session->stop();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!manifest) return report_command_error("record", manifest.error());
  if (archived) {
    if (auto ok = archived->recording.catalogue(*manifest); !ok) {
      report_command_error("record", ok.error());
    }
  }
  const auto stats = session->stats();
  print_status(status_to, stats, elapsed);
  bool all_complete = true;
  for (const auto& s : stats) {
    std::string recording;
    if (archived) {
      for (const auto& [id, recording_id] : archived->recording.streams()) {
        if (id == s.id) recording = " recording " + recording_id;
      }
    }
    fmt::print(status_to, "{}:{} {} ({}){}\n", s.id, recording, s.file.string(),
               capture::to_string(s.state), s.error.empty() ? "" : ": " + s.error);
    all_complete = all_complete && s.state == capture::StreamState::complete;
  }
  fmt::print(status_to, "manifest: {}\n", session->manifest_path().string());
  std::fflush(status_to);
  if (options.json) {
    fmt::print("{}\n", manifest->dump(2));
    std::fflush(stdout);
  }
  if (!session->stop_reason().empty()) {
    return report_error(ExitCode::problem_found, "record: " + session->stop_reason() +
                                                     "; unfinished files can be made whole with "
                                                     "'clinvid recover'");
  }
  if (!all_complete) {
    return report_error(ExitCode::problem_found,
                        "record: not every stream completed (see above and the manifest)");
  }
  return ExitCode::ok;
}

}  // namespace

Command add_record(CLI::App& parent) {
  auto options = std::make_shared<RecordOptions>();
  CLI::App* app = parent.add_subcommand(
      "record", "Record cameras (and a microphone) in sync, each encrypted into its own file");
  app->add_option("--source", options->sources,
                  "Camera URI: test://theatre|gait|flash[?width=&height=&rate=], "
                  "v4l2:///dev/videoN, rtsp://…, file:///…; repeatable")
      ->allow_extra_args(false);
  app->add_option("--audio", options->audio,
                  "Microphone URI: test://tone, alsa://hw:N, pulse://NAME, pipewire://ID");
  app->add_option("--profile", options->profiles,
                  "Calibration profile (clinvid calibrate) per camera in --source order, or one "
                  "for all; repeatable")
      ->allow_extra_args(false);
  app->add_option("--seconds", options->seconds, "Stop after this many seconds (default: Ctrl-C)")
      ->check(CLI::NonNegativeNumber);
  app->add_option("--preset", options->preset,
                  "theatre-1080p30 (default), gait-720p100 or archive-high");
  app->add_option("--encoder", options->encoder, "auto (default), x264, nvenc or vaapi");
  app->add_option("--colour-backend", options->colour_backend,
                  "Where colours are standardised: auto (default: the GPU unless the Vulkan "
                  "device is a CPU), gpu or cpu")
      ->check(CLI::IsMember({"auto", "gpu", "cpu"}));
  app->add_option("--out", options->out,
                  "Directory for the encrypted files and manifest.json (test cameras; into the "
                  "archive, the files go to its media folder)");
  app->add_option("--patient", options->patient,
                  "Record into the archive for this patient (pseudonymous id: clinvid patient)");
  app->add_option("--consent", options->consent_id, "The consent form covering the recording");
  app->add_option("--body-site", options->sites, "What is filmed: SITE[:left|right|bilateral]")
      ->allow_extra_args(false);
  app->add_option("--purpose", options->purposes,
                  "Purposes it is catalogued for (default clinical_record); each is checked "
                  "against the consent")
      ->allow_extra_args(false);
  app->add_option("--kind", options->kind,
                  "external_video (default), endoscopic, laparoscopic, internal_organ, pathology, "
                  "organ_function, ultrasound, xray");
  app->add_option("--procedure", options->procedure, "Procedure (searchable)");
  app->add_option("--view", options->view, "View, e.g. anterior, lateral, overhead");
  app->add_option("--case", options->case_ref, "Case or episode reference");
  app->add_option("--notes", options->notes, "Notes (searchable; no identifiers)");
  app->add_option("--archive", options->archive.archive, "Archive directory");
  app->add_option("--user", options->archive.user, "Archive user (else $CLINVID_USER)");
  app->add_option("--passphrase-file", options->archive.passphrase_file,
                  "The user's passphrase, first line of FILE (else $CLINVID_PASSPHRASE or asked)");
  app->add_option("-r,--recipient", options->recipients, "Encrypt to this age1… key; repeatable")
      ->allow_extra_args(false);
  app->add_option("-R,--recipients-file", options->recipient_files,
                  "Encrypt to every recipient in this file; repeatable")
      ->allow_extra_args(false);
  app->add_option("--marker", options->markers,
                  "Add a marker SECONDS:LABEL after that many seconds; repeatable")
      ->allow_extra_args(false);
  app->add_flag("--stdin-markers", options->stdin_markers,
                "Every line typed on stdin adds a marker with that label");
  app->add_option("--fsync-interval", options->fsync_ms,
                  "Make written data durable at least this often, in ms (default 1000)");
  app->add_flag("--json", options->json,
                "Print the session manifest as JSON on stdout (status lines go to stderr)");
  app->footer(
      "Each stream is written to DIR/<id>.mkv.age (H.264 in streamable Matroska, encrypted with "
      "age;\n'age -d -i KEY' decrypts it), timestamped on the session clock; DIR/manifest.json "
      "lists\nstreams, start times, frames, drops, bytes and markers. A camera that fails is "
      "finalised\nand reported while the others go on; a full disk stops the recording, keeping "
      "what was written.\nAfter a crash: clinvid recover -i KEY DIR -o NEWDIR.\n\n"
      "A real camera or microphone records into the archive only: --patient, --consent and "
      "--body-site\nare required, every stream becomes a catalogued recording with its own key, "
      "and the consent\npolicy is asked for each --purpose before anything is filmed (a "
      "refusal names the rule,\nexits 4 and is audited). test:// cameras film no one and "
      "need neither.\n\n" +
      std::string(kArchivePassphraseHelp));
  return Command{app, [options] { return run_record(*options); }};
}

}  // namespace clinvid::cli
