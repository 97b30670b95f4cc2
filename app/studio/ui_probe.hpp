// Named widgets, for the scripted test mode: a view calls probe_item("capture.record") right
// after drawing a widget a script may reach; the probe keeps the widget's rectangle on screen
// and whether it was drawn disabled. Lookups see the last completed frame.
//
// UI thread only (it reads Dear ImGui's current item). Costs one map write per probed widget.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <imgui.h>

namespace clinvid::studio {

struct ProbedItem {
  ImVec2 min;
  ImVec2 max;
  bool disabled = false;
  [[nodiscard]] ImVec2 centre() const { return {(min.x + max.x) * 0.5F, (min.y + max.y) * 0.5F}; }
};

// Records the item just drawn under `name` (names are the view's, e.g. "editor.trim_out").
void probe_item(std::string_view name);
// Records an explicit rectangle (for custom-drawn parts such as a trim handle or a canvas).
void probe_rect(std::string_view name, ImVec2 min, ImVec2 max, bool disabled = false);
// The item as drawn in the last completed frame; nullopt when it was not drawn then.
[[nodiscard]] std::optional<ProbedItem> probed_item(std::string_view name);
// The frame loop calls this once per frame, before the UI is drawn.
void probe_new_frame();

}  // namespace clinvid::studio
