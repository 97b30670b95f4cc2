#include "preview_worker.hpp"

#include <exception>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/frame.hpp"
#include "gpu/yuv.hpp"
#include "media/decoder.hpp"
#include "render/compositor.hpp"
#include "timeline/evaluate.hpp"

namespace clinvid::studio {

namespace {

// A scrubbing cache per source: enough for a few seconds of 1080p around the playhead.
constexpr std::size_t kDecoderCacheBytes = std::size_t{96} << 20U;

}  // namespace

struct PreviewWorker::Engine {
  std::map<std::pair<std::string, int>, media::VideoDecoder> decoders;
  std::optional<render::Compositor> compositor;
  Frame composed;  // I420 at the canvas size
  Frame rgba;

  Result<std::int64_t> compose(Request& request, PreviewSlot& slot) {
    auto plan = timeline::plan_frame(request.project, request.frame_index);
    if (!plan) return with_context(plan.error(), fmt::format("frame {}", request.frame_index));
    const std::uint32_t width = plan->composition.width;
    const std::uint32_t height = plan->composition.height;
    if (!compositor || composed.width() != width || composed.height() != height) {
      render::CompositorOptions options;
      options.backend = render::Backend::cpu;
      options.width = width;
      options.height = height;
      auto made = render::Compositor::create(options);
      if (!made) return with_context(made.error(), "preview compositor");
      compositor.emplace(std::move(*made));
      auto out = Frame::allocate(PixelFormat::i420, width, height);
      if (!out) return tl::unexpected(out.error());
      composed = std::move(*out);
      auto converted = Frame::allocate(PixelFormat::rgba, width, height);
      if (!converted) return tl::unexpected(converted.error());
      rgba = std::move(*converted);
    }
    std::vector<media::DecodedFrame> decoded;
    std::vector<ConstFrameView> inputs;
    for (const timeline::SourceRequest& input : plan->inputs) {
      const auto key = std::make_pair(input.recording_id, input.stream);
      auto found = decoders.find(key);
      if (found == decoders.end()) {
        auto media = request.sources.find(input.recording_id);
        if (media == request.sources.end()) {
          return fail(Errc::permission_denied,
                      fmt::format("recording {} was not opened for viewing in this session",
                                  input.recording_id));
        }
        media::DecoderOptions options;
        options.threads = 1;  // the UI thread and the export share two cores with it
        options.cache_bytes = kDecoderCacheBytes;
        auto opened = media::VideoDecoder::open(media->second.path, media->second.identities(),
                                                input.stream, options);
        if (!opened) return with_context(opened.error(), "recording " + input.recording_id);
        found = decoders.emplace(key, std::move(*opened)).first;
      }
      auto frame = found->second.frame_at(input.source_time);
      if (!frame) return with_context(frame.error(), "recording " + input.recording_id);
      decoded.push_back(std::move(*frame));
    }
    for (const media::DecodedFrame& frame : decoded) inputs.push_back(frame.frame->view());
    if (auto done = compositor->compose(plan->composition, inputs, composed.view()); !done) {
      return tl::unexpected(done.error());
    }
    if (auto done = gpu::yuv_to_rgba_cpu(composed.view(), rgba.view(), {}); !done) {
      return tl::unexpected(done.error());
    }
    const ConstFrameView view = std::as_const(rgba).view();
    slot.publish(view.planes[0], view.strides[0], width, height);
    return request.frame_index;
  }
};

PreviewWorker::PreviewWorker() : thread_([this] { run(); }) {}

PreviewWorker::~PreviewWorker() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void PreviewWorker::request(timeline::Project project, std::int64_t frame_index,
                            std::map<std::string, render::SourceMedia> sources) {
  {
    const std::lock_guard lock(mutex_);
    pending_ = Request{std::move(project), frame_index, std::move(sources)};
    status_.busy = true;
  }
  wake_.notify_one();
}

PreviewStatus PreviewWorker::status() const {
  const std::lock_guard lock(mutex_);
  return status_;
}

void PreviewWorker::run() noexcept {
  Engine engine;
  for (;;) {
    Request request;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || pending_.has_value(); });
      if (stopping_) return;
      request = std::move(*pending_);
      pending_.reset();
    }
    Result<std::int64_t> shown = fail(Errc::internal, "not composed");
    try {
      shown = engine.compose(request, slot_);
    } catch (const std::exception& e) {
      shown = fail(Errc::internal, fmt::format("preview: {}", e.what()));
    }
    const std::lock_guard lock(mutex_);
    if (shown) {
      status_.shown_frame = *shown;
      ++status_.frames_composed;
      status_.error.clear();
    } else {
      status_.error = shown.error().message();
    }
    status_.busy = pending_.has_value();
  }
}

}  // namespace clinvid::studio
