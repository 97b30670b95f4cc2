// Edit projects from the command line. `new` builds a project through the same undoable
// commands the studio's editor posts (so it is validated the same way); `validate` and `otio`
// read one; `save`, `open` and `list` keep projects sealed in the archive.
#include "cmd_project.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "archive_cli_common.h"
#include "crypto/io.hpp"
#include "project_source.h"
#include "time_text.h"
#include "timeline/captions.hpp"
#include "timeline/commands.hpp"
#include "timeline/evaluate.hpp"
#include "timeline/otio.hpp"
#include "timeline/project_file.hpp"

namespace clinvid::cli {
namespace {

struct ProjectOptions {
  ArchiveOptions archive;
  std::string project;  // file or archive name
  std::string output;
  std::string save_as;
  // new
  std::string title, author, consent_ref, size = "1920x1080", rate = "30", layout = "single";
  std::string purpose = "teaching";
  std::vector<std::string> clips, captions, faces, redactions;
  std::string captions_file, title_card;
  bool end_card = false;
};

Status write_text_file(const std::string& path, const std::string& text) {
  auto sink = crypto::AtomicFileSink::create(path);
  if (!sink) return tl::unexpected(sink.error());
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  if (auto ok = (*sink)->write(std::span(bytes, text.size())); !ok) return ok;
  return (*sink)->close();
}

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::not_found, "cannot read " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Result<timeline::LayoutKind> parse_layout(const std::string& text) {
  if (text == "single") return timeline::LayoutKind::single;
  if (text == "side-by-side") return timeline::LayoutKind::side_by_side;
  if (text == "grid") return timeline::LayoutKind::grid_2x2;
  if (text == "pip") return timeline::LayoutKind::picture_in_picture;
  return fail(Errc::invalid_argument,
              "--layout is single, side-by-side, grid or pip, not \"" + text + "\"");
}

// "START-END TEXT" (times as parse_time_text reads them).
Result<timeline::TextItem> parse_timed_text(const std::string& spec, timeline::TextPosition pos) {
  const auto space = spec.find(' ');
  const auto dash = spec.find('-');
  if (space == std::string::npos || dash == std::string::npos || dash > space) {
    return fail(Errc::invalid_argument, "\"" + spec + "\": expected \"START-END text\"");
  }
  auto start = parse_time_text(spec.substr(0, dash));
  auto end = parse_time_text(spec.substr(dash + 1, space - dash - 1));
  if (!start) return tl::unexpected(start.error());
  if (!end) return tl::unexpected(end.error());
  auto duration = subtract(*end, *start);
  if (!duration || duration->value() <= 0) {
    return fail(Errc::invalid_argument, "\"" + spec + "\": the end must come after the start");
  }
  timeline::TextItem item;
  item.text = spec.substr(space + 1);
  item.start = *start;
  item.duration = *duration;
  item.position = pos;
  return item;
}

// "K:x,y,w,h" — clip number K (1-based, in --clip order) and a region in fractions of its frame.
struct ClipRegion {
  std::size_t clip = 0;
  timeline::NormRect rect;
  std::string mode;
};
Result<ClipRegion> parse_clip_region(const std::string& spec) {
  ClipRegion out;
  unsigned k = 0;
  double x = 0, y = 0, w = 0, h = 0;
  char mode[16] = {};
  const int n = std::sscanf(spec.c_str(), "%u:%lf,%lf,%lf,%lf:%15s", &k, &x, &y, &w, &h, mode);
  if (n < 5 || k == 0 || w <= 0 || h <= 0) {
    return fail(Errc::invalid_argument,
                "\"" + spec + "\": expected K:x,y,w,h[:mode] (clip number from 1, fractions)");
  }
  out.clip = k - 1;
  out.rect = {x, y, w, h};
  out.mode = n == 6 ? mode : "blur";
  return out;
}

// "RECORDING[:STREAM][@IN-OUT]"
struct ClipSpec {
  std::string recording;
  int stream = 0;
  std::optional<Time> in, out;
};
Result<ClipSpec> parse_clip_spec(const std::string& spec) {
  ClipSpec c;
  std::string head = spec;
  if (const auto at = spec.find('@'); at != std::string::npos) {
    head = spec.substr(0, at);
    const std::string range = spec.substr(at + 1);
    const auto dash = range.find('-');
    if (dash == std::string::npos) {
      return fail(Errc::invalid_argument, "\"" + spec + "\": the range is @IN-OUT");
    }
    auto in = parse_time_text(range.substr(0, dash));
    auto out = parse_time_text(range.substr(dash + 1));
    if (!in) return tl::unexpected(in.error());
    if (!out) return tl::unexpected(out.error());
    c.in = *in;
    c.out = *out;
  }
  if (const auto colon = head.find(':'); colon != std::string::npos) {
    c.stream = std::atoi(head.substr(colon + 1).c_str());
    head = head.substr(0, colon);
  }
  c.recording = head;
  return c;
}

Result<timeline::Project> build_project(const ProjectOptions& o, archive::Archive* archive) {
  timeline::History history;
  auto apply = [&](const timeline::Command& c) { return history.apply(c); };
  unsigned width = 0, height = 0;
  if (std::sscanf(o.size.c_str(), "%ux%u", &width, &height) != 2) {
    return fail(Errc::invalid_argument, "--size is WIDTHxHEIGHT, not \"" + o.size + "\"");
  }
  auto rate = Rational::parse(o.rate);
  if (!rate) return with_context(rate.error(), "--rate");
  auto purposes = parse_purposes({o.purpose});
  if (!purposes) return tl::unexpected(purposes.error());
  auto layout = parse_layout(o.layout);
  if (!layout) return tl::unexpected(layout.error());

  timeline::OutputFormat format;
  format.width_px = width;
  format.height_px = height;
  format.frame_rate = *rate;
  if (auto ok = apply(timeline::set_format(format)); !ok) return tl::unexpected(ok.error());
  timeline::Metadata meta;
  meta.title = o.title;
  meta.author = o.author;
  meta.consent_reference = o.consent_ref;
  meta.purpose = purposes->front();
  if (auto ok = apply(timeline::set_metadata(meta)); !ok) return tl::unexpected(ok.error());
  timeline::Layout project_layout;
  project_layout.kind = *layout;
  if (auto ok = apply(timeline::set_project_layout(project_layout)); !ok) {
    return tl::unexpected(ok.error());
  }

  std::vector<std::string> clip_ids;
  std::string video_track;
  Time sequence_end;
  for (std::size_t k = 0; k < o.clips.size(); ++k) {
    auto spec = parse_clip_spec(o.clips[k]);
    if (!spec) return tl::unexpected(spec.error());
    if (archive == nullptr) return fail(Errc::internal, "no archive to look clips up in");
    auto rec = archive->get_recording(spec->recording);
    if (!rec) return with_context(rec.error(), "--clip " + o.clips[k]);
    timeline::Clip clip;
    clip.source = {rec->id, spec->stream};
    clip.source_width_px = static_cast<std::uint32_t>(rec->width);
    clip.source_height_px = static_cast<std::uint32_t>(rec->height);
    clip.speed = Rational();
    clip.source_in = spec->in.value_or(Time());
    if (spec->out) {
      clip.source_out = *spec->out;
    } else {
      auto whole = Rational::parse(rec->duration);
      if (rec->duration.empty() || !whole) {
        return fail(Errc::invalid_argument, "--clip " + o.clips[k] +
                                                ": the recording's duration is not catalogued; "
                                                "give @IN-OUT");
      }
      clip.source_out = Time(whole->num(), Rational::make(1, whole->den()).value());
    }
    const bool parallel = *layout != timeline::LayoutKind::single;
    if (parallel || video_track.empty()) {
      auto track =
          apply(timeline::add_track(timeline::TrackKind::video, fmt::format("Video {}", k + 1)));
      if (!track) return tl::unexpected(track.error());
      video_track = *track;
    }
    clip.start = parallel ? Time() : sequence_end;
    clip.placement.kind = timeline::PlacementKind::slot;
    clip.placement.slot = parallel ? static_cast<int>(k) : 0;
    auto id = apply(timeline::add_clip(video_track, clip));
    if (!id) return with_context(id.error(), "--clip " + o.clips[k]);
    clip_ids.push_back(*id);
    if (!parallel) {
      auto end = timeline::clip_end(*timeline::find_clip(history.project(), *id).clip);
      if (!end) return tl::unexpected(end.error());
      sequence_end = *end;
    }
  }

  for (const auto& spec : o.faces) {
    auto r = parse_clip_region(spec);
    if (!r) return with_context(r.error(), "--face");
    if (r->clip >= clip_ids.size())
      return fail(Errc::invalid_argument, "--face " + spec + ": no such clip");
    timeline::FaceRegion face;
    face.keyframes.push_back({Time(), r->rect});
    if (auto ok = apply(timeline::add_face(clip_ids[r->clip], face)); !ok) {
      return with_context(ok.error(), "--face " + spec);
    }
  }
  for (const auto& spec : o.redactions) {
    auto r = parse_clip_region(spec);
    if (!r) return with_context(r.error(), "--redact");
    if (r->clip >= clip_ids.size()) {
      return fail(Errc::invalid_argument, "--redact " + spec + ": no such clip");
    }
    timeline::Redaction redaction;
    if (r->mode == "pixelate") {
      redaction.mode = render::RedactionMode::pixelate;
    } else if (r->mode == "solid") {
      redaction.mode = render::RedactionMode::solid;
    } else if (r->mode != "blur") {
      return fail(Errc::invalid_argument, "--redact " + spec + ": mode is blur, pixelate or solid");
    }
    redaction.keyframes.push_back({Time(), r->rect});
    if (auto ok = apply(timeline::add_redaction(clip_ids[r->clip], redaction)); !ok) {
      return with_context(ok.error(), "--redact " + spec);
    }
  }

  std::vector<timeline::TextItem> captions;
  for (const auto& spec : o.captions) {
    auto item = parse_timed_text(spec, timeline::TextPosition::caption);
    if (!item) return with_context(item.error(), "--caption");
    captions.push_back(std::move(*item));
  }
  if (!o.captions_file.empty()) {
    auto text = read_text_file(o.captions_file);
    if (!text) return tl::unexpected(text.error());
    auto cues = o.captions_file.ends_with(".srt") ? timeline::parse_srt(*text)
                                                  : timeline::parse_webvtt(*text);
    if (!cues) return with_context(cues.error(), o.captions_file);
    for (const auto& cue : *cues) {
      timeline::TextItem item;
      item.text = cue.text;
      item.start = cue.start;
      auto d = subtract(cue.end, cue.start);
      if (!d) return tl::unexpected(d.error());
      item.duration = *d;
      item.position = timeline::TextPosition::caption;
      captions.push_back(std::move(item));
    }
  }
  if (!captions.empty()) {
    auto track = apply(timeline::add_track(timeline::TrackKind::caption, "Captions"));
    if (!track) return tl::unexpected(track.error());
    if (auto ok = apply(timeline::add_texts(*track, captions)); !ok) {
      return with_context(ok.error(), "captions");
    }
  }
  if (!o.title_card.empty()) {
    const auto bar = o.title_card.find('|');
    const std::string title = o.title_card.substr(0, bar);
    const std::string subtitle = bar == std::string::npos ? "" : o.title_card.substr(bar + 1);
    if (auto ok = apply(timeline::insert_title_card(title, subtitle, Time(3, Rational()))); !ok) {
      return with_context(ok.error(), "--title-card");
    }
  }
  if (o.end_card) {
    if (auto ok = apply(timeline::append_end_card(Time(4, Rational()))); !ok) {
      return with_context(ok.error(), "--end-card");
    }
  }
  return history.project();
}

Json summary(const timeline::Project& p) {
  std::size_t clips = 0, texts = 0;
  for (const auto& t : p.tracks) {
    clips += t.clips.size();
    texts += t.texts.size();
  }
  const auto duration = timeline::project_duration(p);
  return {{"title", p.metadata.title},
          {"width", p.format.width_px},
          {"height", p.format.height_px},
          {"frame_rate", p.format.frame_rate.to_string()},
          {"tracks", p.tracks.size()},
          {"clips", clips},
          {"texts", texts},
          {"frames", timeline::frame_count(p)},
          {"duration_seconds", duration ? duration->seconds() : 0.0}};
}

std::string summary_text(const Json& s) {
  return fmt::format("{}x{} at {} fps, {} tracks, {} clips, {} texts, {} frames ({:.3f} s)",
                     s["width"].get<unsigned>(), s["height"].get<unsigned>(),
                     s["frame_rate"].get<std::string>(), s["tracks"].get<std::size_t>(),
                     s["clips"].get<std::size_t>(), s["texts"].get<std::size_t>(),
                     s["frames"].get<std::int64_t>(), s["duration_seconds"].get<double>());
}

ExitCode run_new(const ProjectOptions& o) {
  if (o.output.empty() && o.save_as.empty()) {
    return report_error(ExitCode::usage, "project new: give -o FILE or --save NAME");
  }
  std::optional<archive::Archive> a;
  if (!o.clips.empty() || !o.save_as.empty()) {
    auto opened = open_unlocked(o.archive);
    if (!opened) return report_archive_error("project new", opened.error());
    a.emplace(std::move(*opened));
  }
  auto project = build_project(o, a ? &*a : nullptr);
  if (!project) return report_archive_error("project new", project.error());
  const std::string text = timeline::save_project(*project);
  if (!o.output.empty()) {
    if (auto ok = write_text_file(o.output, text); !ok) {
      return report_archive_error("project new", ok.error());
    }
  }
  if (!o.save_as.empty()) {
    auto saved = a->save_project(o.save_as, text);
    if (!saved) return report_archive_error("project new", saved.error());
  }
  Json s = summary(*project);
  print_result(o.archive, s, "project: " + summary_text(s));
  return ExitCode::ok;
}

Result<LoadedProject> load_for(const ProjectOptions& o, std::optional<archive::Archive>& a) {
  if (!is_project_file(o.project)) {
    auto opened = open_unlocked(o.archive);
    if (!opened) return tl::unexpected(opened.error());
    a.emplace(std::move(*opened));
  }
  return load_project_from(o.project, a ? &*a : nullptr);
}

ExitCode run_validate(const ProjectOptions& o) {
  std::optional<archive::Archive> a;
  auto loaded = load_for(o, a);
  if (!loaded) {
    if (loaded.error().code == Errc::invalid_argument || loaded.error().code == Errc::corrupt ||
        loaded.error().code == Errc::unsupported || loaded.error().code == Errc::out_of_range) {
      return report_error(ExitCode::problem_found, "project validate: " + loaded.error().message());
    }
    return report_archive_error("project validate", loaded.error());
  }
  Json s = summary(loaded->project);
  s["valid"] = true;
  print_result(o.archive, s, "valid: " + summary_text(s));
  return ExitCode::ok;
}

ExitCode run_otio(const ProjectOptions& o) {
  std::optional<archive::Archive> a;
  auto loaded = load_for(o, a);
  if (!loaded) return report_archive_error("project otio", loaded.error());
  auto otio = timeline::export_otio(loaded->project);
  if (!otio) return report_archive_error("project otio", otio.error());
  if (o.output.empty() || o.output == "-") {
    fmt::print("{}\n", *otio);
    return ExitCode::ok;
  }
  if (auto ok = write_text_file(o.output, *otio); !ok) {
    return report_archive_error("project otio", ok.error());
  }
  fmt::print("wrote {}\n", o.output);
  return ExitCode::ok;
}

ExitCode run_save(const ProjectOptions& o) {
  auto text = read_text_file(o.project);
  if (!text) return report_archive_error("project save", text.error());
  auto parsed = timeline::load_project(*text);
  if (!parsed)
    return report_error(ExitCode::problem_found, "project save: " + parsed.error().message());
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("project save", a.error());
  const std::string name =
      o.save_as.empty() ? std::filesystem::path(o.project).stem().string() : o.save_as;
  auto saved = a->save_project(name, timeline::save_project(*parsed));
  if (!saved) return report_archive_error("project save", saved.error());
  print_result(o.archive, {{"name", saved->name}, {"revision", saved->revision}},
               fmt::format("saved project \"{}\" (revision {}) in the archive", saved->name,
                           saved->revision));
  return ExitCode::ok;
}

ExitCode run_open(const ProjectOptions& o) {
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("project open", a.error());
  auto text = a->load_project(o.project);
  if (!text) return report_archive_error("project open", text.error());
  if (o.output.empty() || o.output == "-") {
    fmt::print("{}", *text);
    return ExitCode::ok;
  }
  if (auto ok = write_text_file(o.output, *text); !ok) {
    return report_archive_error("project open", ok.error());
  }
  fmt::print("wrote {}\n", o.output);
  return ExitCode::ok;
}

ExitCode run_list(const ProjectOptions& o) {
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("project list", a.error());
  auto list = a->list_projects();
  if (!list) return report_archive_error("project list", list.error());
  Json doc = Json::array();
  std::string text;
  for (const auto& p : *list) {
    doc.push_back({{"name", p.name},
                   {"revision", p.revision},
                   {"updated_by", p.updated_by},
                   {"updated_at", p.updated_at}});
    text += fmt::format("{}  rev {}  {} {}\n", p.name, p.revision, p.updated_by, p.updated_at);
  }
  if (text.empty()) text = "no saved projects\n";
  text.pop_back();
  print_result(o.archive, doc, text);
  return ExitCode::ok;
}

}  // namespace

Command add_project(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand(
      "project", "Edit projects: new, validate, otio, and save/open/list in the archive");
  app->require_subcommand(1);

  auto n = std::make_shared<ProjectOptions>();
  CLI::App* c_new = app->add_subcommand(
      "new", "Build a project from archive recordings (the same edits the studio makes)");
  c_new->add_option("-o,--output", n->output, "Write the project JSON here");
  c_new->add_option("--save", n->save_as, "Save it sealed in the archive under this name");
  c_new->add_option("--title", n->title, "Film title (metadata)");
  c_new->add_option("--author", n->author, "Author (metadata)");
  c_new->add_option("--consent-ref", n->consent_ref,
                    "Consent reference shown on the end card (no patient identifiers)");
  c_new->add_option("--purpose", n->purpose, "The purpose the film is made for")
      ->capture_default_str();
  c_new->add_option("--size", n->size, "Canvas WIDTHxHEIGHT")->capture_default_str();
  c_new->add_option("--rate", n->rate, "Frame rate, e.g. 30 or 30000/1001")->capture_default_str();
  c_new
      ->add_option("--layout", n->layout,
                   "single (clips one after another), side-by-side, grid (2x2) or pip (clips "
                   "play together, one per slot, for synchronised and before/after views)")
      ->capture_default_str();
  c_new->add_option("--clip", n->clips,
                    "RECORDING[:STREAM][@IN-OUT] — a clip of an archive recording (repeatable)");
  c_new->add_option("--face", n->faces,
                    "K:x,y,w,h — mark a face on clip K (1-based) as fractions of its frame");
  c_new->add_option("--redact", n->redactions,
                    "K:x,y,w,h[:blur|pixelate|solid] — redact a region of clip K");
  c_new->add_option("--caption", n->captions, "\"START-END text\" — a timed caption (repeatable)");
  c_new->add_option("--captions", n->captions_file, "Import captions from a .vtt or .srt file");
  c_new->add_option("--title-card", n->title_card, "\"Title|Subtitle\" — a 3 s card at the start");
  c_new->add_flag("--end-card", n->end_card,
                  "A 4 s end card with the consent reference and the purpose's notice");
  add_archive_options(c_new, n->archive);

  auto v = std::make_shared<ProjectOptions>();
  CLI::App* c_validate = app->add_subcommand(
      "validate", "Check a project; a malformed one is reported with where and what (exit 1)");
  c_validate->add_option("project", v->project, "Project JSON file or archive project name")
      ->required();
  add_archive_options(c_validate, v->archive);

  auto x = std::make_shared<ProjectOptions>();
  CLI::App* c_otio = app->add_subcommand(
      "otio", "Export the edit as OpenTimelineIO JSON (.otio) for other editors");
  c_otio->add_option("project", x->project, "Project JSON file or archive project name")
      ->required();
  c_otio->add_option("-o,--output", x->output, "The .otio file (default stdout)");
  add_archive_options(c_otio, x->archive);

  auto s = std::make_shared<ProjectOptions>();
  CLI::App* c_save =
      app->add_subcommand("save", "Validate a project file and seal it in the archive");
  c_save->add_option("project", s->project, "Project JSON file")->required();
  c_save->add_option("--name", s->save_as, "Name in the archive (default: the file's stem)");
  add_archive_options(c_save, s->archive);

  auto op = std::make_shared<ProjectOptions>();
  CLI::App* c_open = app->add_subcommand("open", "Print (or write) a project saved in the archive");
  c_open->add_option("name", op->project, "Project name")->required();
  c_open->add_option("-o,--output", op->output, "Write it here (default stdout)");
  add_archive_options(c_open, op->archive);

  auto l = std::make_shared<ProjectOptions>();
  CLI::App* c_list = app->add_subcommand("list", "Projects saved in the archive");
  add_archive_options(c_list, l->archive);

  for (CLI::App* c : {c_new, c_validate, c_otio, c_save, c_open, c_list}) {
    c->footer(std::string(kArchivePassphraseHelp));
  }
  add_exit_code_footers(app);
  return Command{app, [=]() -> ExitCode {
                   if (c_new->parsed()) return run_new(*n);
                   if (c_validate->parsed()) return run_validate(*v);
                   if (c_otio->parsed()) return run_otio(*x);
                   if (c_save->parsed()) return run_save(*s);
                   if (c_open->parsed()) return run_open(*op);
                   if (c_list->parsed()) return run_list(*l);
                   return report_error(ExitCode::usage, "project: name a subcommand (see --help)");
                 }};
}

}  // namespace clinvid::cli
