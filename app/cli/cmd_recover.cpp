#include "cmd_recover.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "age_cli_common.h"
#include "capture/finalise.hpp"
#include "capture/session.hpp"
#include "core/json.hpp"
#include "core/paths.hpp"
#include "crypto/recover.hpp"

namespace clinvid::cli {
namespace {

namespace crypto = clinvid::crypto;

struct RecoverOptions {
  std::vector<std::string> identity_files;
  std::vector<std::string> recipients;
  std::vector<std::string> recipient_files;
  std::string input;
  std::string output;
};

// The manifest of the recording session `file` belongs to (manifest.json beside it, listing
// it), if there is one.
std::optional<Json> session_manifest_for(const std::filesystem::path& file) {
  const std::filesystem::path manifest = file.parent_path() / capture::kManifestName;
  std::error_code ec;
  if (!std::filesystem::exists(manifest, ec)) return std::nullopt;
  auto json = read_json_file(manifest);
  if (!json || !json->contains("streams") || !(*json)["streams"].is_array()) return std::nullopt;
  for (const Json& stream : (*json)["streams"]) {
    if (stream.value("file", std::string()) == file.filename().string()) return *json;
  }
  return std::nullopt;
}

// `key` of a JSON object when it is a string, else empty.
std::string string_field(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return *it->get_ptr<const std::string*>();
}

// The recipients a session manifest, or one of its streams, records (the ones its files were
// encrypted to).
Result<std::vector<crypto::Recipient>> manifest_recipients(const Json& manifest) {
  std::vector<crypto::Recipient> out;
  if (!manifest.contains("recipients") || !manifest["recipients"].is_array()) return out;
  for (const Json& r : manifest["recipients"]) {
    if (!r.is_string()) continue;
    auto parsed = crypto::parse_recipient(r.get<std::string>());
    if (!parsed) return with_context(parsed.error(), "manifest recipient");
    out.push_back(std::move(*parsed));
  }
  return out;
}

void print_recording_report(const std::string& in, const std::string& out,
                            const capture::FinaliseReport& r, std::size_t recipients) {
  fmt::print(
      "recovered {} video frames ({:.3f} s from {:.3f} s on the session clock), {} packets, "
      "into {}, finalised and re-encrypted to {} recipient(s)\n"
      "lost {} bytes of {}; final chunk {}\n",
      r.video_frames, r.duration.seconds(), r.start.seconds(), r.packets, out, recipients,
      r.age.bytes_lost, in,
      r.age.final_chunk == crypto::FinalChunk::present ? "present (the stream was complete)"
                                                       : "missing (the stream was cut short)");
}

// IN is a session directory: every stream its manifest lists, into the directory OUT, with a
// copy of the manifest that says what was recovered.
ExitCode recover_session(const RecoverOptions& options,
                         const std::vector<crypto::Identity>& identities,
                         std::vector<crypto::Recipient> recipients,
                         std::vector<crypto::Recipient> own_recipients) {
  const std::filesystem::path in_dir = options.input;
  auto manifest = read_json_file(in_dir / capture::kManifestName);
  if (!manifest) return report_command_error("recover", manifest.error());
  if (recipients.empty()) {
    auto from_manifest = manifest_recipients(*manifest);
    if (!from_manifest) return report_command_error("recover", from_manifest.error());
    recipients = std::move(*from_manifest);
  }
  if (recipients.empty()) recipients = std::move(own_recipients);
  const std::filesystem::path out_dir = options.output;
  std::error_code ec;
  if (std::filesystem::exists(out_dir / capture::kManifestName, ec)) {
    return report_error(ExitCode::usage, "recover: " + out_dir.string() +
                                             " already holds a recording; choose a new directory");
  }
  if (auto ok = paths::ensure_directory(out_dir); !ok)
    return report_command_error("recover", ok.error());
  bool all_ok = true;
  for (Json& stream : (*manifest)["streams"]) {
    const std::string file = stream.value("file", std::string());
    if (file.empty() || file.find('/') != std::string::npos) continue;
    // A stream written outside the session directory (into the archive) is named in full, and
    // one encrypted to recipients of its own (its recording's key) lists them.
    const std::string path = string_field(stream, "path");
    const std::filesystem::path source = path.empty() ? in_dir / file : std::filesystem::path(path);
    std::vector<crypto::Recipient> stream_recipients;
    if (options.recipients.empty() && options.recipient_files.empty()) {
      auto own = manifest_recipients(stream);
      if (!own) return report_command_error("recover", own.error());
      stream_recipients = std::move(*own);
    }
    const std::vector<crypto::Recipient>& to =
        stream_recipients.empty() ? recipients : stream_recipients;
    auto report = capture::recover_recording(source, identities, to, out_dir / file);
    if (!report) {
      all_ok = false;
      report_command_error("recover " + file, report.error());
      stream["recovered"] = {{"error", report.error().message()}};
      continue;
    }
    print_recording_report(source.string(), (out_dir / file).string(), *report, to.size());
    stream["recovered"] = {
        {"video_frames", report->video_frames},
        {"duration", to_json(report->duration)},
        {"bytes_lost", report->age.bytes_lost},
        {"final_chunk", report->age.final_chunk == crypto::FinalChunk::present},
    };
  }
  (*manifest)["status"] = "recovered";
  if (auto ok = write_json_file_atomic(out_dir / capture::kManifestName, *manifest); !ok) {
    return report_command_error("recover", ok.error());
  }
  std::fflush(stdout);
  return all_ok ? ExitCode::ok : ExitCode::problem_found;
}

ExitCode run_recover(const RecoverOptions& options) {
  if (is_std_stream(options.output) || is_std_stream(options.input)) {
    return report_error(ExitCode::usage, "recover: IN and -o OUT must be files");
  }
  const bool session_dir = output_path_kind(options.input) == PathKind::directory;
  if (!session_dir && output_path_kind(options.output) != PathKind::regular_or_new) {
    return report_error(ExitCode::usage, "recover: OUT must be a regular file");
  }
  if (same_file(options.input, options.output)) {
    return report_error(ExitCode::usage, "recover: OUT must not be the same file as IN");
  }
  std::vector<crypto::Identity> identities;
  std::vector<crypto::Recipient> own_recipients;
  for (const std::string& path : options.identity_files) {
    auto keys = load_identity_file(path);
    if (!keys) return report_command_error("recover", keys.error());
    for (crypto::X25519Identity& key : *keys) {
      own_recipients.emplace_back(key.recipient());
      identities.emplace_back(std::move(key));
    }
  }
  auto recipients = load_recipients(options.recipients, options.recipient_files);
  if (!recipients) return report_command_error("recover", recipients.error());
  if (session_dir) {
    return recover_session(options, identities, std::move(*recipients), std::move(own_recipients));
  }
  // A recording's file: to the recipients its session recorded, unless -r/-R say otherwise.
  const std::optional<Json> manifest = session_manifest_for(options.input);
  if (recipients->empty() && manifest) {
    // The stream's own list where the manifest has one (its file may have had a key of its
    // own), else the session's.
    const Json* from = &*manifest;
    const std::string name = std::filesystem::path(options.input).filename().string();
    if (manifest->contains("streams") && (*manifest)["streams"].is_array()) {
      for (const Json& stream : (*manifest)["streams"]) {
        if (string_field(stream, "file") == name && stream.contains("recipients")) {
          from = &stream;
        }
      }
    }
    auto from_manifest = manifest_recipients(*from);
    if (!from_manifest) return report_command_error("recover", from_manifest.error());
    *recipients = std::move(*from_manifest);
  }
  if (recipients->empty()) *recipients = std::move(own_recipients);

  // Media is finalised (remuxed: duration, cues, seekable); anything else is recovered as bytes.
  auto recording =
      capture::recover_recording(options.input, identities, *recipients, options.output);
  if (recording) {
    print_recording_report(options.input, options.output, *recording, recipients->size());
    std::fflush(stdout);
    return ExitCode::ok;
  }
  if (recording.error().code != Errc::media) {
    return report_command_error("recover", recording.error());
  }
  if (manifest) {
    report_warning("recover: " + recording.error().message() +
                   "; recovering the bytes as they are");
  }

  auto report = crypto::recover_to(options.input, identities, *recipients, options.output);
  if (!report) return report_command_error("recover", report.error());
  const bool complete = report->final_chunk == crypto::FinalChunk::present;
  if (report->chunks_recovered == 0) {
    std::error_code ignored;
    std::filesystem::remove(options.output, ignored);
    return report_error(ExitCode::problem_found,
                        fmt::format("recover: payload failure: no chunk authenticated ({} bytes "
                                    "lost); nothing written",
                                    report->bytes_lost));
  }
  fmt::print(
      "recovered {} bytes ({} chunks) into {}, re-encrypted to {} recipient(s)\n"
      "lost {} bytes of {}; final chunk {}\n",
      report->plaintext_bytes, report->chunks_recovered, options.output, recipients->size(),
      report->bytes_lost, options.input,
      complete ? "present (the stream was complete)" : "missing (the stream was cut short)");
  std::fflush(stdout);
  return ExitCode::ok;
}

}  // namespace

Command add_recover(CLI::App& parent) {
  auto options = std::make_shared<RecoverOptions>();
  CLI::App* app = parent.add_subcommand(
      "recover", "Recover what authenticates from a truncated age file, re-encrypted");
  app->add_option("-i,--identity", options->identity_files,
                  "Identity file that opens IN; repeatable")
      ->required()
      ->allow_extra_args(false);
  app->add_option("-r,--recipient", options->recipients,
                  "Re-encrypt to this recipient (default: the identities' own); repeatable")
      ->allow_extra_args(false);
  app->add_option("-R,--recipients-file", options->recipient_files,
                  "Re-encrypt to every recipient in this file; repeatable")
      ->allow_extra_args(false);
  app->add_option("-o,--output", options->output,
                  "The recovered, complete age file (a new directory when IN is a session)")
      ->required();
  app->add_option("IN", options->input,
                  "The damaged or truncated age file (binary), or a recording session directory")
      ->required();
  app->footer(std::string(kAgeFailureHelp) +
              "\nrecover exits 0 when anything was recovered, and reports the bytes lost and "
              "whether\nthe final chunk was missing; 1 when nothing authenticates.\n\n"
              "Recordings (clinvid record): a media file is also finalised (remuxed with duration "
              "and\ncues, so it seeks frame-accurately) and re-encrypted to the recipients in its "
              "session's\nmanifest.json unless -r/-R are given. IN may be the session directory: "
              "every stream is\nrecovered into the directory OUT with a manifest saying what was "
              "recovered.");
  return Command{app, [options] { return run_recover(*options); }};
}

}  // namespace clinvid::cli
