#include "editor_tools.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <utility>

#include <fmt/format.h>

#include "theme.hpp"
#include "timeline/evaluate.hpp"
#include "timeline/faces.hpp"
#include "timeline/layout.hpp"
#include "ui_probe.hpp"

namespace clinvid::studio {

namespace {

constexpr std::array kTools{CanvasTool::select, CanvasTool::redact, CanvasTool::face,
                            CanvasTool::arrow,  CanvasTool::line,   CanvasTool::angle};
constexpr std::array kModes{render::RedactionMode::blur, render::RedactionMode::pixelate,
                            render::RedactionMode::solid};
constexpr float kClickSlopPx = 3.0F;  // a press and release closer than this is a click
constexpr double kMinRegion = 0.005;  // of the clip's width/height
constexpr double kMaxDurationS = 3600.0;
const ImU32 kFaceColour = IM_COL32(80, 220, 120, 255);
const ImU32 kDrawingColour = IM_COL32(255, 200, 40, 255);

Result<Time> duration_from_seconds(double seconds) {
  if (!(seconds > 0.0) || seconds > kMaxDurationS) {
    return fail(Errc::invalid_argument,
                fmt::format("duration {:.2f} s: give a duration above 0 and at most {} s", seconds,
                            kMaxDurationS));
  }
  return Time(std::llround(seconds * 1000.0), Rational::make(1, 1000).value());
}

// The first track of `kind`, created (named `name`) when absent. Runs inside a command's edit,
// so creating the track and filling it are one undo step.
Result<std::string> ensure_track(timeline::Project& p, timeline::TrackKind kind,
                                 const std::string& name) {
  for (const timeline::Track& track : p.tracks) {
    if (track.kind == kind) return track.id;
  }
  return timeline::add_track(kind, name).edit(p);
}

timeline::Command text_command(std::string label, timeline::TrackKind kind, std::string name,
                               std::vector<timeline::TextItem> items) {
  return {std::move(label),
          [kind, name = std::move(name),
           items = std::move(items)](timeline::Project& p) -> Result<std::string> {
            auto track = ensure_track(p, kind, name);
            if (!track) return track;
            return timeline::add_texts(*track, items).edit(p);
          }};
}

double clamp01(double v) {
  return std::clamp(v, 0.0, 1.0);
}

bool is_caption_file(const std::filesystem::path& file, bool& srt) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  srt = ext == ".srt";
  return ext == ".srt" || ext == ".vtt";
}

}  // namespace

std::string_view to_string(CanvasTool tool) noexcept {
  switch (tool) {
    case CanvasTool::select: return "select";
    case CanvasTool::redact: return "redact";
    case CanvasTool::face: return "face";
    case CanvasTool::arrow: return "arrow";
    case CanvasTool::line: return "line";
    case CanvasTool::angle: return "angle";
    case CanvasTool::invalid: break;
  }
  return "invalid";
}

Result<CanvasTool> parse_canvas_tool(std::string_view name) {
  for (CanvasTool tool : kTools) {
    if (to_string(tool) == name) return tool;
  }
  return fail(
      Errc::invalid_argument,
      fmt::format("no drawing tool `{}`: select, redact, face, arrow, line or angle", name));
}

EditorTools::EditorTools(StudioModel& model, Report report)
    : model_(&model), report_(std::move(report)) {}

Result<std::string> EditorTools::cut(const std::string& clip_id, std::int64_t frame) {
  if (timeline::find_clip(model_->project(), clip_id).clip == nullptr) {
    return fail(Errc::invalid_argument, "cut: select a clip on the timeline first");
  }
  auto made =
      model_->apply(timeline::split_clip(clip_id, timeline::frame_time(model_->project(), frame)));
  if (!made) {
    return with_context(made.error(), "cut: put the playhead inside the selected clip");
  }
  return made;
}

Result<std::string> EditorTools::add_title_card(const std::string& title,
                                                const std::string& subtitle, double duration_s) {
  if (title.empty()) return fail(Errc::invalid_argument, "title card: type the title first");
  auto duration = duration_from_seconds(duration_s);
  if (!duration) return tl::unexpected(duration.error());
  return model_->apply(timeline::insert_title_card(title, subtitle, *duration));
}

