#include "render/export_job.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <utility>

#include "core/frame.hpp"
#include "media/decoder.hpp"
#include "render/audio_mix.hpp"
#include "render/frame_scaler.hpp"
#include "timeline/evaluate.hpp"

namespace clinvid::render {
namespace {

using Clock = std::chrono::steady_clock;

Error in_context(Error error, std::string_view what) {
  return with_context(std::move(error), what).value();
}

// Frames of one source stream, decoded on a thread of their own in the order they are asked
// for. Two layers showing the same stream at different times use two lanes, so each decoder
// only ever moves forward during an export.
struct SourceKey {
  std::string recording_id;
  int stream = 0;
  int lane = 0;
  friend auto operator<=>(const SourceKey&, const SourceKey&) = default;
};

struct Request {
  std::int64_t frame = 0;
  std::size_t input = 0;
  Time time;
};

struct PendingFrame {
  timeline::FramePlan plan;
  std::vector<std::shared_ptr<const Frame>> inputs;
  std::size_t missing = 0;
};

// What the threads share, under one mutex (a frame's worth of work is milliseconds; contention
// on this lock is negligible).
struct Shared {
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::int64_t, PendingFrame> pending;
  std::deque<Frame> encode_queue;  // composed frames, in order
  std::vector<Frame> free_frames;  // recycled output frames
  std::optional<Error> error;
  bool stopping = false;
  bool composing_done = false;

  void fail_with(Error e) {
    std::lock_guard lock(mutex);
    if (!error) error = std::move(e);
    stopping = true;
    changed.notify_all();
  }
};

class SourceWorker {
 public:
  SourceWorker(SourceKey key, SourceMedia media, Shared& shared)
      : key_(std::move(key)), media_(std::move(media)), shared_(shared) {
    thread_ = std::thread([this] { run(); });
  }
  ~SourceWorker() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  SourceWorker(const SourceWorker&) = delete;
  SourceWorker& operator=(const SourceWorker&) = delete;

  void ask(Request request) {
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(request));
    }
    wake_.notify_one();
  }

 private:
  void run() {
    media::DecoderOptions options;
    options.cache_bytes = 0;  // an export reads forward once; the window holds what it needs
    options.threads = 1;      // x264 has the cores: one thread per source decodes ahead enough
    auto decoder =
        media::VideoDecoder::open(media_.path, media_.identities(), key_.stream, options);
    if (!decoder) {
      shared_.fail_with(in_context(decoder.error(), "recording " + key_.recording_id));
      return;
    }
    for (;;) {
      Request request;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return closing_ || !requests_.empty(); });
        if (closing_) return;
        request = std::move(requests_.front());
        requests_.pop_front();
      }
      auto frame = decoder->frame_at(request.time);
      if (!frame) {
        shared_.fail_with(in_context(
            frame.error(), "recording " + key_.recording_id + " at " + request.time.to_string()));
        return;
      }
      std::lock_guard lock(shared_.mutex);
      auto it = shared_.pending.find(request.frame);
      if (it == shared_.pending.end()) continue;  // stopped meanwhile
      it->second.inputs[request.input] = frame->frame;
      if (--it->second.missing == 0) shared_.changed.notify_all();
    }
  }

  SourceKey key_;
  SourceMedia media_;
  Shared& shared_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Request> requests_;
  bool closing_ = false;
  std::thread thread_;
};

// Plans frames ahead, hands their source frames to the workers, composes them in order and
// queues them for the encoder.
class ComposeStage {
 public:
  ComposeStage(const FilmJob& job, const timeline::Project& project, std::int64_t frames,
               OutputSize size, Shared& shared)
      : job_(job), project_(project), frames_(frames), size_(size), shared_(shared) {}

  void run() {
    if (auto ok = run_inner(); !ok) shared_.fail_with(ok.error());
    std::lock_guard lock(shared_.mutex);
    shared_.composing_done = true;
    shared_.changed.notify_all();
  }

  // Workers must stop before the shared state they write into goes away.
  void close_workers() { workers_.clear(); }

