#include "ui_probe.hpp"

#include <map>
#include <utility>

#include <imgui_internal.h>

namespace clinvid::studio {

namespace {

struct Probe {
  std::map<std::string, ProbedItem, std::less<>> drawing;    // this frame, so far
  std::map<std::string, ProbedItem, std::less<>> completed;  // the last whole frame
};

Probe& probe() {
  static Probe instance;
  return instance;
}

}  // namespace

void probe_item(std::string_view name) {
  const ImGuiContext& g = *ImGui::GetCurrentContext();
  const bool disabled = (g.LastItemData.InFlags & ImGuiItemFlags_Disabled) != 0;
  probe_rect(name, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), disabled);
}

void probe_rect(std::string_view name, ImVec2 min, ImVec2 max, bool disabled) {
  probe().drawing.insert_or_assign(std::string(name), ProbedItem{min, max, disabled});
}

std::optional<ProbedItem> probed_item(std::string_view name) {
  const auto& completed = probe().completed;
  const auto found = completed.find(name);
  if (found == completed.end()) return std::nullopt;
  return found->second;
}

void probe_new_frame() {
  Probe& p = probe();
  p.completed = std::move(p.drawing);
  p.drawing.clear();
}

}  // namespace clinvid::studio
