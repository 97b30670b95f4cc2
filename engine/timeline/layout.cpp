#include "timeline/layout.hpp"

#include <algorithm>
#include <string>

namespace clinvid::timeline {
namespace {

bool section_covers(const LayoutSection& s, const Time& t) {
  if (t < s.start) return false;
  auto end = add(s.start, s.duration);
  return end && t < *end;
}

const Layout* section_layout(const Track& track, const Time& t) {
  for (const auto& s : track.layouts) {
    if (section_covers(s, t)) return &s.layout;
  }
  return nullptr;
}

}  // namespace

std::vector<render::RectF> slot_rects(const Layout& layout, std::uint32_t width_px,
                                      std::uint32_t height_px) {
  const float w = static_cast<float>(width_px);
  const float h = static_cast<float>(height_px);
  switch (layout.kind) {
    case LayoutKind::single: return {{0, 0, w, h}};
    case LayoutKind::side_by_side: return {{0, 0, w / 2, h}, {w / 2, 0, w / 2, h}};
    case LayoutKind::grid_2x2:
      return {{0, 0, w / 2, h / 2},
              {w / 2, 0, w / 2, h / 2},
              {0, h / 2, w / 2, h / 2},
              {w / 2, h / 2, w / 2, h / 2}};
    case LayoutKind::picture_in_picture: {
      const float inset_w = w * static_cast<float>(layout.pip_size);
      const float inset_h = h * static_cast<float>(layout.pip_size);
      const float margin = 0.03F * std::min(w, h);
      const bool left =
          layout.pip_corner == Corner::top_left || layout.pip_corner == Corner::bottom_left;
      const bool top =
          layout.pip_corner == Corner::top_left || layout.pip_corner == Corner::top_right;
      const float x = left ? margin : w - margin - inset_w;
      const float y = top ? margin : h - margin - inset_h;
      return {{0, 0, w, h}, {x, y, inset_w, inset_h}};
    }
    case LayoutKind::invalid: break;
  }
  return {};
}

render::RectF fit_rect(const render::RectF& slot, std::uint32_t source_width_px,
                       std::uint32_t source_height_px) {
  if (source_width_px == 0 || source_height_px == 0 || slot.w <= 0 || slot.h <= 0) return slot;
  // In double, then narrowed once: exact for any realistic pixel size.
  const double sw = source_width_px;
  const double sh = source_height_px;
  const auto slot_x = static_cast<double>(slot.x);
  const auto slot_y = static_cast<double>(slot.y);
  const auto slot_w = static_cast<double>(slot.w);
  const auto slot_h = static_cast<double>(slot.h);
  double w = slot_w;
  double h = slot_w * sh / sw;
  if (h > slot_h) {
    h = slot_h;
    w = slot_h * sw / sh;
  }
  const double x = slot_x + (slot_w - w) / 2;
  const double y = slot_y + (slot_h - h) / 2;
  return {static_cast<float>(x), static_cast<float>(y), static_cast<float>(w),
          static_cast<float>(h)};
}

const Layout& layout_at(const Project& project, const Track& track, const Time& t) {
  if (const Layout* own = section_layout(track, t)) return *own;
  for (const auto& other : project.tracks) {
    if (other.kind != TrackKind::video) continue;
    if (const Layout* l = section_layout(other, t)) return *l;
  }
  return project.layout;
}

Result<render::RectF> clip_dest_rect(const Project& project, const Track& track, const Clip& clip,
                                     const Time& t) {
  const float w = static_cast<float>(project.format.width_px);
  const float h = static_cast<float>(project.format.height_px);
  render::RectF slot;
  if (clip.placement.kind == PlacementKind::rect) {
    const auto& r = clip.placement.rect;
    slot = {static_cast<float>(r.x) * w, static_cast<float>(r.y) * h, static_cast<float>(r.w) * w,
            static_cast<float>(r.h) * h};
  } else {
    const Layout& layout = layout_at(project, track, t);
    const auto slots = slot_rects(layout, project.format.width_px, project.format.height_px);
    if (clip.placement.slot < 0 || static_cast<std::size_t>(clip.placement.slot) >= slots.size()) {
      return fail(Errc::invalid_argument,
                  "clip " + clip.id + " is placed in slot " + std::to_string(clip.placement.slot) +
                      " but the " + std::string(to_string(layout.kind)) + " layout at " +
                      t.to_string() + " has " + std::to_string(slots.size()) + " slot(s)");
    }
    slot = slots[static_cast<std::size_t>(clip.placement.slot)];
  }
  return fit_rect(slot, clip.source_width_px, clip.source_height_px);
}

}  // namespace clinvid::timeline
