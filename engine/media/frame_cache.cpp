#include "media/frame_cache.hpp"

#include <utility>

namespace clinvid::media {

std::optional<CachedFrame> FrameCache::find(std::int64_t ticks) {
  if (entries_.empty()) return std::nullopt;
  auto it = entries_.upper_bound(ticks);
  if (it == entries_.begin()) {
    // Earlier than every cached frame: only the stream's first frame answers that.
    if (!it->second.value.is_first) return std::nullopt;
  } else {
    --it;
    const CachedFrame& value = it->second.value;
    const bool covers = value.is_last || ticks - value.pts_ticks < value.duration_ticks;
    if (!covers) return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.value;
}

void FrameCache::insert(CachedFrame entry) {
  if (capacity_bytes_ == 0 || (!entry.frame && !entry.decoded)) return;
  const std::size_t bytes =
      (entry.frame ? entry.frame->bytes().size() : entry.decoded_bytes) + sizeof(Entry);
  if (bytes > capacity_bytes_) return;
  if (auto existing = entries_.find(entry.pts_ticks); existing != entries_.end()) {
    erase(existing);
  }
  while (size_bytes_ + bytes > capacity_bytes_ && !lru_.empty()) {
    erase(entries_.find(lru_.back()));
  }
  lru_.push_front(entry.pts_ticks);
  const std::int64_t key = entry.pts_ticks;
  entries_.emplace(key, Entry{std::move(entry), bytes, lru_.begin()});
  size_bytes_ += bytes;
}

void FrameCache::clear() noexcept {
  entries_.clear();
  lru_.clear();
  size_bytes_ = 0;
}

void FrameCache::erase(std::map<std::int64_t, Entry>::iterator it) noexcept {
  size_bytes_ -= it->second.bytes;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

}  // namespace clinvid::media