 private:
  Status run_inner() {
    auto compositor =
        Compositor::create({job_.backend, project_.format.width_px, project_.format.height_px, {}});
    if (!compositor) return tl::unexpected(compositor.error());
    const bool scale =
        size_.width != project_.format.width_px || size_.height != project_.format.height_px;
    std::optional<FrameScaler> scaler;
    Frame canvas;
    if (scale) {
      auto made = FrameScaler::create(project_.format.width_px, project_.format.height_px,
                                      size_.width, size_.height);
      if (!made) return tl::unexpected(made.error());
      scaler.emplace(std::move(*made));
      auto c =
          Frame::allocate(PixelFormat::i420, project_.format.width_px, project_.format.height_px);
      if (!c) return tl::unexpected(c.error());
      canvas = std::move(*c);
    }

    std::int64_t issued = 0;
    std::vector<ConstFrameView> views;
    for (std::int64_t i = 0; i < frames_; ++i) {
      for (; issued < frames_ && issued < i + kExportWindowFrames; ++issued) {
        if (auto ok = issue(issued); !ok) return ok;
      }
      PendingFrame ready;
      Frame out;
      {
        std::unique_lock lock(shared_.mutex);
        shared_.changed.wait(
            lock, [&] { return shared_.stopping || shared_.pending.at(i).missing == 0; });
        if (shared_.stopping) return {};
        ready = std::move(shared_.pending.at(i));
        shared_.pending.erase(i);
        if (!shared_.free_frames.empty()) {
          out = std::move(shared_.free_frames.back());
          shared_.free_frames.pop_back();
        }
      }
      if (out.width() != size_.width || out.height() != size_.height) {
        auto made = Frame::allocate(PixelFormat::i420, size_.width, size_.height);
        if (!made) return tl::unexpected(made.error());
        out = std::move(*made);
      }
      views.clear();
      for (const auto& frame : ready.inputs) views.push_back(frame->view());
      const FrameView target = scale ? canvas.view() : out.view();
      if (auto ok = compositor->compose(ready.plan.composition, views, target); !ok) {
        return with_context(ok.error(), "frame " + std::to_string(i));
      }
      if (scale) scaler->scale(canvas.view(), out.view());
      std::unique_lock lock(shared_.mutex);
      shared_.changed.wait(lock, [&] {
        return shared_.stopping ||
               shared_.encode_queue.size() < static_cast<std::size_t>(kExportWindowFrames);
      });
      if (shared_.stopping) return {};
      shared_.encode_queue.push_back(std::move(out));
      shared_.changed.notify_all();
    }
    return {};
  }

  Status issue(std::int64_t frame) {
    auto plan = timeline::plan_frame(project_, frame);
    if (!plan) return with_context(plan.error(), "planning frame " + std::to_string(frame));
    PendingFrame pending;
    pending.inputs.resize(plan->inputs.size());
    pending.missing = plan->inputs.size();
    std::vector<Request> requests;
    std::map<std::pair<std::string, int>, int> lanes;
    std::vector<SourceWorker*> targets;
    for (std::size_t j = 0; j < plan->inputs.size(); ++j) {
      const auto& in = plan->inputs[j];
      const int lane = lanes[{in.recording_id, in.stream}]++;
      auto worker = worker_for({in.recording_id, in.stream, lane});
      if (!worker) return tl::unexpected(worker.error());
      targets.push_back(*worker);
      requests.push_back({frame, j, in.source_time});
    }
    pending.plan = std::move(*plan);
    {
      std::lock_guard lock(shared_.mutex);
      shared_.pending.emplace(frame, std::move(pending));
    }
    for (std::size_t j = 0; j < requests.size(); ++j) targets[j]->ask(std::move(requests[j]));
    return {};
  }

  Result<SourceWorker*> worker_for(const SourceKey& key) {
    auto it = workers_.find(key);
    if (it != workers_.end()) return it->second.get();
    auto media = job_.resolve(key.recording_id);
    if (!media) return with_context(media.error(), "recording " + key.recording_id);
    auto worker = std::make_unique<SourceWorker>(key, std::move(*media), shared_);
    SourceWorker* raw = worker.get();
    workers_.emplace(key, std::move(worker));
    return raw;
  }

  const FilmJob& job_;
  const timeline::Project& project_;
  std::int64_t frames_;
  OutputSize size_;
  Shared& shared_;
  std::map<SourceKey, std::unique_ptr<SourceWorker>> workers_;
};

media::EncodeSettings encode_settings(const FilmJob& job, const timeline::Project& project,
                                      OutputSize size, bool audio) {
  media::EncodeSettings s;
  s.width = size.width;
  s.height = size.height;
  s.frame_rate = project.format.frame_rate;
  s.encoder = job.encoder;
  s.x264_preset = std::string(job.preset.x264_preset);
  s.crf = job.preset.crf;
  const auto rate = project.format.frame_rate;
  s.keyframe_interval_frames = static_cast<int>(std::max<std::int64_t>(
      1, (rate.num() * job.preset.keyframe_interval_s + rate.den() - 1) / rate.den()));
  s.threads = job.encoder_threads;
  s.audio = audio;
  s.audio_bitrate_kbps = job.preset.audio_bitrate_kbps;
  s.title = project.metadata.title;
  return s;
}

ExportProgress progress_at(std::int64_t done, std::int64_t total, Clock::time_point started) {
  ExportProgress p;
  p.frames_done = done;
  p.frames_total = total;
  p.fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  if (elapsed > 0) p.frames_per_second = static_cast<double>(done) / elapsed;
  if (done >= 8 && p.frames_per_second > 0) {
    p.eta_seconds = static_cast<double>(total - done) / p.frames_per_second;
  }
  return p;
}

}  // namespace

timeline::Project project_for_preset(timeline::Project project, const ExportPreset& preset) {
  project.format.frame_rate = preset_rate(preset, project.format.frame_rate);
  return project;
}

OutputSize preset_size(const timeline::Project& project, const ExportPreset& preset) {
  OutputSize s{project.format.width_px, project.format.height_px};
  if (preset.size == PresetSize::fixed) s = {preset.width, preset.height};
  s.width &= ~1U;
  s.height &= ~1U;
  return s;
}

