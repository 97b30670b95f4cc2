// A byte-bounded LRU of decoded frames within one VideoDecoder, keyed by presentation
// timestamp, so scrubbing back and forth over the same seconds decodes nothing twice.
//
// An entry knows how long its frame stays on screen (`duration_ticks`: until the next frame's
// pts, as observed while decoding) and whether it is the stream's first or last frame, so a
// lookup for any time, not only a frame's exact pts, can be answered from the cache without
// ever returning a neighbour of the right frame.
//
// Threading: one thread at a time (the owning decoder's).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <optional>

#include "core/frame.hpp"

namespace clinvid::media {

struct CachedFrame {
  std::int64_t pts_ticks = 0;       // in the stream's timebase
  std::int64_t duration_ticks = 0;  // until the next frame's pts; > 0
  bool is_first = false;            // the stream's first frame: covers every earlier time
  bool is_last = false;             // the stream's last frame: covers every later time
  // The frame as I420, or null while only the decoder's own picture is kept (`decoded`,
  // converted by the decoder when first asked for: frames decoded on the way to a seek
  // target cost no conversion unless someone scrubs back to them).
  std::shared_ptr<const Frame> frame;
  std::shared_ptr<const void> decoded;  // opaque to the cache (an AVFrame reference)
  std::size_t decoded_bytes = 0;        // memory `decoded` holds
};

class FrameCache {
 public:
  // capacity_bytes == 0 disables the cache (inserts are dropped).
  explicit FrameCache(std::size_t capacity_bytes) noexcept : capacity_bytes_(capacity_bytes) {}

  // The cached frame on screen at `ticks` (pts <= ticks < pts + duration, or before the first
  // frame / after the last when those are cached), marked most recently used.
  [[nodiscard]] std::optional<CachedFrame> find(std::int64_t ticks);
  // Adds or replaces the entry for entry.pts_ticks, evicting least recently used entries until
  // the total fits. A frame larger than the whole capacity is not kept.
  void insert(CachedFrame entry);
  void clear() noexcept;

  [[nodiscard]] std::size_t size_bytes() const noexcept { return size_bytes_; }
  [[nodiscard]] std::size_t capacity_bytes() const noexcept { return capacity_bytes_; }
  [[nodiscard]] std::size_t count() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    CachedFrame value;
    std::size_t bytes = 0;
    std::list<std::int64_t>::iterator lru;  // position in lru_ (front: most recent)
  };
  void erase(std::map<std::int64_t, Entry>::iterator it) noexcept;

  std::size_t capacity_bytes_;
  std::size_t size_bytes_ = 0;
  std::map<std::int64_t, Entry> entries_;
  std::list<std::int64_t> lru_;
};

}  // namespace clinvid::media
