// What the `clinvid analyse` subcommands share: loading and saving a review, opening each
// view's media (an archive recording, gated as `view` for the purpose, or an age file outside
// the archive with -i identities), and writing research output (CSV, plots, reviews) through
// crypto::AtomicFileSink as an audited export when the media came from the archive.
//
// A view whose recording id starts with "file:" refers to a file outside the archive (the id
// names it for the reader; the file itself is given with --file); any other id is an archive
// recording.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/review.hpp"
#include "analysis/video_source.hpp"
#include "archive_cli_common.h"
#include "core/result.hpp"

namespace clinvid::cli {

inline constexpr std::string_view kFileRecordingPrefix = "file:";

struct AnalyseOptions {
  ArchiveOptions archive;
  std::string purpose = "research";
  std::vector<std::string> files;       // --file, one per view in order (or one for all)
  std::vector<std::string> identities;  // -i identity files for --file
};

// Adds --purpose, --file, -i and the archive options.
void add_analyse_media_options(CLI::App* app, AnalyseOptions& options);

// A failed step: the exit code and the message already printed.
struct Failure {
  ExitCode code = ExitCode::runtime_error;
};
template <class T>
using Outcome = tl::expected<T, Failure>;

// Reads and validates a review file. Missing/unreadable: exit 3; malformed JSON or a review
// that does not validate: exit 1, with the JSON pointer of the problem.
[[nodiscard]] Outcome<analysis::Review> load_review(std::string_view command,
                                                    const std::string& path);

[[nodiscard]] bool uses_archive(const analysis::Review& review);

// The media of every view, opened: from --file (one per view, or one shared by a
// single-view review) with -i, else from the archive after `view` is authorised for the
// purpose (refused: exit 4). `archive` receives the unlocked archive when one is opened.
struct OpenedMedia {
  std::unique_ptr<archive::Archive> archive;
  std::vector<analysis::RecordingInput> inputs;  // one per view
  std::vector<std::filesystem::path> paths;      // one per view: the age file
  std::vector<crypto::Identity> identities;      // opens every path (the first that matches)
};
[[nodiscard]] Outcome<OpenedMedia> open_review_media(std::string_view command,
                                                     const analysis::Review& review,
                                                     const AnalyseOptions& options);

// Writes `bytes` to `path` atomically. When the review's media is in the archive the write is
// first authorised as an export for the purpose (audited, refused: exit 4); `archive` is used
// when already open, else opened here.
[[nodiscard]] Outcome<void> write_research_output(
    std::string_view command, const analysis::Review& review, const AnalyseOptions& options,
    archive::Archive* archive, const std::string& path, std::span<const std::uint8_t> bytes);
// Printing results of archive media on stdout is an export too: authorise it (exit 4 when
// refused). No-op for reviews of files outside the archive.
[[nodiscard]] Outcome<void> authorize_research_export(std::string_view command,
                                                      const analysis::Review& review,
                                                      const AnalyseOptions& options,
                                                      archive::Archive* archive,
                                                      const std::string& what);

}  // namespace clinvid::cli
