#include "views/capture_view_calibration.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "colour/reference.hpp"
#include "theme.hpp"
#include "ui_probe.hpp"
#include "views/capture_view.hpp"

namespace clinvid::studio {

namespace {

constexpr float kTableHeight = 200.0F;
const ImVec4 kChartOutline{0.35F, 0.95F, 0.45F, 1.0F};

ImVec4 state_colour(CalibrationState state) {
  switch (state) {
    case CalibrationState::found: return kOkColour;
    case CalibrationState::no_chart: return kWarningColour;
    case CalibrationState::failed: return kErrorColour;
    case CalibrationState::running:
    case CalibrationState::none:
    case CalibrationState::invalid: break;
  }
  return kMutedColour;
}

Json stats_json(const colour::DeltaEStats& stats) {
  return {{"mean", stats.mean}, {"max", stats.max}};
}

}  // namespace

CalibrationPanel::CalibrationPanel(StudioModel& model, CaptureController& controller,
                                   const std::vector<CameraTextures>& textures)
    : model_(&model), controller_(&controller), textures_(&textures) {}

Status CalibrationPanel::calibrate(std::size_t camera) {
  action_error_.clear();
  if (camera >= controller_->camera_count()) {
    return fail(Errc::out_of_range, fmt::format("no camera cam{}", camera));
  }
  if (controller_->status().phase != CapturePhase::previewing) {
    action_error_ = "Calibrate while nothing records: the recording's preview is standardised.";
    return fail(Errc::invalid_argument, action_error_);
  }
  return controller_->calibration().calibrate(camera, controller_->camera_uri(camera),
                                              controller_->preview_slot(camera));
}

Status CalibrationPanel::accept(std::size_t camera) {
  action_error_.clear();
  auto accepted = controller_->calibration().accept(camera, model_->archive_dir() / "calibration");
  if (!accepted) action_error_ = accepted.error().detail;
  return accepted;
}

Status CalibrationPanel::reject(std::size_t camera) {
  action_error_.clear();
  if (camera >= controller_->camera_count()) {
    return fail(Errc::out_of_range, fmt::format("no camera cam{}", camera));
  }
  controller_->calibration().reject(camera);
  return {};
}

Status CalibrationPanel::match_all() {
  action_error_.clear();
  if (controller_->camera_count() < 2) {
    action_error_ = "Match all needs two cameras or more.";
    return fail(Errc::invalid_argument, action_error_);
  }
  if (controller_->status().phase != CapturePhase::previewing) {
    action_error_ = "Match the cameras while nothing records.";
    return fail(Errc::invalid_argument, action_error_);
  }
  std::vector<std::pair<std::string, const PreviewSlot*>> sources;
  for (std::size_t i = 0; i < controller_->camera_count(); ++i) {
    sources.emplace_back(fmt::format("cam{} ({})", i, controller_->camera_uri(i)),
                         &controller_->preview_slot(i));
  }
  controller_->calibration().match_all(std::move(sources));
  return {};
}

bool CalibrationPanel::shows_standardised(std::size_t camera, const CaptureStatus& status) const {
  return preview_mode_ == PreviewMode::standardised && status.phase != CapturePhase::recording &&
         camera < snapshot_.cameras.size() && snapshot_.cameras[camera].accepted &&
         (*textures_)[camera].standardised->has_content();
}

const PreviewTexture& CalibrationPanel::tile_texture(std::size_t camera,
                                                     const CaptureStatus& status) const {
  const CameraTextures& textures = (*textures_)[camera];
  return shows_standardised(camera, status) ? *textures.standardised : *textures.live;
}

void CalibrationPanel::draw_tile_overlay(std::size_t camera, ImVec2 min, ImVec2 max) const {
  if (camera >= snapshot_.cameras.size()) return;
  const CameraCalibrationView& view = snapshot_.cameras[camera];
  ImDrawList* draw = ImGui::GetWindowDrawList();
  if (view.accepted) {
    const std::string tag = fmt::format("profile dE00 {:.2f}", view.accepted->profile.fit.mean);
    const ImVec2 size = ImGui::CalcTextSize(tag.c_str());
    draw->AddText(ImVec2(max.x - size.x - 6.0F, max.y - size.y - 4.0F),
                  ImGui::GetColorU32(kOkColour), tag.c_str());
  }
  if (view.state != CalibrationState::found || !view.candidate || view.frame_width == 0) return;
  const float sx = (max.x - min.x) / static_cast<float>(view.frame_width);
  const float sy = (max.y - min.y) / static_cast<float>(view.frame_height);
  std::array<ImVec2, 4> points{};
  for (std::size_t k = 0; k < points.size(); ++k) {
    const colour::Point2& p = view.candidate->corners[k];
    points[k] = ImVec2(min.x + static_cast<float>(p.x) * sx, min.y + static_cast<float>(p.y) * sy);
  }
  const ImU32 colour = ImGui::GetColorU32(kChartOutline);
  draw->AddPolyline(points.data(), static_cast<int>(points.size()), colour, ImDrawFlags_Closed,
                    2.5F);
  for (const ImVec2& p : points) draw->AddCircleFilled(p, 4.0F, colour);
  float top = points[0].y;
  float left = points[0].x;
  for (const ImVec2& p : points) {
    top = std::min(top, p.y);
    left = std::min(left, p.x);
  }
  const float text_height = ImGui::GetTextLineHeight();
  draw->AddRectFilled(ImVec2(left, top - text_height - 6.0F),
                      ImVec2(left + ImGui::CalcTextSize("chart found").x + 8.0F, top - 2.0F),
                      ImGui::GetColorU32(ImVec4(0.0F, 0.0F, 0.0F, 0.6F)));
  draw->AddText(ImVec2(left + 4.0F, top - text_height - 4.0F), colour, "chart found");
}

void CalibrationPanel::draw_section(const CaptureStatus& status) {
  snapshot_ = controller_->calibration().snapshot();
  // Closed at first: open, its results would push the framing aids out of sight.
  const bool open = ImGui::CollapsingHeader("Calibration");
  probe_item("capture.calibration_section");
  if (!open) return;
  const bool can_calibrate = status.phase == CapturePhase::previewing;
  bool any_accepted = false;
  for (std::size_t i = 0; i < snapshot_.cameras.size(); ++i) {
    const CameraCalibrationView& view = snapshot_.cameras[i];
    draw_camera_row(i, view, can_calibrate);
    if (view.state == CalibrationState::found && view.candidate) draw_details(i, view);
    any_accepted = any_accepted || view.accepted != nullptr;
  }
  draw_match(snapshot_, can_calibrate);
  bool standardised = preview_mode_ == PreviewMode::standardised;
  ImGui::BeginDisabled(!any_accepted);
  if (ImGui::Checkbox("Standardised preview", &standardised)) {
    preview_mode_ = standardised ? PreviewMode::standardised : PreviewMode::raw;
  }
  ImGui::EndDisabled();
  probe_item("capture.standardised");
  if (!any_accepted) {
    wrapped_text(kMutedColour, "Accept a profile to see the preview standardised (or raw).");
  }
  if (!action_error_.empty()) wrapped_text(kErrorColour, action_error_);
  ImGui::Spacing();
}

void CalibrationPanel::draw_camera_row(std::size_t camera, const CameraCalibrationView& view,
                                       bool can_calibrate) {
  ImGui::PushID(static_cast<int>(camera));
  ImGui::Text("cam%zu", camera);
  ImGui::SameLine();
  ImGui::BeginDisabled(!can_calibrate || view.state == CalibrationState::running);
  if (ImGui::Button("Calibrate")) (void)calibrate(camera);
  ImGui::EndDisabled();
  probe_item(fmt::format("capture.calibrate{}", camera));
  const bool has_candidate = view.state == CalibrationState::found && view.candidate;
  ImGui::SameLine();
  ImGui::BeginDisabled(!has_candidate);
  if (ImGui::Button("Accept")) (void)accept(camera);
  probe_item(fmt::format("capture.accept{}", camera));
  ImGui::SameLine();
  if (ImGui::Button("Reject")) (void)reject(camera);
  probe_item(fmt::format("capture.reject{}", camera));
  ImGui::EndDisabled();
  if (!view.message.empty()) wrapped_text(state_colour(view.state), view.message);
  if (view.accepted) {
    const colour::CalibrationProfile& profile = view.accepted->profile;
    wrapped_text(kOkColour, fmt::format("In use: {} (dE00 mean {:.2f}, max {:.2f})",
                                        view.accepted->path.filename().string(), profile.fit.mean,
                                        profile.fit.max));
  }
  ImGui::PopID();
}

void CalibrationPanel::draw_match(const CalibrationSnapshot& snapshot, bool can_calibrate) {
  const bool enough = snapshot.cameras.size() >= 2;
  ImGui::BeginDisabled(!enough || !can_calibrate || snapshot.busy);
  if (ImGui::Button("Match all cameras")) (void)match_all();
  ImGui::EndDisabled();
  probe_item("capture.match_all");
  const MatchView& match = snapshot.match;
  if (!match.message.empty()) wrapped_text(state_colour(match.state), match.message);
  if (!match.report) return;
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("capture.match", 3, kFlags)) return;
  for (const char* heading : {"Pair", "mean", "max"}) ImGui::TableSetupColumn(heading);
  ImGui::TableHeadersRow();
  for (const colour::CameraPairMatch& pair : match.report->pairs) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(
        fmt::format("{} / {}", pair.camera_a.substr(0, 4), pair.camera_b.substr(0, 4)).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%.2f", pair.delta_e00_mean);
    ImGui::TableNextColumn();
    ImGui::Text("%.2f", pair.delta_e00_max);
  }
  ImGui::EndTable();
}

