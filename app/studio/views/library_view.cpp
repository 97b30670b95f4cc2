#include "views/library_view.hpp"

#include <cstring>
#include <utility>

#include <fmt/format.h>
#include <imgui.h>

#include "theme.hpp"

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

}  // namespace

Status LibraryView::run_search() {
  archive::SearchQuery query;
  query.text = text_.data();
  query.purpose = purpose_;
  auto found = model_->search(query);
  searched_ = true;
  selected_.reset();
  if (!found) {
    results_.clear();
    message_ = found.error().message();
    message_is_error_ = true;
    return tl::unexpected(found.error());
  }
  results_ = std::move(*found);
  message_ = fmt::format("{} recording{} found", results_.size(), results_.size() == 1 ? "" : "s");
  message_is_error_ = false;
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
  selected_ = index;
  return {};
}

Result<std::string> LibraryView::add_selected_to_timeline() {
  if (!selected_) return fail(Errc::invalid_argument, "add to timeline: no recording selected");
  auto added = model_->add_to_timeline(results_[*selected_]);
  message_ = added ? fmt::format("Added {} to the timeline as clip {}",
                                 short_id(results_[*selected_].id), *added)
                   : added.error().message();
  message_is_error_ = !added;
  return added;
}

void LibraryView::draw() {
  if (!searched_ && model_->signed_in()) (void)run_search();
  ImGui::SetNextItemWidth(320.0F);
  if (ImGui::InputTextWithHint("##search", "Search procedure, notes, tags…", text_.data(),
                               text_.size(), ImGuiInputTextFlags_EnterReturnsTrue)) {
    (void)run_search();
  }
  ImGui::SameLine();
  if (ImGui::Button("Search")) (void)run_search();
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
  if (!message_.empty()) {
    ImGui::TextColored(message_is_error_ ? kErrorColour : kMutedColour, "%s", message_.c_str());
  }
  const float details_width = 360.0F;
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
}

void LibraryView::draw_results() {
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                     ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable;
  if (!ImGui::BeginTable("library.table", 8, kFlags)) return;
  for (const char* name :
       {"Id", "Recorded", "Procedure", "Kind", "Consent", "Purposes", "Flagged", "Derived"}) {
    ImGui::TableSetupColumn(name);
  }
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableHeadersRow();
  for (std::size_t i = 0; i < results_.size(); ++i) {
    const archive::RecordingInfo& r = results_[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::PushID(static_cast<int>(i));
    if (ImGui::Selectable(short_id(r.id).c_str(), selected_ == i,
                          ImGuiSelectableFlags_SpanAllColumns)) {
      selected_ = i;
    }
    ImGui::PopID();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.recorded_on.to_string().c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.procedure.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(std::string(consent::to_string(r.kind)).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.consent_id.empty() ? "implicit" : short_id(r.consent_id).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(purposes_text(r.purposes).c_str());
    ImGui::TableNextColumn();
    if (r.flagged) {
      ImGui::TextColored(kWarningColour, "flagged");
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
  ImGui::Text("Id: %s", r.id.c_str());
  ImGui::Text("Patient: %s", r.patient_id.c_str());
  ImGui::Text("Recorded on: %s", r.recorded_on.to_string().c_str());
  ImGui::Text("Consent: %s", r.consent_id.empty() ? "implicit" : r.consent_id.c_str());
  ImGui::TextWrapped("Purposes: %s", purposes_text(r.purposes).c_str());
  ImGui::Text("Media: %dx%d %s %s, %s s", r.width, r.height, r.codec.c_str(), r.container.c_str(),
              r.duration.empty() ? "?" : r.duration.c_str());
  if (r.flagged) ImGui::TextColored(kWarningColour, "Flagged: %s", r.flag_reason.c_str());
  if (r.legal_hold) ImGui::TextColored(kWarningColour, "Under legal hold");
  ImGui::Separator();
  ImGui::TextUnformatted("Provenance");
  ImGui::Text("Created by %s at %s", r.created_by.c_str(), r.created_at.c_str());
  if (!r.project.empty()) ImGui::Text("From project: %s", r.project.c_str());
  if (r.derived_from.empty()) {
    ImGui::TextColored(kMutedColour, "An original recording (derived from nothing).");
  } else {
    ImGui::Text("Derived from %zu recording(s):", r.derived_from.size());
    for (const std::string& source : r.derived_from) ImGui::BulletText("%s", source.c_str());
  }
  ImGui::Spacing();
  if (ImGui::Button("Add to timeline")) (void)add_selected_to_timeline();
}

void LibraryView::add_script_steps(ScriptVerbs& verbs) {
  verbs.add("search", 0, 32, [this](StepCall& call) -> Result<bool> {
    std::string text;
    for (const std::string& word : call.step.args) text += (text.empty() ? "" : " ") + word;
    if (auto searched = search(text); !searched) return tl::unexpected(searched.error());
    return true;
  });
  verbs.add("purpose_filter", 1, 1, [this](StepCall& call) -> Result<bool> {
    const std::string& arg = call.step.args[0];
    Status set;
    if (arg == "any") {
      set = set_purpose_filter(std::nullopt);
    } else {
      auto purpose = consent::parse_purpose(arg);
      if (!purpose) return tl::unexpected(purpose.error());
      set = set_purpose_filter(*purpose);
    }
    if (!set) return tl::unexpected(set.error());
    return true;
  });
  verbs.add("select", 1, 1, [this](StepCall& call) -> Result<bool> {
    auto index = parse_step_int(call.step, call.step.args[0]);
    if (!index) return tl::unexpected(index.error());
    if (*index < 0) return fail(Errc::out_of_range, "select: the index is negative");
    const auto at = static_cast<std::size_t>(*index);
    if (auto selected = select(at); !selected) return tl::unexpected(selected.error());
    call.extra["recording"] = results_[at].id;
    return true;
  });
  verbs.add_state([this](Json& state) { state["library_results"] = results_.size(); });
}

}  // namespace clinvid::studio
