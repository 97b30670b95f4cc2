// The Library's player, import, erasure and audit-trail panels (library_view.hpp).
#include <algorithm>
#include <cstring>
#include <utility>

#include <GLFW/glfw3.h>
#include <fmt/format.h>
#include <imgui.h>

#include "theme.hpp"
#include "ui_probe.hpp"
#include "views/library_view.hpp"

namespace clinvid::studio {

namespace {

constexpr consent::Purpose kImportPurposes[] = {
    consent::Purpose::clinical_record, consent::Purpose::teaching, consent::Purpose::research,
    consent::Purpose::publication, consent::Purpose::safeguarding_medico_legal};

// What to do next after an import failed, by the kind of failure.
std::string import_next_step(Errc code) {
  switch (code) {
    case Errc::not_found:
      return "Check the file's path, and that the patient and consent ids are the archive's "
             "(Consent view).";
    case Errc::io: return "Check that the file is readable and the disk is not full.";
    case Errc::no_space: return "Free space on the archive's disk, then import again.";
    case Errc::unsupported: return "Convert it to MP4 (H.264), JPEG or PNG, then import that.";
    case Errc::corrupt: return "The file is damaged or truncated: copy it again from the camera.";
    case Errc::permission_denied:
      return "The consent does not allow it: check the form's purposes and body sites, or "
             "record a new consent.";
    case Errc::invalid_argument: return "Correct the field named above and import again.";
    default: return "Try again; if it keeps failing, report the message to support.";
  }
}

consent::RecordingKind kind_for(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".jpg" || ext == ".jpeg" || ext == ".png") {
    return consent::RecordingKind::external_photo;
  }
  if (ext == ".m4a" || ext == ".mp3" || ext == ".wav" || ext == ".ogg" || ext == ".opus") {
    return consent::RecordingKind::audio;
  }
  return consent::RecordingKind::external_video;
}

std::string trimmed(const char* text) {
  std::string out(text);
  const auto first = out.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = out.find_last_not_of(" \t");
  return out.substr(first, last - first + 1);
}

}  // namespace

void LibraryView::poll_worker() {
  if (!worker_) return;
  if (auto outcome = worker_->take_import()) {
    import_running_ = false;
    LibraryImportOutcome done;
    if (*outcome) {
      done.recording_id = (*outcome)->id;
      for (const Json& q : (*outcome)->quality) done.advice.push_back(q.value("advice", ""));
      std::string advice;
      for (const std::string& a : done.advice) advice += (advice.empty() ? "" : "; ") + a;
      (void)run_search();
      set_message(
          fmt::format("Imported {} as {}: {}", trimmed(import_path_.data()),
                      short_id_of(done.recording_id),
                      advice.empty() ? "no quality problems found" : "quality advice: " + advice),
          false);
    } else {
      done.error =
          fmt::format("{} {}", outcome->error().message(), import_next_step(outcome->error().code));
      set_message("Import failed: " + done.error, true);
    }
    import_outcome_ = std::move(done);
  }
  if (auto outcome = worker_->take_erase()) {
    erase_running_ = false;
    if (*outcome) {
      last_erased_ = erase_target_;
      if (playing_id_ == erase_target_) stop_player();
      erase_reason_.fill('\0');
      (void)run_search();
      set_message(fmt::format("Erased {}: its key and media are destroyed; the erasure is audited",
                              short_id_of(erase_target_)),
                  false);
    } else {
      set_message("Erase failed: " + outcome->error().message(), true);
    }
  }
  if (auto trail = worker_->take_audit()) {
    audit_running_ = false;
    audit_ = std::move(*trail);
  }
}

std::string LibraryView::short_id_of(const std::string& id) {
  return id.substr(0, 8);
}

void LibraryView::stop_player() {
  player_.close();
  playing_id_.clear();
  playing_ = false;
  requested_frame_ = -1;
}

