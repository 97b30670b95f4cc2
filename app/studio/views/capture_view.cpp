#include "views/capture_view.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <imgui.h>

#include "theme.hpp"

namespace clinvid::studio {

namespace {

constexpr float kSidePanelWidth = 340.0F;
constexpr double kRateWindowSeconds = 0.5;

void wrapped(const ImVec4& colour, const std::string& line) {
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  ImGui::PushTextWrapPos(0.0F);
  ImGui::TextUnformatted(line.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

void field(const char* label, const std::string& value) {
  ImGui::TextColored(kMutedColour, "%s", label);
  ImGui::SameLine(110.0F);
  ImGui::PushTextWrapPos(0.0F);
  ImGui::TextUnformatted(value.c_str());
  ImGui::PopTextWrapPos();
}

std::string mebibytes(std::uint64_t bytes) {
  return fmt::format("{} MiB", bytes / (std::uint64_t{1} << 20U));
}

}  // namespace

CaptureView::CaptureView(const gpu::Context& context, const PreviewSource& source,
                         const PreviewTexture& texture, const Workstation& workstation)
    : context_(&context), source_(&source), texture_(&texture), workstation_(&workstation) {}

void CaptureView::draw() {
  update_rates();
  draw_side_panel();
  ImGui::SameLine();
  draw_preview();
}

void CaptureView::update_rates() {
  const auto now = std::chrono::steady_clock::now();
  const std::chrono::duration<double> elapsed = now - rate_window_start_;
  if (elapsed.count() >= kRateWindowSeconds) {
    rate_measured_ = true;
    preview_fps_ =
        static_cast<double>(texture_->uploaded_frames() - rate_window_uploads_) / elapsed.count();
    rate_window_uploads_ = texture_->uploaded_frames();
    rate_window_start_ = now;
  }
}

void CaptureView::draw_side_panel() {
  ImGui::BeginChild("capture.side", ImVec2(kSidePanelWidth, 0.0F), true);
  draw_gpu_section();
  draw_workstation_section();
  ImGui::Spacing();
  draw_camera_section();
  ImGui::EndChild();
}

void CaptureView::draw_gpu_section() const {
  if (!ImGui::CollapsingHeader("GPU", ImGuiTreeNodeFlags_DefaultOpen)) return;
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
  wrapped(ImGui::GetStyleColorVec4(ImGuiCol_Text), context_->choice().reason);
  if (info.type == VK_PHYSICAL_DEVICE_TYPE_CPU) {
    wrapped(kWarningColour,
            "Software rendering (no GPU found): previews and colour work run on the CPU.");
  }
}

void CaptureView::draw_workstation_section() const {
  if (!ImGui::CollapsingHeader("Workstation", ImGuiTreeNodeFlags_DefaultOpen)) return;
  field("Archive", workstation_->archive.string());
  if (!workstation_->archive_problem.empty()) wrapped(kErrorColour, workstation_->archive_problem);
  if (workstation_->cameras.empty()) {
    field("Cameras", "none attached: showing the built-in test camera");
  } else {
    field("Cameras", fmt::format("{} attached", workstation_->cameras.size()));
    for (const std::string& name : workstation_->cameras) wrapped(kMutedColour, name);
  }
}

void CaptureView::draw_camera_section() {
  if (!ImGui::CollapsingHeader("Test camera", ImGuiTreeNodeFlags_DefaultOpen)) return;
  const bool standardised = source_->converter() == Converter::clinvidcolor;
  field("Colour", standardised ? "clinvidcolor (Vulkan)" : "videoconvert (fallback)");
  if (!source_->converter_warning().empty()) wrapped(kWarningColour, source_->converter_warning());
  if (texture_->has_content()) {
    field("Frame", fmt::format("{} x {}", texture_->width(), texture_->height()));
  }
  field("Preview", rate_measured_ ? fmt::format("{:.1f} fps", preview_fps_) : "measuring...");
  field("Display", fmt::format("{:.1f} fps", static_cast<double>(ImGui::GetIO().Framerate)));
  field("Received", fmt::format("{} frames", texture_->sequence()));
  field("Not shown", fmt::format("{} frames", texture_->skipped_frames()));

  ImGui::Spacing();
  ImGui::TextColored(kMutedColour, "Scale");
  ImGui::SameLine(110.0F);
  int scale = scale_ == PreviewScale::actual_size ? 1 : 0;
  ImGui::RadioButton("Fit", &scale, 0);
  ImGui::SameLine();
  ImGui::RadioButton("1:1", &scale, 1);
  scale_ = scale == 1 ? PreviewScale::actual_size : PreviewScale::fit;

  if (!source_->error().empty()) wrapped(kErrorColour, source_->error());
  for (const std::string& warning : source_->bus_warnings()) wrapped(kWarningColour, warning);

  if (ImGui::TreeNode("Pipeline")) {
    wrapped(kMutedColour, source_->description());
    ImGui::TreePop();
  }
}

void CaptureView::draw_preview() const {
  ImGui::BeginChild("capture.preview", ImVec2(0.0F, 0.0F), true,
                    ImGuiWindowFlags_HorizontalScrollbar);
  const ImVec2 region = ImGui::GetContentRegionAvail();
  if (!texture_->has_content()) {
    const char* message = source_->error().empty() ? "Waiting for the first frame..."
                                                   : "The camera stopped: see the side panel.";
    const ImVec2 size = ImGui::CalcTextSize(message);
    ImGui::SetCursorPos(ImVec2(std::max(0.0F, (region.x - size.x) * 0.5F),
                               std::max(0.0F, (region.y - size.y) * 0.5F)));
    ImGui::TextColored(kMutedColour, "%s", message);
    ImGui::EndChild();
    return;
  }
  const auto width = static_cast<float>(texture_->width());
  const auto height = static_cast<float>(texture_->height());
  float shown_scale = 1.0F;
  if (scale_ == PreviewScale::fit) shown_scale = std::min(region.x / width, region.y / height);
  const ImVec2 size(width * shown_scale, height * shown_scale);
  // Centred; the pixels are exactly those the camera delivered (no tint, no overlay).
  const ImVec2 cursor = ImGui::GetCursorPos();
  ImGui::SetCursorPos(ImVec2(cursor.x + std::max(0.0F, (region.x - size.x) * 0.5F),
                             cursor.y + std::max(0.0F, (region.y - size.y) * 0.5F)));
  ImGui::Image(texture_->texture_id(), size);
  ImGui::EndChild();
}

}  // namespace clinvid::studio
