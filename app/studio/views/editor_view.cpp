#include "views/editor_view.hpp"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include <fmt/format.h>
#include <imgui.h>

#include "theme.hpp"
#include "timeline/evaluate.hpp"
#include "ui_probe.hpp"

namespace clinvid::studio {

namespace {

constexpr timeline::LayoutKind kLayouts[] = {
    timeline::LayoutKind::single, timeline::LayoutKind::side_by_side,
    timeline::LayoutKind::grid_2x2, timeline::LayoutKind::picture_in_picture};
constexpr std::array<std::pair<std::int64_t, std::int64_t>, 5> kSpeeds{
    {{1, 4}, {1, 2}, {1, 1}, {2, 1}, {4, 1}}};
constexpr int kMaxShuttle = 8;
constexpr float kRowHeight = 32.0F;
constexpr float kRulerHeight = 18.0F;
constexpr float kHandlePx = 8.0F;  // trim handle width at each clip edge
constexpr float kSnapPx = 8.0F;    // snap when a target is this close on screen
constexpr float kZoomStep = 1.25F;
constexpr float kMinZoom = 1.0F;
constexpr float kMaxZoom = 64.0F;

}  // namespace

EditorView::EditorView(StudioModel& model, PreviewWorker& worker, const PreviewTexture& texture)
    : model_(&model),
      worker_(&worker),
      texture_(&texture),
      tools_(model,
             [this](const Status& status, const std::string& done) { report(status, done); }) {
  const std::string& name = model.project_name();
  std::memcpy(name_.data(), name.data(), std::min(name.size(), name_.size() - 1));
}

std::int64_t EditorView::frame_count() const {
  return timeline::frame_count(model_->project());
}

void EditorView::set_playhead(std::int64_t frame) {
  const std::int64_t last = std::max<std::int64_t>(frame_count() - 1, 0);
  playhead_ = std::clamp<std::int64_t>(frame, 0, last);
}

void EditorView::step(std::int64_t frames) {
  shuttle_ = 0;
  set_playhead(playhead_ + frames);
}

bool EditorView::preview_current() const {
  const PreviewStatus status = worker_->status();
  return !status.busy && requested_frame_ == playhead_ &&
         requested_generation_ == model_->edit_generation() && status.shown_frame == playhead_;
}

void EditorView::update() {
  if (!model_->signed_in()) return;
  tools_.update();
  set_playhead(playhead_);  // the project may have become shorter
  if (model_->project().tracks.empty()) return;
  if (requested_frame_ == playhead_ && requested_generation_ == model_->edit_generation()) return;
  worker_->request(model_->project(), playhead_, model_->source_media());
  requested_frame_ = playhead_;
  requested_generation_ = model_->edit_generation();
}

void EditorView::report(const Status& status, const std::string& done) {
  message_ = status ? done : status.error().message();
  message_is_error_ = !status;
}

Status EditorView::trim_selected(bool set_in) {
  const auto ref = timeline::find_clip(model_->project(), selected_clip_);
  if (ref.clip == nullptr) {
    return fail(Errc::invalid_argument, set_in ? "mark in: select a clip on the timeline first"
                                               : "mark out: select a clip on the timeline first");
  }
  const timeline::Clip clip = *ref.clip;
  auto at = timeline::source_time_at(clip, timeline::frame_time(model_->project(), playhead_));
  if (!at) return tl::unexpected(at.error());
  const Time in = set_in ? *at : clip.source_in;
  const Time out = set_in ? clip.source_out : *at;
  auto applied = model_->apply(timeline::trim_clip(clip.id, in, out));
  if (!applied) return tl::unexpected(applied.error());
  return {};
}

Status EditorView::mark_in() {
  auto done = trim_selected(true);
  report(done, "In point set");
  return done;
}

Status EditorView::mark_out() {
  auto done = trim_selected(false);
  report(done, "Out point set");
  return done;
}

Status EditorView::set_speed(Rational speed) {
  Status done = {};
  if (timeline::find_clip(model_->project(), selected_clip_).clip == nullptr) {
    done = fail(Errc::invalid_argument, "speed: select a clip on the timeline first");
  } else if (auto applied = model_->apply(timeline::set_speed(selected_clip_, speed)); !applied) {
    done = tl::unexpected(applied.error());
  }
  report(done, "Speed " + timeline::rational_text(speed));
  return done;
}

Status EditorView::set_layout(timeline::LayoutKind kind) {
  timeline::Layout layout = model_->project().layout;
  layout.kind = kind;
  Status done = {};
  if (auto applied = model_->apply(timeline::set_project_layout(layout)); !applied) {
    done = tl::unexpected(applied.error());
  }
  report(done, fmt::format("Layout {}", timeline::to_string(kind)));
  return done;
}

Status EditorView::undo() {
  auto done = model_->undo();
  report(done, "Undone");
  return done;
}

Status EditorView::redo() {
  auto done = model_->redo();
  report(done, "Redone");
  return done;
}

Status EditorView::cut() {
  auto made = tools_.cut(selected_clip_, playhead_);
  Status done = made ? Status{} : Status{tl::unexpected(made.error())};
  report(
      done,
      made ? fmt::format("Cut {} at frame {}: new clip {}", selected_clip_, playhead_, *made) : "");
  return done;
}

Result<archive::ProjectInfo> EditorView::save() {
  model_->set_project_name(name_.data());
  auto saved = model_->save_project();
  message_ = saved ? fmt::format("Saved `{}` revision {}", saved->name, saved->revision)
                   : saved.error().message();
  message_is_error_ = !saved;
  return saved;
}

// imgui_impl_glfw (1.86) indexes keys by GLFW key code.
void EditorView::handle_keys() {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  if (ImGui::IsKeyPressed(GLFW_KEY_LEFT)) step(-1);
  if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT)) step(1);
  if (ImGui::IsKeyPressed(GLFW_KEY_K, false)) shuttle_ = 0;
  if (ImGui::IsKeyPressed(GLFW_KEY_L, false)) {
    shuttle_ = shuttle_ <= 0 ? 1 : std::min(shuttle_ * 2, kMaxShuttle);
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_J, false)) {
    shuttle_ = shuttle_ >= 0 ? -1 : std::max(shuttle_ * 2, -kMaxShuttle);
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_I, false)) (void)mark_in();
  if (ImGui::IsKeyPressed(GLFW_KEY_O, false)) (void)mark_out();
  if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_Z, false)) {
    (void)(io.KeyShift ? redo() : undo());
  }
  if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_S, false)) (void)save();
  if (!io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_S, false)) (void)cut();
  if (ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false)) tools_.cancel_drawing();
  if (ImGui::IsKeyPressed(GLFW_KEY_HOME, false)) set_playhead(0);
  if (ImGui::IsKeyPressed(GLFW_KEY_END, false)) set_playhead(frame_count() - 1);
  if (!io.KeyCtrl &&
      (ImGui::IsKeyPressed(GLFW_KEY_EQUAL) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD))) {
    zoom_by(kZoomStep);
  }
  if (!io.KeyCtrl &&
      (ImGui::IsKeyPressed(GLFW_KEY_MINUS) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT))) {
    zoom_by(1.0F / kZoomStep);
  }
  if (!io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_N, false)) snap_ = !snap_;
}

