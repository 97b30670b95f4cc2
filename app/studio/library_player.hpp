// The Library's player: the selected recording decoded on a worker thread (one
// media::VideoDecoder, opened there from the age file) and published as RGBA to a PreviewSlot.
// The UI keeps the clock: while playing it asks for the frame due at the recording's rate;
// requests made while one is decoding replace each other, so a slow decode drops frames
// instead of falling behind.
//
// Threading: open(), request(), status() and the destructor on the UI thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/rational.hpp"
#include "preview_source.hpp"
#include "render/source_media.hpp"

namespace clinvid::studio {

struct PlayerStatus {
  bool opened = false;           // the decoder is open (frame_rate and frame_count are known)
  Rational frame_rate;           // frames per second
  std::int64_t frame_count = 0;  // from the stream's duration; 0 when unknown
  std::int64_t shown_frame = -1;
  std::uint64_t frames_shown = 0;  // pictures published since open()
  bool busy = false;
  std::string error;  // opening or the last decode; empty when fine
};

class LibraryPlayer {
 public:
  LibraryPlayer();
  ~LibraryPlayer();  // after the frame in progress
  LibraryPlayer(const LibraryPlayer&) = delete;
  LibraryPlayer& operator=(const LibraryPlayer&) = delete;
  LibraryPlayer(LibraryPlayer&&) = delete;
  LibraryPlayer& operator=(LibraryPlayer&&) = delete;

  // Replaces the media (the caller asked the gate `view` first) and shows its first frame.
  void open(render::SourceMedia media);
  // Closes the media (an erased or deselected recording).
  void close();
  void request(std::int64_t frame);
  [[nodiscard]] PlayerStatus status() const;
  [[nodiscard]] PreviewSlot& slot() noexcept { return slot_; }

 private:
  void run() noexcept;

  PreviewSlot slot_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<render::SourceMedia> incoming_;  // guarded by mutex_
  bool close_ = false;                           // guarded by mutex_
  std::optional<std::int64_t> pending_;          // guarded by mutex_
  PlayerStatus status_;                          // guarded by mutex_
  bool stopping_ = false;                        // guarded by mutex_
  std::thread thread_;                           // last
};

}  // namespace clinvid::studio
