#include "views/review_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include <GLFW/glfw3.h>
#include <fmt/format.h>

#include "analysis/gait.hpp"
#include "core/json.hpp"
#include "theme.hpp"
#include "ui_probe.hpp"

namespace clinvid::studio {

namespace an = analysis;

namespace {

constexpr std::array kPurposes{consent::Purpose::research, consent::Purpose::clinical_record,
                               consent::Purpose::teaching};
constexpr std::array kSpeeds{std::pair{1, 1}, std::pair{1, 2}, std::pair{1, 4}, std::pair{1, 8}};
constexpr float kCurvesHeight = 150.0F;
const ImU32 kMeasureColour = IM_COL32(255, 80, 200, 255);
const ImU32 kPendingColour = IM_COL32(255, 230, 90, 255);
const ImU32 kCursorColour = IM_COL32(250, 250, 250, 220);
constexpr std::array<ImU32, 4> kCurveColours{
    IM_COL32(90, 200, 255, 255), IM_COL32(255, 160, 60, 255), IM_COL32(120, 230, 120, 255),
    IM_COL32(230, 110, 110, 255)};

ImU32 side_colour(an::Side side) {
  return side == an::Side::right ? IM_COL32(90, 200, 255, 255) : IM_COL32(255, 160, 60, 255);
}

std::string value_text(const Result<an::MeasuredValue>& value) {
  if (!value) return "?";
  return value->unit == "deg" ? fmt::format("{:.1f}°", value->value)
                              : fmt::format("{:.1f} {}", value->value, value->unit);
}

}  // namespace

ReviewView::ReviewView(StudioModel& model, gpu::Context& context, ImGuiRenderer& renderer,
                       std::uint32_t frames_in_flight)
    : model_(&model), texture_(context, renderer, frames_in_flight) {
  std::snprintf(name_.data(), name_.size(), "%s", "gait-review");
}

Status ReviewView::record_upload(VkCommandBuffer cmd, std::uint32_t frame_slot,
                                 const std::function<Status()>& wait_gpu_idle) {
  return texture_.record_upload(cmd, frame_slot, decoder_.slot(), wait_gpu_idle);
}

Status ReviewView::open_review(an::Review review, std::string name, consent::Purpose purpose) {
  if (!model_->signed_in()) return fail(Errc::permission_denied, "sign in first");
  auto media = open_review_media(model_->archive(), review, purpose);
  if (!media) return tl::unexpected(media.error());
  std::vector<int> streams;
  std::vector<Rational> rates;
  for (const an::ReviewView& v : review.views) {
    streams.push_back(v.stream_index);
    rates.push_back(v.frame_rate);
  }
  if (auto opened = decoder_.open(std::move(*media), streams, rates); !opened) return opened;
  if (auto opened = session_.open(std::move(review), std::move(name)); !opened) return opened;
  std::snprintf(name_.data(), name_.size(), "%s", session_.name().c_str());
  requested_.clear();
  active_view_ = 0;
  return {};
}

Status ReviewView::open_file(const std::filesystem::path& review_json, consent::Purpose purpose) {
  auto json = read_json_file(review_json);
  if (!json) return with_context(json.error(), review_json.string());
  auto review = an::review_from_json(*json);
  if (!review) return with_context(review.error(), review_json.string());
  return open_review(std::move(*review), review_json.stem().string(), purpose);
}

Status ReviewView::open_saved(const std::string& name, consent::Purpose purpose) {
  if (!model_->signed_in()) return fail(Errc::permission_denied, "sign in first");
  auto review = load_review(model_->archive(), name);
  if (!review) return tl::unexpected(review.error());
  return open_review(std::move(*review), name, purpose);
}

Result<archive::ProjectInfo> ReviewView::save() {
  if (!model_->signed_in()) return fail(Errc::permission_denied, "sign in first");
  return save_review(model_->archive(), session_);
}

Status ReviewView::mark_event(an::Side side, an::GaitEventKind kind) {
  if (!session_.is_open()) return fail(Errc::invalid_argument, "no review is open");
  return session_.mark_event(active_view_, side, kind);
}

std::vector<std::int64_t> ReviewView::wanted_frames() const {
  std::vector<std::int64_t> frames;
  for (std::size_t v = 0; v < session_.review().views.size(); ++v) {
    frames.push_back(session_.frame_of(v).value_or(-1));
  }
  return frames;
}

bool ReviewView::frames_current() const {
  const ReviewDecodeStatus status = decoder_.status();
  return session_.is_open() && !status.busy && status.shown_frames == wanted_frames() &&
         texture_.has_content();
}

void ReviewView::update() {
  if (!session_.is_open()) return;
  const auto now = std::chrono::steady_clock::now();
  const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_tick_);
  last_tick_ = now;
  if (auto advanced = session_.advance(elapsed); !advanced) report(advanced, "");
  std::vector<std::int64_t> frames = wanted_frames();
  if (frames != requested_) {
    requested_ = frames;
    decoder_.request(std::move(frames));
  }
}

