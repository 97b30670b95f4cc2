#include "timeline/edit_support.hpp"

#include <algorithm>

namespace clinvid::timeline::detail {

Result<Track*> track_or_fail(Project& p, std::string_view track_id) {
  if (Track* t = find_track(p, track_id)) return t;
  return fail(Errc::not_found, "no track with id '" + std::string(track_id) + "'");
}

Result<ClipRef> clip_or_fail(Project& p, std::string_view clip_id) {
  auto ref = find_clip(p, clip_id);
  if (ref.clip != nullptr) return ref;
  return fail(Errc::not_found, "no clip with id '" + std::string(clip_id) + "'");
}

void sort_track(Track& track) {
  std::stable_sort(track.clips.begin(), track.clips.end(),
                   [](const Clip& a, const Clip& b) { return a.start < b.start; });
  std::stable_sort(track.texts.begin(), track.texts.end(),
                   [](const TextItem& a, const TextItem& b) { return a.start < b.start; });
}

void drop_broken_transitions(Track& track) {
  std::erase_if(track.transitions, [&](const Transition& t) {
    const Clip* from = nullptr;
    const Clip* to = nullptr;
    for (const auto& c : track.clips) {
      if (c.id == t.from_clip) from = &c;
      if (c.id == t.to_clip) to = &c;
    }
    if (from == nullptr || to == nullptr) return true;
    auto end = clip_end(*from);
    return !end || !(*end == to->start);
  });
}

namespace {

template <class T>
bool erase_id(std::vector<T>& items, std::string_view id) {
  return std::erase_if(items, [&](const T& x) { return x.id == id; }) > 0;
}

}  // namespace

bool erase_by_id(Project& p, std::string_view id) {
  if (erase_id(p.tracks, id) || erase_id(p.markers, id)) return true;
  for (auto& track : p.tracks) {
    if (erase_id(track.clips, id)) {
      drop_broken_transitions(track);
      return true;
    }
    if (erase_id(track.texts, id) || erase_id(track.transitions, id) ||
        erase_id(track.layouts, id)) {
      return true;
    }
    for (auto& c : track.clips) {
      if (erase_id(c.faces, id) || erase_id(c.redactions, id) || erase_id(c.annotations, id)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace clinvid::timeline::detail
