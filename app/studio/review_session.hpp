// The Review view's model, without UI: an open movement review (analysis::Review) and what
// the reviewer does with it: one cursor on the common clock for all views (sync.hpp: each
// view shows the frame that holds the cursor), frame stepping on the reference view (the
// first), slow-motion play, measurements placed by clicking points on a view's frame
// (distance, angle, angle to the vertical), gait events marked on the frame shown, curves of
// joint angles from the review's tracks, and gait parameters once enough events are marked.
//
// Time (DESIGN invariant 7): the cursor is a rational Time; play advances it by the wall time
// times the speed, exactly.
//
// Threading: UI thread only. No pixels here: the view asks review_decoder for the frames.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/gait.hpp"
#include "analysis/review.hpp"
#include "archive/archive.hpp"
#include "core/json.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"
#include "render/source_media.hpp"

namespace clinvid::studio {

enum class ReviewTool { invalid = 0, none, distance, angle, vertical_angle };
[[nodiscard]] std::string_view to_string(ReviewTool tool) noexcept;
[[nodiscard]] Result<ReviewTool> parse_review_tool(std::string_view text);

// One curve under the video: a joint angle per frame of one view (NaN where unknown).
struct ReviewCurve {
  std::string label;  // "right knee flexion"
  std::vector<double> values_deg;
};

class ReviewSession {
 public:
  // Replaces the open review. Errc::invalid_argument for a review without views or a view
  // without frames.
  [[nodiscard]] Status open(analysis::Review review, std::string name);
  [[nodiscard]] bool is_open() const noexcept { return !review_.views.empty(); }
  [[nodiscard]] const analysis::Review& review() const noexcept { return review_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  // Bumped by every change that a save would keep (measurements, events).
  [[nodiscard]] std::uint64_t generation() const noexcept { return generation_; }

  // --- the clock
  [[nodiscard]] Time cursor() const noexcept { return cursor_; }
  // The frame of the reference view (the first) at the cursor.
  [[nodiscard]] std::int64_t frame() const noexcept { return frame_; }
  // The frame view `view` shows at the cursor; nullopt when it has none there.
  [[nodiscard]] std::optional<std::int64_t> frame_of(std::size_t view) const;
  // Moves to reference frame `frame`, clamped to the view's frames.
  [[nodiscard]] Status seek(std::int64_t frame);
  [[nodiscard]] Status step(std::int64_t frames) { return seek(frame_ + frames); }
  void set_playing(bool playing) noexcept { playing_ = playing; }
  [[nodiscard]] bool playing() const noexcept { return playing_; }
  // Playback speed: 1 real time, 1/4 slow motion. Positive.
  void set_speed(Rational speed) noexcept { speed_ = speed; }
  [[nodiscard]] Rational speed() const noexcept { return speed_; }
  // While playing: moves the cursor by `elapsed` x speed; stops at the last frame.
  [[nodiscard]] Status advance(std::chrono::nanoseconds elapsed);

  // --- measurement tools
  void set_tool(ReviewTool tool);
  [[nodiscard]] ReviewTool tool() const noexcept { return tool_; }
  // Adds a point clicked on view `view`'s current frame, in image pixels. Returns the index
  // of the frame measurement it completed, or nullopt while more points are needed.
  // Errc::invalid_argument without a tool, a view out of range, a view with no frame here, or
  // a click on another view than the pending points'.
  [[nodiscard]] Result<std::optional<std::size_t>> click(std::size_t view, analysis::Point2 px);
  [[nodiscard]] const std::vector<analysis::Point2>& pending_points() const noexcept {
    return pending_;
  }
  [[nodiscard]] std::size_t pending_view() const noexcept { return pending_view_; }
  [[nodiscard]] Status remove_last_measurement();

  // --- events
  // A manual event at the frame view `view` shows; replaces an event of the same side and kind
  // on that frame. Errc::invalid_argument when the view has no frame at the cursor.
  [[nodiscard]] Status mark_event(std::size_t view, analysis::Side side,
                                  analysis::GaitEventKind kind);
  [[nodiscard]] std::vector<analysis::GaitEvent> events_of(std::size_t view) const;
  // Cadence etc. from the marked events of `view`; the engine's error (too few events) as is.
  [[nodiscard]] Result<analysis::GaitParameters> gait_parameters(std::size_t view) const;

  // --- curves: hip/knee flexion of each side whose tracks the view has, 6 Hz filtered as the
  // review says. Cached until the review changes. Empty when the view has no such tracks.
  [[nodiscard]] const std::vector<ReviewCurve>& curves(std::size_t view);

  [[nodiscard]] Json to_json() const { return analysis::review_to_json(review_); }
  // What a script's JSON line reports: views and frames, measurements with values, events.
  [[nodiscard]] Json state_json() const;

 private:
  [[nodiscard]] Status set_cursor(Time cursor);

  analysis::Review review_;
  std::string name_;
  std::uint64_t generation_ = 0;
  Time cursor_;
  std::int64_t frame_ = 0;
  bool playing_ = false;
  Rational speed_;
  ReviewTool tool_ = ReviewTool::none;
  std::vector<analysis::Point2> pending_;
  std::size_t pending_view_ = 0;
  std::vector<std::vector<ReviewCurve>> curves_;  // per view
  std::vector<bool> curves_ready_;
};

// The review's media from the archive: asks the gate for `view` of every archive recording
// for `purpose` (refusals are errors naming the rule) and clones each recording's key.
// Errc::invalid_argument for a view of a file outside the archive ("file:...").
[[nodiscard]] Result<std::vector<render::SourceMedia>> open_review_media(
    archive::Archive& archive, const analysis::Review& review, consent::Purpose purpose);

// Saves the review sealed in the archive (the catalogue's projects table, encrypted with the
// archive key, audited) under "review.<name>". Errc::invalid_argument for an unusable name.
[[nodiscard]] Result<archive::ProjectInfo> save_review(archive::Archive& archive,
                                                       const ReviewSession& session);
// Loads a review saved by save_review.
[[nodiscard]] Result<analysis::Review> load_review(archive::Archive& archive,
                                                   std::string_view name);

}  // namespace clinvid::studio