Result<std::string> EditorTools::add_text(timeline::TextPosition position, const std::string& text,
                                          std::int64_t frame, double duration_s) {
  const bool caption = position == timeline::TextPosition::caption;
  if (text.empty()) {
    return fail(Errc::invalid_argument,
                caption ? "caption: type the text first" : "lower third: type the text first");
  }
  auto duration = duration_from_seconds(duration_s);
  if (!duration) return tl::unexpected(duration.error());
  timeline::TextItem item;
  item.text = text;
  item.start = timeline::frame_time(model_->project(), frame);
  item.duration = *duration;
  item.position = position;
  item.backdrop = timeline::TextBackdrop::box;
  return model_->apply(
      text_command(caption ? "add caption" : "add lower third",
                   caption ? timeline::TrackKind::caption : timeline::TrackKind::overlay,
                   caption ? "Captions" : "Titles", {std::move(item)}));
}

Status EditorTools::edit_text(const std::string& text_id, const std::string& text,
                              double duration_s) {
  if (text.empty()) return fail(Errc::invalid_argument, "edit text: the text is empty");
  auto duration = duration_from_seconds(duration_s);
  if (!duration) return tl::unexpected(duration.error());
  for (const timeline::Track& track : model_->project().tracks) {
    for (const timeline::TextItem& found : track.texts) {
      if (found.id != text_id) continue;
      timeline::TextItem item = found;
      item.text = text;
      item.duration = *duration;
      auto applied = model_->apply(timeline::edit_text(std::move(item)));
      if (!applied) return tl::unexpected(applied.error());
      return {};
    }
  }
  return fail(Errc::not_found, fmt::format("edit text: no text item `{}`", text_id));
}

Status EditorTools::remove(const std::string& item_id) {
  auto applied = model_->apply(timeline::remove_item(item_id));
  if (!applied) return tl::unexpected(applied.error());
  if (editing_text_ == item_id) editing_text_.clear();
  return {};
}

Result<EditorTools::Hit> EditorTools::clip_at(timeline::NormPoint canvas,
                                              std::int64_t frame) const {
  const timeline::Project& p = model_->project();
  const Time t = timeline::frame_time(p, frame);
  const double x = canvas.x * p.format.width_px;
  const double y = canvas.y * p.format.height_px;
  // Topmost first: later video tracks are drawn over earlier ones.
  for (auto track = p.tracks.rbegin(); track != p.tracks.rend(); ++track) {
    if (track->kind != timeline::TrackKind::video) continue;
    for (const timeline::Clip& clip : track->clips) {
      auto end = timeline::clip_end(clip);
      if (!end || t < clip.start || !(t < *end)) continue;
      auto drawn = timeline::clip_dest_rect(p, *track, clip, t);
      if (!drawn || drawn->w <= 0 || drawn->h <= 0) continue;
      const timeline::NormRect dest{drawn->x, drawn->y, drawn->w, drawn->h};
      if (x < dest.x || y < dest.y || x > dest.x + dest.w || y > dest.y + dest.h) continue;
      auto source = timeline::source_time_at(clip, t);
      if (!source) return tl::unexpected(source.error());
      return Hit{clip.id, dest, *source};
    }
  }
  return fail(Errc::invalid_argument,
              "no clip is shown there at the playhead: start drawing on a clip's picture");
}

namespace {

timeline::NormPoint to_clip(const timeline::NormRect& dest, const timeline::Project& p,
                            timeline::NormPoint canvas) {
  const double x = canvas.x * p.format.width_px;
  const double y = canvas.y * p.format.height_px;
  return {clamp01((x - dest.x) / dest.w), clamp01((y - dest.y) / dest.h)};
}

}  // namespace

Result<std::string> EditorTools::mark_region(CanvasTool tool, timeline::NormRect canvas,
                                             std::int64_t frame) {
  if (tool != CanvasTool::redact && tool != CanvasTool::face) {
    return fail(Errc::invalid_argument, "mark_region: the tool is redact or face");
  }
  auto hit = clip_at({canvas.x, canvas.y}, frame);
  if (!hit) return tl::unexpected(hit.error());
  const timeline::Project& p = model_->project();
  const timeline::NormPoint a = to_clip(hit->dest, p, {canvas.x, canvas.y});
  const timeline::NormPoint b = to_clip(hit->dest, p, {canvas.x + canvas.w, canvas.y + canvas.h});
  const timeline::NormRect region{std::min(a.x, b.x), std::min(a.y, b.y), std::abs(b.x - a.x),
                                  std::abs(b.y - a.y)};
  if (region.w < kMinRegion || region.h < kMinRegion) {
    return fail(Errc::invalid_argument, "drag a larger rectangle over the picture");
  }
  const timeline::RegionKeyframe keyframe{hit->source_time, region};
  if (tool == CanvasTool::face) {
    timeline::FaceRegion face;
    face.keyframes.push_back(keyframe);
    return model_->apply(timeline::add_face(hit->clip_id, std::move(face)));
  }
  timeline::Redaction redaction;
  redaction.mode = mode_;
  redaction.keyframes.push_back(keyframe);
  return model_->apply(timeline::add_redaction(hit->clip_id, std::move(redaction)));
}