void ReviewView::report(const Status& status, const std::string& done) {
  message_ = status ? done : status.error().message();
  message_is_error_ = !status;
}

// imgui_impl_glfw (1.86) indexes keys by GLFW key code.
void ReviewView::handle_keys() {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || !session_.is_open()) return;
  if (ImGui::IsKeyPressed(GLFW_KEY_LEFT)) report(session_.step(-1), "");
  if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT)) report(session_.step(1), "");
  if (ImGui::IsKeyPressed(GLFW_KEY_SPACE, false)) session_.set_playing(!session_.playing());
  if (ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false)) session_.set_tool(ReviewTool::none);
  if (ImGui::IsKeyPressed(GLFW_KEY_BACKSPACE, false) || ImGui::IsKeyPressed(GLFW_KEY_DELETE, false))
    report(session_.remove_last_measurement(), "measurement removed");
  const an::Side side = io.KeyShift ? an::Side::left : an::Side::right;
  if (ImGui::IsKeyPressed(GLFW_KEY_H, false)) {
    report(mark_event(side, an::GaitEventKind::heel_strike),
           fmt::format("{} heel strike marked", an::to_string(side)));
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_T, false)) {
    report(mark_event(side, an::GaitEventKind::toe_off),
           fmt::format("{} toe off marked", an::to_string(side)));
  }
}

void ReviewView::draw() {
  update();
  handle_keys();
  draw_toolbar();
  if (!message_.empty()) {
    ImGui::TextColored(message_is_error_ ? kErrorColour : kOkColour, "%s", message_.c_str());
  }
  if (!session_.is_open()) {
    ImGui::TextColored(kMutedColour,
                       "Open a review (a file from `clinvid analyse demo-review`, or one saved "
                       "here) to review its recordings side by side.");
    return;
  }
  draw_canvas();
  draw_curves();
  draw_details();
}

