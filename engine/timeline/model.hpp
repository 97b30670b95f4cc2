// The edit model of a film (issue 7): a Project of tracks holding clips and text items, with
// transitions, layouts, annotations, redactions, face marks and markers. Plain values: the
// studio reads a snapshot, edits go through commands (timeline/commands.hpp), files through
// timeline/project_file.hpp, and timeline/evaluate.hpp turns a frame of it into a
// render::Composition.
//
// Time contract (DESIGN invariant 7): every time is a rational Time.
//   - Clip::start and TextItem::start/duration are timeline times (seconds from the film start).
//   - Clip::source_in/source_out/freeze_at and every keyframe time on a clip (faces, redactions,
//     annotations) are *source* times in the clip's recording. Keyframes live in source time so a
//     trim or a speed change never slides a mask off the face it was drawn on.
//   - A clip occupies [start, start + (source_out − source_in) / speed) on the timeline.
// Geometry contract: keyframed regions and points are clip-normalised (0..1 of the clip's source
// frame, x right, y down); explicit placements are fractions of the canvas.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consent/vocabulary.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"
#include "render/composition.hpp"

namespace clinvid::timeline {

enum class TrackKind { invalid = 0, video, overlay, caption, audio };
enum class TransitionKind { invalid = 0, cut, cross_fade, dip_to_black };
enum class LayoutKind { invalid = 0, single, side_by_side, grid_2x2, picture_in_picture };
enum class Corner { invalid = 0, top_left, top_right, bottom_left, bottom_right };
enum class PlacementKind { invalid = 0, slot, rect };
// Where a text item sits: title (centred on the canvas), lower_third (left, lower third, boxed),
// top (centred at the top), caption (bottom centre, boxed, wrapped to 80 % of the width).
enum class TextPosition { invalid = 0, title, lower_third, top, caption };
// What is drawn behind a text item: nothing, a box around the text, or the whole canvas
// (title and end cards).
enum class TextBackdrop { invalid = 0, none, box, full_canvas };
enum class AnnotationKind { invalid = 0, arrow, line, angle, text, freehand };
enum class MarkerKind { invalid = 0, marker, chapter };

struct NormPoint {
  double x = 0, y = 0;
  friend bool operator==(const NormPoint&, const NormPoint&) = default;
};
struct NormRect {
  double x = 0, y = 0, w = 0, h = 0;
  friend bool operator==(const NormRect&, const NormRect&) = default;
};

struct SourceRef {
  std::string recording_id;  // archive UUID of the recording
  int stream = 0;            // stream index in the recording file
};

struct Placement {
  PlacementKind kind = PlacementKind::slot;
  int slot = 0;               // kind == slot: index into the active layout's slots
  NormRect rect{0, 0, 1, 1};  // kind == rect: fractions of the canvas
};

struct RegionKeyframe {
  Time time;  // source time
  NormRect region;
};
struct PointsKeyframe {
  Time time;  // source time
  std::vector<NormPoint> points;
};

// A region an editor marked as a face. The consent rule "anonymised-only consent needs
// redaction covering the face regions marked for that clip" is checked by uncovered_faces().
struct FaceRegion {
  std::string id;
  std::vector<RegionKeyframe> keyframes;  // sorted by time, at least one
};

// Parameters: see redaction_params() in timeline/params.hpp.
struct Redaction {
  std::string id;
  render::RedactionShape shape = render::RedactionShape::rectangle;
  render::RedactionMode mode = render::RedactionMode::blur;
  double strength_px = 24;  // blur radius / pixelate block size in output pixels
  render::Rgba8 colour{0, 0, 0, 255};
  std::vector<RegionKeyframe> keyframes;  // sorted by time, at least one; held outside them
};

// Parameters: see annotation_params() in timeline/params.hpp.
struct Annotation {
  std::string id;
  AnnotationKind kind = AnnotationKind::line;
  std::string text;  // kind == text: the text; otherwise an optional label
  render::Rgba8 colour{255, 255, 0, 255};
  double width_px = 4;
  double label_size_px = 32;
  // Shown over this source-time range; absent: over the whole clip.
  std::optional<Time> show_from;
  std::optional<Time> show_until;
  std::vector<PointsKeyframe> keyframes;  // sorted by time, at least one; same point count in all
};

struct Clip {
  std::string id;
  SourceRef source;
  // The recording's frame size (from the archive's probe), for letterboxing. Video clips only.
  std::uint32_t source_width_px = 0;
  std::uint32_t source_height_px = 0;
  Time source_in;
  Time source_out;
  Time start;
  Rational speed;                 // 1/10 ≤ speed ≤ 4
  std::optional<Time> freeze_at;  // source time shown for the whole clip
  double opacity = 1.0;
  Placement placement;
  double gain_db = 0;  // audio clips
  std::vector<FaceRegion> faces;
  std::vector<Redaction> redactions;
  std::vector<Annotation> annotations;
};

struct TextItem {
  std::string id;
  std::string text;      // UTF-8, '\n' separates lines
  std::string subtitle;  // optional smaller second block (title cards)
  Time start;
  Time duration;
  TextPosition position = TextPosition::title;
  TextBackdrop backdrop = TextBackdrop::none;
  double size = 0.06;  // em height as a fraction of the canvas height
  render::Rgba8 colour{255, 255, 255, 255};
  render::Rgba8 background{0, 0, 0, 160};  // box or full-canvas colour
};

struct Layout {
  LayoutKind kind = LayoutKind::single;
  Corner pip_corner = Corner::bottom_right;
  double pip_size = 0.3;  // inset width and height as a fraction of the canvas's
};

// A layout over a section of a video track: [start, start + duration).
struct LayoutSection {
  std::string id;
  Time start;
  Time duration;
  Layout layout;
};

// Between two clips of one track that abut (from.end == to.start). Centred on the cut: it
// spans [cut − duration/2, cut + duration/2). A cross-fade reads duration/2 of source beyond
// each clip's out/in points (handles, as in OTIO); a dip to black needs none.
struct Transition {
  std::string id;
  TransitionKind kind = TransitionKind::cross_fade;
  std::string from_clip;
  std::string to_clip;
  Time duration;
};

struct Track {
  std::string id;
  TrackKind kind = TrackKind::invalid;
  std::string name;
  std::vector<Clip> clips;      // video and audio tracks, sorted by start
  std::vector<TextItem> texts;  // overlay and caption tracks, sorted by start
  std::vector<Transition> transitions;
  std::vector<LayoutSection> layouts;  // video tracks
};

struct Marker {
  std::string id;
  MarkerKind kind = MarkerKind::marker;
  Time time;
  std::string label;
};

struct OutputFormat {
  std::uint32_t width_px = 1920;
  std::uint32_t height_px = 1080;
  Rational frame_rate = Rational::make(30000, 1001).value();
  std::string colour = "bt709";
  render::Rgba8 background{0, 0, 0, 255};
};

struct Metadata {
  std::string title;
  std::string author;
  std::string consent_reference;  // the consent record(s) this film relies on, as text
  consent::Purpose purpose = consent::Purpose::teaching;
};

struct Project {
  OutputFormat format;
  Metadata metadata;
  Layout layout;              // project-wide; a track's LayoutSection overrides it where it applies
  std::vector<Track> tracks;  // drawn in order: the first video track at the bottom
  std::vector<Marker> markers;
  std::uint64_t next_id = 1;

