// `clinvid demo`: what a newcomer does in the studio in their first minutes, without a window:
// open (or create) a demo archive of made-up people, calibrate a test camera from the chart it
// films, record both built-in test cameras for a few seconds after the consent check, put the
// two recordings side by side under a title and export a teaching film through the consent
// gate. Every step is the engine's own (the studio calls the same functions), so this is also
// the quickest check that a machine can do the whole job.
#include "cmd_demo.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "age_cli_common.h"
#include "archive/demo.hpp"
#include "archive_cli_common.h"
#include "capture/archive_session.hpp"
#include "capture/test_calibration.hpp"
#include "colour/calibrate.hpp"
#include "colour/profile.hpp"
#include "core/id.hpp"
#include "core/paths.hpp"
#include "render/film.hpp"
#include "render/presets.hpp"
#include "timeline/commands.hpp"

namespace clinvid::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kWidth = 1280;
constexpr std::uint32_t kHeight = 720;

struct DemoOptions {
  std::string archive;  // empty: <data home>/clinvid/demo
  double seconds = 5;
  bool json = false;
};

void progress(const DemoOptions& o, const std::string& line) {
  fmt::print(o.json ? stderr : stdout, "{}\n", line);
  std::fflush(o.json ? stderr : stdout);
}

// The profile a photographer makes at the start of a session, saved where the session finds it.
Result<colour::CalibrationProfile> calibrate_theatre(const fs::path& profile_path) {
  auto profile = capture::calibrate_test_theatre(kWidth, kHeight);
  if (!profile) return tl::unexpected(profile.error());
  if (auto saved = colour::save_profile(profile_path, *profile); !saved) {
    return tl::unexpected(saved.error());
  }
  return profile;
}

// Both test cameras, recorded into the archive after the consent check; returns the
// catalogued recording ids in camera order.
Result<std::vector<std::string>> record_cameras(const DemoOptions& o, archive::DemoSession& demo,
                                                const fs::path& session_dir,
                                                const fs::path& profile) {
  capture::ArchiveTarget target;
  target.patient_id = demo.people.patient_id;
  target.consent_id = demo.people.consent_id;
  target.sites = {{"lower_limb", consent::Laterality::bilateral}};
  target.purposes = {consent::Purpose::clinical_record, consent::Purpose::teaching};
  target.procedure = "clinvid demo";
  auto check = capture::check_recording_consent(demo.archive, target);
  if (!check) return tl::unexpected(check.error());
  if (!check->allowed) return fail(Errc::permission_denied, check->reason);
  progress(o, "consent check: recording allowed for the clinical record and teaching");
  progress(o, fmt::format("recording two test cameras for {} s", o.seconds));

  capture::SessionConfig config;
  const std::string size = fmt::format("width={}&height={}", kWidth, kHeight);
  config.cameras.push_back({"test://theatre?" + size, profile});
  config.cameras.push_back({"test://gait?" + size, {}});
  config.out_dir = session_dir;
  config.plugin_dir = fs::path(CLINVID_GST_PLUGIN_DIR);
  const std::string session_ref = session_dir.filename().string();
  auto started = capture::start_recording(demo.archive, target, std::move(config), session_ref);
  if (!started) return tl::unexpected(started.error());
  capture::Session& session = started->session;
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(o.seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (session.poll(std::chrono::milliseconds(50)) != capture::SessionState::recording) break;
  }
  auto manifest = session.stop();
  if (!manifest) return tl::unexpected(manifest.error());
  for (const capture::StreamStats& stream : session.stats()) {
    progress(o, fmt::format("  {} {}: {} frames, {} dropped, {} KiB", stream.id, stream.uri,
                            stream.frames, stream.dropped_frames, stream.bytes / 1024));
  }
  if (auto catalogued = started->recording.catalogue(*manifest); !catalogued) {
    return tl::unexpected(catalogued.error());
  }
  std::vector<std::string> ids;
  for (const auto& [stream, id] : started->recording.catalogued()) ids.push_back(id);
  if (ids.size() != 2) {
    return fail(Errc::media, fmt::format("{} of the 2 cameras recorded anything", ids.size()));
  }
  return ids;
}

// The two recordings side by side under a title, for teaching.
Result<timeline::Project> film_project(archive::Archive& archive,
                                       const std::vector<std::string>& ids) {
  timeline::History history;
  timeline::OutputFormat format;
  format.width_px = 1920;  // the teaching preset's size: two 16:9 views side by side fit in it
  format.height_px = 1080;
  format.frame_rate = Rational::make(30, 1).value();
  timeline::Metadata meta;
  meta.title = "clinvid demo: two cameras side by side";
  meta.author = archive.user().name;
  meta.consent_reference = archive::kDemoConsentId;
  meta.purpose = consent::Purpose::teaching;
  timeline::Layout layout;
  layout.kind = timeline::LayoutKind::side_by_side;
  for (const timeline::Command& command :
       {timeline::set_format(format), timeline::set_metadata(meta),
        timeline::set_project_layout(layout)}) {
    if (auto applied = history.apply(command); !applied) return tl::unexpected(applied.error());
  }
  for (std::size_t k = 0; k < ids.size(); ++k) {
    auto recording = archive.get_recording(ids[k]);
    if (!recording) return tl::unexpected(recording.error());
    auto duration = Rational::parse(recording->duration);
    if (!duration) return with_context(duration.error(), "the recording's duration");
    auto track = history.apply(
        timeline::add_track(timeline::TrackKind::video, fmt::format("Camera {}", k + 1)));
    if (!track) return tl::unexpected(track.error());
    timeline::Clip clip;
    clip.source = {recording->id, 0};
    clip.source_width_px = static_cast<std::uint32_t>(recording->width);
    clip.source_height_px = static_cast<std::uint32_t>(recording->height);
    clip.source_out = Time(duration->num(), Rational::make(1, duration->den()).value());
    clip.placement.kind = timeline::PlacementKind::slot;
    clip.placement.slot = static_cast<int>(k);
    if (auto added = history.apply(timeline::add_clip(*track, clip)); !added) {
      return tl::unexpected(added.error());
    }
  }
  if (auto titled = history.apply(timeline::insert_title_card(
          "clinvid demo", "Two test cameras, standardised and recorded in sync",
          Time(2, Rational())));
      !titled) {
    return tl::unexpected(titled.error());
  }
  return history.project();
}