Result<std::string> EditorTools::annotate(timeline::AnnotationKind kind,
                                          const std::vector<timeline::NormPoint>& canvas,
                                          std::int64_t frame) {
  if (canvas.empty()) return fail(Errc::invalid_argument, "annotate: no points");
  auto hit = clip_at(canvas.front(), frame);
  if (!hit) return tl::unexpected(hit.error());
  timeline::Annotation annotation;
  annotation.kind = kind;
  timeline::PointsKeyframe keyframe{hit->source_time, {}};
  for (const timeline::NormPoint& point : canvas) {
    keyframe.points.push_back(to_clip(hit->dest, model_->project(), point));
  }
  annotation.keyframes.push_back(std::move(keyframe));
  return model_->apply(timeline::add_annotation(hit->clip_id, std::move(annotation)));
}

Result<std::size_t> EditorTools::cover_faces(const std::string& clip_id) {
  const auto ref = timeline::find_clip(model_->project(), clip_id);
  if (ref.clip == nullptr) {
    return fail(Errc::invalid_argument, "cover faces: select a clip on the timeline first");
  }
  auto uncovered = timeline::uncovered_faces(model_->project(), clip_id);
  if (!uncovered) return tl::unexpected(uncovered.error());
  std::vector<timeline::Redaction> redactions;
  for (const timeline::FaceRegion& face : ref.clip->faces) {
    const bool open = std::any_of(uncovered->begin(), uncovered->end(),
                                  [&](const auto& u) { return u.face_id == face.id; });
    if (!open) continue;
    timeline::Redaction redaction;
    redaction.mode = mode_;
    redaction.keyframes = face.keyframes;
    redactions.push_back(std::move(redaction));
  }
  if (redactions.empty()) {
    return fail(Errc::invalid_argument,
                fmt::format("cover faces: clip {} has no uncovered face marks", clip_id));
  }
  const std::size_t count = redactions.size();
  auto applied = model_->apply(
      {"cover faces", [clip_id, redactions](timeline::Project& p) -> Result<std::string> {
         std::string last;
         for (const timeline::Redaction& r : redactions) {
           auto made = timeline::add_redaction(clip_id, r).edit(p);
           if (!made) return made;
           last = *made;
         }
         return last;
       }});
  if (!applied) return tl::unexpected(applied.error());
  return count;
}

Status EditorTools::start_import(const std::filesystem::path& file) {
  if (file_busy()) return fail(Errc::invalid_argument, "a caption file is still being read");
  bool srt = false;
  if (!is_caption_file(file, srt)) {
    return fail(Errc::invalid_argument,
                fmt::format("import captions: `{}` is not a .vtt or .srt file", file.string()));
  }
  file_import_ = true;
  file_task_ = std::async(std::launch::async, [file, srt] {
    FileOutcome outcome;
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      outcome.status = fail(Errc::not_found, fmt::format("cannot read `{}`", file.string()));
      return outcome;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto cues = srt ? timeline::parse_srt(text.str()) : timeline::parse_webvtt(text.str());
    if (!cues) {
      outcome.status = with_context(cues.error(), file.string());
    } else if (cues->empty()) {
      outcome.status =
          fail(Errc::invalid_argument, fmt::format("`{}` holds no captions", file.string()));
    } else {
      outcome.cues = std::move(*cues);
      outcome.done =
          fmt::format("Imported {} captions from {}", outcome.cues.size(), file.string());
    }
    return outcome;
  });
  return {};
}