void CalibrationPanel::draw_details(std::size_t camera, const CameraCalibrationView& view) {
  const colour::CalibrationProfile& profile = *view.candidate;
  ImGui::PushID(static_cast<int>(camera) + 1000);
  if (!ImGui::TreeNodeEx("details", ImGuiTreeNodeFlags_DefaultOpen, "cam%zu: chart found, dE00",
                         camera)) {
    ImGui::PopID();
    return;
  }
  // The difference view: the chart frame before | after (split at the middle) or the dE map.
  if (ImGui::RadioButton("Before | after", difference_mode_ == DifferenceMode::split)) {
    difference_mode_ = DifferenceMode::split;
  }
  probe_item(fmt::format("capture.difference_split{}", camera));
  ImGui::SameLine();
  if (ImGui::RadioButton("dE map", difference_mode_ == DifferenceMode::delta_e_map)) {
    difference_mode_ = DifferenceMode::delta_e_map;
  }
  probe_item(fmt::format("capture.difference_map{}", camera));
  const PreviewTexture& difference = *(*textures_)[camera].difference;
  if (difference.has_content()) {
    // Three panels side by side: before, after, dE false colour.
    const float width = ImGui::GetContentRegionAvail().x;
    const float panel_aspect =
        static_cast<float>(difference.height()) / (static_cast<float>(difference.width()) / 3.0F);
    // Side by side, each panel half as wide; the dE map alone, full width.
    const bool side_by_side = difference_mode_ == DifferenceMode::split;
    const ImVec2 size(width, (side_by_side ? width * 0.5F : width) * panel_aspect);
    const ImVec2 min = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImGui::Dummy(size);
    probe_item(fmt::format("capture.difference{}", camera));
    const ImVec2 mid(min.x + size.x * 0.5F, min.y + size.y);
    if (side_by_side) {
      draw->AddImage(difference.texture_id(), min, mid, ImVec2(0.0F, 0.0F),
                     ImVec2(1.0F / 3.0F, 1.0F));
      draw->AddImage(difference.texture_id(), ImVec2(mid.x, min.y), ImVec2(min.x + size.x, mid.y),
                     ImVec2(1.0F / 3.0F, 0.0F), ImVec2(2.0F / 3.0F, 1.0F));
      draw->AddLine(ImVec2(mid.x, min.y), mid, ImGui::GetColorU32(ImVec4(1, 1, 1, 0.9F)), 2.0F);
      draw->AddText(ImVec2(min.x + 4.0F, min.y + 2.0F), ImGui::GetColorU32(kMutedColour), "before");
      draw->AddText(ImVec2(mid.x + 4.0F, min.y + 2.0F), ImGui::GetColorU32(kMutedColour), "after");
    } else {
      draw->AddImage(difference.texture_id(), min, ImVec2(min.x + size.x, min.y + size.y),
                     ImVec2(2.0F / 3.0F, 0.0F), ImVec2(1.0F, 1.0F));
      draw->AddText(ImVec2(min.x + 4.0F, min.y + 2.0F), ImGui::GetColorU32(kMutedColour),
                    "dE: blue < 2, cyan 5, green 10, yellow 15, red 20+");
    }
  }
  ImGui::Text("before: mean %.2f, max %.2f", view.before.mean, view.before.max);
  ImGui::Text("after:  mean %.2f, max %.2f", profile.fit.mean, profile.fit.max);
  if (profile.leave_one_out) {
    ImGui::TextColored(kMutedColour, "unseen (leave-one-out): mean %.2f, max %.2f",
                       profile.leave_one_out->mean, profile.leave_one_out->max);
  }
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                     ImGuiTableFlags_SizingStretchProp |
                                     ImGuiTableFlags_BordersInnerV;
  if (ImGui::BeginTable("capture.delta_e", 4, kFlags, ImVec2(0.0F, kTableHeight))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* heading : {"Patch", "before", "after", "unseen"}) {
      ImGui::TableSetupColumn(heading);
    }
    ImGui::TableHeadersRow();
    const colour::ChartReference& reference = colour::builtin_reference(profile.reference);
    for (std::size_t i = 0; i < colour::kPatchCount; ++i) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const auto& srgb = reference.patches[i].srgb8;
      ImGui::ColorButton(
          "##swatch",
          ImVec4(static_cast<float>(srgb[0]) / 255.0F, static_cast<float>(srgb[1]) / 255.0F,
                 static_cast<float>(srgb[2]) / 255.0F, 1.0F),
          ImGuiColorEditFlags_NoTooltip, ImVec2(12.0F, 12.0F));
      ImGui::SameLine();
      ImGui::TextUnformatted(reference.patches[i].name.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.2f", view.before_per_patch[i]);
      ImGui::TableNextColumn();
      if (profile.patches_used[i]) {
        ImGui::Text("%.2f", profile.fit.per_patch[i]);
      } else {
        ImGui::TextColored(kWarningColour, "clipped");
      }
      ImGui::TableNextColumn();
      if (profile.leave_one_out && profile.patches_used[i]) {
        ImGui::Text("%.2f", profile.leave_one_out->per_patch[i]);
      } else {
        ImGui::TextColored(kMutedColour, "-");
      }
    }
    ImGui::EndTable();
  }
  probe_item(fmt::format("capture.delta_e_table{}", camera));
  ImGui::TreePop();
  ImGui::PopID();
}

