// Renders a project into a finished, encrypted, catalogued film (engine/render/film.hpp), with
// a progress bar, and optionally exports it (-o) re-encrypted to recipients or, without -r, as
// a plaintext MP4: the audited way plaintext leaves the archive.
#include "cmd_render.h"

#include <atomic>
#include <cmath>
#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "age_cli_common.h"
#include "archive_cli_common.h"
#include "project_source.h"
#include "render/film.hpp"
#include "render/presets.hpp"

namespace clinvid::cli {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int /*signal*/) {
  g_interrupted = true;
}

struct RenderOptions {
  ArchiveOptions archive;
  std::string project;
  std::string purpose;
  std::string preset = "teaching";
  std::string output;
  std::vector<std::string> recipients;
  std::vector<std::string> recipient_files;
  std::string backend = "cpu";
  std::string encoder = "auto";
  bool quiet = false;
};

std::string clock_text(double seconds) {
  const auto s = static_cast<long>(std::lround(seconds));
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

// A bar that redraws in place on a terminal and prints a line per tenth otherwise (logs).
class ProgressBar {
 public:
  explicit ProgressBar(bool quiet) : quiet_(quiet), tty_(::isatty(STDERR_FILENO) != 0) {}
  void operator()(const render::ExportProgress& p) {
    if (quiet_) return;
    const int percent = static_cast<int>(p.fraction * 100.0);
    if (!tty_ && percent / 10 == last_decile_ && p.frames_done != p.frames_total) return;
    last_decile_ = percent / 10;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(p.fraction * kWidth);
    const std::string bar = std::string(static_cast<std::size_t>(filled), '#') +
                            std::string(static_cast<std::size_t>(kWidth - filled), '-');
    const std::string eta = p.eta_seconds ? "ETA " + clock_text(*p.eta_seconds) : "ETA --:--";
    fmt::print(stderr, "{}[{}] {:3}% {}/{} frames {:.1f} fps {}{}", tty_ ? "\r" : "", bar, percent,
               p.frames_done, p.frames_total, p.frames_per_second, eta, tty_ ? "" : "\n");
    if (tty_ && p.frames_done == p.frames_total) fmt::print(stderr, "\n");
  }

 private:
  bool quiet_;
  bool tty_;
  int last_decile_ = -1;
};

Result<render::Backend> parse_backend(const std::string& text) {
  if (text == "cpu") return render::Backend::cpu;
  if (text == "vulkan") return render::Backend::vulkan;
  return fail(Errc::invalid_argument, "--backend is cpu or vulkan, not \"" + text + "\"");
}

Result<media::VideoEncoderKind> parse_encoder(const std::string& text) {
  if (text == "auto") return media::VideoEncoderKind::automatic;
  if (text == "libx264") return media::VideoEncoderKind::libx264;
  if (text == "nvenc") return media::VideoEncoderKind::nvenc;
  if (text == "vaapi") return media::VideoEncoderKind::vaapi;
  return fail(Errc::invalid_argument,
              "--encoder is auto, libx264, nvenc or vaapi, not \"" + text + "\"");
}

ExitCode run_render(const RenderOptions& o) {
  auto purposes = parse_purposes({o.purpose});
  if (!purposes) return report_error(ExitCode::usage, "render: " + purposes.error().detail);
  auto preset = render::find_preset(o.preset);
  if (!preset) return report_error(ExitCode::usage, "render: " + preset.error().detail);
  auto backend = parse_backend(o.backend);
  if (!backend) return report_error(ExitCode::usage, "render: " + backend.error().detail);
  auto encoder = parse_encoder(o.encoder);
  if (!encoder) return report_error(ExitCode::usage, "render: " + encoder.error().detail);
  auto recipients = load_recipients(o.recipients, o.recipient_files);
  if (!recipients) return report_error(ExitCode::usage, "render: " + recipients.error().detail);
  if (!recipients->empty() && o.output.empty()) {
    return report_error(ExitCode::usage, "render: -r/-R need -o (where the copy goes)");
  }

  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("render", a.error());
  auto loaded = load_project_from(o.project, &*a);
  if (!loaded) return report_archive_error("render", loaded.error());

  ProgressBar bar(o.quiet || o.archive.json);
  render::FilmRequest request;
  request.project = std::move(loaded->project);
  request.project_name = loaded->name;
  request.purpose = purposes->front();
  request.preset = *preset;
  request.backend = *backend;
  request.encoder = *encoder;
  request.progress = [&bar](const render::ExportProgress& p) { bar(p); };
  request.cancel = &g_interrupted;
  const auto previous = std::signal(SIGINT, on_interrupt);
  auto film = render::render_film(*a, request);
  std::signal(SIGINT, previous);
  if (!film) return report_archive_error("render", film.error());

  Json doc = {{"film", film->film.id},
              {"frames", film->render.frames},
              {"width", film->render.width},
              {"height", film->render.height},
              {"frame_rate", film->render.frame_rate.to_string()},
              {"duration", film->film.duration},
              {"encoder", film->render.encoder},
              {"consent", film->consent.consent_id},
              {"identifiability", consent::to_string(film->consent.identifiability)},
              {"derived_from", film->consent.sources},
              {"captions_sidecar", film->captions_sidecar},
              {"seconds", film->render.seconds}};
  std::string text = fmt::format(
      "film {} rendered: {} frames {}x{} at {} fps ({}) in {:.1f} s, {}; derived from {}",
      film->film.id, film->render.frames, film->render.width, film->render.height,
      film->render.frame_rate.to_string(), film->render.encoder, film->render.seconds,
      consent::to_string(film->consent.identifiability), fmt::join(film->consent.sources, ", "));
  if (!o.output.empty()) {
    const auto form =
        recipients->empty() ? archive::ExportForm::plaintext : archive::ExportForm::encrypted;
    if (auto ok = a->export_recording(film->film.id, request.purpose, o.output, form, *recipients);
        !ok) {
      return report_archive_error("render", with_context(ok.error(), "exporting the film").value());
    }
    doc["output"] = o.output;
    doc["output_form"] = recipients->empty() ? "plaintext" : "encrypted";
    text += fmt::format("\nwrote {} ({})", o.output,
                        recipients->empty() ? "plaintext MP4, audited" : "age-encrypted MP4");
  }
  print_result(o.archive, doc, text);
  return ExitCode::ok;
}

}  // namespace