Status EditorTools::start_export(const std::filesystem::path& file) {
  if (file_busy()) return fail(Errc::invalid_argument, "a caption file is still being written");
  bool srt = false;
  if (!is_caption_file(file, srt)) {
    return fail(Errc::invalid_argument,
                fmt::format("export captions: `{}` is not a .vtt or .srt file", file.string()));
  }
  std::vector<timeline::Cue> cues;
  for (const timeline::Track& track : model_->project().tracks) {
    if (track.kind != timeline::TrackKind::caption) continue;
    for (const timeline::TextItem& item : track.texts) {
      auto end = timeline::text_end(item);
      if (!end) return tl::unexpected(end.error());
      cues.push_back({item.start, *end, item.text});
    }
  }
  if (cues.empty()) return fail(Errc::invalid_argument, "export captions: there are no captions");
  std::sort(cues.begin(), cues.end(),
            [](const auto& a, const auto& b) { return a.start < b.start; });
  std::string text = srt ? timeline::write_srt(cues) : timeline::write_webvtt(cues);
  file_import_ = false;
  file_task_ = std::async(std::launch::async, [file, text = std::move(text), n = cues.size()] {
    FileOutcome outcome;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      outcome.status = fail(Errc::io, fmt::format("cannot write `{}`", file.string()));
    } else {
      outcome.done = fmt::format("Exported {} captions to {}", n, file.string());
    }
    return outcome;
  });
  return {};
}

Status EditorTools::apply_imported(const std::vector<timeline::Cue>& cues) {
  auto applied = model_->apply(text_command("import captions", timeline::TrackKind::caption,
                                            "Captions", timeline::cues_to_text_items(cues)));
  if (!applied) return tl::unexpected(applied.error());
  return {};
}

void EditorTools::finish_file_task() {
  FileOutcome outcome = file_task_.get();
  if (outcome.status && file_import_) outcome.status = apply_imported(outcome.cues);
  report_(outcome.status, outcome.done);
}

void EditorTools::update() {
  if (file_task_.valid() &&
      file_task_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    finish_file_task();
  }
}

void EditorTools::set_tool(CanvasTool tool) {
  tool_ = tool;
  points_.clear();
  drag_from_.reset();
}

ImVec2 EditorTools::to_screen(timeline::NormPoint canvas) const {
  return {image_min_.x + static_cast<float>(canvas.x) * (image_max_.x - image_min_.x),
          image_min_.y + static_cast<float>(canvas.y) * (image_max_.y - image_min_.y)};
}

timeline::NormPoint EditorTools::to_canvas(ImVec2 screen) const {
  const float w = std::max(image_max_.x - image_min_.x, 1.0F);
  const float h = std::max(image_max_.y - image_min_.y, 1.0F);
  return {clamp01((screen.x - image_min_.x) / w), clamp01((screen.y - image_min_.y) / h)};
}

void EditorTools::draw_toolbar(const std::string& selected_clip, std::int64_t frame) {
  const bool has_clip = timeline::find_clip(model_->project(), selected_clip).clip != nullptr;
  ImGui::BeginDisabled(!has_clip);
  if (ImGui::Button("Cut (S)")) {
    auto made = cut(selected_clip, frame);
    report_(
        made ? Status{} : Status{tl::unexpected(made.error())},
        made ? fmt::format("Cut {} at frame {}: new clip {}", selected_clip, frame, *made) : "");
  }
  ImGui::EndDisabled();
  probe_item("editor.cut");
  ImGui::SameLine();
  ImGui::BeginDisabled(!has_clip);
  if (ImGui::Button("Cover faces")) {
    auto covered = cover_faces(selected_clip);
    report_(covered ? Status{} : Status{tl::unexpected(covered.error())},
            covered ? fmt::format("{} face(s) covered by redactions", *covered) : "");
  }
  ImGui::EndDisabled();
  probe_item("editor.cover_faces");
  ImGui::SameLine();
  ImGui::TextUnformatted("Draw:");
  for (CanvasTool tool : kTools) {
    ImGui::SameLine();
    const std::string name(to_string(tool));
    if (ImGui::RadioButton(name.c_str(), tool_ == tool)) set_tool(tool);
    probe_item("editor.tool." + name);
  }
  ImGui::TextUnformatted("Redaction:");
  for (render::RedactionMode mode : kModes) {
    ImGui::SameLine();
    const std::string name(timeline::to_string(mode));
    if (ImGui::RadioButton((name + "##mode").c_str(), mode_ == mode)) mode_ = mode;
    probe_item("editor.mode." + name);
  }
  ImGui::SameLine();
  const char* hint = "";
  switch (tool_) {
    case CanvasTool::redact:
    case CanvasTool::face: hint = "drag a rectangle on the picture"; break;
    case CanvasTool::arrow:
    case CanvasTool::line: hint = "drag from start to end on the picture"; break;
    case CanvasTool::angle: hint = "click three points: end, vertex, end (Esc drops)"; break;
    case CanvasTool::select:
    case CanvasTool::invalid: hint = "choose a tool to draw on the preview"; break;
  }
  ImGui::TextColored(kMutedColour, "%s", hint);
}

