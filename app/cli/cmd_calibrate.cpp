#include "cmd_calibrate.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "colour/calibrate.hpp"
#include "colour/chart.hpp"
#include "colour/profile.hpp"
#include "colour/reference.hpp"
#include "image_io.h"
#include "video_io.h"

namespace clinvid::cli {
namespace {

namespace colour = clinvid::colour;

// How much of a video is searched for the chart, and how often a frame is tried.
constexpr std::uint64_t kVideoSearchNs = 5'000'000'000;
constexpr std::uint64_t kVideoTryEveryNs = 200'000'000;

struct CalibrateOptions {
  std::string input;
  std::string output;
  std::string model = "rootpoly2";
  std::string reference = "post2014";
  std::vector<double> corners;
  std::string camera_id;
  bool json = false;
};

colour::ModelKind model_kind(const std::string& name) {
  if (name == "linear3x3") return colour::ModelKind::matrix;
  if (name == "affine") return colour::ModelKind::affine;
  return colour::ModelKind::root_polynomial;
}

colour::ReferenceSet reference_set(const std::string& name) {
  return name == "pre2014" ? colour::ReferenceSet::colorchecker24_before_2014
                           : colour::ReferenceSet::colorchecker24_after_2014;
}

std::optional<colour::ChartCorners> corners_of(const std::vector<double>& values) {
  if (values.size() != 8) return std::nullopt;
  colour::ChartCorners corners{};
  for (std::size_t k = 0; k < 4; ++k) corners[k] = {values[2 * k], values[2 * k + 1]};
  return corners;
}

Result<colour::CalibrationProfile> calibrate_one(const ConstFrameView& rgba,
                                                 const CalibrateOptions& options,
                                                 const colour::CalibrationOptions& settings) {
  if (const auto corners = corners_of(options.corners)) {
    return colour::calibrate_frame_at(rgba, *corners, settings);
  }
  return colour::calibrate_frame(rgba, settings);
}

// The first frame of the video in which a chart is found (every 200 ms for 5 s).
Result<colour::CalibrationProfile> calibrate_video(const CalibrateOptions& options,
                                                   const colour::CalibrationOptions& settings) {
  std::optional<Result<colour::CalibrationProfile>> found;
  std::optional<Error> last_error;
  std::uint64_t next_try_ns = 0;
  auto visited = visit_video_frames(options.input, kVideoSearchNs,
                                    [&](const ConstFrameView& rgba, std::uint64_t pts_ns) {
                                      if (pts_ns < next_try_ns) return true;
                                      next_try_ns = pts_ns + kVideoTryEveryNs;
                                      auto profile = calibrate_one(rgba, options, settings);
                                      if (profile || profile.error().code != Errc::not_found) {
                                        found = std::move(profile);
                                        return false;
                                      }
                                      last_error = profile.error();
                                      return true;
                                    });
  if (!visited) return tl::unexpected(visited.error());
  if (found) return std::move(*found);
  return tl::unexpected(last_error.value_or(
      Error{Errc::not_found, "no chart found in the first 5 s of " + options.input}));
}

std::string cell(const std::optional<colour::DeltaEStats>& stats, std::size_t i, bool used) {
  if (!stats) return "-";
  return fmt::format("{:.2f}{}", stats->per_patch[i], used ? "" : "*");
}

void print_report(const colour::CalibrationProfile& profile, const CalibrateOptions& options) {
  const colour::ChartReference& reference = colour::builtin_reference(profile.reference);
  fmt::print("chart: {} (confidence {:.2f}{}), reference {}\n",
             colour::to_string(profile.detection_method), profile.detection_confidence,
             profile.mirrored ? ", mirrored" : "", colour::to_string(profile.reference));
  fmt::print("model: {}, linearisation: {}\n", colour::to_string(profile.correction.model.kind),
             colour::to_string(profile.correction.linearisation.kind));
  fmt::print("{:>2}  {:<16} {:>8} {:>14}\n", "#", "patch", "fit dE00", "left-out dE00");
  const std::optional<colour::DeltaEStats> fit = profile.fit;
  bool any_unused = false;
  for (std::size_t i = 0; i < colour::kPatchCount; ++i) {
    const bool used = profile.patches_used[i];
    any_unused = any_unused || !used;
    fmt::print("{:>2}  {:<16} {:>8} {:>14}\n", i + 1, reference.patches[i].name, cell(fit, i, used),
               cell(profile.leave_one_out, i, used));
  }
  fmt::print("mean            {:>17.2f} {:>14}\n", profile.fit.mean,
             profile.leave_one_out ? fmt::format("{:.2f}", profile.leave_one_out->mean) : "-");
  fmt::print("max             {:>17.2f} {:>14}\n", profile.fit.max,
             profile.leave_one_out ? fmt::format("{:.2f}", profile.leave_one_out->max) : "-");
  if (any_unused) fmt::print("* clipped: not fitted, not counted in mean/max\n");
  fmt::print("profile written to {}\n", options.output);
}

ExitCode run_calibrate(const CalibrateOptions& options) {
  colour::CalibrationOptions settings;
  settings.camera_id = options.camera_id;
  settings.model = model_kind(options.model);
  settings.reference = reference_set(options.reference);

  Result<colour::CalibrationProfile> profile = fail(Errc::internal, "not run");
  if (media_kind(options.input) == MediaKind::image) {
    auto frame = read_image_rgba(options.input);
    if (!frame) return report_error(ExitCode::runtime_error, frame.error().message());
    profile = calibrate_one(std::as_const(*frame).view(), options, settings);
  } else {
    profile = calibrate_video(options, settings);
  }
  if (!profile) {
    const Error& error = profile.error();
    if (error.code == Errc::not_found && error.detail.starts_with("no chart found")) {
      return report_error(ExitCode::problem_found, error.detail + " in " + options.input);
    }
    // A chart measured at given corners that cannot be fitted is a problem with the input.
    const ExitCode code = error.code == Errc::invalid_argument || error.code == Errc::out_of_range
                              ? ExitCode::problem_found
                              : ExitCode::runtime_error;
    return report_error(code, "cannot calibrate from " + options.input + ": " + error.message());
  }
  if (auto saved = colour::save_profile(options.output, *profile); !saved) {
    return report_error(ExitCode::runtime_error, saved.error().message());
  }
  if (options.json) {
    nlohmann::ordered_json out;
    out["input"] = options.input;
    out["output"] = options.output;
    out["profile"] = colour::profile_to_json(*profile);
    fmt::print("{}\n", out.dump(2));
  } else {
    print_report(*profile, options);
  }
  std::fflush(stdout);
  return ExitCode::ok;
}

}  // namespace

Command add_calibrate(CLI::App& parent) {
  auto options = std::make_shared<CalibrateOptions>();
  CLI::App* app = parent.add_subcommand(
      "calibrate", "Fit a colour calibration profile to a ColorChecker 24 in an image or video");
  app->add_option("INPUT", options->input, "PNG/JPEG image, or video file (first 5 s searched)")
      ->required();
  app->add_option("-o,--output", options->output, "Profile to write (JSON)")->required();
  app->add_option("--model", options->model, "Colour model")
      ->check(CLI::IsMember({"linear3x3", "affine", "rootpoly2"}))
      ->capture_default_str();
  app->add_option("--reference", options->reference,
                  "Chart formulation: post2014 (charts made from Nov 2014) or pre2014")
      ->check(CLI::IsMember({"post2014", "pre2014"}))
      ->capture_default_str();
  app->add_option("--corners", options->corners,
                  "Four grid corners in pixels, x1,y1,x2,y2,x3,y3,x4,y4 (skips detection)")
      ->delimiter(',')
      ->expected(8);
  app->add_option("--camera-id", options->camera_id, "Camera name stored in the profile");
  app->add_flag("--json", options->json, "Print the profile and its report as JSON on stdout");
  app->footer("The chart corners are the outer corners of the patch grid. Exit 1: no chart found.");
  return Command{app, [options] { return run_calibrate(*options); }};
}

}  // namespace clinvid::cli