// Playback at the project's rate × the shuttle, measured in display time; the preview shows
// whichever frame the worker finished last, so a slow machine drops frames rather than stalls.
void EditorView::advance_shuttle() {
  if (shuttle_ == 0) {
    shuttle_carry_frames_ = 0;
    return;
  }
  const double rate = model_->project().format.frame_rate.to_double();
  shuttle_carry_frames_ += static_cast<double>(ImGui::GetIO().DeltaTime) * rate * shuttle_;
  const auto whole = static_cast<std::int64_t>(shuttle_carry_frames_);
  if (whole == 0) return;
  shuttle_carry_frames_ -= static_cast<double>(whole);
  const std::int64_t before = playhead_;
  set_playhead(playhead_ + whole);
  if (playhead_ == before) shuttle_ = 0;  // reached an end
}

void EditorView::draw() {
  handle_keys();
  advance_shuttle();
  draw_toolbar();
  const float inspector_width = 300.0F;
  const float timeline_height = 170.0F;
  ImGui::BeginChild("editor.preview",
                    ImVec2(ImGui::GetContentRegionAvail().x - inspector_width,
                           ImGui::GetContentRegionAvail().y - timeline_height),
                    true);
  draw_preview();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("editor.inspector",
                    ImVec2(0, ImGui::GetContentRegionAvail().y - timeline_height), true);
  draw_inspector();
  ImGui::EndChild();
  ImGui::BeginChild("editor.timeline", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
  draw_timeline();
  ImGui::EndChild();
}

void EditorView::draw_toolbar() {
  ImGui::BeginDisabled(!model_->history().can_undo());
  if (ImGui::Button("Undo")) (void)undo();
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(!model_->history().can_redo());
  if (ImGui::Button("Redo")) (void)redo();
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::SetNextItemWidth(200.0F);
  ImGui::InputText("##project", name_.data(), name_.size());
  ImGui::SameLine();
  if (ImGui::Button(model_->unsaved_changes() ? "Save*" : "Save")) (void)save();
  ImGui::SameLine();
  const double rate = model_->project().format.frame_rate.to_double();
  ImGui::Text("Frame %lld / %lld  (%.2f s)  shuttle %+d", static_cast<long long>(playhead_),
              static_cast<long long>(frame_count()),
              rate > 0 ? static_cast<double>(playhead_) / rate : 0.0, shuttle_);
  if (!message_.empty()) {
    ImGui::TextColored(message_is_error_ ? kErrorColour : kMutedColour, "%s", message_.c_str());
  } else {
    ImGui::TextColored(kMutedColour,
                       "←/→ step · J/K/L shuttle · I/O in/out · S cut · drag clip edges to trim · "
                       "Ctrl+Z undo · F1 all shortcuts");
  }
}

void EditorView::draw_preview() {
  tools_.draw_toolbar(selected_clip_, playhead_);
  const PreviewStatus status = worker_->status();
  if (!status.error.empty()) ImGui::TextColored(kErrorColour, "%s", status.error.c_str());
  if (!texture_->has_content()) {
    ImGui::TextColored(kMutedColour, model_->project().tracks.empty()
                                         ? "Add a recording from the Library to start editing."
                                         : "Composing the first frame…");
    return;
  }
  const ImVec2 area = ImGui::GetContentRegionAvail();
  const float scale = std::min(area.x / static_cast<float>(texture_->width()),
                               area.y / static_cast<float>(texture_->height()));
  const ImVec2 size(static_cast<float>(texture_->width()) * scale,
                    static_cast<float>(texture_->height()) * scale);
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (area.x - size.x) * 0.5F);
  ImGui::Image(texture_->texture_id(), size);
  tools_.draw_canvas(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), playhead_);
}

