// The editor's tools beyond the timeline: cut at the playhead, titles, lower thirds and captions
// (typed, listed, edited, deleted, imported from and exported to WebVTT/SRT), and regions and
// annotations drawn on the composed preview: redactions (blur, pixelate, solid), face marks,
// arrows, lines and angles. Every change is one engine command through StudioModel::apply, so
// undo/redo covers it.
//
// Geometry: a point on the preview image is a fraction of the canvas; it is mapped onto the
// clip drawn under it (the topmost video clip at the playhead whose destination rectangle holds
// it, timeline::clip_dest_rect) and stored clip-normalised, keyframed at the playhead's source
// time, as timeline/model.hpp asks.
//
// UI thread only. Caption files are read and written on a std::async task polled each frame, so
// the UI never waits on the disk.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include <imgui.h>

#include "script.hpp"
#include "studio_model.hpp"
#include "timeline/captions.hpp"

namespace clinvid::studio {

enum class CanvasTool { invalid = 0, select, redact, face, arrow, line, angle };
[[nodiscard]] std::string_view to_string(CanvasTool tool) noexcept;
[[nodiscard]] Result<CanvasTool> parse_canvas_tool(std::string_view name);

class EditorTools {
 public:
  // Shows the outcome of an action in the editor's message line.
  using Report = std::function<void(const Status& status, const std::string& done)>;
  // `model` must outlive the tools.
  EditorTools(StudioModel& model, Report report);

  // ---- actions (widgets, keys and script steps) ----
  // Splits `clip_id` at output frame `frame` (strictly inside the clip).
  [[nodiscard]] Result<std::string> cut(const std::string& clip_id, std::int64_t frame);
  // A full-canvas title card at the film's start (everything moves later by `duration_s`).
  [[nodiscard]] Result<std::string> add_title_card(const std::string& title,
                                                   const std::string& subtitle, double duration_s);
  // A lower third (overlay track) or caption (caption track) from `frame` for `duration_s`; the
  // track is created when absent, in the same undo step.
  [[nodiscard]] Result<std::string> add_text(timeline::TextPosition position,
                                             const std::string& text, std::int64_t frame,
                                             double duration_s);
  [[nodiscard]] Status edit_text(const std::string& text_id, const std::string& text,
                                 double duration_s);
  [[nodiscard]] Status remove(const std::string& item_id);
  // `canvas` in fractions of the canvas (x right, y down), at output frame `frame`.
  [[nodiscard]] Result<std::string> mark_region(CanvasTool tool, timeline::NormRect canvas,
                                                std::int64_t frame);
  [[nodiscard]] Result<std::string> annotate(timeline::AnnotationKind kind,
                                             const std::vector<timeline::NormPoint>& canvas,
                                             std::int64_t frame);
  // Adds a redaction (the current mode) following each face of `clip_id` that no redaction covers
  // (timeline::uncovered_faces), as one undo step. Returns how many were added.
  [[nodiscard]] Result<std::size_t> cover_faces(const std::string& clip_id);
  // Starts reading (.vtt or .srt by extension) or writing the caption tracks' text.
  [[nodiscard]] Status start_import(const std::filesystem::path& file);
  [[nodiscard]] Status start_export(const std::filesystem::path& file);
  [[nodiscard]] bool file_busy() const noexcept { return file_task_.valid(); }

  void set_tool(CanvasTool tool);
  [[nodiscard]] CanvasTool tool() const noexcept { return tool_; }
  void set_redaction_mode(render::RedactionMode mode) noexcept { mode_ = mode; }

  // ---- drawing ----
  // The tool and mode row above the preview; `selected_clip` is cut at `frame`.
  void draw_toolbar(const std::string& selected_clip, std::int64_t frame);
  // Called right after the preview image is drawn at [image_min, image_max): takes mouse input
  // for the active tool, draws what is being drawn and the marked faces.
  void draw_canvas(ImVec2 image_min, ImVec2 image_max, std::int64_t frame);
  // The text section of the inspector.
  void draw_text_panel(std::int64_t frame);
  // Polls the caption file task; call once per frame.
  void update();
  // Esc: drops a half-drawn angle.
  void cancel_drawing() noexcept { points_.clear(); }

  void add_script_steps(ScriptVerbs& verbs);

 private:
  struct Hit {
    std::string clip_id;
    timeline::NormRect dest;  // where the clip is drawn, in output pixels (not normalised)
    Time source_time;         // the clip's source time at the frame
  };
  // The clip under `canvas` at `frame`; invalid_argument naming the problem when none.
  [[nodiscard]] Result<Hit> clip_at(timeline::NormPoint canvas, std::int64_t frame) const;
  // Adds imported cues to the caption track (created when absent) as one undo step.
  [[nodiscard]] Status apply_imported(const std::vector<timeline::Cue>& cues);
  void finish_file_task();
  [[nodiscard]] ImVec2 to_screen(timeline::NormPoint canvas) const;
  [[nodiscard]] timeline::NormPoint to_canvas(ImVec2 screen) const;

  StudioModel* model_;
  Report report_;
  CanvasTool tool_ = CanvasTool::select;
  render::RedactionMode mode_ = render::RedactionMode::blur;
  std::array<char, 256> text_{};
  std::array<char, 128> subtitle_{};
  std::array<char, 512> path_{};
  float duration_s_ = 3.0F;
  std::string editing_text_;  // id of the text item loaded into the fields; "" adds new ones

  // Preview geometry of the last frame (screen pixels).
  ImVec2 image_min_{};
  ImVec2 image_max_{};
  std::optional<ImVec2> drag_from_;            // screen
  std::vector<timeline::NormPoint> points_;    // canvas fractions: an angle's clicks so far
  std::optional<timeline::NormPoint> target_;  // the script's click target (canvas fractions)

  struct FileOutcome {
    Status status;
    std::vector<timeline::Cue> cues;  // import only
    std::string done;
  };
  std::future<FileOutcome> file_task_;
  bool file_import_ = false;
};

}  // namespace clinvid::studio
