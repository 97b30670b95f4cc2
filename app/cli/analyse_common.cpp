#include "analyse_common.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include <fmt/format.h>

#include "age_cli_common.h"
#include "core/json.hpp"
#include "crypto/io.hpp"

namespace clinvid::cli {

void add_analyse_media_options(CLI::App* app, AnalyseOptions& options) {
  app->add_option("--purpose", options.purpose,
                  "What the analysis is for; the consent must allow viewing (and exporting "
                  "results) for it")
      ->capture_default_str();
  app->add_option("--file", options.files,
                  "The media of a view outside the archive (an age file, e.g. from `clinvid "
                  "record`), one per view in order; needs -i");
  app->add_option("-i,--identity", options.identities, "Identity file for --file (age-keygen)");
  add_archive_options(app, options.archive);
}

Outcome<analysis::Review> load_review(std::string_view command, const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    report_error(ExitCode::runtime_error,
                 fmt::format("{}: cannot read the review file {}", command, path));
    return tl::unexpected(Failure{ExitCode::runtime_error});
  }
  auto json = read_json_file(path);
  if (!json) {
    report_error(ExitCode::problem_found,
                 fmt::format("{}: review {}: {}", command, path, json.error().detail));
    return tl::unexpected(Failure{ExitCode::problem_found});
  }
  auto review = analysis::review_from_json(*json);
  if (!review) {
    const ExitCode code =
        review.error().code == Errc::unsupported ? ExitCode::usage : ExitCode::problem_found;
    report_error(code, fmt::format("{}: review {}: {}", command, path, review.error().detail));
    return tl::unexpected(Failure{code});
  }
  return std::move(*review);
}

bool uses_archive(const analysis::Review& review) {
  return std::any_of(review.views.begin(), review.views.end(), [](const analysis::ReviewView& v) {
    return !v.recording_id.starts_with(kFileRecordingPrefix);
  });
}

namespace {

tl::unexpected<Failure> archive_failure(std::string_view command, const Error& error) {
  return tl::unexpected(Failure{report_archive_error(command, error)});
}

Outcome<std::unique_ptr<archive::Archive>> open_archive(std::string_view command,
                                                        const AnalyseOptions& options) {
  auto a = open_unlocked(options.archive);
  if (!a) return archive_failure(command, a.error());
  return std::make_unique<archive::Archive>(std::move(*a));
}

Outcome<void> authorize(std::string_view command, archive::Archive& archive,
                        consent::Operation operation, consent::Purpose purpose,
                        const std::string& recording, const std::string& detail) {
  archive::GateRequest g;
  g.operation = operation;
  g.purpose = purpose;
  g.recording_id = recording;
  g.detail = detail;
  auto decision = archive.authorize(g);
  if (!decision) return archive_failure(command, decision.error());
  if (decision->effect != consent::Effect::allow) {
    report_error(ExitCode::refused, fmt::format("{}: recording {}: {}", command, recording,
                                                archive::refusal_message(*decision)));
    return tl::unexpected(Failure{ExitCode::refused});
  }
  return {};
}

Outcome<consent::Purpose> purpose_of(std::string_view command, const AnalyseOptions& options) {
  auto purposes = parse_purposes({options.purpose});
  if (!purposes) {
    report_error(ExitCode::usage, fmt::format("{}: {}", command, purposes.error().detail));
    return tl::unexpected(Failure{ExitCode::usage});
  }
  return purposes->front();
}

}  // namespace

