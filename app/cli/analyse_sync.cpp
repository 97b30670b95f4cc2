#include "analyse_sync.h"

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "age_cli_common.h"
#include "analyse_common.h"
#include "analysis/sync.hpp"
#include "analysis/sync_detect.hpp"
#include "core/json.hpp"

namespace clinvid::cli {
namespace {

namespace an = analysis;

struct SyncOptions {
  AnalyseOptions media;
  std::string review;
  std::vector<std::string> recordings;
  std::string event = "clap";
  std::string output;
  an::ClapDetectionOptions clap;
  an::FlashDetectionOptions flash;
};

ExitCode usage(std::string_view command, const std::string& message) {
  return report_error(ExitCode::usage, fmt::format("{}: {}", command, message));
}

// Views for recordings given on the command line: archive ids, else one per --file.
an::Review review_of_recordings(const SyncOptions& o) {
  an::Review review;
  const bool files = o.recordings.empty();
  const std::size_t count = files ? o.media.files.size() : o.recordings.size();
  for (std::size_t i = 0; i < count; ++i) {
    an::ReviewView view;
    view.id = fmt::format("view{}", i + 1);
    view.recording_id = files ? std::string(kFileRecordingPrefix) +
                                    std::filesystem::path(o.media.files[i]).filename().string()
                              : o.recordings[i];
    view.stream_index = -1;
    review.views.push_back(std::move(view));
  }
  return review;
}

Outcome<an::Review> views_to_sync(std::string_view cmd, const SyncOptions& o) {
  if (!o.review.empty()) {
    if (!o.recordings.empty()) {
      return tl::unexpected(Failure{usage(cmd, "give a review or --recording, not both")});
    }
    return load_review(cmd, o.review);
  }
  if (!o.output.empty()) {
    return tl::unexpected(Failure{usage(cmd, "-o writes an aligned review: give REVIEW.json")});
  }
  if (o.recordings.empty() == o.media.files.empty()) {
    return tl::unexpected(
        Failure{usage(cmd, "give REVIEW.json, or --recording ID... or --file X.age... with -i")});
  }
  return review_of_recordings(o);
}

// The event of one view on that view's clock (frame 0 at 0).
Result<an::SyncEvent> detect(an::SyncEventKind kind, const SyncOptions& o, OpenedMedia& media,
                             std::size_t view) {
  if (kind == an::SyncEventKind::flash)
    return an::detect_flash(media.inputs[view].input(), o.flash);
  auto clap = an::detect_clap_in_file(media.paths[view], media.identities, o.clap);
  if (!clap) return clap;
  auto on_view = subtract(clap->time, media.inputs[view].start());
  if (!on_view) return tl::unexpected(on_view.error());
  clap->time = *on_view;
  return clap;
}

Json event_json(const an::ReviewView& view, const an::SyncEvent& event, const an::ViewSync& sync) {
  return {{"view", view.id},
          {"recording", view.recording_id},
          {"event", std::string(an::to_string(event.kind))},
          {event.kind == an::SyncEventKind::clap ? "sample" : "frame", event.index},
          {"time", to_json(event.time)},
          {"time_s", event.time.seconds()},
          {"event_frame", sync.event_frame},
          {"level", event.level_db},
          {"offset", to_json(sync.offset)},
          {"offset_s", sync.offset.seconds()}};
}

ExitCode run_sync(const SyncOptions& o) {
  constexpr std::string_view cmd = "analyse sync";
  an::SyncEventKind kind = an::SyncEventKind::invalid;
  if (o.event == "clap") kind = an::SyncEventKind::clap;
  if (o.event == "flash") kind = an::SyncEventKind::flash;
  if (kind == an::SyncEventKind::invalid) {
    return usage(cmd, "--event is clap or flash, not \"" + o.event + "\"");
  }
  auto review = views_to_sync(cmd, o);
  if (!review) return review.error().code;
  auto media = open_review_media(cmd, *review, o.media);
  if (!media) return media.error().code;

  std::vector<an::SyncEvent> events;
  for (std::size_t v = 0; v < review->views.size(); ++v) {
    an::ReviewView& view = review->views[v];
    if (o.review.empty()) {
      view.frame_rate = media->inputs[v].frame_rate();
      view.frame_count = media->inputs[v].frame_count();
    }
    auto event = detect(kind, o, *media, v);
    if (!event) {
      return report_command_error(cmd,
                                  with_context(event.error(), "view \"" + view.id + "\"").value());
    }
    events.push_back(*event);
  }
  const an::SyncMethod method =
      kind == an::SyncEventKind::clap ? an::SyncMethod::clap : an::SyncMethod::flash;
  std::vector<an::ViewSync> syncs;
  for (std::size_t v = 0; v < events.size(); ++v) {
    // The first view is the reference: offset 0, the others against it.
    const an::ViewSync reference = syncs.empty() ? an::ViewSync{} : syncs.front();
    auto sync = an::sync_by_event_time(method, events[v].time, review->views[v].frame_rate,
                                       events.front().time, reference);
    if (!sync) return report_command_error(cmd, sync.error());
    syncs.push_back(*sync);
  }
  if (auto ok = authorize_research_export(cmd, *review, o.media, media->archive.get(),
                                          "sync events to standard output");
      !ok) {
    return ok.error().code;
  }
  Json views = Json::array();
  std::string text;
  for (std::size_t v = 0; v < events.size(); ++v) {
    const an::ReviewView& view = review->views[v];
    views.push_back(event_json(view, events[v], syncs[v]));
    text += fmt::format("{:<10} {} at {:.6f} s ({} {}, frame {}), offset {:+.6f} s\n", view.id,
                        an::to_string(kind), events[v].time.seconds(),
                        kind == an::SyncEventKind::clap ? "sample" : "frame", events[v].index,
                        syncs[v].event_frame, syncs[v].offset.seconds());
  }
  Json doc = {{"event", o.event}, {"views", std::move(views)}};
  if (!o.output.empty()) {
    for (std::size_t v = 0; v < syncs.size(); ++v) review->views[v].sync = syncs[v];
    const std::string json = an::review_to_json(*review).dump(2) + "\n";
    const std::vector<std::uint8_t> bytes(json.begin(), json.end());
    if (auto ok =
            write_research_output(cmd, *review, o.media, media->archive.get(), o.output, bytes);
        !ok) {
      return ok.error().code;
    }
    doc["output"] = o.output;
    text += fmt::format("wrote {} aligned on the {}", o.output, o.event);
  }
  print_result(o.media.archive, doc, text);
  return ExitCode::ok;
}

}  // namespace

Command add_analyse_sync(CLI::App* analyse) {
  auto o = std::make_shared<SyncOptions>();
  CLI::App* app = analyse->add_subcommand(
      "sync",
      "Find a clap (audio) or flash (video) in each view or recording, print it on each "
      "recording's clock and the offsets; -o writes the review aligned on it");
  app->add_option("review", o->review, "Review JSON whose views to align");
  app->add_option("--recording", o->recordings, "Archive recordings (instead of a review)");
  app->add_option("--event", o->event, "clap (audio onset) or flash (video)")
      ->capture_default_str();
  app->add_option("-o,--output", o->output, "Write the review aligned on the event here");
  app->add_option("--jump-db", o->clap.jump_db, "Clap: rise over the noise floor")
      ->capture_default_str();
  app->add_option("--min-level-dbfs", o->clap.min_level_dbfs, "Clap: at least this loud")
      ->capture_default_str();
  app->add_option("--jump-luma", o->flash.jump_luma, "Flash: rise of mean luma (8-bit codes)")
      ->capture_default_str();
  add_analyse_media_options(app, o->media);
  app->footer(std::string(kArchivePassphraseHelp));
  return Command{app, [o]() { return run_sync(*o); }};
}

}  // namespace clinvid::cli
