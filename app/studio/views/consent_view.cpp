#include "views/consent_view.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>
#include <imgui.h>

#include "text_input.hpp"
#include "theme.hpp"
#include "ui_probe.hpp"

namespace clinvid::studio {

namespace {

constexpr float kFieldWidth = 260.0F;
constexpr float kMinPointSpacingPx = 0.75F;  // pad pixels between recorded points
constexpr float kInkWidthPx = 3.0F;          // as rasterise_signature draws it

constexpr consent::Grant kGrants[] = {consent::Grant::identifiable, consent::Grant::anonymised_only,
                                      consent::Grant::refused};
constexpr consent::ConsentGiver kGivers[] = {
    consent::ConsentGiver::patient, consent::ConsentGiver::parent_guardian,
    consent::ConsentGiver::legal_proxy, consent::ConsentGiver::best_interests};
constexpr consent::Capacity kCapacities[] = {consent::Capacity::presumed,
                                             consent::Capacity::has_capacity,
                                             consent::Capacity::lacks_capacity};

std::string grant_words(consent::Grant grant) {
  switch (grant) {
    case consent::Grant::identifiable: return "Agreed";
    case consent::Grant::anonymised_only: return "Only anonymised";
    case consent::Grant::refused: return "Refused";
    case consent::Grant::invalid: break;
  }
  return "?";
}

std::string giver_words(consent::ConsentGiver giver) {
  switch (giver) {
    case consent::ConsentGiver::patient: return "The patient";
    case consent::ConsentGiver::parent_guardian: return "Parent or guardian";
    case consent::ConsentGiver::legal_proxy: return "Legal proxy";
    case consent::ConsentGiver::best_interests: return "Best-interests decision";
    case consent::ConsentGiver::invalid: break;
  }
  return "?";
}

std::string capacity_words(consent::Capacity capacity) {
  switch (capacity) {
    case consent::Capacity::presumed: return "Presumed (adult)";
    case consent::Capacity::has_capacity: return "Assessed: has capacity";
    case consent::Capacity::lacks_capacity: return "Assessed: lacks capacity";
    case consent::Capacity::invalid: break;
  }
  return "?";
}

// A radio button reachable by scripts as `probe`.
template <typename T>
void radio(const std::string& label, const std::string& probe, T& value, T option) {
  if (ImGui::RadioButton(fmt::format("{}##{}", label, probe).c_str(), value == option)) {
    value = option;
  }
  probe_item(probe);
}

// A titled section (ImGui 1.86 has no SeparatorText); `probe` names the title line.
void section(const char* title, const char* probe = nullptr) {
  ImGui::Spacing();
  ImGui::TextUnformatted(title);
  if (probe != nullptr) probe_item(probe);
  ImGui::Separator();
}

}  // namespace

void ConsentView::show_problem(const Error& error) {
  problem_ = explain_problem(error);
  message_.clear();
}

void ConsentView::draw_problem_for(const char* field) {
  if (!problem_ || problem_->field != field) return;
  ImGui::TextColored(kErrorColour, "%s", problem_->message.c_str());
}

Status ConsentView::save() {
  if (!model_->signed_in()) return fail(Errc::permission_denied, "consent form: sign in first");
  auto saved = save_consent(model_->archive(), form_);
  if (!saved) {
    show_problem(saved.error());
    return tl::unexpected(saved.error());
  }
  problem_.reset();
  saved_id_ = saved->consent_id;
  withdrawal_.consent_id = saved_id_;
  message_ = fmt::format("Consent {} saved{}.", saved_id_,
                         saved->signature ? " with its signature, encrypted" : "");
  return {};
}

Status ConsentView::load_for_withdrawal() {
  if (!model_->signed_in()) return fail(Errc::permission_denied, "withdrawal: sign in first");
  loaded_.reset();
  withdrawal_.purposes.clear();
  flagged_.clear();
  auto record = model_->archive().get_consent(withdrawal_.consent_id);
  if (!record) {
    show_problem(record.error());
    if (!problem_->field.starts_with("consent.withdraw")) problem_->field = "consent.withdraw.id";
    return tl::unexpected(record.error());
  }
  problem_.reset();
  loaded_ = std::move(*record);
  message_ =
      fmt::format("Consent {} loaded: tick the purposes to withdraw.", withdrawal_.consent_id);
  return {};
}

Status ConsentView::submit_withdrawal() {
  if (!model_->signed_in()) return fail(Errc::permission_denied, "withdrawal: sign in first");
  auto flagged = withdraw(model_->archive(), withdrawal_);
  if (!flagged) {
    show_problem(flagged.error());
    if (problem_->field.empty()) problem_->field = "consent.withdraw.submit";
    return tl::unexpected(flagged.error());
  }
  problem_.reset();
  flagged_ = std::move(*flagged);
  ++withdrawals_done_;
  message_ = fmt::format("Withdrawn. {} derived item(s) flagged for review.", flagged_.size());
  // Reload, so the form shows where each purpose now stands.
  std::vector<consent::FlaggedItem> kept = std::move(flagged_);
  auto reloaded = load_for_withdrawal();
  flagged_ = std::move(kept);
  message_ = fmt::format("Withdrawn. {} derived item(s) flagged for review.", flagged_.size());
  return reloaded;
}

void ConsentView::draw() {
  if (!ImGui::BeginTabBar("consent.tabs")) return;
  const bool form_open = ImGui::BeginTabItem("Consent form");
  probe_item("consent.tab.form");
  if (form_open) {
    draw_form();
    ImGui::EndTabItem();
  }
  const bool withdraw_open = ImGui::BeginTabItem("Withdraw consent");
  probe_item("consent.tab.withdraw");
  if (withdraw_open) {
    draw_withdrawal();
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
}

void ConsentView::draw_form() {
  const float column = ImGui::GetContentRegionAvail().x * 0.5F - 4.0F;
  const float bottom = 64.0F;
  ImGui::BeginChild("consent.left", ImVec2(column, ImGui::GetContentRegionAvail().y - bottom),
                    true);
  draw_patient_and_purposes();
  draw_giver_and_capacity();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("consent.right", ImVec2(0, ImGui::GetContentRegionAvail().y - bottom), true);
  draw_mode_and_signature();
  draw_people_dates_notes();
  ImGui::EndChild();

  if (ImGui::Button("Save consent")) (void)save();
  probe_item("consent.save");
  ImGui::SameLine();
  if (problem_) {
    ImGui::TextColored(kErrorColour, "%s%s%s", problem_->label.c_str(),
                       problem_->label.empty() ? "" : ": ", problem_->message.c_str());
    ImGui::TextColored(kWarningColour, "Next: %s", problem_->next_step.c_str());
  } else if (!message_.empty()) {
    ImGui::TextColored(kOkColour, "%s", message_.c_str());
  } else {
    ImGui::TextColored(kMutedColour, "Explain each purpose, record what was agreed, then sign.");
  }
}

void ConsentView::draw_patient_and_purposes() {
  ImGui::SetNextItemWidth(kFieldWidth);
  input_text("Patient id##consent.patient", "P-…", form_.patient_id);
  probe_item("consent.patient");
  draw_problem_for("consent.patient");
  ImGui::SetNextItemWidth(kFieldWidth);
  input_text("Case reference##consent.case_ref", "optional", form_.case_ref);
  probe_item("consent.case_ref");

  section("Purposes explained", "consent.purposes");
  draw_problem_for("consent.purposes");
  for (PurposeChoice& choice : form_.purposes) {
    const std::string id(consent::to_string(choice.purpose));
    ImGui::PushID(id.c_str());
    ImGui::Checkbox(std::string(consent::label(choice.purpose)).c_str(), &choice.explained);
    probe_item("consent.purpose." + id);
    ImGui::Indent();
    wrapped_text(kMutedColour, std::string(plain_words(choice.purpose)));
    if (choice.explained) {
      for (consent::Grant grant : kGrants) {
        radio(grant_words(grant), fmt::format("consent.grant.{}.{}", id, consent::to_string(grant)),
              choice.grant, grant);
        ImGui::SameLine();
      }
      ImGui::NewLine();
    }
    ImGui::Unindent();
    ImGui::PopID();
  }

  section("Body sites");
  ImGui::SetNextItemWidth(kFieldWidth);
  input_text("Site ids##consent.body_sites", "e.g. hand, face", form_.body_sites);
  probe_item("consent.body_sites");
  draw_problem_for("consent.body_sites");
  if (names_intimate_site(form_)) {
    ImGui::TextColored(kWarningColour,
                       "Intimate site: needs written consent naming the site, and never for "
                       "a child.");
  }
  ImGui::SetNextItemWidth(kFieldWidth);
  input_text("Storage explained##consent.storage", "how it is kept", form_.storage_explained);
  probe_item("consent.storage");
}

void ConsentView::draw_giver_and_capacity() {
  section("Consent given by", "consent.giver");
  draw_problem_for("consent.giver");
  for (consent::ConsentGiver giver : kGivers) {
    radio(giver_words(giver), fmt::format("consent.giver.{}", consent::to_string(giver)),
          form_.giver, giver);
  }
  if (form_.giver == consent::ConsentGiver::parent_guardian ||
      form_.giver == consent::ConsentGiver::legal_proxy) {
    ImGui::SetNextItemWidth(kFieldWidth);
    input_text("Name##consent.giver_name", "who gave consent", form_.giver_person.name);
    probe_item("consent.giver_name");
    ImGui::SetNextItemWidth(kFieldWidth);
    input_text("Relationship##consent.giver_role", "e.g. mother", form_.giver_person.role);
    probe_item("consent.giver_role");
    draw_problem_for("consent.giver_name");
  }
  if (form_.giver == consent::ConsentGiver::best_interests) {
    ImGui::SetNextItemWidth(kFieldWidth);
    input_text("Decision-maker##consent.decision_maker", "name", form_.decision_maker.name);
    probe_item("consent.decision_maker");
    ImGui::SetNextItemWidth(kFieldWidth);
    input_text("Their role##consent.decision_maker_role", "job title", form_.decision_maker.role);
    input_multiline("Reasons##consent.best_interests_reasons", form_.best_interests_reasons,
                    ImVec2(kFieldWidth, 48.0F));
    draw_problem_for("consent.decision_maker");
  }

  section("Capacity", "consent.capacity");
  draw_problem_for("consent.capacity");
  for (consent::Capacity capacity : kCapacities) {
    radio(capacity_words(capacity),
          fmt::format("consent.capacity.{}", consent::to_string(capacity)), form_.capacity,
          capacity);
  }
  if (form_.capacity != consent::Capacity::presumed) {
    ImGui::SetNextItemWidth(kFieldWidth);
    input_text("Assessed by##consent.assessed_by", "name", form_.assessed_by.name);
    probe_item("consent.assessed_by");
    draw_problem_for("consent.assessed_by");
    ImGui::SetNextItemWidth(kFieldWidth);
    input_text("Assessed on##consent.assessed_on", "YYYY-MM-DD", form_.assessed_on);
    probe_item("consent.assessed_on");
    draw_problem_for("consent.assessed_on");
  }
}

void ConsentView::draw_mode_and_signature() {
  section("Written or verbal", "consent.mode");
  radio(std::string("Written (signed)"), "consent.mode.written", form_.mode,
        consent::ConsentMode::written);
  ImGui::SameLine();
  radio(std::string("Verbal (witnessed)"), "consent.mode.verbal", form_.mode,
        consent::ConsentMode::verbal);
  if (form_.mode == consent::ConsentMode::written) {
    draw_signature_pad();
    if (ImGui::Button("Clear signature")) clear_signature();
    probe_item("consent.signature_clear");
    ImGui::SameLine();
    ImGui::TextColored(kMutedColour, "%zu stroke(s)", form_.strokes.size());
    draw_problem_for("consent.signature_pad");
  } else {
    ImGui::SetNextItemWidth(kFieldWidth);
    input_text("Witness##consent.witness_name", "name", form_.witness.name);
    probe_item("consent.witness_name");
    ImGui::SetNextItemWidth(kFieldWidth);
    input_text("Witness role##consent.witness_role", "job title", form_.witness.role);
    probe_item("consent.witness_role");
    draw_problem_for("consent.witness_name");
  }
}

// Strokes are kept in pad pixels; the pad is drawn scaled to the column, so the same strokes
// give the same image at any window size or DPI.
void ConsentView::draw_signature_pad() {
  const float width =
      std::min(ImGui::GetContentRegionAvail().x, static_cast<float>(kSignaturePadWidthPx));
  const float scale = width / static_cast<float>(kSignaturePadWidthPx);
  const ImVec2 size(width, static_cast<float>(kSignaturePadHeightPx) * scale);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##signature_pad", size);
  probe_item("consent.signature_pad");
  if (ImGui::IsItemActive()) {
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const consent::SignaturePoint point{
        std::clamp((mouse.x - origin.x) / scale, 0.0F, static_cast<float>(kSignaturePadWidthPx)),
        std::clamp((mouse.y - origin.y) / scale, 0.0F, static_cast<float>(kSignaturePadHeightPx)),
        1.0F};
    if (!drawing_stroke_) form_.strokes.emplace_back();
    drawing_stroke_ = true;
    auto& points = form_.strokes.back().points;
    if (points.empty() || std::hypot(points.back().x_px - point.x_px,
                                     points.back().y_px - point.y_px) >= kMinPointSpacingPx) {
      points.push_back(point);
    }
  } else {
    drawing_stroke_ = false;
  }

  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 end(origin.x + size.x, origin.y + size.y);
  draw->AddRectFilled(origin, end, IM_COL32(250, 250, 247, 255), 4.0F);
  draw->AddRect(origin, end, ImGui::GetColorU32(ImGuiCol_Border), 4.0F);
  const float baseline = origin.y + size.y * 0.78F;
  draw->AddLine(ImVec2(origin.x + 16.0F, baseline), ImVec2(end.x - 16.0F, baseline),
                IM_COL32(160, 160, 160, 255));
  if (form_.strokes.empty()) {
    draw->AddText(ImVec2(origin.x + 20.0F, baseline - 20.0F), IM_COL32(140, 140, 140, 255),
                  "Sign here (mouse, finger or pen)");
  }
  for (const consent::SignatureStroke& stroke : form_.strokes) {
    std::vector<ImVec2> screen;
    screen.reserve(stroke.points.size());
    for (const consent::SignaturePoint& p : stroke.points) {
      screen.emplace_back(origin.x + p.x_px * scale, origin.y + p.y_px * scale);
    }
    if (screen.size() == 1) {
      draw->AddCircleFilled(screen[0], kInkWidthPx * scale * 0.5F, IM_COL32(20, 30, 80, 255));
    } else {
      draw->AddPolyline(screen.data(), static_cast<int>(screen.size()), IM_COL32(20, 30, 80, 255),
                        ImDrawFlags_None, kInkWidthPx * scale);
    }
  }
}

void ConsentView::draw_people_dates_notes() {
  section("Consent taken by");
  ImGui::SetNextItemWidth(kFieldWidth);
  input_text("Name##consent.taken_by_name", "your name", form_.taken_by.name);
  probe_item("consent.taken_by_name");
  ImGui::SetNextItemWidth(kFieldWidth);
  input_text("Job title##consent.taken_by_role", "e.g. Clinical photographer", form_.taken_by.role);
  probe_item("consent.taken_by_role");
  draw_problem_for("consent.taken_by_name");

  section("Dates");
  ImGui::SetNextItemWidth(kFieldWidth);
  input_text("Consented on##consent.consented_on", "YYYY-MM-DD", form_.consented_on);
  probe_item("consent.consented_on");
  draw_problem_for("consent.consented_on");
  ImGui::SetNextItemWidth(kFieldWidth);
  input_text("Expires on##consent.expires_on", "optional, YYYY-MM-DD", form_.expires_on);
  probe_item("consent.expires_on");
  draw_problem_for("consent.expires_on");

  section("Notes");
  input_multiline("Comments##consent.comments", form_.comments, ImVec2(kFieldWidth, 40.0F));
  probe_item("consent.comments");
  input_multiline("Exceptional circumstances##consent.exceptional", form_.exceptional_circumstances,
                  ImVec2(kFieldWidth, 40.0F));
  probe_item("consent.exceptional");
  ImGui::TextColored(kMutedColour, "Required for a child, or an intimate site: say why.");
}

void ConsentView::draw_withdrawal() {
  ImGui::SetNextItemWidth(340.0F);
  input_text("Consent id##consent.withdraw.id", "the id shown when it was saved",
             withdrawal_.consent_id);
  probe_item("consent.withdraw.id");
  ImGui::SameLine();
  if (ImGui::Button("Load")) (void)load_for_withdrawal();
  probe_item("consent.withdraw.load");
  draw_problem_for("consent.withdraw.id");
  if (loaded_) {
    const consent::Date today = archive::today_utc();
    ImGui::Text("Patient %s, consent taken %s (%s)", loaded_->patient_ref.c_str(),
                loaded_->consented_on.to_string().c_str(),
                std::string(consent::to_string(loaded_->mode)).c_str());
    section("Purposes on the form: tick those to withdraw");
    for (const consent::PurposeConsent& purpose : loaded_->purposes) {
      const std::string id(consent::to_string(purpose.purpose));
      const consent::ConsentState state = consent::consent_state(*loaded_, purpose.purpose, today);
      bool ticked = std::find(withdrawal_.purposes.begin(), withdrawal_.purposes.end(),
                              purpose.purpose) != withdrawal_.purposes.end();
      ImGui::BeginDisabled(state == consent::ConsentState::withdrawn);
      if (ImGui::Checkbox(
              fmt::format("{}##withdraw.{}", consent::label(purpose.purpose), id).c_str(),
              &ticked)) {
        std::erase(withdrawal_.purposes, purpose.purpose);
        if (ticked) withdrawal_.purposes.push_back(purpose.purpose);
      }
      ImGui::EndDisabled();
      probe_item("consent.withdraw.purpose." + id);
      ImGui::SameLine();
      ImGui::TextColored(kMutedColour, "now: %s", std::string(consent::to_string(state)).c_str());
    }
    ImGui::SetNextItemWidth(kFieldWidth);
    input_text("Withdrawn from##consent.withdraw.on", "today", withdrawal_.withdrawn_on);
    probe_item("consent.withdraw.on");
    draw_problem_for("consent.withdraw.on");
    ImGui::SetNextItemWidth(kFieldWidth);
    input_text("Notes##consent.withdraw.notes", "optional", withdrawal_.notes);
    ImGui::SetNextItemWidth(kFieldWidth);
    input_text("Your job title##consent.withdraw.role", "e.g. Clinician",
               withdrawal_.recorded_by.role);
    ImGui::BeginDisabled(withdrawal_.purposes.empty());
    if (ImGui::Button("Withdraw consent for the ticked purposes")) (void)submit_withdrawal();
    ImGui::EndDisabled();
    probe_item("consent.withdraw.submit");
    draw_problem_for("consent.withdraw.submit");
  }
  if (problem_ && problem_->field.starts_with("consent.withdraw")) {
    ImGui::TextColored(kWarningColour, "Next: %s", problem_->next_step.c_str());
  } else if (!message_.empty()) {
    ImGui::TextColored(kOkColour, "%s", message_.c_str());
  }
  for (const consent::FlaggedItem& item : flagged_) {
    ImGui::BulletText("Flagged %s: %s", item.id.c_str(), item.reason.c_str());
  }
}

void ConsentView::add_script_steps(ScriptVerbs& verbs) {
  verbs.add_state([this](Json& state) {
    if (!model_->signed_in()) return;
    Json purposes = Json::object();
    for (const PurposeChoice& choice : form_.purposes) {
      if (choice.explained) {
        purposes[std::string(consent::to_string(choice.purpose))] =
            std::string(consent::to_string(choice.grant));
      }
    }
    std::size_t points = 0;
    for (const auto& stroke : form_.strokes) points += stroke.points.size();
    Json consent = {{"patient", form_.patient_id},
                    {"purposes", purposes},
                    {"mode", std::string(consent::to_string(form_.mode))},
                    {"giver", std::string(consent::to_string(form_.giver))},
                    {"strokes", form_.strokes.size()},
                    {"stroke_points", points},
                    {"taken_by", form_.taken_by.name},
                    {"witness", form_.witness.name},
                    {"saved", saved_id_},
                    {"withdrawals", withdrawals_done_},
                    {"flagged", flagged_.size()}};
    if (problem_) {
      consent["problem_field"] = problem_->field;
      consent["problem"] = problem_->message;
      consent["next_step"] = problem_->next_step;
    }
    if (loaded_) {
      Json states = Json::object();
      for (const consent::PurposeConsent& p : loaded_->purposes) {
        states[std::string(consent::to_string(p.purpose))] = std::string(
            consent::to_string(consent::consent_state(*loaded_, p.purpose, archive::today_utc())));
      }
      consent["loaded_states"] = states;
    }
    state["consent"] = consent;
  });
}

}  // namespace clinvid::studio