Outcome<OpenedMedia> open_review_media(std::string_view command, const analysis::Review& review,
                                       const AnalyseOptions& options) {
  OpenedMedia out;
  if (!options.files.empty()) {
    if (options.files.size() != review.views.size() && options.files.size() != 1) {
      report_error(ExitCode::usage,
                   fmt::format("{}: {} --file for {} views (give one per view, in order)", command,
                               options.files.size(), review.views.size()));
      return tl::unexpected(Failure{ExitCode::usage});
    }
    if (options.identities.empty()) {
      report_error(ExitCode::usage, fmt::format("{}: --file needs -i IDENTITY", command));
      return tl::unexpected(Failure{ExitCode::usage});
    }
    auto identities = load_identity_files(options.identities);
    if (!identities)
      return tl::unexpected(Failure{report_command_error(command, identities.error())});
    for (std::size_t v = 0; v < review.views.size(); ++v) {
      const std::string& file = options.files[std::min(v, options.files.size() - 1)];
      auto input = analysis::RecordingInput::open(file, *identities, review.views[v].stream_index);
      if (!input) {
        return tl::unexpected(Failure{report_command_error(
            command, with_context(input.error(), "view \"" + review.views[v].id + "\"").value())});
      }
      out.inputs.push_back(std::move(*input));
      out.paths.emplace_back(file);
    }
    out.identities = std::move(*identities);
    return out;
  }
  auto purpose = purpose_of(command, options);
  if (!purpose) return tl::unexpected(purpose.error());
  for (const analysis::ReviewView& v : review.views) {
    if (v.recording_id.starts_with(kFileRecordingPrefix)) {
      report_error(ExitCode::usage,
                   fmt::format("{}: view \"{}\" is the file {}; give it with --file and -i",
                               command, v.id, v.recording_id.substr(kFileRecordingPrefix.size())));
      return tl::unexpected(Failure{ExitCode::usage});
    }
  }
  auto a = open_archive(command, options);
  if (!a) return tl::unexpected(a.error());
  out.archive = std::move(*a);
  for (const analysis::ReviewView& v : review.views) {
    if (auto ok = authorize(command, *out.archive, consent::Operation::view, *purpose,
                            v.recording_id, fmt::format("movement analysis of view {}", v.id));
        !ok) {
      return tl::unexpected(ok.error());
    }
    auto identity = out.archive->recording_identity(v.recording_id);
    if (!identity) return archive_failure(command, identity.error());
    std::vector<crypto::Identity> identities;
    identities.emplace_back(std::move(*identity));
    auto input = analysis::RecordingInput::open(out.archive->media_path(v.recording_id), identities,
                                                v.stream_index);
    if (!input) {
      return archive_failure(command,
                             with_context(input.error(), "recording " + v.recording_id).value());
    }
    out.inputs.push_back(std::move(*input));
    out.paths.push_back(out.archive->media_path(v.recording_id));
    out.identities.push_back(std::move(identities.front()));
  }
  return out;
}

Outcome<void> authorize_research_export(std::string_view command, const analysis::Review& review,
                                        const AnalyseOptions& options, archive::Archive* archive,
                                        const std::string& what) {
  if (!uses_archive(review)) return {};
  auto purpose = purpose_of(command, options);
  if (!purpose) return tl::unexpected(purpose.error());
  std::unique_ptr<archive::Archive> opened;
  if (archive == nullptr) {
    auto a = open_archive(command, options);
    if (!a) return tl::unexpected(a.error());
    opened = std::move(*a);
    archive = opened.get();
  }
  for (const analysis::ReviewView& v : review.views) {
    if (v.recording_id.starts_with(kFileRecordingPrefix)) continue;
    if (auto ok = authorize(command, *archive, consent::Operation::export_, *purpose,
                            v.recording_id, what);
        !ok) {
      return ok;
    }
  }
  return {};
}

Outcome<void> write_research_output(std::string_view command, const analysis::Review& review,
                                    const AnalyseOptions& options, archive::Archive* archive,
                                    const std::string& path, std::span<const std::uint8_t> bytes) {
  if (auto ok = authorize_research_export(command, review, options, archive,
                                          fmt::format("movement analysis results to {}", path));
      !ok) {
    return ok;
  }
  auto sink = crypto::AtomicFileSink::create(path);
  if (!sink) return tl::unexpected(Failure{report_command_error(command, sink.error())});
  if (auto ok = (*sink)->write(bytes); !ok) {
    return tl::unexpected(Failure{report_command_error(command, ok.error())});
  }
  if (auto ok = (*sink)->close(); !ok) {
    return tl::unexpected(Failure{report_command_error(command, ok.error())});
  }
  return {};
}

}  // namespace clinvid::cli