Result<render::FilmOutcome> export_film(const DemoOptions& o, archive::Archive& archive,
                                        timeline::Project project) {
  auto preset = render::find_preset("teaching");
  if (!preset) return tl::unexpected(preset.error());
  render::FilmRequest request;
  request.project = std::move(project);
  request.project_name = "clinvid-demo";
  request.purpose = consent::Purpose::teaching;
  request.preset = *preset;
  int last_tenth = -1;
  request.progress = [&](const render::ExportProgress& p) {
    const int tenth = static_cast<int>(10 * p.fraction);
    if (tenth != last_tenth) {
      last_tenth = tenth;
      progress(o, fmt::format("  exporting: {}%", 10 * tenth));
    }
  };
  return render::render_film(archive, request);
}

double seconds_of(const std::string& rational) {
  auto value = Rational::parse(rational);
  return value ? value->to_double() : 0.0;
}

ExitCode run_demo(const DemoOptions& o) {
  if (!(o.seconds >= 1 && o.seconds <= 600)) {
    return report_error(ExitCode::usage, "demo: --seconds must be between 1 and 600");
  }
  const fs::path dir = o.archive.empty() ? archive::default_demo_archive() : fs::path(o.archive);
  const fs::path passphrase_file = archive::demo_passphrase_file(dir);
  auto demo = archive::open_or_create_demo(dir);
  if (!demo) return report_archive_error("demo", demo.error());
  progress(o, fmt::format("{} the demo archive {} (user `{}`, patient {}, consent {})",
                          demo->created ? "created" : "opened", dir.string(), archive::kDemoUser,
                          demo->people.patient_id, demo->people.consent_id));

  const fs::path session_dir = dir / "sessions" / Uuid::random().to_string();
  if (auto made = paths::ensure_directory(session_dir); !made) {
    return report_command_error("demo", made.error());
  }
  const fs::path profile_path = session_dir / "theatre-profile.json";
  auto profile = calibrate_theatre(profile_path);
  if (!profile) return report_command_error("demo", profile.error());
  progress(o, fmt::format("calibrated test://theatre from its chart: mean dE00 {:.2f}, max {:.2f}",
                          profile->fit.mean, profile->fit.max));

  auto recordings = record_cameras(o, *demo, session_dir, profile_path);
  if (!recordings) return report_archive_error("demo", recordings.error());

  auto project = film_project(demo->archive, *recordings);
  if (!project) return report_command_error("demo", project.error());
  auto film = export_film(o, demo->archive, std::move(*project));
  if (!film) return report_archive_error("demo", film.error());

  const std::string studio =
      fmt::format("clinvid-studio --archive {} --user {} --passphrase-file {}", dir.string(),
                  archive::kDemoUser, passphrase_file.string());
  Json out = {{"archive", dir.string()},
              {"created", demo->created},
              {"user", archive::kDemoUser},
              {"passphrase_file", passphrase_file.string()},
              {"patient", demo->people.patient_id},
              {"consent", demo->people.consent_id},
              {"delta_e00_mean", profile->fit.mean},
              {"recordings", *recordings},
              {"film", film->film.id},
              {"film_duration", film->film.duration},
              {"studio", studio}};
  if (o.json) {
    fmt::print("{}\n", out.dump(2));
  } else {
    fmt::print("film {} ({:.1f} s) catalogued for teaching from recordings {}\n", film->film.id,
               seconds_of(film->film.duration), fmt::join(*recordings, ", "));
    fmt::print("open it in the studio:\n  {}\n", studio);
  }
  return ExitCode::ok;
}

}  // namespace

Command add_demo(CLI::App& parent) {
  auto o = std::make_shared<DemoOptions>();
  CLI::App* app = parent.add_subcommand(
      "demo",
      "The whole job without a window: demo archive, calibration, a 2-camera recording after "
      "the consent check, and a teaching film");
  app->add_option("--archive", o->archive,
                  "The demo archive (default: <data home>/clinvid/demo); created with made-up "
                  "people when absent, its passphrase kept in <archive>.passphrase (mode 0600)");
  app->add_option("--seconds", o->seconds, "How long to record")->capture_default_str();
  app->add_flag("--json", o->json, "Print the outcome as JSON (progress goes to stderr)");
  app->footer(fmt::format(
      "Everyone in the demo archive is made up; use it to learn clinvid, never for patients.\n{}",
      kExitCodeHelp));
  return Command{app, [o]() { return run_demo(*o); }};
}

}  // namespace clinvid::cli