void EditorTools::draw_canvas(ImVec2 image_min, ImVec2 image_max, std::int64_t frame) {
  image_min_ = image_min;
  image_max_ = image_max;
  probe_rect("editor.preview", image_min, image_max);
  if (target_) {
    const ImVec2 at = to_screen(*target_);
    probe_rect("editor.target", ImVec2(at.x - 1.0F, at.y - 1.0F), ImVec2(at.x + 1.0F, at.y + 1.0F));
  }
  ImDrawList* draw = ImGui::GetWindowDrawList();
  // Face marks are not part of the film, so the preview composition lacks them: outline them.
  const timeline::Project& p = model_->project();
  const Time t = timeline::frame_time(p, frame);
  const float sx =
      (image_max.x - image_min.x) / static_cast<float>(std::max(p.format.width_px, 1U));
  const float sy =
      (image_max.y - image_min.y) / static_cast<float>(std::max(p.format.height_px, 1U));
  for (const timeline::Track& track : p.tracks) {
    for (const timeline::Clip& clip : track.clips) {
      auto end = timeline::clip_end(clip);
      if (clip.faces.empty() || !end || t < clip.start || !(t < *end)) continue;
      auto dest = timeline::clip_dest_rect(p, track, clip, t);
      auto source = timeline::source_time_at(clip, t);
      if (!dest || !source) continue;
      for (const timeline::FaceRegion& face : clip.faces) {
        const timeline::NormRect r = timeline::region_at(face.keyframes, *source);
        const ImVec2 a(image_min.x + (dest->x + static_cast<float>(r.x) * dest->w) * sx,
                       image_min.y + (dest->y + static_cast<float>(r.y) * dest->h) * sy);
        const ImVec2 b(a.x + static_cast<float>(r.w) * dest->w * sx,
                       a.y + static_cast<float>(r.h) * dest->h * sy);
        draw->AddRect(a, b, kFaceColour, 0.0F, 0, 2.0F);
        draw->AddText(ImVec2(a.x + 3.0F, a.y + 2.0F), kFaceColour, face.id.c_str());
      }
    }
  }

  ImGui::SetCursorScreenPos(image_min);
  ImGui::InvisibleButton("editor.canvas", ImVec2(std::max(image_max.x - image_min.x, 1.0F),
                                                 std::max(image_max.y - image_min.y, 1.0F)));
  if (tool_ == CanvasTool::select) return;
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  if (ImGui::IsItemActivated()) drag_from_ = io.MouseClickedPos[0];
  const bool released = ImGui::IsItemDeactivated();
  if ((ImGui::IsItemActive() || released) && drag_from_) {
    const ImVec2 from = *drag_from_;
    const ImVec2 to = io.MousePos;
    const bool region = tool_ == CanvasTool::redact || tool_ == CanvasTool::face;
    if (region) {
      draw->AddRect(ImVec2(std::min(from.x, to.x), std::min(from.y, to.y)),
                    ImVec2(std::max(from.x, to.x), std::max(from.y, to.y)), kDrawingColour, 0.0F, 0,
                    2.0F);
    } else if (tool_ != CanvasTool::angle) {
      draw->AddLine(from, to, kDrawingColour, 3.0F);
    }
    if (released) {
      drag_from_.reset();
      const bool moved = std::hypot(to.x - from.x, to.y - from.y) >= kClickSlopPx;
      const timeline::NormPoint a = to_canvas(from);
      const timeline::NormPoint b = to_canvas(to);
      if (region) {
        auto made = moved ? mark_region(tool_, {a.x, a.y, b.x - a.x, b.y - a.y}, frame)
                          : fail(Errc::invalid_argument, "drag a rectangle over the picture");
        report_(made ? Status{} : Status{tl::unexpected(made.error())},
                made ? fmt::format("{} {} added", tool_ == CanvasTool::face ? "Face" : "Redaction",
                                   *made)
                     : "");
      } else if (tool_ == CanvasTool::angle) {
        if (!moved) points_.push_back(b);
        if (points_.size() == 3) {
          auto made = annotate(timeline::AnnotationKind::angle, points_, frame);
          points_.clear();
          report_(made ? Status{} : Status{tl::unexpected(made.error())},
                  made ? fmt::format("Angle {} added", *made) : "");
        }
      } else if (moved) {
        const auto kind = tool_ == CanvasTool::arrow ? timeline::AnnotationKind::arrow
                                                     : timeline::AnnotationKind::line;
        auto made = annotate(kind, {a, b}, frame);
        report_(made ? Status{} : Status{tl::unexpected(made.error())},
                made ? fmt::format("{} {} added", to_string(tool_), *made) : "");
      }
    }
  }
  for (std::size_t i = 0; i < points_.size(); ++i) {
    const ImVec2 at = to_screen(points_[i]);
    draw->AddCircleFilled(at, 4.0F, kDrawingColour);
    if (i > 0) draw->AddLine(to_screen(points_[i - 1]), at, kDrawingColour, 2.0F);
  }
}