std::int64_t EditorView::to_frames(const Time& t) const {
  auto frames = t.in(model_->project().format.frame_rate.inverse(), Rounding::nearest);
  return frames ? *frames : 0;
}

std::int64_t EditorView::snapped(std::int64_t frame, float px_per_frame,
                                 const std::string& except_clip, bool except_playhead) const {
  if (!snap_) return frame;
  std::int64_t best = frame;
  float best_px = kSnapPx + 1.0F;
  const auto consider = [&](std::int64_t target) {
    const float px = std::abs(static_cast<float>(target - frame) * px_per_frame);
    if (px <= kSnapPx && px < best_px) {
      best = target;
      best_px = px;
    }
  };
  consider(0);
  if (!except_playhead) consider(playhead_);
  for (const timeline::Track& track : model_->project().tracks) {
    for (const timeline::Clip& clip : track.clips) {
      if (clip.id == except_clip) continue;
      auto end = timeline::clip_end(clip);
      consider(to_frames(clip.start));
      if (end) consider(to_frames(*end));
    }
  }
  return best;
}

void EditorView::zoom_by(float factor) {
  zoom_ = std::clamp(zoom_ * factor, kMinZoom, kMaxZoom);
}

Status EditorView::trim_edge(const std::string& clip_id, Edge edge, std::int64_t delta_frames) {
  const timeline::Project& project = model_->project();
  const auto ref = timeline::find_clip(project, clip_id);
  if (ref.clip == nullptr) return fail(Errc::not_found, fmt::format("no clip `{}`", clip_id));
  const timeline::Clip clip = *ref.clip;
  const Time delta = Time::frames(delta_frames, project.format.frame_rate);
  auto source_delta = timeline::multiply(delta, clip.speed);
  if (!source_delta) return tl::unexpected(source_delta.error());
  const bool out = edge == Edge::out;
  auto moved = add(out ? clip.source_out : clip.source_in, *source_delta);
  if (!moved) return tl::unexpected(moved.error());
  const Time in = out ? clip.source_in : *moved;
  const Time end = out ? *moved : clip.source_out;
  if (end <= in) {
    return fail(Errc::invalid_argument,
                fmt::format("trim: clip {} would be empty; leave at least one frame", clip_id));
  }
  if (in < Time()) {
    return fail(
        Errc::invalid_argument,
        fmt::format("trim: clip {} already starts at its recording's first frame", clip_id));
  }
  const auto limit = source_limit_.find(clip_id);
  if (out && limit != source_limit_.end() && end > limit->second) {
    return fail(Errc::invalid_argument,
                fmt::format("trim: clip {} already ends at its recording's last frame", clip_id));
  }
  timeline::Command command = timeline::trim_clip(clip_id, in, end);
  if (!out) {
    auto start = add(clip.start, delta);
    if (!start) return tl::unexpected(start.error());
    if (*start < Time()) {
      return fail(Errc::invalid_argument, "trim: the clip cannot start before the timeline");
    }
    // Trim and move in one command: one undo step, validated once as a whole.
    timeline::Command trim = std::move(command);
    timeline::Command move = timeline::move_clip(clip_id, *start);
    command =
        timeline::Command{"Trim in", [trim, move](timeline::Project& p) -> Result<std::string> {
                            if (auto done = trim.edit(p); !done) return done;
                            return move.edit(p);
                          }};
  }
  auto applied = model_->apply(command);
  if (!applied) return tl::unexpected(applied.error());
  return {};
}