Status LibraryView::play_selected() {
  if (!selected_) return fail(Errc::invalid_argument, "play: no recording selected");
  const archive::RecordingInfo& r = results_[*selected_];
  if (r.media_kind != "video") {
    player_message_ = fmt::format("{} is a {}: its picture is the thumbnail", short_id_of(r.id),
                                  r.media_kind.empty() ? "recording without video" : r.media_kind);
    return fail(Errc::unsupported, player_message_);
  }
  archive::GateRequest request;
  request.operation = consent::Operation::view;
  request.purpose = view_purpose();
  request.recording_id = r.id;
  request.detail = "studio library player";
  auto decision = model_->archive().authorize(request);
  if (!decision) {
    player_message_ = decision.error().message();
    return tl::unexpected(decision.error());
  }
  if (decision->effect != consent::Effect::allow) {
    player_message_ =
        fmt::format("Viewing for {} is {} by rule {}: {}", consent::to_string(request.purpose),
                    consent::to_string(decision->effect), decision->rule_id, decision->reason);
    stop_player();
    return fail(Errc::permission_denied, player_message_);
  }
  auto identity = model_->archive().recording_identity(r.id);
  if (!identity) {
    player_message_ = identity.error().message();
    return tl::unexpected(identity.error());
  }
  player_.open(render::SourceMedia{model_->archive().media_path(r.id), std::move(*identity)});
  playing_id_ = r.id;
  playing_ = true;
  play_from_frame_ = 0;
  requested_frame_ = 0;
  play_started_ = std::chrono::steady_clock::now();
  player_message_.clear();
  return {};
}

void LibraryView::tick_player() {
  if (playing_id_.empty() || !playing_) return;
  const PlayerStatus status = player_.status();
  if (!status.opened) {
    play_started_ = std::chrono::steady_clock::now();  // the clock starts with the first frame
    return;
  }
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - play_started_).count();
  std::int64_t due =
      play_from_frame_ + static_cast<std::int64_t>(elapsed_s * status.frame_rate.to_double());
  if (status.frame_count > 0 && due >= status.frame_count - 1) {
    due = status.frame_count - 1;
    playing_ = false;  // stops on the last frame
  }
  if (due != requested_frame_) {
    requested_frame_ = due;
    player_.request(due);
  }
}

void LibraryView::handle_player_keys() {
  if (playing_id_.empty()) return;
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || erase_confirming_) return;
  const PlayerStatus status = player_.status();
  const auto step = [&](std::int64_t by) {
    playing_ = false;
    std::int64_t frame =
        std::max<std::int64_t>(0, std::max<std::int64_t>(requested_frame_, 0) + by);
    if (status.frame_count > 0) frame = std::min(frame, status.frame_count - 1);
    requested_frame_ = frame;
    player_.request(frame);
  };
  if (ImGui::IsKeyPressed(GLFW_KEY_LEFT)) step(-1);
  if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT)) step(1);
  if (ImGui::IsKeyPressed(GLFW_KEY_SPACE, false)) {
    if (playing_) {
      playing_ = false;
    } else {
      playing_ = true;
      play_from_frame_ = std::max<std::int64_t>(requested_frame_, 0);
      play_started_ = std::chrono::steady_clock::now();
    }
  }
}

void LibraryView::draw_player(const archive::RecordingInfo& r) {
  const bool this_one = playing_id_ == r.id;
  if (this_one && textures_->player.has_content()) {
    // At most 200 px high, so the details, audit trail and erasure stay in view.
    const float aspect = static_cast<float>(textures_->player.height()) /
                         static_cast<float>(std::max<std::uint32_t>(1, textures_->player.width()));
    const float width = std::min(ImGui::GetContentRegionAvail().x, 200.0F / aspect);
    const float height = width * aspect;
    ImGui::Image(textures_->player.texture_id(), ImVec2(width, height));
    probe_item("library.player");
  }
  const bool is_video = r.media_kind == "video";
  if (!is_video) ImGui::BeginDisabled();
  if (ImGui::Button(this_one && playing_ ? "Pause" : "Play")) {
    if (this_one && playing_) {
      playing_ = false;
    } else if (this_one) {
      playing_ = true;
      play_from_frame_ = std::max<std::int64_t>(requested_frame_, 0);
      play_started_ = std::chrono::steady_clock::now();
    } else {
      (void)play_selected();
    }
  }
  probe_item("library.play");
  if (!is_video) ImGui::EndDisabled();
  if (this_one) {
    const PlayerStatus status = player_.status();
    ImGui::SameLine();
    ImGui::TextColored(kMutedColour, "frame %lld / %lld  (Space, Left / Right)",
                       static_cast<long long>(status.shown_frame),
                       static_cast<long long>(status.frame_count));
    if (!status.error.empty()) ImGui::TextColored(kErrorColour, "%s", status.error.c_str());
  } else if (!is_video) {
    ImGui::SameLine();
    ImGui::TextColored(kMutedColour, "a %s: the thumbnail shows it", r.media_kind.c_str());
  }
  if (!player_message_.empty()) ImGui::TextWrapped("%s", player_message_.c_str());
}

