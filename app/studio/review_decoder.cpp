#include "review_decoder.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <utility>

#include <fmt/format.h>

#include "core/frame.hpp"
#include "gpu/yuv.hpp"
#include "media/decoder.hpp"

namespace clinvid::studio {

namespace {

// Enough cached frames per view for stepping back and forth over a stride or two at 720p.
constexpr std::size_t kDecoderCacheBytes = std::size_t{64} << 20U;
constexpr std::uint8_t kEmptyGrey = 24;

}  // namespace

struct ReviewDecoder::Engine {
  struct View {
    media::VideoDecoder decoder;
    Rational frame_rate;
    Time start;
    ReviewViewRect rect;
    Frame rgba;
  };
  std::vector<View> views;
  std::vector<std::uint8_t> picture;  // RGBA, width x height, rows packed
  std::uint32_t width = 0;
  std::uint32_t height = 0;

  Status draw(std::size_t index, std::int64_t frame) {
    View& v = views[index];
    const std::size_t row_bytes = std::size_t{width} * 4;
    if (frame < 0) {
      for (std::uint32_t y = 0; y < v.rect.height_px; ++y) {
        std::memset(picture.data() + y * row_bytes + std::size_t{v.rect.x_px} * 4, kEmptyGrey,
                    std::size_t{v.rect.width_px} * 4);
      }
      return {};
    }
    auto at = add(v.start, Time::frames(frame, v.frame_rate));
    if (!at) return tl::unexpected(at.error());
    auto decoded = v.decoder.frame_at(*at);
    if (!decoded)
      return with_context(decoded.error(), fmt::format("view {} frame {}", index, frame));
    if (auto done = gpu::yuv_to_rgba_cpu(decoded->frame->view(), v.rgba.view(), {}); !done) {
      return done;
    }
    const ConstFrameView rgba = std::as_const(v.rgba).view();
    for (std::uint32_t y = 0; y < v.rect.height_px; ++y) {
      std::memcpy(picture.data() + y * row_bytes + std::size_t{v.rect.x_px} * 4,
                  rgba.planes[0] + y * rgba.strides[0], std::size_t{v.rect.width_px} * 4);
    }
    return {};
  }
};

ReviewDecoder::ReviewDecoder() : thread_([this] { run(); }) {}

ReviewDecoder::~ReviewDecoder() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

Status ReviewDecoder::open(std::vector<render::SourceMedia> media, std::vector<int> streams,
                           std::vector<Rational> frame_rates) {
  if (media.empty() || media.size() != streams.size() || media.size() != frame_rates.size()) {
    return fail(Errc::invalid_argument, "review decoder: one stream and rate per view");
  }
  auto engine = std::make_unique<Engine>();
  std::uint32_t x = 0;
  for (std::size_t i = 0; i < media.size(); ++i) {
    media::DecoderOptions options;
    options.threads = 1;  // the UI thread and other workers share the cores
    options.cache_bytes = kDecoderCacheBytes;
    auto decoder =
        media::VideoDecoder::open(media[i].path, media[i].identities(), streams[i], options);
    if (!decoder) return with_context(decoder.error(), fmt::format("view {}", i));
    const auto w = static_cast<std::uint32_t>(decoder->stream().width);
    const auto h = static_cast<std::uint32_t>(decoder->stream().height);
    auto rgba = Frame::allocate(PixelFormat::rgba, w, h);
    if (!rgba) return tl::unexpected(rgba.error());
    const Time start = decoder->start_time().value_or(Time{});
    const ReviewViewRect rect{x, w, h};
    engine->views.push_back({std::move(*decoder), frame_rates[i], start, rect, std::move(*rgba)});
    x += w + kGapPx;
    engine->height = std::max(engine->height, h);
  }
  engine->width = x - kGapPx;
  engine->picture.assign(std::size_t{engine->width} * engine->height * 4, 0);
  layout_.clear();
  for (const Engine::View& v : engine->views) layout_.push_back(v.rect);
  width_px_ = engine->width;
  height_px_ = engine->height;
  {
    const std::lock_guard lock(mutex_);
    incoming_ = std::move(engine);
    pending_.reset();
    status_ = {};
  }
  return {};
}

void ReviewDecoder::request(std::vector<std::int64_t> frames) {
  {
    const std::lock_guard lock(mutex_);
    pending_ = std::move(frames);
    status_.busy = true;
  }
  wake_.notify_one();
}

ReviewDecodeStatus ReviewDecoder::status() const {
  const std::lock_guard lock(mutex_);
  return status_;
}

void ReviewDecoder::run() noexcept {
  std::unique_ptr<Engine> engine;
  for (;;) {
    std::vector<std::int64_t> frames;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || pending_.has_value(); });
      if (stopping_) return;
      if (incoming_) engine = std::move(incoming_);
      frames = std::move(*pending_);
      pending_.reset();
    }
    Status drawn;
    try {
      if (!engine || frames.size() != engine->views.size()) {
        drawn = fail(Errc::invalid_argument, "review decoder: a frame per open view");
      }
      for (std::size_t i = 0; drawn && i < frames.size(); ++i) drawn = engine->draw(i, frames[i]);
      if (drawn) {
        slot_.publish(engine->picture.data(), std::size_t{engine->width} * 4, engine->width,
                      engine->height);
      }
    } catch (const std::exception& e) {
      drawn = fail(Errc::internal, fmt::format("review decoder: {}", e.what()));
    }
    const std::lock_guard lock(mutex_);
    if (drawn) {
      status_.shown_frames = frames;
      ++status_.pictures;
      status_.error.clear();
    } else {
      status_.error = drawn.error().message();
    }
    status_.busy = pending_.has_value();
  }
}

}  // namespace clinvid::studio