void EditorView::draw_timeline_toolbar() {
  if (ImGui::SmallButton(" - ")) zoom_by(1.0F / kZoomStep);
  probe_item("editor.zoom_out");
  ImGui::SameLine();
  if (ImGui::SmallButton(" + ")) zoom_by(kZoomStep);
  probe_item("editor.zoom_in");
  ImGui::SameLine();
  ImGui::Text("zoom %.2fx", static_cast<double>(zoom_));
  ImGui::SameLine();
  ImGui::Checkbox("Snap (N)", &snap_);
  probe_item("editor.snap");
  if (trim_) {
    ImGui::SameLine();
    ImGui::TextColored(kWarningColour, "trim %s of %s: %+lld frames",
                       trim_->edge == Edge::in ? "in" : "out", trim_->clip_id.c_str(),
                       static_cast<long long>(trim_->to_frame - trim_->from_frame));
  }
}

// A drag on an edge handle shows where the edge would go (snapped and clamped) and applies one
// command on release.
void EditorView::handle_trim(const timeline::Clip& clip, Edge edge, float px_per_frame) {
  const bool active = ImGui::IsItemActive();
  const bool released = ImGui::IsItemDeactivated();
  if (!active && !released) return;
  const double rate = model_->project().format.frame_rate.to_double();
  const std::int64_t start = to_frames(clip.start);
  auto end_time = timeline::clip_end(clip);
  const std::int64_t end = end_time ? to_frames(*end_time) : start + 1;
  if (active && (!trim_ || trim_->clip_id != clip.id || trim_->edge != edge)) {
    const std::int64_t from = edge == Edge::in ? start : end;
    trim_ = TrimDrag{clip.id, edge, from, from};
  }
  if (!trim_ || trim_->clip_id != clip.id || trim_->edge != edge) return;
  if (active) {
    const float dx = ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 0.0F).x;
    const auto raw = trim_->from_frame + static_cast<std::int64_t>(std::lround(dx / px_per_frame));
    std::int64_t to = snapped(raw, px_per_frame, clip.id, false);
    const double speed = clip.speed.to_double();
    if (edge == Edge::in) {
      const auto earliest =
          start - static_cast<std::int64_t>(std::floor(clip.source_in.seconds() * rate / speed));
      to = std::clamp(to, std::max<std::int64_t>(earliest, 0), end - 1);
    } else {
      const auto limit = source_limit_.find(clip.id);
      const double spare_s =
          limit == source_limit_.end() ? 0.0 : limit->second.seconds() - clip.source_out.seconds();
      const auto latest = end + static_cast<std::int64_t>(std::floor(spare_s * rate / speed));
      to = std::clamp(to, start + 1, latest);
    }
    trim_->to_frame = to;
    return;
  }
  const TrimDrag drag = *trim_;
  trim_.reset();
  if (drag.to_frame == drag.from_frame) return;
  select_clip(drag.clip_id);
  report(trim_edge(drag.clip_id, drag.edge, drag.to_frame - drag.from_frame),
         fmt::format("Trimmed the {} point of {} by {:+d} frames",
                     drag.edge == Edge::in ? "in" : "out", drag.clip_id,
                     drag.to_frame - drag.from_frame));
}