void EditorTools::draw_text_panel(std::int64_t frame) {
  ImGui::TextUnformatted("Titles and captions");
  ImGui::SetNextItemWidth(-70.0F);
  ImGui::InputText("Text", text_.data(), text_.size());
  probe_item("editor.text");
  ImGui::SetNextItemWidth(-70.0F);
  ImGui::InputText("Subtitle", subtitle_.data(), subtitle_.size());
  probe_item("editor.subtitle");
  ImGui::SetNextItemWidth(-70.0F);
  ImGui::InputFloat("Seconds", &duration_s_, 0.5F, 1.0F, "%.1f");
  probe_item("editor.duration");
  const std::string text = text_.data();
  const auto added = [this](const Result<std::string>& made, const char* what) {
    report_(made ? Status{} : Status{tl::unexpected(made.error())},
            made ? fmt::format("{} {} added", what, *made) : "");
    if (made) text_[0] = '\0';
  };
  if (editing_text_.empty()) {
    if (ImGui::Button("Caption")) {
      added(add_text(timeline::TextPosition::caption, text, frame, duration_s_), "Caption");
    }
    probe_item("editor.add_caption");
    ImGui::SameLine();
    if (ImGui::Button("Lower third")) {
      added(add_text(timeline::TextPosition::lower_third, text, frame, duration_s_), "Lower third");
    }
    probe_item("editor.add_lower_third");
    ImGui::SameLine();
    if (ImGui::Button("Title card")) {
      added(add_title_card(text, subtitle_.data(), duration_s_), "Title card");
    }
    probe_item("editor.add_title");
  } else {
    if (ImGui::Button("Update")) {
      const std::string id = editing_text_;
      const Status done = edit_text(id, text, duration_s_);
      report_(done, "Updated " + id);
      if (done) {
        editing_text_.clear();
        text_[0] = '\0';
      }
    }
    probe_item("editor.text_update");
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) editing_text_.clear();
    probe_item("editor.text_cancel");
  }
  std::string remove_id;
  for (const timeline::Track& track : model_->project().tracks) {
    for (const timeline::TextItem& item : track.texts) {
      ImGui::PushID(item.id.c_str());
      if (ImGui::SmallButton("Edit")) {
        editing_text_ = item.id;
        const std::size_t n = std::min(item.text.size(), text_.size() - 1);
        std::copy_n(item.text.begin(), n, text_.begin());
        text_[n] = '\0';
        duration_s_ = static_cast<float>(item.duration.seconds());
      }
      probe_item("editor.text_edit." + item.id);
      ImGui::SameLine();
      if (ImGui::SmallButton("Delete")) remove_id = item.id;
      probe_item("editor.text_delete." + item.id);
      ImGui::SameLine();
      ImGui::TextColored(item.id == editing_text_ ? kWarningColour : ImVec4(1, 1, 1, 1),
                         "%.1fs %s %s", item.start.seconds(),
                         std::string(timeline::to_string(item.position)).c_str(),
                         item.text.c_str());
      ImGui::PopID();
    }
  }
  if (!remove_id.empty()) report_(remove(remove_id), "Deleted " + remove_id);
  ImGui::SetNextItemWidth(-1.0F);
  ImGui::InputTextWithHint("##captions_path", "captions file (.vtt or .srt)", path_.data(),
                           path_.size());
  probe_item("editor.captions_path");
  ImGui::BeginDisabled(file_busy());
  if (ImGui::Button("Import captions")) report_(start_import(path_.data()), "Reading captions…");
  probe_item("editor.captions_import");
  ImGui::SameLine();
  if (ImGui::Button("Export captions")) report_(start_export(path_.data()), "Writing captions…");
  probe_item("editor.captions_export");
  ImGui::EndDisabled();
}

}  // namespace clinvid::studio