void ReviewView::draw_toolbar() {
  ImGui::SetNextItemWidth(320.0F);
  ImGui::InputTextWithHint("##review_path", "review.json or saved name", path_.data(),
                           path_.size());
  probe_item("review.path");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(130.0F);
  const std::string purpose(
      consent::to_string(kPurposes[static_cast<std::size_t>(purpose_index_)]));
  if (ImGui::BeginCombo("##review_purpose", purpose.c_str())) {
    for (std::size_t i = 0; i < kPurposes.size(); ++i) {
      const std::string label(consent::to_string(kPurposes[i]));
      if (ImGui::Selectable(label.c_str(), static_cast<int>(i) == purpose_index_)) {
        purpose_index_ = static_cast<int>(i);
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (ImGui::Button("Open")) {
    const std::string text(path_.data());
    const consent::Purpose p = kPurposes[static_cast<std::size_t>(purpose_index_)];
    report(text.ends_with(".json") ? open_file(text, p) : open_saved(text, p), "review opened");
  }
  probe_item("review.open");
  if (!session_.is_open()) return;
  ImGui::SameLine();
  if (ImGui::Button("Save to archive")) {
    auto saved = save();
    report(saved ? Status{} : Status(tl::unexpected(saved.error())),
           saved ? fmt::format("sealed in the archive as review.{} (revision {})", session_.name(),
                               saved->revision)
                 : std::string());
  }
  probe_item("review.save");

  if (ImGui::Button("<")) report(session_.step(-1), "");
  probe_item("review.step_back");
  ImGui::SameLine();
  if (ImGui::Button(session_.playing() ? "Pause" : "Play")) {
    session_.set_playing(!session_.playing());
  }
  probe_item("review.play");
  ImGui::SameLine();
  if (ImGui::Button(">")) report(session_.step(1), "");
  probe_item("review.step");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(80.0F);
  if (ImGui::BeginCombo("##review_speed", ("x" + session_.speed().to_string()).c_str())) {
    for (const auto& [num, den] : kSpeeds) {
      const Rational r = Rational::make(num, den).value();
      if (ImGui::Selectable(("x" + r.to_string()).c_str(), r == session_.speed())) {
        session_.set_speed(r);
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  for (ReviewTool tool :
       {ReviewTool::none, ReviewTool::distance, ReviewTool::angle, ReviewTool::vertical_angle}) {
    const std::string label(to_string(tool));
    if (ImGui::RadioButton(label.c_str(), session_.tool() == tool)) session_.set_tool(tool);
    probe_item("review.tool." + label);
    ImGui::SameLine();
  }
  ImGui::TextColored(kMutedColour, "frame %lld", static_cast<long long>(session_.frame()));
}

ImVec2 ReviewView::to_screen(std::size_t view, an::Point2 px) const {
  const ReviewViewRect& rect = decoder_.layout()[view];
  return {
      canvas_origin_.x + (static_cast<float>(rect.x_px) + static_cast<float>(px.x)) * canvas_scale_,
      canvas_origin_.y + static_cast<float>(px.y) * canvas_scale_};
}

void ReviewView::on_canvas_click(ImVec2 mouse) {
  const float x = (mouse.x - canvas_origin_.x) / canvas_scale_;
  const float y = (mouse.y - canvas_origin_.y) / canvas_scale_;
  const auto& layout = decoder_.layout();
  for (std::size_t v = 0; v < layout.size(); ++v) {
    const auto left = static_cast<float>(layout[v].x_px);
    if (x < left || x >= left + static_cast<float>(layout[v].width_px) ||
        y >= static_cast<float>(layout[v].height_px)) {
      continue;
    }
    active_view_ = v;
    if (session_.tool() == ReviewTool::none) return;
    auto done = session_.click(v, {static_cast<double>(x - left), static_cast<double>(y)});
    if (!done) {
      report(tl::unexpected(done.error()), "");
    } else if (*done) {
      const auto& m = session_.review().frame_measurements[**done];
      report({},
             fmt::format("{}: {}", m.label, value_text(an::measure_frame(session_.review(), m))));
    }
    return;
  }
}

void ReviewView::draw_canvas() {
  const ReviewDecodeStatus status = decoder_.status();
  if (!status.error.empty()) ImGui::TextColored(kErrorColour, "%s", status.error.c_str());
  if (!texture_.has_content() || decoder_.width_px() == 0) {
    ImGui::TextColored(kMutedColour, "Decoding…");
    return;
  }
  const ImVec2 area = ImGui::GetContentRegionAvail();
  const float width = static_cast<float>(decoder_.width_px());
  const float height = static_cast<float>(decoder_.height_px());
  canvas_scale_ =
      std::min(area.x / width, std::max(area.y - kCurvesHeight - 110.0F, 80.0F) / height);
  canvas_origin_ = ImGui::GetCursorScreenPos();
  const ImVec2 size(width * canvas_scale_, height * canvas_scale_);
  ImGui::Image(texture_.texture_id(), size);
  probe_rect("review.canvas", canvas_origin_,
             ImVec2(canvas_origin_.x + size.x, canvas_origin_.y + size.y));
  if (ImGui::IsItemHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    on_canvas_click(ImGui::GetIO().MousePos);
  }
  ImDrawList& draw = *ImGui::GetWindowDrawList();
  const auto& layout = decoder_.layout();
  for (std::size_t v = 0; v < layout.size(); ++v) {
    const ImVec2 min = to_screen(v, {0.0, 0.0});
    const ImVec2 max = to_screen(
        v, {static_cast<double>(layout[v].width_px), static_cast<double>(layout[v].height_px)});
    probe_rect(fmt::format("review.view{}", v), min, max);
    if (v == active_view_ && layout.size() > 1) draw.AddRect(min, max, kPendingColour);
    const auto frame = session_.frame_of(v);
    const std::string label =
        fmt::format("{}  {}", session_.review().views[v].id,
                    frame ? fmt::format("frame {}", *frame) : std::string("(no frame here)"));
    draw.AddText(ImVec2(min.x + 6.0F, min.y + 4.0F), IM_COL32(255, 255, 255, 230), label.c_str());
  }
  if (script_target_) {
    // A named point for the scripted test mode's `click review.target`: its centre is the
    // image point asked for, so the click goes through the same canvas code as a person's.
    const ImVec2 p = to_screen(script_target_->first, script_target_->second);
    probe_rect("review.target", ImVec2(p.x - 1.0F, p.y - 1.0F), ImVec2(p.x + 1.0F, p.y + 1.0F));
  }
  draw_overlays(draw);
}

void ReviewView::draw_overlays(ImDrawList& draw) {
  const an::Review& review = session_.review();
  for (const an::FrameMeasurement& m : review.frame_measurements) {
    if (session_.frame_of(m.view) != m.frame) continue;
    std::vector<ImVec2> points;
    for (const an::Point2& p : m.points_px) points.push_back(to_screen(m.view, p));
    for (std::size_t i = 0; i + 1 < points.size(); ++i) {
      draw.AddLine(points[i], points[i + 1], kMeasureColour, 2.0F);
    }
    if (m.kind == an::MeasurementKind::segment_angle) {
      // The vertical the angle is measured from, through the first point.
      draw.AddLine(points[0], ImVec2(points[0].x, points[0].y + 60.0F), kMeasureColour, 1.0F);
    }
    for (const ImVec2& p : points) draw.AddCircleFilled(p, 3.5F, kMeasureColour);
    const ImVec2 at = points[m.kind == an::MeasurementKind::angle ? 1 : 0];
    const std::string text = value_text(an::measure_frame(review, m));
    const ImVec2 corner(at.x + 8.0F, at.y - 18.0F);
    const ImVec2 extent = ImGui::CalcTextSize(text.c_str());
    // A dark plate keeps the value readable on any picture.
    draw.AddRectFilled(ImVec2(corner.x - 3.0F, corner.y - 1.0F),
                       ImVec2(corner.x + extent.x + 3.0F, corner.y + extent.y + 1.0F),
                       IM_COL32(0, 0, 0, 170), 3.0F);
    draw.AddText(corner, kMeasureColour, text.c_str());
  }
  for (const an::Point2& p : session_.pending_points()) {
    draw.AddCircleFilled(to_screen(session_.pending_view(), p), 4.0F, kPendingColour);
  }
}

void ReviewView::draw_curves() {
  const std::vector<ReviewCurve>& curves = session_.curves(active_view_);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = std::max(ImGui::GetContentRegionAvail().x, 200.0F);
  ImGui::Dummy(ImVec2(width, kCurvesHeight));
  const ImVec2 end(origin.x + width, origin.y + kCurvesHeight);
  probe_rect("review.curves", origin, end);
  ImDrawList& draw = *ImGui::GetWindowDrawList();
  draw.AddRectFilled(origin, end, IM_COL32(20, 22, 26, 255));
  const an::ReviewView& view = session_.review().views[active_view_];
  if (curves.empty()) {
    draw.AddText(ImVec2(origin.x + 8.0F, origin.y + 8.0F), IM_COL32(160, 160, 170, 255),
                 "No joint curves: the view has no hip/knee/ankle tracks.");
    return;
  }
  double lo = 0.0;
  double hi = 10.0;
  for (const ReviewCurve& c : curves) {
    for (double v : c.values_deg) {
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  const auto frames = static_cast<float>(std::max<std::int64_t>(view.frame_count - 1, 1));
  const auto x_of = [&](double frame) {
    return origin.x + 40.0F + static_cast<float>(frame) / frames * (width - 48.0F);
  };
  const auto y_of = [&](double v) {
    return end.y - 14.0F - static_cast<float>((v - lo) / (hi - lo)) * (kCurvesHeight - 28.0F);
  };
  draw.AddLine(ImVec2(x_of(0.0), y_of(0.0)), ImVec2(x_of(static_cast<double>(frames)), y_of(0.0)),
               IM_COL32(90, 90, 100, 255));
  draw.AddText(ImVec2(origin.x + 4.0F, y_of(hi) - 6.0F), IM_COL32(160, 160, 170, 255),
               fmt::format("{:.0f}°", hi).c_str());
  draw.AddText(ImVec2(origin.x + 4.0F, y_of(lo) - 6.0F), IM_COL32(160, 160, 170, 255),
               fmt::format("{:.0f}°", lo).c_str());
  for (std::size_t c = 0; c < curves.size(); ++c) {
    const ImU32 colour = kCurveColours[c % kCurveColours.size()];
    std::vector<ImVec2> line;
    const auto flush = [&] {
      if (line.size() > 1)
        draw.AddPolyline(line.data(), static_cast<int>(line.size()), colour, 0, 1.5F);
      line.clear();
    };
    for (std::size_t f = 0; f < curves[c].values_deg.size(); ++f) {
      const double v = curves[c].values_deg[f];
      if (!std::isfinite(v)) {
        flush();
        continue;
      }
      line.emplace_back(x_of(static_cast<double>(f)), y_of(v));
    }
    flush();
    draw.AddText(ImVec2(origin.x + 48.0F + static_cast<float>(c) * 170.0F, origin.y + 2.0F), colour,
                 curves[c].label.c_str());
  }
  for (const an::GaitEvent& e : session_.events_of(active_view_)) {
    const float x = x_of(static_cast<double>(e.frame));
    draw.AddLine(ImVec2(x, end.y - 12.0F), ImVec2(x, end.y), side_colour(e.side), 2.0F);
    draw.AddText(ImVec2(x - 3.0F, end.y - 26.0F), side_colour(e.side),
                 e.kind == an::GaitEventKind::heel_strike ? "H" : "T");
  }
  if (const auto frame = session_.frame_of(active_view_)) {
    const float x = x_of(static_cast<double>(*frame));
    draw.AddLine(ImVec2(x, origin.y), ImVec2(x, end.y), kCursorColour, 1.5F);
  }
}

void ReviewView::draw_details() {
  const an::Review& review = session_.review();
  ImGui::TextColored(kMutedColour,
                     "Left/Right step  Space play  H/T heel strike/toe off (Shift: left)  "
                     "Backspace removes the last measurement");
  if (ImGui::BeginTable("review.details", 3, ImGuiTableFlags_SizingStretchSame)) {
    ImGui::TableNextColumn();
    for (std::size_t v = 0; v < review.views.size(); ++v) {
      const auto frame = session_.frame_of(v);
      ImGui::Text("%s: %s @ %s fps, %s", review.views[v].id.c_str(),
                  frame ? fmt::format("frame {}", *frame).c_str() : "-",
                  review.views[v].frame_rate.to_string().c_str(),
                  std::string(an::to_string(review.views[v].sync.method)).c_str());
    }
    ImGui::TableNextColumn();
    for (const an::FrameMeasurement& m : review.frame_measurements) {
      ImGui::Text("%s (view %zu, frame %lld): %s", m.label.c_str(), m.view,
                  static_cast<long long>(m.frame),
                  value_text(an::measure_frame(review, m)).c_str());
    }
    ImGui::TableNextColumn();
    auto params = session_.gait_parameters(active_view_);
    if (params) {
      ImGui::Text("cadence %.1f steps/min", params->cadence_steps_per_min);
      ImGui::Text("R stride %.3f s, stance %.0f %%", params->right.stride_time_s,
                  params->right.stance_percent);
      ImGui::Text("L stride %.3f s, stance %.0f %%", params->left.stride_time_s,
                  params->left.stance_percent);
    } else {
      ImGui::TextColored(kMutedColour, "%zu events; cadence needs three heel strikes",
                         session_.events_of(active_view_).size());
    }
    ImGui::EndTable();
  }
}

void ReviewView::add_script_steps(ScriptVerbs& verbs) {
  const auto action = [](Status status) -> Result<bool> {
    if (!status) return tl::unexpected(status.error());
    return true;
  };
  const auto purpose_of = [](const StepCall& call, std::size_t arg) -> Result<consent::Purpose> {
    if (call.step.args.size() <= arg) return consent::Purpose::research;
    return consent::parse_purpose(call.step.args[arg]);
  };
  // review_open FILE.json|SAVED-NAME [PURPOSE]
  verbs.add("review_open", 1, 2, [this, action, purpose_of](StepCall& call) -> Result<bool> {
    auto purpose = purpose_of(call, 1);
    if (!purpose) return tl::unexpected(purpose.error());
    const std::string& what = call.step.args[0];
    return action(what.ends_with(".json") ? open_file(what, *purpose) : open_saved(what, *purpose));
  });
  // Waits until the picture shows the cursor's frames of every view.
  verbs.add("review_wait", 0, 0, [this](StepCall& call) -> Result<bool> {
    update();
    const ReviewDecodeStatus status = decoder_.status();
    if (!status.error.empty()) return fail(Errc::media, status.error);
    return frames_current() && call.waited_frames >= 1;
  });
  verbs.add("review_frame", 1, 1, [this, action](StepCall& call) -> Result<bool> {
    auto frame = parse_step_int(call.step, call.step.args[0]);
    if (!frame) return tl::unexpected(frame.error());
    return action(session_.seek(*frame));
  });
  verbs.add("review_tool", 1, 1, [this](StepCall& call) -> Result<bool> {
    auto tool = parse_review_tool(call.step.args[0]);
    if (!tool) return tl::unexpected(tool.error());
    session_.set_tool(*tool);
    return true;
  });
  verbs.add("review_speed", 1, 1, [this](StepCall& call) -> Result<bool> {
    auto speed = Rational::parse(call.step.args[0]);
    if (!speed) return tl::unexpected(speed.error());
    session_.set_speed(*speed);
    return true;
  });
  // review_target VIEW X Y: names the image point (pixels of that view) `review.target`, for
  // `click review.target`.
  verbs.add("review_target", 3, 3, [this](StepCall& call) -> Result<bool> {
    auto view = parse_step_int(call.step, call.step.args[0]);
    if (!view) return tl::unexpected(view.error());
    auto x = parse_step_number(call.step, call.step.args[1]);
    if (!x) return tl::unexpected(x.error());
    auto y = parse_step_number(call.step, call.step.args[2]);
    if (!y) return tl::unexpected(y.error());
    if (*view < 0 || static_cast<std::size_t>(*view) >= decoder_.layout().size()) {
      return fail(Errc::invalid_argument,
                  fmt::format("line {}: no view {}", call.step.line, *view));
    }
    // One frame to draw the probe before a click can find it.
    if (!call.started) {
      script_target_ = std::pair{static_cast<std::size_t>(*view), an::Point2{*x, *y}};
      call.started = true;
      return false;
    }
    return true;
  });
  verbs.add("review_save", 0, 0, [this](StepCall& call) -> Result<bool> {
    auto saved = save();
    if (!saved) return tl::unexpected(saved.error());
    call.extra["saved_as"] = saved->name;
    call.extra["revision"] = saved->revision;
    return true;
  });
  verbs.add_state([this](Json& state) {
    if (session_.is_open()) state["review"] = session_.state_json();
  });
}

}  // namespace clinvid::studio
