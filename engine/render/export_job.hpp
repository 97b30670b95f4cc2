// Rendering a timeline project into an encrypted MP4: plan each frame (engine/timeline),
// decode its sources from the archive's age files (engine/media), compose (Compositor), encode
// (libx264/NVENC + AAC, faststart) straight into an age file. No plaintext touches disk.
//
// The work is a pipeline so that every core is busy: one decoding thread per source stream
// reads ahead in the order the plans need its frames, a compositing thread builds output frames,
// and the calling thread mixes audio and feeds the encoder (whose own threads do most of the
// work). At most kExportWindowFrames frames are in flight, so memory is bounded.
//
// run_film_job runs on the caller's thread; ExportWorker runs it on its own thread, with
// progress and cancel for a UI.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/rational.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"
#include "media/encoder.hpp"
#include "render/compositor.hpp"
#include "render/presets.hpp"
#include "render/source_media.hpp"
#include "timeline/model.hpp"

namespace clinvid::render {

inline constexpr std::int64_t kExportWindowFrames = 8;

struct ExportProgress {
  std::int64_t frames_done = 0;
  std::int64_t frames_total = 0;
  double fraction = 0;                // 0..1
  double frames_per_second = 0;       // since the start
  std::optional<double> eta_seconds;  // display only; absent until a few frames are done
};
// Called on the exporting thread after each frame; keep it cheap.
using ProgressFn = std::function<void(const ExportProgress&)>;

struct FilmJob {
  timeline::Project project;
  ExportPreset preset;
  Backend backend = Backend::cpu;
  SourceResolver resolve;
  std::filesystem::path output;  // the age file; written through a temporary, renamed at the end
  std::vector<crypto::Recipient> recipients;
  int encoder_threads = 0;  // 0: the encoder's choice
  media::VideoEncoderKind encoder = media::VideoEncoderKind::automatic;
  ProgressFn progress;
  const std::atomic<bool>* cancel = nullptr;  // set it to stop; the job returns Errc::cancelled
};

struct FilmResult {
  std::int64_t frames = 0;
  std::uint32_t width = 0, height = 0;
  Rational frame_rate;
  Time duration;
  std::string encoder;  // "libx264", "h264_nvenc", …
  bool has_audio = false;
  double seconds = 0;  // wall time of the job, for reports
};

// The project as the preset renders it: its frame rate replaced by the preset's.
[[nodiscard]] timeline::Project project_for_preset(timeline::Project project,
                                                   const ExportPreset& preset);
// The encoded size for a project and preset (even numbers, as 4:2:0 needs).
struct OutputSize {
  std::uint32_t width = 0, height = 0;
};
[[nodiscard]] OutputSize preset_size(const timeline::Project& project, const ExportPreset& preset);

// Renders the whole project. On any failure or cancel nothing is left at `output`.
[[nodiscard]] Result<FilmResult> run_film_job(const FilmJob& job);

// run_film_job on a thread of its own. Move-only; the destructor cancels and joins.
class ExportWorker {
 public:
  [[nodiscard]] static std::unique_ptr<ExportWorker> start(FilmJob job);
  ~ExportWorker();
  ExportWorker(const ExportWorker&) = delete;
  ExportWorker& operator=(const ExportWorker&) = delete;

  [[nodiscard]] ExportProgress progress() const;  // thread-safe snapshot
  void cancel() noexcept;
  [[nodiscard]] bool done() const noexcept;
  // Blocks until the job ends; call once.
  [[nodiscard]] Result<FilmResult> wait();

 private:
  ExportWorker() = default;
  struct State;
  std::shared_ptr<State> state_;
  std::thread thread_;
};

}  // namespace clinvid::render
