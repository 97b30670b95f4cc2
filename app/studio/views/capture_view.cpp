#include "views/capture_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include <GLFW/glfw3.h>
#include <fmt/format.h>
#include <imgui.h>

#include "theme.hpp"
#include "ui_probe.hpp"

namespace clinvid::studio {

namespace {

constexpr float kSidePanelWidth = 380.0F;
constexpr float kLabelColumn = 110.0F;
constexpr double kRateWindowSeconds = 0.5;
const ImVec4 kRecordColour{0.90F, 0.22F, 0.20F, 1.0F};

void field(const char* label, const std::string& value) {
  ImGui::TextColored(kMutedColour, "%s", label);
  ImGui::SameLine(kLabelColumn);
  ImGui::PushTextWrapPos(0.0F);
  ImGui::TextUnformatted(value.c_str());
  ImGui::PopTextWrapPos();
}

std::string mebibytes(std::uint64_t bytes) {
  return fmt::format("{} MiB", bytes / (std::uint64_t{1} << 20U));
}

std::string human_bytes(std::uint64_t bytes) {
  if (bytes >= (std::uint64_t{1} << 20U)) {
    return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / 1048576.0);
  }
  return fmt::format("{:.0f} KiB", static_cast<double>(bytes) / 1024.0);
}

// "mm:ss.t", the recording timer.
std::string timer_text(double seconds) {
  const auto tenths = static_cast<long long>(seconds * 10.0);
  return fmt::format("{:02}:{:02}.{}", tenths / 600, (tenths / 10) % 60, tenths % 10);
}

void copy_into(std::array<char, 64>& buffer, const std::string& text) {
  buffer.fill('\0');
  std::memcpy(buffer.data(), text.data(), std::min(text.size(), buffer.size() - 1));
}

std::string text_of(const std::array<char, 64>& buffer) {
  return std::string(buffer.data());
}

}  // namespace

CaptureView::CaptureView(const gpu::Context& context, StudioModel& model,
                         CaptureController& controller, std::vector<CameraTextures> textures,
                         const Workstation& workstation)
    : context_(&context),
      model_(&model),
      controller_(&controller),
      textures_(std::move(textures)),
      workstation_(&workstation),
      calibration_(model, controller, textures_),
      rate_window_uploads_(textures_.size(), 0),
      preview_fps_(textures_.size(), 0.0) {}

Result<capture::ArchiveTarget> CaptureView::form_target() const {
  capture::ArchiveTarget target;
  target.patient_id = text_of(patient_);
  target.consent_id = text_of(consent_id_);
  const auto purposes = consent::all_purposes();
  if (purpose_index_ < 0 || static_cast<std::size_t>(purpose_index_) >= purposes.size()) {
    return fail(Errc::invalid_argument, "choose a purpose");
  }
  target.purposes = {purposes[static_cast<std::size_t>(purpose_index_)]};
  const std::string site = text_of(body_site_);
  if (!site.empty()) {
    auto parsed = consent::parse_site_ref(site);
    if (!parsed) return tl::unexpected(parsed.error());
    target.sites = {*parsed};
  }
  if (auto valid = capture::validate(target); !valid) return tl::unexpected(valid.error());
  return target;
}

std::string CaptureView::record_blocked_reason() const {
  auto target = form_target();
  if (!model_->signed_in() || target) {
    return controller_->record_blocked_reason(target ? *target : capture::ArchiveTarget{},
                                              model_->signed_in());
  }
  return fmt::format("Consent panel: {}.", target.error().detail);
}

Status CaptureView::set_consent_form(const std::string& patient, const std::string& consent_id,
                                     const std::string& purpose, const std::string& body_site) {
  auto parsed = consent::parse_purpose(purpose);
  if (!parsed) return tl::unexpected(parsed.error());
  const auto purposes = consent::all_purposes();
  const auto found = std::find(purposes.begin(), purposes.end(), *parsed);
  if (found == purposes.end()) return fail(Errc::invalid_argument, "purpose " + purpose);
  purpose_index_ = static_cast<int>(found - purposes.begin());
  copy_into(patient_, patient);
  copy_into(consent_id_, consent_id);
  copy_into(body_site_, body_site);
  return {};
}

Status CaptureView::check_consent() {
  check_allowed_ = false;
  if (!model_->signed_in()) {
    check_message_ = "Sign in first: the consent check asks the archive.";
    return fail(Errc::permission_denied, check_message_);
  }
  auto target = form_target();
  if (!target) {
    check_message_ = target.error().detail;
    return tl::unexpected(target.error());
  }
  auto check = controller_->check_consent(model_->archive(), *target);
  if (!check) {
    check_message_ = check.error().message();
    return tl::unexpected(check.error());
  }
  check_allowed_ = check->allowed;
  check_message_ = check->allowed ? "Consent allows this recording." : check->reason;
  return {};
}