Json CalibrationPanel::state_json(const CaptureStatus& status) const {
  const CalibrationSnapshot snapshot = controller_->calibration().snapshot();
  Json cameras = Json::array();
  for (std::size_t i = 0; i < snapshot.cameras.size(); ++i) {
    const CameraCalibrationView& view = snapshot.cameras[i];
    Json camera = {{"state", std::string(to_string(view.state))},
                   {"message", view.message},
                   {"chart_found", view.state == CalibrationState::found && view.candidate},
                   {"profile_accepted", view.accepted != nullptr},
                   {"standardised_frames", controller_->standardised_slot(i).published()},
                   {"preview", shows_standardised(i, status) ? "standardised" : "raw"}};
    if (view.candidate) {
      camera["delta_e00"] = stats_json(view.candidate->fit);
      camera["before_delta_e00"] = stats_json(view.before);
      if (view.candidate->leave_one_out) {
        camera["leave_one_out_delta_e00"] = stats_json(*view.candidate->leave_one_out);
      }
    }
    if (view.accepted) {
      camera["profile"] = view.accepted->path.string();
      camera["accepted_delta_e00"] = stats_json(view.accepted->profile.fit);
    }
    if (!view.accept_error.empty()) camera["accept_error"] = view.accept_error;
    cameras.push_back(std::move(camera));
  }
  Json match = {{"state", std::string(to_string(snapshot.match.state))},
                {"message", snapshot.match.message}};
  if (snapshot.match.report) {
    match["worst_mean"] = snapshot.match.report->worst_mean;
    match["worst_max"] = snapshot.match.report->worst_max;
    match["pairs"] = snapshot.match.report->pairs.size();
  }
  return {{"cameras", std::move(cameras)},
          {"match", std::move(match)},
          {"busy", snapshot.busy},
          {"jobs_done", snapshot.jobs_done},
          {"preview_mode", preview_mode_ == PreviewMode::standardised ? "standardised" : "raw"},
          {"error", action_error_}};
}