void LibraryView::draw_import() {
  ImGui::BeginChild("library.import", ImVec2(0, 190.0F), true);
  ImGui::TextUnformatted("Import a photo or video from a camera card or disk");
  const auto field = [](const char* label, const char* hint, char* buffer, std::size_t size,
                        const char* probe) {
    ImGui::SetNextItemWidth(420.0F);
    ImGui::InputTextWithHint(label, hint, buffer, size);
    probe_item(probe);
  };
  field("File", "/media/card/DCIM/clip.mp4", import_path_.data(), import_path_.size(),
        "library.import_path");
  field("Patient id", "the archive's patient id (Consent view)", import_patient_.data(),
        import_patient_.size(), "library.import_patient");
  field("Consent id", "the consent form's id", import_consent_.data(), import_consent_.size(),
        "library.import_consent");
  field("Body site", "e.g. hand:left", import_site_.data(), import_site_.size(),
        "library.import_site");
  field("Procedure", "free text, searchable (no identifiers)", import_procedure_.data(),
        import_procedure_.size(), "library.import_procedure");
  ImGui::SetNextItemWidth(200.0F);
  if (ImGui::BeginCombo("Purpose##import",
                        std::string(consent::to_string(import_purpose_)).c_str())) {
    for (consent::Purpose purpose : kImportPurposes) {
      if (ImGui::Selectable(std::string(consent::to_string(purpose)).c_str(),
                            import_purpose_ == purpose)) {
        import_purpose_ = purpose;
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  const bool importing = import_running_;
  if (importing) ImGui::BeginDisabled();
  if (ImGui::Button(importing ? "Importing..." : "Import")) {
    if (auto started = start_import(); !started) {
      import_outcome_ = LibraryImportOutcome{{}, {}, started.error().message()};
      set_message("Import: " + started.error().message(), true);
    }
  }
  probe_item("library.import_go");
  if (importing) ImGui::EndDisabled();
  if (import_outcome_) {
    if (!import_outcome_->error.empty()) {
      ImGui::TextColored(kErrorColour, "%s", import_outcome_->error.c_str());
    } else if (import_outcome_->advice.empty()) {
      ImGui::TextColored(kOkColour, "Imported %s: no quality problems found.",
                         short_id_of(import_outcome_->recording_id).c_str());
    } else {
      ImGui::TextColored(kWarningColour, "Imported %s, with quality advice:",
                         short_id_of(import_outcome_->recording_id).c_str());
      for (const std::string& advice : import_outcome_->advice) {
        ImGui::BulletText("%s", advice.c_str());
      }
    }
  }
  ImGui::EndChild();
}

Status LibraryView::start_import() {
  if (import_running_) return fail(Errc::invalid_argument, "an import is already running");
  LibraryWorker* w = worker();
  if (w == nullptr) return fail(Errc::permission_denied, "sign in first");
  const std::string path = trimmed(import_path_.data());
  if (path.empty()) return fail(Errc::invalid_argument, "enter the path of the file to import");
  ImportJob job;
  job.file = path;
  job.recording.patient_id = trimmed(import_patient_.data());
  job.recording.consent_id = trimmed(import_consent_.data());
  if (job.recording.patient_id.empty()) {
    return fail(Errc::invalid_argument, "enter the patient's id (find it in the Consent view)");
  }
  const std::string site = trimmed(import_site_.data());
  if (site.empty()) return fail(Errc::invalid_argument, "enter the body site, e.g. hand:left");
  auto parsed = consent::parse_site_ref(site);
  if (!parsed) return with_context(parsed.error(), "body site");
  job.recording.sites.push_back(*parsed);
  job.recording.purposes = {import_purpose_};
  job.recording.kind = kind_for(job.file);
  job.recording.procedure = trimmed(import_procedure_.data());
  import_outcome_.reset();
  import_running_ = true;
  w->start_import(std::move(job));
  set_message(fmt::format("Importing {}...", path), false);
  return {};
}

void LibraryView::draw_erase(const archive::RecordingInfo& r) {
  if (!ImGui::CollapsingHeader("Erase", ImGuiTreeNodeFlags_DefaultOpen)) return;
  const std::string why_not = erase_unavailable_reason();
  if (!why_not.empty()) {
    ImGui::BeginDisabled();
    ImGui::Button("Erase...");
    probe_item("library.erase");
    ImGui::EndDisabled();
    ImGui::TextWrapped("%s", why_not.c_str());
    return;
  }
  ImGui::SetNextItemWidth(-1.0F);
  ImGui::InputTextWithHint("##erase_reason", "Reason (e.g. consent withdrawn, DPO ref)",
                           erase_reason_.data(), erase_reason_.size());
  probe_item("library.erase_reason");
  const bool can = !erase_running_ && !trimmed(erase_reason_.data()).empty();
  if (!can) ImGui::BeginDisabled();
  if (ImGui::Button(erase_running_ ? "Erasing..." : "Erase...")) {
    erase_confirming_ = true;
    erase_target_ = r.id;
    ImGui::OpenPopup("Erase recording?");
  }
  probe_item("library.erase");
  if (!can) ImGui::EndDisabled();
  if (!erase_running_ && trimmed(erase_reason_.data()).empty()) {
    ImGui::TextColored(kMutedColour, "Give a reason to erase.");
  }
  if (ImGui::BeginPopupModal("Erase recording?", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::Text("Erase %s (%s)?", short_id_of(erase_target_).c_str(), r.procedure.c_str());
    ImGui::TextWrapped(
        "Its key and media are destroyed for ever (crypto-shredding); a tombstone and the "
        "audit row remain. Reason: %s",
        erase_reason_.data());
    if (ImGui::Button("Erase for ever")) {
      if (auto started = start_erase(); !started) {
        set_message("Erase: " + started.error().message(), true);
      }
      erase_confirming_ = false;
      ImGui::CloseCurrentPopup();
    }
    probe_item("library.erase_confirm");
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) {
      erase_confirming_ = false;
      ImGui::CloseCurrentPopup();
    }
    probe_item("library.erase_cancel");
    ImGui::EndPopup();
  }
}

Status LibraryView::start_erase() {
  if (auto why = erase_unavailable_reason(); !why.empty()) {
    return fail(Errc::permission_denied, why);
  }
  const std::string reason = trimmed(erase_reason_.data());
  if (reason.empty()) return fail(Errc::invalid_argument, "give a reason for the erasure");
  if (erase_target_.empty()) return fail(Errc::invalid_argument, "no recording to erase");
  LibraryWorker* w = worker();
  if (w == nullptr) return fail(Errc::permission_denied, "sign in first");
  erase_running_ = true;
  w->start_erase(erase_target_, reason);
  set_message(fmt::format("Erasing {}...", short_id_of(erase_target_)), false);
  return {};
}

void LibraryView::draw_audit(const archive::RecordingInfo& r) {
  if (!ImGui::CollapsingHeader("Audit trail", ImGuiTreeNodeFlags_DefaultOpen)) return;
  const std::string why_not = audit_unavailable_reason();
  if (!why_not.empty()) {
    ImGui::TextWrapped("%s", why_not.c_str());
    return;
  }
  const bool reading = audit_running_;
  if (reading) ImGui::BeginDisabled();
  if (ImGui::Button(reading ? "Reading..." : "Read the audit trail")) (void)request_audit();
  probe_item("library.audit_load");
  if (reading) ImGui::EndDisabled();
  if (!audit_ || audit_->recording_id != r.id) return;
  if (!audit_->rows) {
    ImGui::TextColored(kErrorColour, "%s", audit_->rows.error().message().c_str());
    return;
  }
  ImGui::Text("%zu row(s) about this recording", audit_->rows->size());
  constexpr ImGuiTableFlags kFlags =
      ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY;
  if (!ImGui::BeginTable("library.audit", 5, kFlags, ImVec2(0, 180.0F))) return;
  for (const char* name : {"#", "When", "Who", "What", "Outcome"}) ImGui::TableSetupColumn(name);
  ImGui::TableHeadersRow();
  for (const archive::AuditEntry& e : *audit_->rows) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%lld", static_cast<long long>(e.seq));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(e.at.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%s (%s)", e.user.c_str(), e.role.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(e.action.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(e.outcome.c_str());
    if (ImGui::IsItemHovered() && !e.reason.empty()) ImGui::SetTooltip("%s", e.reason.c_str());
  }
  ImGui::EndTable();
}

Status LibraryView::request_audit() {
  if (auto why = audit_unavailable_reason(); !why.empty()) {
    return fail(Errc::permission_denied, why);
  }
  if (!selected_) return fail(Errc::invalid_argument, "audit trail: no recording selected");
  LibraryWorker* w = worker();
  if (w == nullptr) return fail(Errc::permission_denied, "sign in first");
  audit_running_ = true;
  w->request_audit(results_[*selected_].id);
  return {};
}

}  // namespace clinvid::studio
