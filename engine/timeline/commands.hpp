// Every edit of a Project is a Command applied through a History: unlimited undo/redo, grouped
// edits undone as one, redo cleared by a new edit. The studio's editor posts commands and reads
// History::project(); it never mutates a Project itself.
//
// A command edits a copy of the project; the copy is then checked by validate_project(), so a
// command that would leave an invalid project (overlapping clips, speed 5, an unknown id) is
// refused with an Error naming what and where, and the project is left unchanged.
//
// Threading: History is not synchronised; own it on one thread (the studio's UI thread) and hand
// other threads copies of project().
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "timeline/model.hpp"

namespace clinvid::timeline {

// Applies itself to `project` (a scratch copy) and returns the id of the item it created, or ""
// when it created none. On error the copy is discarded.
using EditFn = std::function<Result<std::string>(Project& project)>;

struct Command {
  std::string label;  // shown in Edit ▸ Undo <label>
  EditFn edit;
};

class History {
 public:
  explicit History(Project initial = {});

  [[nodiscard]] const Project& project() const noexcept { return current_; }

  // Applies, validates, records. Returns the created id ("" when none).
  [[nodiscard]] Result<std::string> apply(const Command& command);
  // invalid_argument when there is nothing to undo/redo or a group is open.
  [[nodiscard]] Status undo();
  [[nodiscard]] Status redo();
  [[nodiscard]] bool can_undo() const noexcept { return !undo_.empty() && group_depth_ == 0; }
  [[nodiscard]] bool can_redo() const noexcept { return !redo_.empty() && group_depth_ == 0; }
  [[nodiscard]] std::string undo_label() const;  // "" when none
  [[nodiscard]] std::string redo_label() const;
  [[nodiscard]] std::size_t undo_depth() const noexcept { return undo_.size(); }

  // Commands applied between begin_group and the matching end_group become one undo step.
  // Groups nest; only the outermost label is kept. An empty group records nothing.
  void begin_group(std::string label);
  // invalid_argument when no group is open.
  Status end_group();
  // Ends the open (outermost) group by restoring the project from before it.
  Status rollback_group();

  // RAII group: ends the group when it leaves scope unless rolled back.
  class Group {
   public:
    Group(History& history, std::string label);
    ~Group();
    Group(const Group&) = delete;
    Group& operator=(const Group&) = delete;
    Group(Group&&) = delete;
    Group& operator=(Group&&) = delete;
    void rollback();

   private:
    History* history_;
    bool open_ = true;
  };

 private:
  // One snapshot per step (memento): on the undo stack the state before the step, on the redo
  // stack the state after it; undo and redo swap it with the current project. A project is a
  // few kilobytes, so unlimited undo costs little next to the media it describes.
  struct Entry {
    std::string label;
    Project snapshot;
  };
  Project current_;
  std::vector<Entry> undo_;
  std::vector<Entry> redo_;
  int group_depth_ = 0;
  Entry group_;  // label and the state before the open group
  bool group_changed_ = false;
};

// ---- project ----
[[nodiscard]] Command set_format(OutputFormat format);
[[nodiscard]] Command set_metadata(Metadata metadata);
[[nodiscard]] Command set_project_layout(Layout layout);
[[nodiscard]] Command add_track(TrackKind kind, std::string name);
// Removes any item by id: track, clip (with its transitions), text, transition, layout section,
// marker, face, redaction or annotation.
[[nodiscard]] Command remove_item(std::string id);
[[nodiscard]] Command add_marker(Marker marker);  // id assigned when empty

// ---- clips ----
[[nodiscard]] Command add_clip(std::string track_id, Clip clip);  // id assigned when empty
// Moves to `start` on `track_id` ("" = the same track). Transitions that no longer join
// adjacent clips are removed with it (as in Kdenlive).
[[nodiscard]] Command move_clip(std::string clip_id, Time start, std::string track_id = {});
// New source in/out points; the timeline start is kept.
[[nodiscard]] Command trim_clip(std::string clip_id, Time source_in, Time source_out);
// out_of_range outside kMinSpeed..kMaxSpeed. The start is kept; the duration changes.
[[nodiscard]] Command set_speed(std::string clip_id, Rational speed);
// Cuts the clip in two at timeline time `at` (strictly inside it); returns the new second
// half's id. Both halves keep the faces, redactions and annotations (their keyframes are in
// source time, so each half shows exactly what it showed before); the second half's copies get
// new ids. A transition out of the clip moves to the second half.
[[nodiscard]] Command split_clip(std::string clip_id, Time at);
[[nodiscard]] Command set_freeze(std::string clip_id, std::optional<Time> source_time);
[[nodiscard]] Command set_opacity(std::string clip_id, double opacity);
[[nodiscard]] Command set_placement(std::string clip_id, Placement placement);
[[nodiscard]] Command set_gain(std::string clip_id, double gain_db);

// ---- layouts and transitions ----
[[nodiscard]] Command add_layout_section(std::string track_id, LayoutSection section);
[[nodiscard]] Command add_transition(std::string track_id, Transition transition);

// ---- text (titles, lower thirds, captions) ----
[[nodiscard]] Command add_text(std::string track_id, TextItem item);  // id assigned when empty
[[nodiscard]] Command edit_text(TextItem item);                       // replaces by id
[[nodiscard]] Command add_texts(std::string track_id, std::vector<TextItem> items);

// ---- faces, redactions, annotations (attached to a clip) ----
[[nodiscard]] Command add_face(std::string clip_id, FaceRegion face);
[[nodiscard]] Command add_redaction(std::string clip_id, Redaction redaction);
[[nodiscard]] Command edit_redaction(Redaction redaction);  // replaces by id, keyframes included
[[nodiscard]] Command add_annotation(std::string clip_id, Annotation annotation);
[[nodiscard]] Command edit_annotation(Annotation annotation);
// Adds, or replaces the keyframe at the same time, on a face or redaction.
[[nodiscard]] Command set_region_keyframe(std::string owner_id, RegionKeyframe keyframe);
[[nodiscard]] Command set_points_keyframe(std::string annotation_id, PointsKeyframe keyframe);
// not_found when the owner has no keyframe at `time`; refuses to remove the last one.
[[nodiscard]] Command remove_keyframe(std::string owner_id, Time time);

// ---- templates ----
// A full-canvas title over black at the start: every item and marker moves later by
// `duration`, then the card is placed at 0 on the first overlay track (created when absent).
[[nodiscard]] Command insert_title_card(std::string title, std::string subtitle, Time duration);
// A black card after the last item with the purpose's notice ("For teaching only — not for
// onward distribution") and the project's consent reference, which must be set.
[[nodiscard]] Command append_end_card(Time duration);
// The notice the end card carries for a purpose.
[[nodiscard]] std::string_view end_card_notice(consent::Purpose purpose) noexcept;

}  // namespace clinvid::timeline