Status CaptureView::record() {
  action_error_.clear();
  if (const std::string reason = record_blocked_reason(); !reason.empty()) {
    action_error_ = reason;
    return fail(Errc::permission_denied, reason);
  }
  auto target = form_target();
  if (!target) return tl::unexpected(target.error());
  Recorder recorder{model_->archive_dir(), model_->user().name, model_->passphrase_copy()};
  if (auto started = controller_->record(*target, std::move(recorder)); !started) {
    action_error_ = started.error().detail;
    return started;
  }
  return {};
}

Status CaptureView::add_marker() {
  const CaptureStatus status = controller_->status();
  auto added = controller_->add_marker(fmt::format("marker {}", status.markers + 1));
  if (!added) action_error_ = added.error().detail;
  return added;
}

void CaptureView::draw() {
  update_rates();
  const CaptureStatus status = controller_->status();
  handle_keys(status);
  draw_side_panel(status);
  ImGui::SameLine();
  draw_previews(status);
}

void CaptureView::handle_keys(const CaptureStatus& status) {
  // M adds a marker, unless the user is typing (a consent field has the keyboard).
  // imgui_impl_glfw (1.86) indexes keys by GLFW key code.
  if (status.phase != CapturePhase::recording || ImGui::GetIO().WantTextInput) return;
  if (ImGui::IsKeyPressed(GLFW_KEY_M, false)) (void)add_marker();
}

void CaptureView::update_rates() {
  const auto now = std::chrono::steady_clock::now();
  const std::chrono::duration<double> elapsed = now - rate_window_start_;
  if (elapsed.count() < kRateWindowSeconds) return;
  for (std::size_t i = 0; i < textures_.size(); ++i) {
    const std::uint64_t uploaded = textures_[i].live->uploaded_frames();
    preview_fps_[i] = static_cast<double>(uploaded - rate_window_uploads_[i]) / elapsed.count();
    rate_window_uploads_[i] = uploaded;
  }
  rate_window_start_ = now;
}

void CaptureView::draw_side_panel(const CaptureStatus& status) {
  ImGui::BeginChild("capture.side", ImVec2(kSidePanelWidth, 0.0F), true);
  draw_consent_section();
  draw_record_section(status);
  calibration_.draw_section(status);
  draw_camera_table(status);
  draw_overlay_section();
  draw_gpu_section();
  draw_workstation_section();
  ImGui::EndChild();
}

void CaptureView::draw_consent_section() {
  const bool open = ImGui::CollapsingHeader("Consent", ImGuiTreeNodeFlags_DefaultOpen);
  probe_item("capture.consent_section");
  if (!open) return;
  ImGui::PushItemWidth(-1.0F);
  ImGui::TextColored(kMutedColour, "Patient");
  ImGui::SameLine(kLabelColumn);
  ImGui::InputTextWithHint("##patient", "P-...", patient_.data(), patient_.size());
  probe_item("capture.patient");
  ImGui::TextColored(kMutedColour, "Consent form");
  ImGui::SameLine(kLabelColumn);
  ImGui::InputTextWithHint("##consent", "consent id", consent_id_.data(), consent_id_.size());
  probe_item("capture.consent_id");
  ImGui::TextColored(kMutedColour, "Purpose");
  ImGui::SameLine(kLabelColumn);
  const auto purposes = consent::all_purposes();
  const std::string current =
      purpose_index_ >= 0 && static_cast<std::size_t>(purpose_index_) < purposes.size()
          ? std::string(consent::to_string(purposes[static_cast<std::size_t>(purpose_index_)]))
          : std::string("choose");
  if (ImGui::BeginCombo("##purpose", current.c_str())) {
    for (std::size_t i = 0; i < purposes.size(); ++i) {
      const bool selected = static_cast<int>(i) == purpose_index_;
      if (ImGui::Selectable(std::string(consent::to_string(purposes[i])).c_str(), selected)) {
        purpose_index_ = static_cast<int>(i);
      }
    }
    ImGui::EndCombo();
  }
  probe_item("capture.purpose");
  ImGui::TextColored(kMutedColour, "Body site");
  ImGui::SameLine(kLabelColumn);
  ImGui::InputTextWithHint("##site", "hand:left", body_site_.data(), body_site_.size());
  probe_item("capture.body_site");
  ImGui::PopItemWidth();
  if (ImGui::Button("Check consent")) (void)check_consent();
  probe_item("capture.check_consent");
  if (!check_message_.empty()) {
    wrapped_text(check_allowed_ ? kOkColour : kWarningColour, check_message_);
  }
  ImGui::Spacing();
}

