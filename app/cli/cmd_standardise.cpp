#include "cmd_standardise.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "colour/profile.hpp"
#include "colour/standardise.hpp"
#include "image_io.h"
#include "video_io.h"

namespace clinvid::cli {
namespace {

namespace colour = clinvid::colour;

struct StandardiseOptions {
  std::string profile;
  std::string input;
  std::string output;
};

Status standardise_image(const StandardiseOptions& options,
                         const colour::CalibrationProfile& profile) {
  auto frame = read_image_rgba(options.input);
  if (!frame) return tl::unexpected(frame.error());
  const colour::StandardiseParams params = colour::standardise_params(profile.correction);
  const FrameView view = frame->view();
  if (auto s = colour::standardise_cpu(params, view.as_const(), view); !s) return s;
  return write_image_rgba(options.output, view.as_const());
}

ExitCode run_standardise(const StandardiseOptions& options) {
  // The profile is checked before anything is read or written.
  auto profile = colour::load_profile(options.profile);
  if (!profile) {
    return report_error(ExitCode::runtime_error,
                        "cannot use profile " + options.profile + ": " + profile.error().message());
  }
  const std::filesystem::path input(options.input);
  const std::filesystem::path output(options.output);
  std::error_code ec;
  if (std::filesystem::exists(output, ec) && std::filesystem::equivalent(input, output, ec)) {
    return report_error(ExitCode::usage, "OUTPUT must not be INPUT");
  }
  const MediaKind in_kind = media_kind(input);
  if (media_kind(output) != in_kind) {
    return report_error(ExitCode::usage, in_kind == MediaKind::image
                                             ? "an image input needs a .png/.jpg/.jpeg OUTPUT"
                                             : "a video input needs a video OUTPUT (.mp4)");
  }
  const Status done = in_kind == MediaKind::image
                          ? standardise_image(options, *profile)
                          : standardise_video(input, output, options.profile);
  if (!done) return report_error(ExitCode::runtime_error, done.error().message());
  fmt::print("standardised {} -> {} with {} ({}, fit mean dE00 {:.2f})\n", options.input,
             options.output, options.profile, colour::to_string(profile->correction.model.kind),
             profile->fit.mean);
  std::fflush(stdout);
  return ExitCode::ok;
}

}  // namespace

Command add_standardise(CLI::App& parent) {
  auto options = std::make_shared<StandardiseOptions>();
  CLI::App* app = parent.add_subcommand(
      "standardise", "Apply a colour calibration profile to an image or a video file");
  app->add_option("--profile", options->profile, "Calibration profile from 'clinvid calibrate'")
      ->required();
  app->add_option("INPUT", options->input, "PNG/JPEG image or video file")->required();
  app->add_option("OUTPUT", options->output,
                  "Image (.png/.jpg, as the extension says) or H.264 MP4 for a video")
      ->required();
  app->footer("Writes OUTPUT.tmp and renames it when complete; nothing is left behind on failure.");
  return Command{app, [options] { return run_standardise(*options); }};
}

}  // namespace clinvid::cli
