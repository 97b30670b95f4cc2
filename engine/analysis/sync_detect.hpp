// Automatic synchronisation events: a clap in an audio track (sample-accurate) and a flash in
// a video (frame-accurate), found on each recording's own clock, and the offset between two
// recordings that saw the same clap or flash. The offset feeds sync.hpp (sync_by_event_time),
// so views recorded separately (a phone and a camera, two sessions) align on a common clock.
//
// Clap: the track is mixed to mono and its short-term energy (RMS over `window_ms`) compared,
// sample by sample, with the noise floor (RMS over the `floor_ms` before that window). The
// first window whose RMS is at least `jump_db` above the floor and above `min_level_dbfs` holds
// the clap; its onset is the first sample of that window whose magnitude exceeds
// `onset_factor` x the floor RMS (with digital silence before it: the first non-zero sample).
// The onset is an exact rational instant, sample / sample_rate.
//
// Flash: mean luma of each frame (8-bit Y plane); the first frame whose mean exceeds the mean
// of the `baseline_frames` before it by `jump_luma` is the flash. Frame 0 has no baseline and
// is never a flash.
//
// Time (DESIGN invariant 7): every instant here is a Time. An audio instant is on the file's
// presentation timeline; a video instant is the view time of the frame (frame / frame_rate,
// the clock sync.hpp uses), so a clap is put on a view's clock by subtracting the view's start
// (RecordingInput::start()).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "analysis/point.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"

namespace clinvid::analysis {

enum class SyncEventKind { invalid = 0, clap, flash };
[[nodiscard]] std::string_view to_string(SyncEventKind kind) noexcept;

struct ClapDetectionOptions {
  double window_ms = 2.0;          // short-term energy window; a clap rises within ~1 ms
  double floor_ms = 100.0;         // noise floor measured over this much before the window
  double jump_db = 20.0;           // short-term RMS at least this far above the floor
  double min_level_dbfs = -40.0;   // and at least this loud (rejects a quiet room's clicks)
  double onset_factor = 4.0;       // onset: first sample above this x floor RMS
  double max_search_s = 120.0;     // decode at most this much of a file's audio
  int decode_sample_rate = 48000;  // files are resampled to this before detection
};

struct FlashDetectionOptions {
  double jump_luma = 40.0;            // mean luma above the baseline by this (8-bit codes)
  std::int64_t baseline_frames = 5;   // baseline: mean of up to this many frames before
  std::int64_t max_frames = 1 << 16;  // search at most this many frames
  std::uint32_t pixel_step = 4;       // mean over every n-th pixel of every n-th row
};

struct SyncEvent {
  SyncEventKind kind = SyncEventKind::invalid;
  Time time;               // on the recording's clock (see the header comment)
  std::int64_t index = 0;  // the sample (clap) or frame (flash)
  double level_db = 0.0;   // clap: the jump over the floor, dB; flash: luma jump, codes
};

// On interleaved float samples. Errors: Errc::invalid_argument for a sample rate or channel
// count <= 0 or a sample count that is not a whole number of frames; Errc::not_found "no
// clap found" with the loudest jump seen (or "the track is silent" when every sample is 0).
[[nodiscard]] Result<SyncEvent> detect_clap(std::span<const float> interleaved, int sample_rate,
                                            int channels, const ClapDetectionOptions& options = {});

// On a video input (one frame at a time: the FrameSource contract). Errc::not_found "no flash
// found" with the largest jump seen; errors of the source are returned with the frame index.
[[nodiscard]] Result<SyncEvent> detect_flash(const VideoInput& video,
                                             const FlashDetectionOptions& options = {});

// The first audio stream (or `stream`) of an age file, decoded with media::AudioDecoder up to
// the stream's duration (or options.max_search_s). Errc::not_found "no audio stream" when the
// file has none; the decoder's errors otherwise, prefixed with the file.
[[nodiscard]] Result<SyncEvent> detect_clap_in_file(const std::filesystem::path& age_file,
                                                    std::span<const crypto::Identity> identities,
                                                    const ClapDetectionOptions& options = {},
                                                    int stream = -1);

// The offset of recording b against recording a from the same event seen by both:
// b's clock reads t + offset when a's reads t, i.e. offset = event_b - event_a, exact.
[[nodiscard]] Result<Time> event_offset(const SyncEvent& a, const SyncEvent& b);

}  // namespace clinvid::analysis