void EditorView::draw_clip(const timeline::Clip& clip, float y, float px_per_frame, ImVec2 origin) {
  auto end_time = timeline::clip_end(clip);
  if (!end_time) return;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float x0 = origin.x + static_cast<float>(to_frames(clip.start)) * px_per_frame;
  const float x1 =
      std::max(origin.x + static_cast<float>(to_frames(*end_time)) * px_per_frame, x0 + 6.0F);
  const float handle = std::min(kHandlePx, (x1 - x0) / 3.0F);
  const ImU32 text_colour = ImGui::GetColorU32(ImGuiCol_Text);
  ImGui::PushID(clip.id.c_str());
  // Three non-overlapping items, so the edges win over the body wherever they are.
  ImGui::SetCursorScreenPos(ImVec2(x0, y));
  ImGui::InvisibleButton("trim_in", ImVec2(handle, kRowHeight));
  probe_item("editor.trim_in." + clip.id);
  const bool in_hot = ImGui::IsItemHovered() || ImGui::IsItemActive();
  handle_trim(clip, Edge::in, px_per_frame);
  ImGui::SetCursorScreenPos(ImVec2(x0 + handle, y));
  if (ImGui::InvisibleButton("clip", ImVec2(std::max(x1 - x0 - 2.0F * handle, 1.0F), kRowHeight))) {
    selected_clip_ = clip.id;
  }
  probe_item("editor.clip." + clip.id);
  ImGui::SetCursorScreenPos(ImVec2(x1 - handle, y));
  ImGui::InvisibleButton("trim_out", ImVec2(handle, kRowHeight));
  probe_item("editor.trim_out." + clip.id);
  const bool out_hot = ImGui::IsItemHovered() || ImGui::IsItemActive();
  handle_trim(clip, Edge::out, px_per_frame);
  ImGui::PopID();
  if (in_hot || out_hot) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeEW);

  const ImU32 fill =
      ImGui::GetColorU32(clip.id == selected_clip_ ? ImGuiCol_ButtonActive : ImGuiCol_Button);
  draw->AddRectFilled(ImVec2(x0, y), ImVec2(x1, y + kRowHeight), fill, 4.0F);
  draw->AddRect(ImVec2(x0, y), ImVec2(x1, y + kRowHeight), text_colour, 4.0F);
  const ImU32 grip = ImGui::GetColorU32(ImGuiCol_SliderGrabActive);
  draw->AddRectFilled(ImVec2(x0, y), ImVec2(x0 + handle, y + kRowHeight),
                      in_hot ? grip : ImGui::GetColorU32(ImGuiCol_SliderGrab), 4.0F);
  draw->AddRectFilled(ImVec2(x1 - handle, y), ImVec2(x1, y + kRowHeight),
                      out_hot ? grip : ImGui::GetColorU32(ImGuiCol_SliderGrab), 4.0F);
  const std::string label = fmt::format("{} {}", clip.id, clip.source.recording_id.substr(0, 8));
  draw->PushClipRect(ImVec2(x0 + handle, y), ImVec2(x1 - handle, y + kRowHeight), true);
  draw->AddText(ImVec2(x0 + handle + 4.0F, y + 8.0F), text_colour, label.c_str());
  draw->PopClipRect();
  if (trim_ && trim_->clip_id == clip.id) {
    const float x = origin.x + static_cast<float>(trim_->to_frame) * px_per_frame;
    draw->AddLine(ImVec2(x, y - 4.0F), ImVec2(x, y + kRowHeight + 4.0F),
                  ImGui::GetColorU32(kWarningColour), 3.0F);
  }
}