void CaptureView::draw_record_section(const CaptureStatus& status) {
  const bool open = ImGui::CollapsingHeader("Record", ImGuiTreeNodeFlags_DefaultOpen);
  probe_item("capture.record_section");
  if (!open) return;
  const std::string reason = record_blocked_reason();
  const bool recording = status.phase == CapturePhase::recording;
  // Red only when it may be pressed, so a disabled Record never looks ready.
  ImGui::BeginDisabled(!reason.empty());
  ImGui::PushStyleColor(ImGuiCol_Button,
                        reason.empty() ? kRecordColour : ImGui::GetStyleColorVec4(ImGuiCol_Button));
  if (ImGui::Button("Record all cameras")) (void)record();
  ImGui::PopStyleColor();
  ImGui::EndDisabled();
  probe_item("capture.record");
  ImGui::SameLine();
  ImGui::BeginDisabled(!recording);
  if (ImGui::Button("Stop")) controller_->stop();
  probe_item("capture.stop");
  ImGui::SameLine();
  if (ImGui::Button("Marker (M)")) (void)add_marker();
  probe_item("capture.marker");
  ImGui::EndDisabled();
  if (recording) {
    ImGui::TextColored(kRecordColour, "REC %s", timer_text(status.elapsed_seconds).c_str());
    ImGui::SameLine();
    ImGui::TextColored(kMutedColour, "%zu marker(s)", status.markers);
  } else if (status.phase == CapturePhase::starting || status.phase == CapturePhase::stopping) {
    ImGui::TextColored(kMutedColour, "%s...", std::string(to_string(status.phase)).c_str());
  }
  if (!reason.empty() && !recording) wrapped_text(kWarningColour, reason);
  if (!action_error_.empty()) wrapped_text(kErrorColour, action_error_);
  draw_last_outcome(status);
  ImGui::Spacing();
}

void CaptureView::draw_last_outcome(const CaptureStatus& status) const {
  if (!status.last || status.phase == CapturePhase::recording) return;
  const CaptureOutcome& last = *status.last;
  if (!last.error.empty()) wrapped_text(kErrorColour, "Last recording: " + last.error);
  if (!last.problem.empty()) wrapped_text(kWarningColour, last.problem);
  if (!last.recordings.empty()) {
    wrapped_text(kOkColour, fmt::format("Last recording: {:.1f} s, {} file(s) in the archive",
                                        last.seconds, last.recordings.size()));
    for (const auto& [stream, id] : last.recordings) {
      wrapped_text(kMutedColour, fmt::format("{}: {}", stream, id));
    }
  }
}

void CaptureView::draw_camera_table(const CaptureStatus& status) const {
  if (!ImGui::CollapsingHeader("Cameras", ImGuiTreeNodeFlags_DefaultOpen)) return;
  const bool recording = status.phase == CapturePhase::recording && !status.streams.empty();
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("capture.cameras", 5, kFlags)) return;
  for (const char* heading : {"Camera", "fps", "Dropped", "Bytes", "State"}) {
    ImGui::TableSetupColumn(heading);
  }
  ImGui::TableHeadersRow();
  for (std::size_t i = 0; i < textures_.size(); ++i) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("cam%zu", i);
    if (recording && i < status.streams.size()) {
      const capture::StreamStats& stream = status.streams[i];
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", stream.fps);
      ImGui::TableNextColumn();
      ImGui::Text("%llu", static_cast<unsigned long long>(stream.dropped_frames));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(human_bytes(stream.bytes).c_str());
      ImGui::TableNextColumn();
      const bool failed = stream.state == capture::StreamState::failed;
      ImGui::TextColored(failed ? kErrorColour : kOkColour, "%s",
                         std::string(capture::to_string(stream.state)).c_str());
    } else {
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", preview_fps_[i]);
      ImGui::TableNextColumn();
      ImGui::Text("%llu", static_cast<unsigned long long>(textures_[i].live->skipped_frames()));
      ImGui::TableNextColumn();
      ImGui::TextColored(kMutedColour, "-");
      ImGui::TableNextColumn();
      const bool failed = i < status.preview_errors.size() && !status.preview_errors[i].empty();
      ImGui::TextColored(failed ? kErrorColour : kMutedColour, "%s", failed ? "failed" : "preview");
    }
  }
  ImGui::EndTable();
  for (std::size_t i = 0; i < status.preview_errors.size(); ++i) {
    if (!status.preview_errors[i].empty()) {
      wrapped_text(kErrorColour, fmt::format("cam{}: {}", i, status.preview_errors[i]));
    }
  }
  if (recording) {
    for (const capture::StreamStats& stream : status.streams) {
      if (!stream.error.empty()) wrapped_text(kErrorColour, stream.id + ": " + stream.error);
    }
  }
  ImGui::Spacing();
}

