// Layouts: where each slot of a layout lies on the canvas, and where a clip lands in its slot.
// This is what before/after comparison and synchronised multi-camera views are built from.
#pragma once

#include <cstdint>
#include <vector>

#include "core/result.hpp"
#include "render/composition.hpp"
#include "timeline/model.hpp"

namespace clinvid::timeline {

// Slot rectangles in output pixels, in slot order:
//   single: [full canvas]; side_by_side: [left half, right half];
//   grid_2x2: [top-left, top-right, bottom-left, bottom-right];
//   picture_in_picture: [full canvas, inset of pip_size × canvas in pip_corner, inset from the
//   edges by 3 % of the canvas's shorter side].
[[nodiscard]] std::vector<render::RectF> slot_rects(const Layout& layout, std::uint32_t width_px,
                                                    std::uint32_t height_px);

// The largest rectangle of aspect source_w:source_h inside `slot`, centred (letterbox or
// pillarbox). A zero source size means "fill the slot".
[[nodiscard]] render::RectF fit_rect(const render::RectF& slot, std::uint32_t source_width_px,
                                     std::uint32_t source_height_px);

// The layout in force for a clip on `track` at timeline time t: a section on the track itself,
// else a section on the first video track that has one covering t, else the project's.
[[nodiscard]] const Layout& layout_at(const Project& project, const Track& track, const Time& t);

// The clip's destination rectangle at t, in output pixels. invalid_argument when its slot
// does not exist in the layout in force (a grid slot 3 under a side-by-side section).
[[nodiscard]] Result<render::RectF> clip_dest_rect(const Project& project, const Track& track,
                                                   const Clip& clip, const Time& t);

}  // namespace clinvid::timeline
