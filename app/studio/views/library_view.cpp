#include "views/library_view.hpp"

#include <cstring>
#include <map>
#include <utility>

#include <fmt/format.h>
#include <imgui.h>

#include "library_thumbnail.hpp"
#include "theme.hpp"
#include "ui_probe.hpp"

namespace clinvid::studio {

namespace {

constexpr consent::Purpose kPurposes[] = {
    consent::Purpose::clinical_record, consent::Purpose::teaching, consent::Purpose::research,
    consent::Purpose::publication, consent::Purpose::safeguarding_medico_legal};

std::string purposes_text(const std::vector<consent::Purpose>& purposes) {
  std::string out;
  for (consent::Purpose purpose : purposes) {
    if (!out.empty()) out += ", ";
    out += consent::to_string(purpose);
  }
  return out;
}

std::string short_id(const std::string& id) {
  return id.substr(0, 8);
}

// Whether a consent state lets the recording be used for the purpose at all.
bool consent_allows_use(std::string_view state) {
  return state == "identifiable" || state == "anonymised_only";
}

}  // namespace

LibraryView::LibraryView(StudioModel& model, gpu::Context& context, ImGuiRenderer& renderer,
                         std::uint32_t frames_in_flight)
    : model_(&model), textures_(std::make_unique<Textures>(context, renderer, frames_in_flight)) {}

LibraryView::~LibraryView() = default;

Status LibraryView::record_upload(VkCommandBuffer cmd, std::uint32_t frame_slot,
                                  const std::function<Status()>& wait_gpu_idle) {
  if (worker_) {
    if (auto up = textures_->thumbnails.record_upload(cmd, frame_slot, worker_->thumbnail_slot(),
                                                      wait_gpu_idle);
        !up) {
      return up;
    }
  }
  return textures_->player.record_upload(cmd, frame_slot, player_.slot(), wait_gpu_idle);
}

LibraryWorker* LibraryView::worker() {
  if (!model_->signed_in()) {
    worker_.reset();
    worker_user_.clear();
    return nullptr;
  }
  if (!worker_ || worker_user_ != model_->user().name) {
    worker_ = std::make_unique<LibraryWorker>(model_->archive_dir(), model_->user().name,
                                              model_->passphrase_copy());
    worker_user_ = model_->user().name;
  }
  return worker_.get();
}

consent::Purpose LibraryView::view_purpose() const {
  return purpose_.value_or(consent::Purpose::clinical_record);
}

void LibraryView::set_message(std::string text, bool is_error) {
  message_ = std::move(text);
  message_is_error_ = is_error;
}

Status LibraryView::run_search() {
  archive::SearchQuery query;
  query.text = text_.data();
  query.purpose = purpose_;
  auto found = model_->search(query);
  searched_ = true;
  selected_.reset();
  audit_.reset();
  consent_states_.clear();
  if (!found) {
    results_.clear();
    set_message(found.error().message(), true);
    if (LibraryWorker* w = worker()) w->request_thumbnails({}, view_purpose());
    return tl::unexpected(found.error());
  }
  results_ = std::move(*found);
  // Each form is read once per search (reading one is audited as consent_view).
  std::map<std::string, std::string> by_consent;
  const consent::Date today = archive::today_utc();
  std::vector<ThumbnailJob> jobs;
  for (const archive::RecordingInfo& r : results_) {
    std::string state = "none";
    if (!r.consent_id.empty()) {
      auto known = by_consent.find(r.consent_id);
      if (known == by_consent.end()) {
        auto form = model_->archive().get_consent(r.consent_id);
        const std::string computed = form ? std::string(consent::to_string(consent::consent_state(
                                                *form, view_purpose(), today)))
                                          : "unreadable: " + form.error().message();
        known = by_consent.emplace(r.consent_id, computed).first;
      }
      state = known->second;
    }
    consent_states_.push_back(state);
    jobs.push_back({r.id, r.media_kind, r.kind});
  }
  if (LibraryWorker* w = worker()) w->request_thumbnails(std::move(jobs), view_purpose());
  set_message(fmt::format("{} recording{} found", results_.size(), results_.size() == 1 ? "" : "s"),
              false);
  return {};
}

Status LibraryView::search(std::string text) {
  if (text.size() >= text_.size()) {
    return fail(Errc::invalid_argument,
                fmt::format("search text is {} bytes; at most {}", text.size(), text_.size() - 1));
  }
  text_.fill('\0');
  std::memcpy(text_.data(), text.data(), text.size());
  return run_search();
}

Status LibraryView::set_purpose_filter(std::optional<consent::Purpose> purpose) {
  purpose_ = purpose;
  return run_search();
}

Status LibraryView::select(std::size_t index) {
  if (index >= results_.size()) {
    return fail(Errc::out_of_range, fmt::format("select {}: the library lists {} recording(s)",
                                                index, results_.size()));
  }
  if (selected_ != index) audit_.reset();
  selected_ = index;
  return {};
}

Result<std::string> LibraryView::add_selected_to_timeline() {
  if (!selected_) return fail(Errc::invalid_argument, "add to timeline: no recording selected");
  auto added = model_->add_to_timeline(results_[*selected_]);
  set_message(added ? fmt::format("Added {} to the timeline as clip {}",
                                  short_id(results_[*selected_].id), *added)
                    : added.error().message(),
              !added);
  return added;
}

std::string LibraryView::erase_unavailable_reason() const {
  if (!model_->signed_in()) return "sign in first";
  if (model_->user().role == consent::Role::information_governance_officer) return {};
  return fmt::format(
      "Only the information-governance officer erases recordings (you are signed in as {}); "
      "ask them to erase it.",
      consent::to_string(model_->user().role));
}

std::string LibraryView::audit_unavailable_reason() const {
  if (!model_->signed_in()) return "sign in first";
  const consent::Role role = model_->user().role;
  if (role == consent::Role::information_governance_officer || role == consent::Role::auditor) {
    return {};
  }
  return fmt::format(
      "The audit trail is read by the information-governance officer and "
      "auditors (you are signed in as {}).",
      consent::to_string(role));
}

void LibraryView::draw() {
  // Another user signed in (or nobody is): nothing of the last session's may show.
  const std::string who = model_->signed_in() ? model_->user().name : std::string();
  if (who != worker_user_ || (worker_ == nullptr && !who.empty())) {
    stop_player();
    worker_.reset();
    worker_user_ = who;
    results_.clear();
    consent_states_.clear();
    selected_.reset();
    audit_.reset();
    import_outcome_.reset();
    import_running_ = erase_running_ = audit_running_ = false;
    searched_ = false;
  }
  if (!searched_ && model_->signed_in()) (void)run_search();
  poll_worker();
  tick_player();
  draw_search_bar();
  if (import_open_) draw_import();
  const float details_width = 420.0F;
  ImGui::BeginChild("library.results", ImVec2(ImGui::GetContentRegionAvail().x - details_width, 0),
                    true);
  draw_results();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("library.details", ImVec2(0, 0), true);
  if (selected_) {
    draw_details(results_[*selected_]);
  } else {
    ImGui::TextColored(kMutedColour, "Select a recording to see its details and provenance.");
  }
  ImGui::EndChild();
  handle_player_keys();
}

void LibraryView::draw_search_bar() {
  ImGui::SetNextItemWidth(320.0F);
  if (ImGui::InputTextWithHint("##search", "Search procedure, notes, tags...", text_.data(),
                               text_.size(), ImGuiInputTextFlags_EnterReturnsTrue)) {
    (void)run_search();
  }
  probe_item("library.search_text");
  ImGui::SameLine();
  if (ImGui::Button("Search")) (void)run_search();
  probe_item("library.search");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(200.0F);
  const std::string current =
      purpose_ ? std::string(consent::to_string(*purpose_)) : std::string("any purpose");
  if (ImGui::BeginCombo("Purpose", current.c_str())) {
    if (ImGui::Selectable("any purpose", !purpose_)) (void)set_purpose_filter(std::nullopt);
    for (consent::Purpose purpose : kPurposes) {
      if (ImGui::Selectable(std::string(consent::to_string(purpose)).c_str(),
                            purpose_ == purpose)) {
        (void)set_purpose_filter(purpose);
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (ImGui::Button(import_open_ ? "Close import" : "Import a file..."))
    import_open_ = !import_open_;
  probe_item("library.import_toggle");
  if (!message_.empty()) {
    ImGui::TextColored(message_is_error_ ? kErrorColour : kMutedColour, "%s", message_.c_str());
  }
}

void LibraryView::draw_results() {
  using Layout = ThumbnailAtlasLayout;
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                     ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable;
  if (!ImGui::BeginTable("library.table", 9, kFlags)) return;
  ImGui::TableSetupColumn("Picture", ImGuiTableColumnFlags_WidthFixed,
                          static_cast<float>(Layout::kCellWidthPx));
  for (const char* name :
       {"Id", "Recorded", "Procedure", "Kind", "Consent", "Purposes", "Flagged", "Derived"}) {
    ImGui::TableSetupColumn(name);
  }
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableHeadersRow();
  const std::vector<ThumbnailInfo> thumbs =
      worker_ ? worker_->thumbnails() : std::vector<ThumbnailInfo>{};
  const bool atlas_shown =
      textures_->thumbnails.has_content() && textures_->thumbnails.width() == Layout::kWidthPx;
  for (std::size_t i = 0; i < results_.size(); ++i) {
    const archive::RecordingInfo& r = results_[i];
    ImGui::TableNextRow(ImGuiTableRowFlags_None, static_cast<float>(Layout::kCellHeightPx));
    ImGui::TableNextColumn();
    ImGui::PushID(static_cast<int>(i));
    const ThumbnailInfo info = i < thumbs.size() ? thumbs[i] : ThumbnailInfo{};
    if (i < Layout::kCells && atlas_shown && info.state != ThumbnailState::pending) {
      const auto cell = static_cast<std::uint32_t>(i);
      const ImVec2 uv0(
          static_cast<float>((cell % Layout::kColumns) * Layout::kCellWidthPx) / Layout::kWidthPx,
          static_cast<float>((cell / Layout::kColumns) * Layout::kCellHeightPx) /
              Layout::kHeightPx);
      const ImVec2 uv1(uv0.x + static_cast<float>(Layout::kCellWidthPx) / Layout::kWidthPx,
                       uv0.y + static_cast<float>(Layout::kCellHeightPx) / Layout::kHeightPx);
      const ImVec2 at = ImGui::GetCursorScreenPos();
      ImGui::Image(textures_->thumbnails.texture_id(),
                   ImVec2(static_cast<float>(Layout::kCellWidthPx),
                          static_cast<float>(Layout::kCellHeightPx)),
                   uv0, uv1);
      if (info.state != ThumbnailState::ready) {
        ImGui::GetWindowDrawList()->AddText(ImVec2(at.x + 4, at.y + 4),
                                            ImGui::GetColorU32(kWarningColour),
                                            std::string(to_string(info.state)).c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", info.text.c_str());
      }
    } else {
      ImGui::TextColored(kMutedColour, "%s", i < Layout::kCells ? "..." : "(no picture)");
    }
    ImGui::TableNextColumn();
    if (ImGui::Selectable(short_id(r.id).c_str(), selected_ == i,
                          ImGuiSelectableFlags_SpanAllColumns)) {
      (void)select(i);
    }
    if (i == 0) probe_item("library.row0");
    ImGui::PopID();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.recorded_on.to_string().c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.procedure.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(std::string(consent::to_string(r.kind)).c_str());
    ImGui::TableNextColumn();
    const std::string& state = i < consent_states_.size() ? consent_states_[i] : std::string();
    ImGui::TextColored(consent_allows_use(state) ? kOkColour : kWarningColour, "%s", state.c_str());
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("Consent %s for %s",
                        r.consent_id.empty() ? "(none recorded)" : r.consent_id.c_str(),
                        std::string(consent::to_string(view_purpose())).c_str());
    }
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(purposes_text(r.purposes).c_str());
    ImGui::TableNextColumn();
    if (r.flagged) {
      ImGui::TextColored(kWarningColour, "flagged");
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r.flag_reason.c_str());
    } else {
      ImGui::TextColored(kMutedColour, "-");
    }
    ImGui::TableNextColumn();
    ImGui::Text("%zu", r.derived_from.size());
  }
  ImGui::EndTable();
}

void LibraryView::draw_details(const archive::RecordingInfo& r) {
  ImGui::TextUnformatted(r.procedure.empty() ? "(no procedure)" : r.procedure.c_str());
  ImGui::Separator();
  draw_player(r);
  if (ImGui::CollapsingHeader("Details and provenance", ImGuiTreeNodeFlags_DefaultOpen)) {
    ImGui::Text("Id: %s", r.id.c_str());
    ImGui::Text("Patient: %s", r.patient_id.c_str());
    ImGui::Text("Recorded on: %s", r.recorded_on.to_string().c_str());
    ImGui::Text("Consent: %s", r.consent_id.empty() ? "implicit" : r.consent_id.c_str());
    if (selected_ && *selected_ < consent_states_.size()) {
      const std::string& state = consent_states_[*selected_];
      ImGui::TextColored(consent_allows_use(state) ? kOkColour : kWarningColour,
                         "Consent state for %s: %s",
                         std::string(consent::to_string(view_purpose())).c_str(), state.c_str());
    }
    ImGui::TextWrapped("Purposes: %s", purposes_text(r.purposes).c_str());
    ImGui::Text("Media: %s %dx%d %s %s, %s s", r.media_kind.c_str(), r.width, r.height,
                r.codec.c_str(), r.container.c_str(),
                r.duration.empty() ? "?" : r.duration.c_str());
    if (r.flagged) ImGui::TextColored(kWarningColour, "Flagged: %s", r.flag_reason.c_str());
    if (r.legal_hold) ImGui::TextColored(kWarningColour, "Under legal hold");
    for (const Json& q : r.quality) {
      ImGui::TextColored(kWarningColour, "Quality: %s", q.value("advice", std::string()).c_str());
    }
    ImGui::Text("Created by %s at %s", r.created_by.c_str(), r.created_at.c_str());
    if (!r.camera.empty()) ImGui::Text("Camera: %s", r.camera.c_str());
    if (!r.project.empty()) ImGui::Text("From project: %s", r.project.c_str());
    if (r.derived_from.empty()) {
      ImGui::TextColored(kMutedColour, "An original recording (derived from nothing).");
    } else {
      ImGui::Text("Derived from %zu recording(s):", r.derived_from.size());
      for (const std::string& source : r.derived_from) ImGui::BulletText("%s", source.c_str());
    }
    if (ImGui::Button("Add to timeline")) (void)add_selected_to_timeline();
    probe_item("library.add_to_timeline");
  }
  draw_erase(r);
  draw_audit(r);
}

}  // namespace clinvid::studio
