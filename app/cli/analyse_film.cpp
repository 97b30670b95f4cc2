#include "analyse_film.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "analyse_common.h"
#include "analysis/gait_film.hpp"
#include "render/film.hpp"
#include "render/presets.hpp"

namespace clinvid::cli {
namespace {

struct FilmOptions {
  ArchiveOptions archive;
  std::string review;
  std::string compare;
  std::string purpose;
  std::string preset = "gait-review";
  std::string side = "right";
  std::string before_label = "before";
  std::string after_label = "after";
  std::uint32_t width_px = 0;  // 0: the preset's (or the first recording's for project size)
  std::uint32_t height_px = 0;
};

ExitCode run_film(const FilmOptions& o) {
  constexpr std::string_view cmd = "analyse film";
  auto purposes = parse_purposes({o.purpose});
  if (!purposes)
    return report_error(ExitCode::usage, fmt::format("{}: {}", cmd, purposes.error().detail));
  auto preset = render::find_preset(o.preset);
  if (!preset)
    return report_error(ExitCode::usage, fmt::format("{}: {}", cmd, preset.error().detail));
  auto side = analysis::parse_side(o.side);
  if (!side) return report_error(ExitCode::usage, fmt::format("{}: --side is right or left", cmd));

  std::vector<analysis::Review> reviews;
  for (const std::string& path : {o.review, o.compare}) {
    if (path.empty()) continue;
    auto review = load_review(cmd, path);
    if (!review) return review.error().code;
    if (!uses_archive(*review)) {
      return report_error(ExitCode::usage,
                          fmt::format("{}: {} reviews a file outside the archive; films are "
                                      "made from archive recordings (import it first)",
                                      cmd, path));
    }
    reviews.push_back(std::move(*review));
  }
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error(cmd, a.error());

  analysis::GaitFilmSpec spec;
  spec.side = *side;
  spec.title = "Gait review";
  for (std::size_t i = 0; i < reviews.size(); ++i) {
    analysis::GaitFilmSession s;
    s.label = reviews.size() == 1 ? std::string() : (i == 0 ? o.before_label : o.after_label);
    s.review = &reviews[i];
    const std::string& id = reviews[i].views.front().recording_id;
    auto info = a->get_recording(id);
    if (!info)
      return report_archive_error(cmd, with_context(info.error(), "recording " + id).value());
    s.source_width_px = static_cast<std::uint32_t>(info->width);
    s.source_height_px = static_cast<std::uint32_t>(info->height);
    if (s.label.empty()) s.label = "gait";
    spec.sessions.push_back(std::move(s));
  }
  // The canvas: --size, else the preset's, else (project-sized presets) the recordings side by
  // side at their own size.
  if (o.width_px != 0 && o.height_px != 0) {
    spec.width_px = o.width_px;
    spec.height_px = o.height_px;
  } else if (preset->size == render::PresetSize::fixed) {
    spec.width_px = preset->width;
    spec.height_px = preset->height;
  } else {
    spec.width_px = 0;
    spec.height_px = 0;
    for (const auto& s : spec.sessions) {
      spec.width_px += s.source_width_px;
      spec.height_px = std::max(spec.height_px, s.source_height_px);
    }
  }
  auto film = analysis::build_gait_film(spec);
  if (!film) return report_archive_error(cmd, film.error());
  film->project.metadata.purpose = purposes->front();

  render::FilmRequest request;
  request.project = std::move(film->project);
  request.project_name = "gait film";
  request.purpose = purposes->front();
  request.preset = *preset;
  auto out = render::render_film(*a, request);
  if (!out) return report_archive_error(cmd, out.error());

  Json sessions = Json::array();
  for (std::size_t i = 0; i < film->sessions.size(); ++i) {
    const auto& p = film->sessions[i];
    sessions.push_back({{"label", spec.sessions[i].label},
                        {"recording", reviews[i].views.front().recording_id},
                        {"stride_first_frame", p.stride_first_frame},
                        {"stride_last_frame", p.stride_last_frame},
                        {"knee_flexion_at_freeze_deg", p.knee_flexion_at_freeze_deg}});
  }
  const Json doc = {{"film", out->film.id},
                    {"frames", out->render.frames},
                    {"width", out->render.width},
                    {"height", out->render.height},
                    {"frame_rate", out->render.frame_rate.to_string()},
                    {"slow_start", film->slow_start.to_string()},
                    {"freeze_start", film->freeze_start.to_string()},
                    {"end", film->end.to_string()},
                    {"derived_from", out->consent.sources},
                    {"sessions", std::move(sessions)}};
  print_result(o.archive, doc,
               fmt::format("gait film {} rendered: {} frames {}x{} (slow motion from {:.2f} s, "
                           "freeze at {:.2f} s); derived from {}",
                           out->film.id, out->render.frames, out->render.width, out->render.height,
                           film->slow_start.seconds(), film->freeze_start.seconds(),
                           fmt::join(out->consent.sources, ", ")));
  return ExitCode::ok;
}

}  // namespace

Command add_analyse_film(CLI::App* analyse) {
  auto o = std::make_shared<FilmOptions>();
  CLI::App* app = analyse->add_subcommand(
      "film",
      "Render a gait sequence film (side by side before/after, slow-motion stride, freeze at "
      "heel strike with knee angle and curve): consent-gated, encrypted, catalogued");
  app->add_option("review", o->review, "Tracked review JSON of an archive recording")->required();
  app->add_option("--compare", o->compare, "A second review (after), shown side by side");
  app->add_option("--purpose", o->purpose,
                  "What the film is for; every recording's consent must "
                  "allow it")
      ->required();
  app->add_option("--preset", o->preset, "Export preset (gait-review keeps the source rate)")
      ->capture_default_str();
  app->add_option("--side", o->side, "The leg annotated: right or left")->capture_default_str();
  app->add_option("--width", o->width_px, "Canvas width (default: the preset's)");
  app->add_option("--height", o->height_px, "Canvas height (default: the preset's)");
  app->add_option("--before-label", o->before_label)->capture_default_str();
  app->add_option("--after-label", o->after_label)->capture_default_str();
  add_archive_options(app, o->archive);
  app->footer(std::string(kArchivePassphraseHelp));
  return Command{app, [o]() { return run_film(*o); }};
}

}  // namespace clinvid::cli