void EditorView::draw_timeline() {
  draw_timeline_toolbar();
  const timeline::Project& project = model_->project();
  for (const timeline::Track& track : project.tracks) {
    for (const timeline::Clip& clip : track.clips) {
      auto [it, added] = source_limit_.emplace(clip.id, clip.source_out);
      if (!added && clip.source_out > it->second) it->second = clip.source_out;
    }
  }
  const std::int64_t frames = std::max<std::int64_t>(frame_count(), 1);
  const double rate = project.format.frame_rate.to_double();
  const float visible = std::max(ImGui::GetContentRegionAvail().x, 200.0F);
  const float px_per_frame = visible / static_cast<float>(frames) * zoom_;
  const float width = px_per_frame * static_cast<float>(frames);
  const ImGuiIO& io = ImGui::GetIO();
  if (io.KeyCtrl && io.MouseWheel != 0.0F && ImGui::IsWindowHovered()) {
    // Zoom about the pointer: the frame under it stays under it.
    const float pointer_frame = (io.MousePos.x - ImGui::GetCursorScreenPos().x) / px_per_frame;
    const float before = zoom_;
    zoom_by(std::pow(kZoomStep, io.MouseWheel));
    ImGui::SetScrollX(ImGui::GetScrollX() + pointer_frame * px_per_frame * (zoom_ / before - 1.0F));
  }
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImU32 text_colour = ImGui::GetColorU32(ImGuiCol_Text);

  // Dragging on the ruler scrubs the playhead (snapping to clip edges).
  ImGui::InvisibleButton("editor.ruler", ImVec2(width, kRulerHeight));
  probe_item("editor.ruler");
  if (ImGui::IsItemActive()) {
    shuttle_ = 0;
    const auto frame = static_cast<std::int64_t>((io.MousePos.x - origin.x) / px_per_frame);
    set_playhead(snapped(frame, px_per_frame, {}, true));
  }
  draw->AddRectFilled(origin, ImVec2(origin.x + width, origin.y + kRulerHeight),
                      ImGui::GetColorU32(ImGuiCol_FrameBg));
  // A tick each second, or each frame when zoomed in far enough to tell them apart.
  const float px_per_s = px_per_frame * static_cast<float>(rate);
  const double tick_s = px_per_frame >= 6.0F ? 1.0 / rate : (px_per_s >= 20.0F ? 1.0 : 5.0);
  for (double t = 0; t * rate <= static_cast<double>(frames); t += tick_s) {
    const float x = origin.x + static_cast<float>(t) * px_per_s;
    draw->AddLine(ImVec2(x, origin.y + 10.0F), ImVec2(x, origin.y + kRulerHeight), text_colour);
  }
  int row = 0;
  for (const timeline::Track& track : project.tracks) {
    const float y = origin.y + kRulerHeight + 4.0F + static_cast<float>(row) * (kRowHeight + 4.0F);
    draw->AddText(ImVec2(origin.x + 2.0F, y + 8.0F), text_colour, track.name.c_str());
    for (const timeline::Clip& clip : track.clips) draw_clip(clip, y, px_per_frame, origin);
    for (const timeline::TextItem& item : track.texts) {
      auto end = timeline::text_end(item);
      if (!end) continue;
      const float x0 = origin.x + static_cast<float>(to_frames(item.start)) * px_per_frame;
      const float x1 =
          std::max(origin.x + static_cast<float>(to_frames(*end)) * px_per_frame, x0 + 6.0F);
      draw->AddRectFilled(ImVec2(x0, y + 4.0F), ImVec2(x1, y + kRowHeight - 4.0F),
                          ImGui::GetColorU32(ImGuiCol_FrameBgActive), 3.0F);
      draw->PushClipRect(ImVec2(x0, y), ImVec2(x1, y + kRowHeight), true);
      draw->AddText(ImVec2(x0 + 4.0F, y + 8.0F), text_colour, item.text.c_str());
      draw->PopClipRect();
    }
    ++row;
  }
  const float playhead_x = origin.x + static_cast<float>(playhead_) * px_per_frame;
  const float bottom =
      origin.y + kRulerHeight + 4.0F + static_cast<float>(std::max(row, 1)) * (kRowHeight + 4.0F);
  draw->AddLine(ImVec2(playhead_x, origin.y), ImVec2(playhead_x, bottom),
                ImGui::GetColorU32(kErrorColour), 2.0F);
  probe_rect("editor.playhead", ImVec2(playhead_x - 1.0F, origin.y),
             ImVec2(playhead_x + 1.0F, origin.y + kRulerHeight));
  ImGui::SetCursorScreenPos(ImVec2(origin.x, bottom + 4.0F));
  ImGui::Dummy(ImVec2(width, 1.0F));
}

