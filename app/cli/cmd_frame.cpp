// A still from an archive recording: a permitted, audited export of one decoded frame. The
// gate is asked to export for the purpose (as for any plaintext leaving the archive); the
// frame is decoded straight from the encrypted file, and only the requested image is written.
#include "cmd_frame.h"

#include <memory>
#include <string>

#include <fmt/format.h>

#include "archive_cli_common.h"
#include "crypto/io.hpp"
#include "gpu/yuv.hpp"
#include "media/decoder.hpp"
#include "media/image_codec.hpp"
#include "time_text.h"

namespace clinvid::cli {
namespace {

struct FrameOptions {
  ArchiveOptions archive;
  std::string recording;
  std::string at = "0";
  std::string output;
  std::string purpose = "clinical_record";
  int stream = -1;
};

ExitCode run_frame(const FrameOptions& o) {
  auto at = parse_time_text(o.at);
  if (!at) return report_error(ExitCode::usage, "frame: --at " + at.error().detail);
  auto purposes = parse_purposes({o.purpose});
  if (!purposes) return report_error(ExitCode::usage, "frame: " + purposes.error().detail);
  const auto format = media::image_format_for(o.output);
  if (format == media::ImageFormat::invalid) {
    return report_error(ExitCode::usage, "frame: -o must name a .png, .jpg or .jpeg file");
  }
  auto a = open_unlocked(o.archive);
  if (!a) return report_archive_error("frame", a.error());

  archive::GateRequest g;
  g.operation = consent::Operation::export_;
  g.purpose = purposes->front();
  g.recording_id = o.recording;
  g.detail = fmt::format("still at {} s to {}", at->seconds(), o.output);
  auto decision = a->authorize(g);
  if (!decision) return report_archive_error("frame", decision.error());
  if (decision->effect != consent::Effect::allow) {
    return report_error(ExitCode::refused, "frame: " + archive::refusal_message(*decision));
  }
  auto identity = a->recording_identity(o.recording);
  if (!identity) return report_archive_error("frame", identity.error());
  std::vector<crypto::Identity> identities;
  identities.emplace_back(std::move(*identity));
  auto decoder = media::VideoDecoder::open(a->media_path(o.recording), identities, o.stream);
  if (!decoder) return report_archive_error("frame", decoder.error());
  auto frame = decoder->frame_at(*at);
  if (!frame) return report_archive_error("frame", frame.error());

  const Frame& yuv = *frame->frame;
  auto rgba = Frame::allocate(PixelFormat::rgba, yuv.width(), yuv.height());
  if (!rgba) return report_archive_error("frame", rgba.error());
  if (auto ok = gpu::yuv_to_rgba_cpu(yuv.view(), rgba->view(), {}); !ok) {
    return report_archive_error("frame", ok.error());
  }
  auto bytes = media::encode_image(rgba->view(), format);
  if (!bytes) return report_archive_error("frame", bytes.error());
  auto sink = crypto::AtomicFileSink::create(o.output);
  if (!sink) return report_archive_error("frame", sink.error());
  if (auto ok = (*sink)->write(*bytes); !ok) return report_archive_error("frame", ok.error());
  if (auto ok = (*sink)->close(); !ok) return report_archive_error("frame", ok.error());
  const Json doc = {{"recording", o.recording},
                    {"at", frame->pts.to_string()},
                    {"at_seconds", frame->pts.seconds()},
                    {"width", yuv.width()},
                    {"height", yuv.height()},
                    {"output", o.output}};
  print_result(o.archive, doc,
               fmt::format("wrote {} ({}x{}, the frame shown at {:.3f} s)", o.output, yuv.width(),
                           yuv.height(), frame->pts.seconds()));
  return ExitCode::ok;
}

}  // namespace

Command add_frame(CLI::App& parent) {
  auto o = std::make_shared<FrameOptions>();
  CLI::App* app = parent.add_subcommand(
      "frame", "Export one still (PNG/JPEG) of an archive recording: gated and audited");
  app->add_option("recording", o->recording, "Recording id")->required();
  app->add_option("--at", o->at,
                  "Time in the recording: seconds (12.5), clock (1:02.5) or fraction (1001/30000); "
                  "the frame on screen at that instant is taken")
      ->required();
  app->add_option("-o,--output", o->output, "The image to write (.png or .jpg)")->required();
  app->add_option("--purpose", o->purpose,
                  "What the still is for (clinical_record, teaching, research, publication, "
                  "safeguarding_medico_legal); the consent must allow export for it")
      ->capture_default_str();
  app->add_option("--stream", o->stream, "Stream index (default: the first video stream)");
  add_archive_options(app, o->archive);
  app->footer(std::string(kArchivePassphraseHelp));
  return Command{app, [o]() { return run_frame(*o); }};
}

}  // namespace clinvid::cli
