#include "views/editor_view.hpp"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include <fmt/format.h>
#include <imgui.h>

#include "theme.hpp"
#include "timeline/evaluate.hpp"

namespace clinvid::studio {

namespace {

constexpr timeline::LayoutKind kLayouts[] = {
    timeline::LayoutKind::single, timeline::LayoutKind::side_by_side,
    timeline::LayoutKind::grid_2x2, timeline::LayoutKind::picture_in_picture};
constexpr std::array<std::pair<std::int64_t, std::int64_t>, 5> kSpeeds{
    {{1, 4}, {1, 2}, {1, 1}, {2, 1}, {4, 1}}};
constexpr int kMaxShuttle = 8;

}  // namespace

EditorView::EditorView(StudioModel& model, PreviewWorker& worker, const PreviewTexture& texture)
    : model_(&model), worker_(&worker), texture_(&texture) {
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
                       "←/→ step · J/K/L shuttle · I/O in/out · Ctrl+Z undo · Ctrl+Shift+Z redo");
  }
}

void EditorView::draw_preview() {
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
}

void EditorView::draw_timeline() {
  const timeline::Project& project = model_->project();
  const std::int64_t frames = std::max<std::int64_t>(frame_count(), 1);
  const double rate = project.format.frame_rate.to_double();
  const double total_s = static_cast<double>(frames) / rate;
  const float width = std::max(ImGui::GetContentRegionAvail().x, 200.0F);
  const float px_per_s = width / static_cast<float>(total_s);
  constexpr float kRowHeight = 32.0F;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImU32 clip_colour = ImGui::GetColorU32(ImGuiCol_Button);
  const ImU32 selected_colour = ImGui::GetColorU32(ImGuiCol_ButtonActive);
  const ImU32 text_colour = ImGui::GetColorU32(ImGuiCol_Text);

  // Clicking the ruler moves the playhead.
  ImGui::InvisibleButton("editor.ruler", ImVec2(width, 18.0F));
  if (ImGui::IsItemActive()) {
    const float x = ImGui::GetIO().MousePos.x - origin.x;
    set_playhead(static_cast<std::int64_t>(static_cast<double>(x / px_per_s) * rate));
  }
  draw->AddRectFilled(origin, ImVec2(origin.x + width, origin.y + 18.0F),
                      ImGui::GetColorU32(ImGuiCol_FrameBg));
  for (int s = 0; s <= static_cast<int>(total_s); ++s) {
    const float x = origin.x + static_cast<float>(s) * px_per_s;
    draw->AddLine(ImVec2(x, origin.y + 10.0F), ImVec2(x, origin.y + 18.0F), text_colour);
  }
  int row = 0;
  for (const timeline::Track& track : project.tracks) {
    const float y = origin.y + 22.0F + static_cast<float>(row) * (kRowHeight + 4.0F);
    draw->AddText(ImVec2(origin.x + 2.0F, y + 8.0F), text_colour, track.name.c_str());
    for (const timeline::Clip& clip : track.clips) {
      auto end = timeline::clip_end(clip);
      if (!end) continue;
      const float x0 = origin.x + static_cast<float>(clip.start.seconds()) * px_per_s;
      const float x1 = origin.x + static_cast<float>(end->seconds()) * px_per_s;
      ImGui::SetCursorScreenPos(ImVec2(x0, y));
      ImGui::PushID(clip.id.c_str());
      if (ImGui::InvisibleButton("clip", ImVec2(std::max(x1 - x0, 4.0F), kRowHeight))) {
        selected_clip_ = clip.id;
      }
      ImGui::PopID();
      draw->AddRectFilled(ImVec2(x0, y), ImVec2(x1, y + kRowHeight),
                          clip.id == selected_clip_ ? selected_colour : clip_colour, 4.0F);
      draw->AddRect(ImVec2(x0, y), ImVec2(x1, y + kRowHeight), text_colour, 4.0F);
      const std::string label =
          fmt::format("{} {}", clip.id, clip.source.recording_id.substr(0, 8));
      draw->PushClipRect(ImVec2(x0, y), ImVec2(x1, y + kRowHeight), true);
      draw->AddText(ImVec2(x0 + 4.0F, y + 8.0F), text_colour, label.c_str());
      draw->PopClipRect();
    }
    ++row;
  }
  const float playhead_x =
      origin.x + static_cast<float>(static_cast<double>(playhead_) / rate) * px_per_s;
  const float bottom =
      origin.y + 22.0F + static_cast<float>(std::max(row, 1)) * (kRowHeight + 4.0F);
  draw->AddLine(ImVec2(playhead_x, origin.y), ImVec2(playhead_x, bottom),
                ImGui::GetColorU32(kErrorColour), 2.0F);
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
  });
}

}  // namespace clinvid::studio