  // A fresh id, unique in this project: prefix + counter ("c7"). Never reused, even after undo
  // (the counter is part of the project, so undo restores it and redo reproduces the same id).
  std::string new_id(std::string_view prefix);
};

inline const Rational kMinSpeed = Rational::make(1, 10).value();
inline const Rational kMaxSpeed = Rational::make(4, 1).value();

// ---- lookups (nullptr when absent) ----
struct ClipRef {
  Track* track = nullptr;
  Clip* clip = nullptr;
};
struct ConstClipRef {
  const Track* track = nullptr;
  const Clip* clip = nullptr;
};
[[nodiscard]] Track* find_track(Project& project, std::string_view track_id);
[[nodiscard]] const Track* find_track(const Project& project, std::string_view track_id);
[[nodiscard]] ClipRef find_clip(Project& project, std::string_view clip_id);
[[nodiscard]] ConstClipRef find_clip(const Project& project, std::string_view clip_id);

// ---- exact time arithmetic ----
// t × factor, exact (the timebase absorbs the factor). out_of_range on overflow.
[[nodiscard]] Result<Time> multiply(const Time& t, Rational factor);
[[nodiscard]] Result<Time> clip_duration(const Clip& clip);  // (out − in) / speed
[[nodiscard]] Result<Time> clip_end(const Clip& clip);       // start + duration
// The source time shown at timeline time t: freeze_at, or in + (t − start) × speed.
[[nodiscard]] Result<Time> source_time_at(const Clip& clip, const Time& t);
[[nodiscard]] Result<Time> text_end(const TextItem& item);
// The end of the last item on any track (zero for an empty project).
[[nodiscard]] Result<Time> project_duration(const Project& project);

// "1/2", "4" (den 1 printed bare), for messages.
[[nodiscard]] std::string rational_text(Rational r);

// ---- keyframes ----
// Linear interpolation at `time`, held before the first and after the last keyframe.
// Precondition: keyframes non-empty and sorted (validate_project guarantees it).
[[nodiscard]] NormRect region_at(const std::vector<RegionKeyframe>& keyframes, const Time& time);
[[nodiscard]] std::vector<NormPoint> points_at(const std::vector<PointsKeyframe>& keyframes,
                                               const Time& time);

// ---- names for files and messages ----
[[nodiscard]] std::string_view to_string(TrackKind v) noexcept;
[[nodiscard]] std::string_view to_string(TransitionKind v) noexcept;
[[nodiscard]] std::string_view to_string(LayoutKind v) noexcept;
[[nodiscard]] std::string_view to_string(Corner v) noexcept;
[[nodiscard]] std::string_view to_string(PlacementKind v) noexcept;
[[nodiscard]] std::string_view to_string(TextPosition v) noexcept;
[[nodiscard]] std::string_view to_string(TextBackdrop v) noexcept;
[[nodiscard]] std::string_view to_string(AnnotationKind v) noexcept;
[[nodiscard]] std::string_view to_string(MarkerKind v) noexcept;
[[nodiscard]] std::string_view to_string(render::RedactionShape v) noexcept;
[[nodiscard]] std::string_view to_string(render::RedactionMode v) noexcept;
// Each parse accepts exactly the names above (never "invalid").
[[nodiscard]] Result<TrackKind> parse_track_kind(std::string_view s);
[[nodiscard]] Result<TransitionKind> parse_transition_kind(std::string_view s);
[[nodiscard]] Result<LayoutKind> parse_layout_kind(std::string_view s);
[[nodiscard]] Result<Corner> parse_corner(std::string_view s);
[[nodiscard]] Result<PlacementKind> parse_placement_kind(std::string_view s);
[[nodiscard]] Result<TextPosition> parse_text_position(std::string_view s);
[[nodiscard]] Result<TextBackdrop> parse_text_backdrop(std::string_view s);
[[nodiscard]] Result<AnnotationKind> parse_annotation_kind(std::string_view s);
[[nodiscard]] Result<MarkerKind> parse_marker_kind(std::string_view s);
[[nodiscard]] Result<render::RedactionShape> parse_redaction_shape(std::string_view s);
[[nodiscard]] Result<render::RedactionMode> parse_redaction_mode(std::string_view s);

}  // namespace clinvid::timeline
