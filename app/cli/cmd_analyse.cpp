// `clinvid analyse`: a review's tracks followed through its recordings, and the numbers a
// researcher takes away (joint angles, gait events and parameters, kinematics CSV, cycle
// plots), each subcommand one step of a batch script. Media of archive recordings is opened
// only after the gate allows `view` for the purpose; results of archive media that leave as
// plaintext (stdout, files) are audited exports (analyse_common.h).
#include "cmd_analyse.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "age_cli_common.h"
#include "analyse_common.h"
#include "analyse_film.h"
#include "analyse_sync.h"
#include "analysis/cycle.hpp"
#include "analysis/export.hpp"
#include "analysis/gait_review.hpp"
#include "analysis/kinematics.hpp"
#include "analysis/plot.hpp"
#include "analysis/tracking.hpp"

namespace clinvid::cli {
namespace {

namespace an = analysis;

struct Options {
  AnalyseOptions media;
  std::string review;
  std::string output;
  std::string view;
  std::string smoothing = "lowpass";
  std::string compare;
  std::string side = "right";
  std::string recording;
  std::string walker_rate;  // empty: the recording's rate (test://gait walks in real time)
  std::int64_t keyframe_every = 30;
};

ExitCode usage(std::string_view command, const std::string& message) {
  return report_error(ExitCode::usage, fmt::format("{}: {}", command, message));
}

std::vector<std::uint8_t> bytes_of(const std::string& text) {
  return {text.begin(), text.end()};
}

Outcome<std::size_t> view_index(std::string_view command, const an::Review& review,
                                const std::string& id) {
  if (review.views.empty()) {
    report_error(ExitCode::problem_found, fmt::format("{}: the review has no views", command));
    return tl::unexpected(Failure{ExitCode::problem_found});
  }
  if (id.empty()) return std::size_t{0};
  for (std::size_t i = 0; i < review.views.size(); ++i) {
    if (review.views[i].id == id) return i;
  }
  report_error(ExitCode::usage, fmt::format("{}: the review has no view \"{}\"", command, id));
  return tl::unexpected(Failure{ExitCode::usage});
}

Result<an::Smoothing> parse_smoothing(const std::string& text) {
  if (text == "lowpass") return an::Smoothing::lowpass;
  if (text == "none") return an::Smoothing::none;
  return fail(Errc::invalid_argument, "--smoothing is lowpass or none, not \"" + text + "\"");
}

Result<an::Side> parse_side_option(const std::string& text) {
  auto side = an::parse_side(text);
  if (!side) return fail(Errc::invalid_argument, "--side is right or left, not \"" + text + "\"");
  return side;
}

// The review's measurements of `view`, or the default joint angles when it requests none.
an::Review with_measurements(an::Review review, std::size_t view) {
  const bool any = std::any_of(review.measurements.begin(), review.measurements.end(),
                               [&](const an::MeasurementRequest& m) { return m.view == view; });
  if (!any) {
    for (auto& m : an::default_joint_measurements(review, view)) review.measurements.push_back(m);
  }
  return review;
}

Json nullable(double v) {
  return std::isfinite(v) ? Json(v) : Json(nullptr);
}

// ---- demo-review ----
ExitCode run_demo_review(const Options& o) {
  constexpr std::string_view cmd = "analyse demo-review";
  if (o.output.empty()) return usage(cmd, "-o REVIEW.json is required");
  if (o.keyframe_every <= 0) return usage(cmd, "--keyframe-every must be positive");
  if (o.media.files.empty() == o.recording.empty()) {
    return usage(cmd, "give either --file X.age (with -i) or --recording ID");
  }
  an::Review probe;
  an::ReviewView view;
  view.id = "side";
  view.recording_id = o.recording.empty()
                          ? std::string(kFileRecordingPrefix) +
                                std::filesystem::path(o.media.files.front()).filename().string()
                          : o.recording;
  view.stream_index = -1;
  probe.views.push_back(view);
  auto media = open_review_media(cmd, probe, o.media);
  if (!media) return media.error().code;
  an::RecordingInput& input = media->inputs.front();
  auto walker_rate =
      o.walker_rate.empty() ? Result<Rational>(input.frame_rate()) : Rational::parse(o.walker_rate);
  if (!walker_rate || walker_rate->num() <= 0) return usage(cmd, "--walker-rate: not a frame rate");
  an::WalkerSpec spec =
      an::gait_scene_walker_spec(input.width_px(), input.height_px(), input.frame_count());
  spec.frame_rate = *walker_rate;
  auto walker = an::SyntheticWalker::make(spec);
  if (!walker) return usage(cmd, walker.error().detail);
  an::DemoReviewSpec d;
  d.recording_id = view.recording_id;
  d.frame_rate = input.frame_rate();
  d.keyframe_interval_frames = o.keyframe_every;
  auto review = an::demo_review(*walker, d);
  if (!review)
    return report_error(ExitCode::runtime_error, fmt::format("{}: {}", cmd, review.error().detail));
  const std::string text = an::review_to_json(*review).dump(2) + "\n";
  if (auto ok = write_research_output(cmd, *review, o.media, media->archive.get(), o.output,
                                      bytes_of(text));
      !ok) {
    return ok.error().code;
  }
  print_result(o.media.archive,
               {{"output", o.output},
                {"frames", input.frame_count()},
                {"frame_rate", input.frame_rate().to_string()},
                {"tracks", review->tracks.size()}},
               fmt::format("wrote {}: {} tracks keyframed every {} frames over {} frames", o.output,
                           review->tracks.size(), o.keyframe_every, input.frame_count()));
  return ExitCode::ok;
}

// ---- track ----
ExitCode run_track(const Options& o) {
  constexpr std::string_view cmd = "analyse track";
  auto review = load_review(cmd, o.review);
  if (!review) return review.error().code;
  auto media = open_review_media(cmd, *review, o.media);
  if (!media) return media.error().code;
  Json summary = Json::array();
  for (std::size_t v = 0; v < review->views.size(); ++v) {
    an::VideoInput input = media->inputs[v].input();
    if (input.frame_count != review->views[v].frame_count) {
      return report_error(
          ExitCode::problem_found,
          fmt::format("{}: view \"{}\" has {} frames in the review but its media "
                      "has {}",
                      cmd, review->views[v].id, review->views[v].frame_count, input.frame_count));
    }
    std::vector<an::Track> tracks;
    std::vector<std::size_t> where;
    for (std::size_t t = 0; t < review->tracks.size(); ++t) {
      if (review->tracks[t].view != v) continue;
      tracks.push_back(review->tracks[t].track);
      where.push_back(t);
    }
    if (auto ok = an::track_all(tracks, input); !ok) {
      return report_command_error(
          cmd, with_context(ok.error(), "view \"" + review->views[v].id + "\"").value());
    }
    for (std::size_t i = 0; i < tracks.size(); ++i) {
      int lost = 0;
      for (const an::TrackSample& s : tracks[i].samples())
        lost += s.status == an::TrackStatus::lost;
      summary.push_back(
          {{"view", review->views[v].id}, {"track", tracks[i].name()}, {"lost_frames", lost}});
      review->tracks[where[i]].track = std::move(tracks[i]);
    }
  }
  const std::string out = o.output.empty() ? o.review : o.output;
  const std::string text = an::review_to_json(*review).dump(2) + "\n";
  if (auto ok =
          write_research_output(cmd, *review, o.media, media->archive.get(), out, bytes_of(text));
      !ok) {
    return ok.error().code;
  }
  std::string lines = fmt::format("tracked {} tracks; wrote {}", summary.size(), out);
  for (const Json& s : summary) {
    lines += fmt::format("\n  {}/{}: {} lost frames", s["view"].get<std::string>(),
                         s["track"].get<std::string>(), s["lost_frames"].get<int>());
  }
  print_result(o.media.archive, {{"output", out}, {"tracks", summary}}, lines);
  return ExitCode::ok;
}

// ---- angles / csv ----
Outcome<an::KinematicsTable> kinematics_of(std::string_view cmd, const Options& o,
                                           an::Review& review) {
  auto view = view_index(cmd, review, o.view);
  if (!view) return tl::unexpected(view.error());
  auto smoothing = parse_smoothing(o.smoothing);
  if (!smoothing) return tl::unexpected(Failure{usage(cmd, smoothing.error().detail)});
  review = with_measurements(std::move(review), *view);
  auto table = an::compute_kinematics(review, *view, *smoothing);
  if (!table) return tl::unexpected(Failure{report_command_error(cmd, table.error())});
  return std::move(*table);
}

ExitCode run_angles(const Options& o) {
  constexpr std::string_view cmd = "analyse angles";
  auto review = load_review(cmd, o.review);
  if (!review) return review.error().code;
  auto table = kinematics_of(cmd, o, *review);
  if (!table) return table.error().code;
  if (auto ok = authorize_research_export(cmd, *review, o.media, nullptr,
                                          "joint angles to standard output");
      !ok) {
    return ok.error().code;
  }
  const bool filtered = o.smoothing == "lowpass";
  Json series = Json::object();
  std::string text = fmt::format("# filter: {}\n# calibration: {}\nframe,time_s", table->filter,
                                 table->calibration);
  for (const an::ScalarSeries& s : table->measurements) {
    Json values = Json::array();
    for (double v : s.values) values.push_back(nullable(v));
    series[s.name + "_" + s.unit] = std::move(values);
    text += "," + s.name + "_" + s.unit;
  }
  const std::size_t frames =
      table->measurements.empty() ? 0 : table->measurements.front().values.size();
  for (std::size_t f = 0; f < frames; ++f) {
    text += fmt::format("\n{},{:.6f}", f,
                        static_cast<double>(f) * table->frame_rate.inverse().to_double());
    for (const an::ScalarSeries& s : table->measurements) {
      text += std::isfinite(s.values[f]) ? fmt::format(",{:.3f}", s.values[f]) : std::string(",");
    }
  }
  Json doc = {{"recording", table->recording},
              {"frame_rate", table->frame_rate.to_string()},
              {"calibration", table->calibration},
              {"filter", table->filter},
              {"cutoff_hz", filtered ? Json(review->filter.cutoff_hz) : Json(nullptr)},
              {"frames", frames},
              {"series", std::move(series)}};
  print_result(o.media.archive, doc, text);
  return ExitCode::ok;
}

ExitCode run_csv(const Options& o) {
  constexpr std::string_view cmd = "analyse csv";
  if (o.output.empty()) return usage(cmd, "-o kinematics.csv is required");
  auto review = load_review(cmd, o.review);
  if (!review) return review.error().code;
  auto table = kinematics_of(cmd, o, *review);
  if (!table) return table.error().code;
  auto csv = an::kinematics_csv(*table);
  if (!csv) return report_command_error(cmd, csv.error());
  if (auto ok = write_research_output(cmd, *review, o.media, nullptr, o.output, bytes_of(*csv));
      !ok) {
    return ok.error().code;
  }
  print_result(o.media.archive, {{"output", o.output}, {"filter", table->filter}},
               fmt::format("wrote {} ({})", o.output, table->filter));
  return ExitCode::ok;
}

// ---- events ----
Json side_json(const an::SideParameters& s) {
  return {{"strides", s.strides},
          {"stride_time_s", nullable(s.stride_time_s)},
          {"step_time_s", nullable(s.step_time_s)},
          {"stance_percent", nullable(s.stance_percent)},
          {"swing_percent", nullable(s.swing_percent)}};
}

ExitCode run_events(const Options& o) {
  constexpr std::string_view cmd = "analyse events";
  auto review = load_review(cmd, o.review);
  if (!review) return review.error().code;
  auto view = view_index(cmd, *review, o.view);
  if (!view) return view.error().code;
  auto events = an::review_events(*review, *view);
  if (!events) return report_command_error(cmd, events.error());
  const Rational rate = review->views[*view].frame_rate;
  auto params = an::gait_parameters(*events, rate);
  if (!params) return report_command_error(cmd, params.error());
  if (auto ok = authorize_research_export(cmd, *review, o.media, nullptr,
                                          "gait events and parameters to standard output");
      !ok) {
    return ok.error().code;
  }
  Json list = Json::array();
  std::string text;
  for (const an::GaitEvent& e : *events) {
    const double t = static_cast<double>(e.frame) * rate.inverse().to_double();
    list.push_back({{"side", an::to_string(e.side)},
                    {"kind", an::to_string(e.kind)},
                    {"frame", e.frame},
                    {"time_s", t},
                    {"origin", an::to_string(e.origin)}});
    text += fmt::format("{:>6} {:8.3f} s  {:5} {} ({})\n", e.frame, t, an::to_string(e.side),
                        an::to_string(e.kind), an::to_string(e.origin));
  }
  const an::GaitParameters& p = *params;
  Json doc = {{"view", review->views[*view].id},
              {"frame_rate", rate.to_string()},
              {"method", "Zeni et al. 2008 on 6 Hz low-pass tracks, unless marked by hand"},
              {"events", std::move(list)},
              {"parameters",
               {{"cadence_steps_per_min", nullable(p.cadence_steps_per_min)},
                {"right", side_json(p.right)},
                {"left", side_json(p.left)},
                {"double_support_percent", nullable(p.double_support_percent)},
                {"step_time_symmetry_percent", nullable(p.step_time_symmetry_percent)},
                {"stance_symmetry_percent", nullable(p.stance_symmetry_percent)}}}};
  text += fmt::format(
      "cadence {:.2f} steps/min\nright: stride {:.3f} s, step {:.3f} s, stance {:.1f} %, swing "
      "{:.1f} %\nleft: stride {:.3f} s, step {:.3f} s, stance {:.1f} %, swing {:.1f} %\n"
      "double support {:.1f} %, symmetry: step time {:.1f} %, stance {:.1f} %",
      p.cadence_steps_per_min, p.right.stride_time_s, p.right.step_time_s, p.right.stance_percent,
      p.right.swing_percent, p.left.stride_time_s, p.left.step_time_s, p.left.stance_percent,
      p.left.swing_percent, p.double_support_percent, p.step_time_symmetry_percent,
      p.stance_symmetry_percent);
  print_result(o.media.archive, doc, text);
  return ExitCode::ok;
}

// ---- plot ----
Outcome<an::SessionCurve> knee_cycles(std::string_view cmd, const Options& o,
                                      const std::string& path, an::Side side) {
  auto review = load_review(cmd, path);
  if (!review) return tl::unexpected(review.error());
  auto view = view_index(cmd, *review, o.view);
  if (!view) return tl::unexpected(view.error());
  auto smoothing = parse_smoothing(o.smoothing);
  if (!smoothing) return tl::unexpected(Failure{usage(cmd, smoothing.error().detail)});
  an::Review r = *review;
  r.measurements.clear();
  an::MeasurementRequest knee;
  knee.view = *view;
  knee.kind = an::MeasurementKind::knee_flexion;
  for (const auto m : {an::WalkerMarker::hip, an::WalkerMarker::knee, an::WalkerMarker::ankle}) {
    knee.points.push_back(an::track_name(side, m));
  }
  knee.label = "knee";
  r.measurements.push_back(knee);
  auto table = an::compute_kinematics(r, *view, *smoothing);
  if (!table)
    return tl::unexpected(
        Failure{report_command_error(cmd, with_context(table.error(), path).value())});
  auto events = an::review_events(*review, *view);
  if (!events)
    return tl::unexpected(
        Failure{report_command_error(cmd, with_context(events.error(), path).value())});
  const auto strikes = an::heel_strikes(*events, side);
  auto cycles = an::normalise_cycles(table->measurements.front().values, strikes);
  if (!cycles)
    return tl::unexpected(
        Failure{report_command_error(cmd, with_context(cycles.error(), path).value())});
  return an::SessionCurve{std::filesystem::path(path).stem().string(), std::move(*cycles)};
}

ExitCode run_plot(const Options& o) {
  constexpr std::string_view cmd = "analyse plot";
  const bool png = o.output.ends_with(".png");
  if (!png && !o.output.ends_with(".svg")) return usage(cmd, "-o must name a .svg or .png file");
  auto side = parse_side_option(o.side);
  if (!side) return usage(cmd, side.error().detail);
  std::vector<an::SessionCurve> sessions;
  for (const std::string& path : {o.review, o.compare}) {
    if (path.empty()) continue;
    auto curve = knee_cycles(cmd, o, path, *side);
    if (!curve) return curve.error().code;
    sessions.push_back(std::move(*curve));
  }
  an::PlotSpec spec =
      an::cycle_plot(sessions, fmt::format("{} knee flexion", o.side), "knee flexion (deg)");
  std::vector<std::uint8_t> bytes;
  if (png) {
    auto encoded = an::render_png(spec);
    if (!encoded) return report_command_error(cmd, encoded.error());
    bytes = std::move(*encoded);
  } else {
    auto svg = an::render_svg(spec);
    if (!svg) return report_command_error(cmd, svg.error());
    bytes = bytes_of(*svg);
  }
  auto review = load_review(cmd, o.review);
  if (!review) return review.error().code;
  if (auto ok = write_research_output(cmd, *review, o.media, nullptr, o.output, bytes); !ok) {
    return ok.error().code;
  }
  Json doc = {{"output", o.output}};
  std::string text = fmt::format("wrote {}", o.output);
  if (sessions.size() == 2) {
    auto diff = an::compare_sessions(sessions[0], sessions[1]);
    if (diff) {
      doc["rms_difference_deg"] = diff->rms_difference;
      doc["max_abs_difference_deg"] = diff->max_abs_difference;
      doc["max_abs_difference_at_percent"] = diff->max_abs_difference_at_percent;
      text += fmt::format("; {} vs {}: RMS difference {:.2f} deg, max {:.2f} deg at {} %",
                          sessions[0].label, sessions[1].label, diff->rms_difference,
                          diff->max_abs_difference, diff->max_abs_difference_at_percent);
    }
  }
  print_result(o.media.archive, doc, text);
  return ExitCode::ok;
}

CLI::App* sub(CLI::App* parent, const char* name, const char* help, std::shared_ptr<Options> o,
              ExitCode (*run)(const Options&), std::vector<Command>& commands) {
  CLI::App* app = parent->add_subcommand(name, help);
  add_analyse_media_options(app, o->media);
  app->footer(std::string(kArchivePassphraseHelp));
  commands.push_back(Command{app, [o, run]() { return run(*o); }});
  return app;
}

}  // namespace

Command add_analyse(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand(
      "analyse", "Movement analysis for research: track, joint angles, gait events, CSV, plots");
  app->require_subcommand(1);
  auto commands = std::make_shared<std::vector<Command>>();
  auto o = std::make_shared<Options>();

  CLI::App* demo = sub(app, "demo-review",
                       "Write a review of a test://gait recording keyframed from the synthetic "
                       "walker's ground truth (the \"marked by hand\" step, scripted)",
                       o, run_demo_review, *commands);
  demo->add_option("--recording", o->recording, "Archive recording id (instead of --file)");
  demo->add_option("-o,--output", o->output, "The review JSON to write")->required();
  demo->add_option("--keyframe-every", o->keyframe_every, "Keyframe interval in frames")
      ->capture_default_str();
  demo->add_option("--walker-rate", o->walker_rate,
                   "The frame rate the walker was rendered for (default: the recording's, as "
                   "test://gait draws it)");

  CLI::App* track = sub(app, "track",
                        "Track every track of a review between its keyframes through its media "
                        "and write the review back with the tracked positions",
                        o, run_track, *commands);
  track->add_option("review", o->review, "Review JSON")->required();
  track->add_option("-o,--output", o->output, "Where to write the review (default: in place)");

  const auto add_view_options = [&](CLI::App* c) {
    c->add_option("review", o->review, "Review JSON")->required();
    c->add_option("--view", o->view, "View id (default: the first)");
  };
  CLI::App* angles = sub(app, "angles",
                         "Hip, knee and ankle angles per frame (calibrated; the filter cutoff is "
                         "stated)",
                         o, run_angles, *commands);
  add_view_options(angles);
  angles->add_option("--smoothing", o->smoothing, "lowpass (the review's filter) or none")
      ->capture_default_str();
  CLI::App* events = sub(app, "events",
                         "Gait events (marked, else Zeni from the tracks) and temporal "
                         "parameters",
                         o, run_events, *commands);
  add_view_options(events);
  CLI::App* csv =
      sub(app, "csv", "Kinematics CSV of one view (an audited export)", o, run_csv, *commands);
  add_view_options(csv);
  csv->add_option("-o,--output", o->output, "The CSV to write")->required();
  csv->add_option("--smoothing", o->smoothing, "lowpass or none")->capture_default_str();
  CLI::App* plot = sub(app, "plot",
                       "Knee flexion over the gait cycle (mean +- SD), SVG or PNG; --compare "
                       "for before/after",
                       o, run_plot, *commands);
  add_view_options(plot);
  plot->add_option("-o,--output", o->output, "The .svg or .png to write")->required();
  plot->add_option("--compare", o->compare, "A second review (e.g. after treatment)");
  plot->add_option("--side", o->side, "right or left")->capture_default_str();
  plot->add_option("--smoothing", o->smoothing, "lowpass or none")->capture_default_str();
  commands->push_back(add_analyse_film(app));
  commands->push_back(add_analyse_sync(app));
  add_exit_code_footers(app);

  return Command{app, [commands]() {
                   for (const Command& c : *commands) {
                     if (c.app->parsed()) return c.run();
                   }
                   return ExitCode::usage;
                 }};
}

}  // namespace clinvid::cli
