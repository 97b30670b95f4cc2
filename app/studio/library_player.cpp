#include "library_player.hpp"

#include <exception>
#include <utility>

#include <fmt/format.h>

#include "media/decoder.hpp"

namespace clinvid::studio {

namespace {

// The widest picture the player publishes: the panel is small and the copy is per frame.
constexpr std::uint32_t kMaxWidthPx = 640;

std::vector<std::uint8_t> packed_i420(const Frame& frame) {
  const ConstFrameView view = frame.view();
  std::vector<std::uint8_t> out;
  out.reserve(std::size_t{view.width} * view.height * 3 / 2);
  for (int plane = 0; plane < 3; ++plane) {
    const PlaneExtent extent = plane_extent(view.format, view.width, view.height, plane);
    for (std::uint32_t row = 0; row < extent.rows; ++row) {
      const std::uint8_t* begin = view.planes[static_cast<std::size_t>(plane)] +
                                  row * view.strides[static_cast<std::size_t>(plane)];
      out.insert(out.end(), begin, begin + extent.row_bytes);
    }
  }
  return out;
}

}  // namespace

LibraryPlayer::LibraryPlayer() : thread_([this] { run(); }) {}

LibraryPlayer::~LibraryPlayer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LibraryPlayer::open(render::SourceMedia media) {
  {
    std::lock_guard lock(mutex_);
    incoming_ = std::move(media);
    close_ = false;
    pending_ = 0;
    status_ = PlayerStatus{};
    status_.busy = true;
  }
  wake_.notify_all();
}

void LibraryPlayer::close() {
  {
    std::lock_guard lock(mutex_);
    incoming_.reset();
    close_ = true;
    pending_.reset();
    status_ = PlayerStatus{};
  }
  wake_.notify_all();
}

void LibraryPlayer::request(std::int64_t frame) {
  {
    std::lock_guard lock(mutex_);
    if (!status_.opened && !incoming_) return;
    pending_ = frame;
    status_.busy = true;
  }
  wake_.notify_all();
}

PlayerStatus LibraryPlayer::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void LibraryPlayer::run() noexcept {
  std::optional<media::VideoDecoder> decoder;
  Rational rate;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || close_ || incoming_ || pending_; });
    if (stopping_) return;
    if (close_) {
      close_ = false;
      decoder.reset();
      continue;
    }
    std::optional<render::SourceMedia> media = std::exchange(incoming_, std::nullopt);
    std::optional<std::int64_t> frame = std::exchange(pending_, std::nullopt);
    lock.unlock();
    std::string error;
    PlayerStatus opened_status;
    bool reopened = false;
    std::int64_t shown = -1;
    try {
      if (media) {
        reopened = true;
        decoder.reset();
        media::DecoderOptions options;
        options.threads = 2;
        options.cache_bytes = std::size_t{64} << 20U;
        auto made = media::VideoDecoder::open(media->path, media->identities(), -1, options);
        if (!made) {
          error = made.error().message();
        } else {
          decoder.emplace(std::move(*made));
          rate = decoder->stream().frame_rate.value_or(Rational::make(30, 1).value());
          opened_status.opened = true;
          opened_status.frame_rate = rate;
          if (auto whole = decoder->duration()) {
            auto frames = whole->in(rate.inverse(), Rounding::nearest);
            if (frames) opened_status.frame_count = *frames;
          }
        }
      }
      if (decoder && frame) {
        Time at = Time::frames(*frame, rate);
        if (auto start = decoder->start_time()) {
          if (auto shifted = add(*start, at)) at = *shifted;
        }
        auto decoded = decoder->frame_at(at);
        if (!decoded) {
          error = with_context(decoded.error(), fmt::format("frame {}", *frame)).value().message();
        } else {
          const Frame& picture = *decoded->frame;
          publish_i420(slot_, packed_i420(picture), picture.width(), picture.height(), kMaxWidthPx);
          shown = *frame;
        }
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
    lock.lock();
    if (incoming_ || close_) continue;  // superseded while decoding
    if (reopened) status_ = opened_status;
    if (shown >= 0) {
      status_.shown_frame = shown;
      ++status_.frames_shown;
    }
    status_.error = error;
    status_.busy = pending_.has_value();
  }
}

}  // namespace clinvid::studio