void EditorView::draw_inspector() {
  const timeline::Project& project = model_->project();
  ImGui::TextUnformatted("Layout");
  for (timeline::LayoutKind kind : kLayouts) {
    if (ImGui::RadioButton(std::string(timeline::to_string(kind)).c_str(),
                           project.layout.kind == kind) &&
        project.layout.kind != kind) {
      (void)set_layout(kind);
    }
  }
  ImGui::Separator();
  tools_.draw_text_panel(playhead_);
  ImGui::Separator();
  const auto ref = timeline::find_clip(project, selected_clip_);
  if (ref.clip == nullptr) {
    ImGui::TextColored(kMutedColour, "Select a clip on the timeline.");
    return;
  }
  const timeline::Clip& clip = *ref.clip;
  ImGui::Text("Clip %s", clip.id.c_str());
  ImGui::TextColored(kMutedColour, "%s", clip.source.recording_id.c_str());
  ImGui::Text("In %.3f s  Out %.3f s", clip.source_in.seconds(), clip.source_out.seconds());
  if (ImGui::Button("Mark in (I)")) (void)mark_in();
  ImGui::SameLine();
  if (ImGui::Button("Mark out (O)")) (void)mark_out();
  ImGui::TextUnformatted("Speed");
  for (const auto& [num, den] : kSpeeds) {
    const Rational speed = Rational::make(num, den).value();
    ImGui::SameLine();
    if (ImGui::RadioButton(timeline::rational_text(speed).c_str(), clip.speed == speed) &&
        clip.speed != speed) {
      (void)set_speed(speed);
    }
  }
}

