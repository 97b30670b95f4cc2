// The Review view's frames: one frame of each view decoded on a worker thread (a cached
// media::VideoDecoder per view), converted to RGBA and laid side by side into one picture,
// published to a PreviewSlot that a PreviewTexture uploads. Like PreviewWorker, the UI posts
// the newest request and never waits; requests made while one is decoding replace each other.
//
// Layout: views left to right at their own size, `kGapPx` apart, top-aligned; a view with no
// frame at the cursor is drawn dark. layout() gives each view's rectangle in the picture.
//
// Threading: open(), request(), status(), layout() and the destructor on the UI thread; the
// worker touches only its decoders, the pending request (under the mutex) and the slot.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/rational.hpp"
#include "core/result.hpp"
#include "preview_source.hpp"
#include "render/source_media.hpp"

namespace clinvid::studio {

struct ReviewViewRect {
  std::uint32_t x_px = 0;  // in the composed picture
  std::uint32_t width_px = 0;
  std::uint32_t height_px = 0;
};

struct ReviewDecodeStatus {
  std::vector<std::int64_t> shown_frames;  // per view, the frames of the newest picture
  std::uint64_t pictures = 0;              // pictures published
  bool busy = false;
  std::string error;  // the last request's error; empty when it succeeded
};

class ReviewDecoder {
 public:
  static constexpr std::uint32_t kGapPx = 8;

  ReviewDecoder();
  ~ReviewDecoder();  // stops the thread after the picture in progress
  ReviewDecoder(const ReviewDecoder&) = delete;
  ReviewDecoder& operator=(const ReviewDecoder&) = delete;
  ReviewDecoder(ReviewDecoder&&) = delete;
  ReviewDecoder& operator=(ReviewDecoder&&) = delete;

  // Opens every view's media (here, on the UI thread, so errors reach the caller at once:
  // a wrong key, no video stream) and hands the decoders to the worker. `streams`: the video
  // stream of each (-1: the first).
  [[nodiscard]] Status open(std::vector<render::SourceMedia> media, std::vector<int> streams,
                            std::vector<Rational> frame_rates);
  [[nodiscard]] const std::vector<ReviewViewRect>& layout() const noexcept { return layout_; }
  [[nodiscard]] std::uint32_t width_px() const noexcept { return width_px_; }
  [[nodiscard]] std::uint32_t height_px() const noexcept { return height_px_; }

  // Frames per view; -1 draws that view dark.
  void request(std::vector<std::int64_t> frames);
  [[nodiscard]] ReviewDecodeStatus status() const;
  [[nodiscard]] PreviewSlot& slot() noexcept { return slot_; }

 private:
  struct Engine;  // decoders and the picture, worker thread only

  void run() noexcept;

  PreviewSlot slot_;
  std::vector<ReviewViewRect> layout_;  // UI thread
  std::uint32_t width_px_ = 0;
  std::uint32_t height_px_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::unique_ptr<Engine> incoming_;                  // guarded by mutex_: new decoders
  std::optional<std::vector<std::int64_t>> pending_;  // guarded by mutex_
  ReviewDecodeStatus status_;                         // guarded by mutex_
  bool stopping_ = false;                             // guarded by mutex_
  std::thread thread_;                                // last: starts after the members above exist
};

}  // namespace clinvid::studio