Command add_render(CLI::App& parent) {
  auto o = std::make_shared<RenderOptions>();
  CLI::App* app = parent.add_subcommand(
      "render", "Render a project into a finished film: consent-gated, encrypted, catalogued");
  app->add_option("project", o->project,
                  "A project JSON file, or the name of a project saved in the archive")
      ->required();
  app->add_option("--purpose", o->purpose,
                  "What the film is for: clinical_record, teaching, research, publication, "
                  "safeguarding_medico_legal. Every clip's consent must allow it")
      ->required();
  std::string presets_help = "Export preset:";
  for (const auto& p : render::export_presets()) {
    presets_help += fmt::format("\n  {:12} {} — {}", p.id, p.label, p.use);
  }
  app->add_option("--preset", o->preset, presets_help)->capture_default_str();
  app->add_option("-o,--output", o->output,
                  "Also export the film here: age-encrypted to -r/-R recipients, or without them "
                  "a plaintext MP4 (gated as an export and audited)");
  app->add_option("-r,--recipient", o->recipients, "Encrypt the -o copy to this age1… recipient");
  app->add_option("-R,--recipients-file", o->recipient_files, "Recipients, one per line");
  app->add_option("--backend", o->backend, "Compositor: cpu (default) or vulkan")
      ->capture_default_str();
  app->add_option("--encoder", o->encoder,
                  "H.264 encoder: auto (NVENC, then VA-API, then libx264), libx264, nvenc, vaapi")
      ->capture_default_str();
  app->add_flag("-q,--quiet", o->quiet, "No progress bar");
  add_archive_options(app, o->archive);
  app->footer(std::string(kArchivePassphraseHelp) +
              "\nCtrl-C cancels the render; nothing is catalogued and no file is left.");
  return Command{app, [o]() { return run_render(*o); }};
}

}  // namespace clinvid::cli