void EditorView::add_script_steps(ScriptVerbs& verbs) {
  const auto action = [](Status status) -> Result<bool> {
    if (!status) return tl::unexpected(status.error());
    return true;
  };
  verbs.add("select_clip", 1, 1, [this](StepCall& call) -> Result<bool> {
    const std::string& id = call.step.args[0];
    if (timeline::find_clip(model_->project(), id).clip == nullptr) {
      return fail(Errc::not_found, fmt::format("no clip `{}` in the project", id));
    }
    select_clip(id);
    return true;
  });
  verbs.add("step", 1, 1, [this](StepCall& call) -> Result<bool> {
    if (!call.started) {
      auto frames = parse_step_int(call.step, call.step.args[0]);
      if (!frames) return tl::unexpected(frames.error());
      step(*frames);
      call.started = true;
    }
    update();
    return preview_current();
  });
  verbs.add("wait_preview", 0, 0, [this](StepCall& /*call*/) -> Result<bool> {
    update();
    return preview_current();
  });
  verbs.add("mark_in", 0, 0, [this, action](StepCall&) { return action(mark_in()); });
  verbs.add("mark_out", 0, 0, [this, action](StepCall&) { return action(mark_out()); });
  verbs.add("trim", 3, 3, [this, action](StepCall& call) -> Result<bool> {
    const std::string& edge = call.step.args[1];
    if (edge != "in" && edge != "out") {
      return fail(Errc::invalid_argument, "trim CLIP in|out FRAMES: the edge is `in` or `out`");
    }
    auto frames = parse_step_int(call.step, call.step.args[2]);
    if (!frames) return tl::unexpected(frames.error());
    return action(trim_edge(call.step.args[0], edge == "in" ? Edge::in : Edge::out, *frames));
  });
  verbs.add("snap", 1, 1, [this](StepCall& call) -> Result<bool> {
    if (call.step.args[0] != "on" && call.step.args[0] != "off") {
      return fail(Errc::invalid_argument, "snap on|off");
    }
    set_snapping(call.step.args[0] == "on");
    return true;
  });
  verbs.add("cut", 0, 0, [this, action](StepCall&) { return action(cut()); });
  tools_.add_script_steps(verbs);
  verbs.add("undo", 0, 0, [this, action](StepCall&) { return action(undo()); });
  verbs.add("redo", 0, 0, [this, action](StepCall&) { return action(redo()); });
  verbs.add("speed", 1, 1, [this, action](StepCall& call) -> Result<bool> {
    auto speed = Rational::parse(call.step.args[0]);
    if (!speed) return tl::unexpected(speed.error());
    return action(set_speed(*speed));
  });
  verbs.add("layout", 1, 1, [this, action](StepCall& call) -> Result<bool> {
    auto kind = timeline::parse_layout_kind(call.step.args[0]);
    if (!kind) return tl::unexpected(kind.error());
    return action(set_layout(*kind));
  });
  verbs.add("save", 0, 1, [this](StepCall& call) -> Result<bool> {
    if (!call.step.args.empty()) model_->set_project_name(call.step.args[0]);
    auto saved = model_->save_project();
    if (!saved) return tl::unexpected(saved.error());
    call.extra["project"] = saved->name;
    call.extra["revision"] = saved->revision;
    return true;
  });
  verbs.add_state([this](Json& state) {
    std::size_t clips = 0;
    for (const timeline::Track& track : model_->project().tracks) clips += track.clips.size();
    state["tracks"] = model_->project().tracks.size();
    state["clips"] = clips;
    state["undo_depth"] = model_->history().undo_depth();
    state["playhead"] = playhead_;
    state["frames"] = frame_count();
    state["zoom"] = zoom_;
    state["snap"] = snap_;
    Json spans = Json::array();
    for (const timeline::Track& track : model_->project().tracks) {
      for (const timeline::Clip& clip : track.clips) {
        auto end = timeline::clip_end(clip);
        spans.push_back({{"id", clip.id},
                         {"start_frame", to_frames(clip.start)},
                         {"end_frame", end ? to_frames(*end) : -1},
                         {"in_s", clip.source_in.seconds()},
                         {"out_s", clip.source_out.seconds()}});
      }
    }
    state["clip_spans"] = spans;
  });
}

}  // namespace clinvid::studio
