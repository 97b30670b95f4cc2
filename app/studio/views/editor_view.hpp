// Editor: the project's tracks as a timeline (clips as boxes proportional to their duration,
// the playhead), the composed preview of the current frame (PreviewWorker), frame step
// (←/→), J/K/L shuttle, I/O on the selected clip, speed and layout, undo/redo, save; trim handles
// on each clip's edges (one undoable command per drag), zoom (Ctrl+wheel, +/-), snapping of
// trims and the playhead to clip edges and the playhead, scrubbing by dragging the ruler.
//
// UI thread only. Edits go through StudioModel::apply/undo/redo; the preview is requested
// whenever the frame or the project changes and the newest finished frame is shown.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <imgui.h>

#include "editor_tools.hpp"
#include "preview_texture.hpp"
#include "preview_worker.hpp"
#include "script.hpp"
#include "studio_model.hpp"

namespace clinvid::studio {

class EditorView {
 public:
  // All three must outlive the view.
  EditorView(StudioModel& model, PreviewWorker& worker, const PreviewTexture& texture);

  void draw();
  // Registers the scripted test mode's steps for this view (script.hpp).
  void add_script_steps(ScriptVerbs& verbs);
  // Posts a preview request when the frame or the project changed. Called every frame, also
  // when another view is shown, so the preview is ready when the editor opens.
  void update();

  // The actions the widgets, keys and the scripted test mode take.
  void step(std::int64_t frames);
  void set_playhead(std::int64_t frame);
  void select_clip(std::string clip_id) { selected_clip_ = std::move(clip_id); }
  [[nodiscard]] Status mark_in();
  [[nodiscard]] Status mark_out();
  [[nodiscard]] Status set_speed(Rational speed);
  [[nodiscard]] Status set_layout(timeline::LayoutKind kind);
  // Moves a clip's edge by `delta_frames` of timeline frames: the out edge changes source_out;
  // the in edge changes source_in and moves the start with it (the clip's other edge stays put).
  // One command, so one undo step.
  enum class Edge { invalid = 0, in, out };
  [[nodiscard]] Status trim_edge(const std::string& clip_id, Edge edge, std::int64_t delta_frames);
  // Multiplies the timeline's zoom (1 shows the whole project), kept within 1..64.
  void zoom_by(float factor);
  void set_snapping(bool on) noexcept { snap_ = on; }
  [[nodiscard]] Status undo();
  [[nodiscard]] Status redo();
  [[nodiscard]] Result<archive::ProjectInfo> save();
  // Splits the selected clip at the playhead.
  [[nodiscard]] Status cut();

  [[nodiscard]] std::int64_t playhead() const noexcept { return playhead_; }
  [[nodiscard]] std::int64_t frame_count() const;
  [[nodiscard]] const std::string& selected_clip() const noexcept { return selected_clip_; }
  // True once the preview shows the playhead's frame of the current project.
  [[nodiscard]] bool preview_current() const;

 private:
  void handle_keys();
  void advance_shuttle();
  void draw_toolbar();
  void draw_preview();
  void draw_timeline();
  void draw_timeline_toolbar();
  void draw_clip(const timeline::Clip& clip, float y, float px_per_frame, ImVec2 origin);
  void handle_trim(const timeline::Clip& clip, Edge edge, float px_per_frame);
  // The frame nearest `frame` among the snap targets within kSnapPx, else `frame`.
  [[nodiscard]] std::int64_t snapped(std::int64_t frame, float px_per_frame,
                                     const std::string& except_clip, bool except_playhead) const;
  [[nodiscard]] std::int64_t to_frames(const Time& t) const;
  void draw_inspector();
  void report(const Status& status, const std::string& done);
  [[nodiscard]] Status trim_selected(bool set_in);

  StudioModel* model_;
  PreviewWorker* worker_;
  const PreviewTexture* texture_;
  std::int64_t playhead_ = 0;
  std::string selected_clip_;
  int shuttle_ = 0;  // J/K/L: frames of source per frame of display time, signed; 0 stopped
  double shuttle_carry_frames_ = 0;
  std::int64_t requested_frame_ = -1;
  std::uint64_t requested_generation_ = ~std::uint64_t{0};
  std::array<char, 101> name_{};
  std::string message_;
  bool message_is_error_ = false;

  // Timeline view state.
  float zoom_ = 1.0F;
  bool snap_ = true;
  struct TrimDrag {
    std::string clip_id;
    Edge edge = Edge::invalid;
    std::int64_t from_frame = 0;  // the edge when the drag began
    std::int64_t to_frame = 0;    // where it would go (snapped, clamped)
  };
  std::optional<TrimDrag> trim_;
  // The furthest source_out each clip has had: how far its out edge may be dragged back out
  // (the recording's end when the clip was added whole).
  std::map<std::string, Time> source_limit_;

  EditorTools tools_;
};

}  // namespace clinvid::studio