Result<FilmResult> run_film_job(const FilmJob& job) {
  const auto started = Clock::now();
  if (!job.resolve) return fail(Errc::invalid_argument, "the export has no source resolver");
  const timeline::Project project = project_for_preset(job.project, job.preset);
  const OutputSize size = preset_size(project, job.preset);
  if (size.width < 16 || size.height < 16) {
    return fail(Errc::invalid_argument, "the output size " + std::to_string(size.width) + "x" +
                                            std::to_string(size.height) + " is too small");
  }
  const std::int64_t frames = timeline::frame_count(project);
  if (frames <= 0) return fail(Errc::invalid_argument, "the project is empty: nothing to render");

  auto mixer = AudioMixer::create(timeline::plan_audio(project), job.resolve);
  if (!mixer) return tl::unexpected(mixer.error());
  const bool has_audio = mixer->has_audio();

  auto encoder = media::Mp4Encoder::create(encode_settings(job, project, size, has_audio),
                                           job.output, job.recipients);
  if (!encoder) return tl::unexpected(encoder.error());

  Shared shared;
  ComposeStage stage(job, project, frames, size, shared);
  std::thread composer([&] { stage.run(); });
  auto stop_all = [&] {
    {
      std::lock_guard lock(shared.mutex);
      shared.stopping = true;
      shared.changed.notify_all();
    }
    composer.join();
    stage.close_workers();
  };

  const Rational rate = project.format.frame_rate;
  auto sample_at = [&](std::int64_t frame) {
    // First audio sample of output frame `frame`: floor(frame × den × rate_hz / num).
    return frame * rate.den() * kMixSampleRate / rate.num();
  };
  for (std::int64_t i = 0; i < frames; ++i) {
    Frame frame;
    {
      std::unique_lock lock(shared.mutex);
      shared.changed.wait(lock, [&] {
        return shared.stopping || !shared.encode_queue.empty() || shared.composing_done;
      });
      if (shared.error || shared.encode_queue.empty()) break;
      frame = std::move(shared.encode_queue.front());
      shared.encode_queue.pop_front();
      shared.changed.notify_all();
    }
    if (job.cancel != nullptr && job.cancel->load()) {
      shared.fail_with(Error{Errc::cancelled, "the export was cancelled"});
      break;
    }
    if (auto ok = encoder->add_video(frame.view(), i); !ok) {
      shared.fail_with(in_context(ok.error(), "encoding frame " + std::to_string(i)));
      break;
    }
    if (has_audio) {
      auto samples = mixer->mix(sample_at(i), sample_at(i + 1));
      if (!samples) {
        shared.fail_with(samples.error());
        break;
      }
      if (auto ok = encoder->add_audio(*samples); !ok) {
        shared.fail_with(in_context(ok.error(), "encoding audio"));
        break;
      }
    }
    {
      std::lock_guard lock(shared.mutex);
      shared.free_frames.push_back(std::move(frame));
    }
    if (job.progress) job.progress(progress_at(i + 1, frames, started));
  }
  stop_all();
  if (shared.error) {
    encoder->cancel();
    return tl::unexpected(*shared.error);
  }
  if (auto ok = encoder->finish(); !ok) return tl::unexpected(ok.error());

  FilmResult result;
  result.frames = frames;
  result.width = size.width;
  result.height = size.height;
  result.frame_rate = rate;
  result.duration = Time::frames(frames, rate);
  result.encoder = std::string(encoder->encoder_name());
  result.has_audio = has_audio;
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return result;
}

// ---- ExportWorker

struct ExportWorker::State {
  mutable std::mutex mutex;
  ExportProgress progress;
  std::atomic<bool> cancel{false};
  std::atomic<bool> done{false};
  std::optional<Result<FilmResult>> result;
};

std::unique_ptr<ExportWorker> ExportWorker::start(FilmJob job) {
  std::unique_ptr<ExportWorker> worker(new ExportWorker());
  worker->state_ = std::make_shared<State>();
  auto state = worker->state_;
  worker->thread_ = std::thread([state, job = std::move(job)]() mutable {
    auto user_progress = std::move(job.progress);
    job.cancel = &state->cancel;
    job.progress = [&](const ExportProgress& p) {
      {
        std::lock_guard lock(state->mutex);
        state->progress = p;
      }
      if (user_progress) user_progress(p);
    };
    auto result = run_film_job(job);
    std::lock_guard lock(state->mutex);
    state->result = std::move(result);
    state->done = true;
  });
  return worker;
}

ExportWorker::~ExportWorker() {
  if (state_) state_->cancel = true;
  if (thread_.joinable()) thread_.join();
}

ExportProgress ExportWorker::progress() const {
  std::lock_guard lock(state_->mutex);
  return state_->progress;
}

void ExportWorker::cancel() noexcept {
  state_->cancel = true;
}

bool ExportWorker::done() const noexcept {
  return state_->done;
}

Result<FilmResult> ExportWorker::wait() {
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(state_->mutex);
  if (!state_->result) return fail(Errc::internal, "the export worker ended without a result");
  return std::move(*state_->result);
}

}  // namespace clinvid::render