void CalibrationPanel::add_script_steps(ScriptVerbs& verbs) {
  const auto camera_arg = [](StepCall& call) -> Result<std::size_t> {
    auto parsed = parse_step_int(call.step, call.step.args[0]);
    if (!parsed) return tl::unexpected(parsed.error());
    if (*parsed < 0) return fail(Errc::invalid_argument, "a camera index is 0 or more");
    return static_cast<std::size_t>(*parsed);
  };
  const auto on_camera = [camera_arg](auto action) {
    return [camera_arg, action](StepCall& call) -> Result<bool> {
      auto camera = camera_arg(call);
      if (!camera) return tl::unexpected(camera.error());
      if (auto done = action(*camera); !done) return tl::unexpected(done.error());
      return true;
    };
  };
  verbs.add("calibrate", 1, 1, on_camera([this](std::size_t c) { return calibrate(c); }));
  verbs.add("accept_calibration", 1, 1, on_camera([this](std::size_t c) { return accept(c); }));
  verbs.add("reject_calibration", 1, 1, on_camera([this](std::size_t c) { return reject(c); }));
  verbs.add("match_all", 0, 0, [this](StepCall&) -> Result<bool> {
    if (auto done = match_all(); !done) return tl::unexpected(done.error());
    return true;
  });
  verbs.add("preview_mode", 1, 1, [this](StepCall& call) -> Result<bool> {
    const std::string& mode = call.step.args[0];
    if (mode == "raw") {
      preview_mode_ = PreviewMode::raw;
    } else if (mode == "standardised") {
      preview_mode_ = PreviewMode::standardised;
    } else {
      return fail(Errc::invalid_argument, "preview_mode is raw or standardised, not " + mode);
    }
    return true;
  });
  // Until no fit, match or save is queued or running (and the difference views are drawn),
  // up to 60 s.
  verbs.add("wait_calibration", 0, 0, [this](StepCall& call) -> Result<bool> {
    if (!call.started) {
      call.started = true;
      wait_started_ = std::chrono::steady_clock::now();
      return false;  // the job posted by the step before may not have been seen yet
    }
    const CalibrationSnapshot snapshot = controller_->calibration().snapshot();
    bool idle = !snapshot.busy && snapshot.match.state != CalibrationState::running;
    for (const CameraCalibrationView& view : snapshot.cameras) {
      idle = idle && view.state != CalibrationState::running;
    }
    if (idle) return true;
    if (std::chrono::steady_clock::now() - wait_started_ > std::chrono::seconds(60)) {
      return fail(Errc::cancelled, "the calibration did not finish within 60 s");
    }
    return false;
  });
}

}  // namespace clinvid::studio