void CaptureView::draw_overlay_section() {
  if (!ImGui::CollapsingHeader("Framing", ImGuiTreeNodeFlags_DefaultOpen)) return;
  bool grid = grid_ == GridMode::thirds;
  if (ImGui::Checkbox("Grid (thirds)", &grid)) grid_ = grid ? GridMode::thirds : GridMode::off;
  probe_item("capture.grid");
  ImGui::SameLine();
  if (ImGui::Checkbox("Clipping (zebra)", &zebra_)) {
    for (const CameraTextures& texture : textures_) {
      for (PreviewTexture* shown : {texture.live, texture.standardised}) {
        shown->set_clipping_indicator(zebra_ ? ClippingIndicator::zebra : ClippingIndicator::off);
      }
    }
  }
  probe_item("capture.zebra");
  ImGui::SameLine();
  if (ImGui::Checkbox("Focus peaking", &peaking_)) {
    for (const CameraTextures& texture : textures_) {
      for (PreviewTexture* shown : {texture.live, texture.standardised}) {
        shown->set_focus_peaking(peaking_);
      }
    }
  }
  probe_item("capture.peaking");
  bool ghost = ghost_ == GhostMode::on;
  const bool have_ghost =
      std::any_of(textures_.begin(), textures_.end(),
                  [](const CameraTextures& texture) { return texture.ghost->has_content(); });
  ImGui::BeginDisabled(!have_ghost);
  if (ImGui::Checkbox("Ghost", &ghost)) ghost_ = ghost ? GhostMode::on : GhostMode::off;
  probe_item("capture.ghost");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1.0F);
  ImGui::SliderFloat("##ghost_opacity", &ghost_opacity_, 0.1F, 0.9F, "opacity %.2f");
  probe_item("capture.ghost_opacity");
  ImGui::EndDisabled();
  if (!have_ghost) {
    wrapped_text(kMutedColour,
                 "The ghost shows the last frame of the previous recording, to film "
                 "the patient in the same position again.");
  }
  const Converter converter = controller_->converter();
  field("Colour",
        converter == Converter::clinvidcolor ? "clinvidcolor (Vulkan)" : "videoconvert (fallback)");
  if (const std::string warning = controller_->converter_warning(); !warning.empty()) {
    wrapped_text(kWarningColour, warning);
  }
  ImGui::Spacing();
}

void CaptureView::draw_gpu_section() const {
  if (!ImGui::CollapsingHeader("GPU")) return;
  const gpu::PhysicalDeviceInfo& info = context_->info();
  field("Device", info.name);
  field("Type", std::string(gpu::to_string(info.type)));
  field("Driver", info.driver_name);
  if (!info.driver_info.empty()) field("", info.driver_info);
  field("Vulkan", gpu::api_version_string(info.api_version));
  if (info.limits.device_local_bytes > 0) {
    field("Memory", mebibytes(info.limits.device_local_bytes));
  }
  ImGui::TextColored(kMutedColour, "Why this one");
  wrapped_text(ImGui::GetStyleColorVec4(ImGuiCol_Text), context_->choice().reason);
  if (info.type == VK_PHYSICAL_DEVICE_TYPE_CPU) {
    wrapped_text(kWarningColour,
                 "Software rendering (no GPU found): previews and colour work run on the CPU.");
  }
}

void CaptureView::draw_workstation_section() const {
  if (!ImGui::CollapsingHeader("Workstation")) return;
  field("Archive", model_->archive_dir().string());
  if (!workstation_->archive_problem.empty())
    wrapped_text(kErrorColour, workstation_->archive_problem);
  for (std::size_t i = 0; i < controller_->camera_count(); ++i) {
    field(i == 0 ? "Recording" : "", controller_->camera_uri(i));
  }
  if (workstation_->cameras.empty()) {
    field("Attached", "none: the built-in test cameras stand in");
  } else {
    field("Attached", fmt::format("{} (use with --camera-uri)", workstation_->cameras.size()));
    for (const std::string& name : workstation_->cameras) wrapped_text(kMutedColour, name);
  }
}

void CaptureView::draw_previews(const CaptureStatus& status) const {
  ImGui::BeginChild("capture.previews", ImVec2(0.0F, 0.0F), true);
  const std::size_t count = textures_.size();
  const auto columns = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(count))));
  const std::size_t rows = (count + columns - 1) / columns;
  const ImVec2 region = ImGui::GetContentRegionAvail();
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float tile_width =
      (region.x - spacing * static_cast<float>(columns - 1)) / static_cast<float>(columns);
  const float tile_height =
      (region.y - spacing * static_cast<float>(rows - 1)) / static_cast<float>(rows);
  for (std::size_t i = 0; i < count; ++i) {
    if (i % columns != 0) ImGui::SameLine();
    draw_tile(i, status, tile_width, tile_height);
  }
  ImGui::EndChild();
}

void CaptureView::draw_tile(std::size_t camera, const CaptureStatus& status, float width,
                            float height) const {
  const PreviewTexture& live = calibration_.tile_texture(camera, status);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::BeginGroup();
  ImGui::Dummy(ImVec2(width, height));
  ImGui::EndGroup();
  probe_rect(fmt::format("capture.preview{}", camera), origin,
             ImVec2(origin.x + width, origin.y + height));
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float label_height = ImGui::GetTextLineHeightWithSpacing();
  const std::string label = fmt::format("cam{}  {}", camera, controller_->camera_uri(camera));
  draw->AddText(origin, ImGui::GetColorU32(kMutedColour), label.c_str());
  if (!live.has_content()) {
    const bool failed =
        camera < status.preview_errors.size() && !status.preview_errors[camera].empty();
    const char* message =
        failed ? "The camera failed: see the side panel." : "Waiting for frames...";
    const ImVec2 size = ImGui::CalcTextSize(message);
    draw->AddText(ImVec2(origin.x + (width - size.x) * 0.5F, origin.y + (height - size.y) * 0.5F),
                  ImGui::GetColorU32(failed ? kErrorColour : kMutedColour), message);
    return;
  }
  // Fitted below the label, centred; the pixels are the camera's, overlays drawn on top.
  const float available_height = std::max(1.0F, height - label_height);
  const auto frame_width = static_cast<float>(live.width());
  const auto frame_height = static_cast<float>(live.height());
  const float scale = std::min(width / frame_width, available_height / frame_height);
  const ImVec2 size(frame_width * scale, frame_height * scale);
  const ImVec2 min(origin.x + (width - size.x) * 0.5F,
                   origin.y + label_height + (available_height - size.y) * 0.5F);
  const ImVec2 max(min.x + size.x, min.y + size.y);
  draw->AddImage(live.texture_id(), min, max);
  calibration_.draw_tile_overlay(camera, min, max);
  const PreviewTexture& ghost = *textures_[camera].ghost;
  if (ghost_ == GhostMode::on && ghost.has_content()) {
    draw->AddImage(ghost.texture_id(), min, max, ImVec2(0, 0), ImVec2(1, 1),
                   ImGui::GetColorU32(ImVec4(1.0F, 1.0F, 1.0F, ghost_opacity_)));
  }
  if (grid_ == GridMode::thirds) {
    const ImU32 line = ImGui::GetColorU32(ImVec4(1.0F, 1.0F, 1.0F, 0.55F));
    for (int third = 1; third < 3; ++third) {
      const float x = min.x + size.x * static_cast<float>(third) / 3.0F;
      const float y = min.y + size.y * static_cast<float>(third) / 3.0F;
      draw->AddLine(ImVec2(x, min.y), ImVec2(x, max.y), line);
      draw->AddLine(ImVec2(min.x, y), ImVec2(max.x, y), line);
    }
  }
  if (status.phase == CapturePhase::recording) {
    draw->AddCircleFilled(ImVec2(max.x - 14.0F, min.y + 14.0F), 7.0F,
                          ImGui::GetColorU32(kRecordColour));
  }
  // Exposure and focus readings, bottom left: what the zebra and peaking paint, as numbers.
  std::string reading = fmt::format("luma {:.0f}", live.mean_luma());
  if (zebra_) reading += fmt::format("  {:.1f}% clipped", live.clipped_fraction() * 100.0);
  if (peaking_) reading += fmt::format("  focus {:.1f}", live.focus().mean_gradient);
  const bool warn = zebra_ && live.clipped_fraction() > 0.0;
  draw->AddText(ImVec2(min.x + 6.0F, max.y - label_height),
                ImGui::GetColorU32(warn ? kWarningColour : kMutedColour), reading.c_str());
}

}  // namespace clinvid::studio
