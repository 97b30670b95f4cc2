#include "views/export_view.hpp"

#include <fmt/format.h>
#include <imgui.h>

#include "render/presets.hpp"
#include "theme.hpp"

namespace clinvid::studio {

namespace {

constexpr consent::Purpose kPurposes[] = {
    consent::Purpose::clinical_record, consent::Purpose::teaching, consent::Purpose::research,
    consent::Purpose::publication, consent::Purpose::safeguarding_medico_legal};

}  // namespace

Status ExportView::select_preset(std::string_view id) {
  const auto presets = render::export_presets();
  for (std::size_t i = 0; i < presets.size(); ++i) {
    if (presets[i].id == id) {
      preset_index_ = i;
      return {};
    }
  }
  return tl::unexpected(render::find_preset(id).error());
}

Status ExportView::check_consent() {
  if (!model_->signed_in()) return fail(Errc::permission_denied, "check consent: sign in first");
  if (model_->project().tracks.empty()) {
    return fail(Errc::invalid_argument, "check consent: the project has no clips yet");
  }
  auto checked = render::check_film_consent(model_->archive(), model_->project(), purpose_);
  consent_allowed_ = checked.has_value();
  if (!checked) {
    consent_message_ = checked.error().message();
    return tl::unexpected(checked.error());
  }
  consent_message_ =
      fmt::format("Allowed for {}: {} clip(s) from {} recording(s), catalogued as {}",
                  consent::to_string(purpose_), checked->clips.size(), checked->sources.size(),
                  consent::to_string(checked->identifiability));
  return {};
}

Status ExportView::start_export() {
  if (runner_) return fail(Errc::invalid_argument, "an export is already running");
  if (!model_->signed_in()) return fail(Errc::permission_denied, "export: sign in first");
  if (model_->project().tracks.empty()) {
    return fail(Errc::invalid_argument, "export: the project has no clips yet");
  }
  render::FilmRequest request;
  request.project = model_->project();
  request.project_name = model_->project_name();
  request.purpose = purpose_;
  request.preset = render::export_presets()[preset_index_];
  request.backend = render::Backend::cpu;
  runner_ = ExportRunner::start(model_->archive_dir(), model_->user().name,
                                model_->passphrase_copy(), std::move(request));
  last_result_.reset();
  return {};
}

void ExportView::cancel_export() {
  if (runner_) runner_->cancel();
}

void ExportView::update() {
  if (!runner_ || !runner_->done()) return;
  auto outcome = runner_->take_outcome();
  runner_.reset();
  if (!outcome) return;
  if (*outcome) {
    last_result_ = (*outcome)->film.id;
  } else {
    last_result_ = tl::unexpected(outcome->error());
  }
}

void ExportView::draw() {
  const auto presets = render::export_presets();
  ImGui::BeginDisabled(runner_ != nullptr);
  ImGui::SetNextItemWidth(320.0F);
  if (ImGui::BeginCombo("Preset", std::string(presets[preset_index_].label).c_str())) {
    for (std::size_t i = 0; i < presets.size(); ++i) {
      if (ImGui::Selectable(std::string(presets[i].label).c_str(), i == preset_index_)) {
        preset_index_ = i;
      }
    }
    ImGui::EndCombo();
  }
  ImGui::TextColored(kMutedColour, "%s", std::string(presets[preset_index_].use).c_str());
  ImGui::SetNextItemWidth(320.0F);
  if (ImGui::BeginCombo("Purpose", std::string(consent::to_string(purpose_)).c_str())) {
    for (consent::Purpose purpose : kPurposes) {
      if (ImGui::Selectable(std::string(consent::to_string(purpose)).c_str(),
                            purpose == purpose_)) {
        purpose_ = purpose;
        consent_message_.clear();
      }
    }
    ImGui::EndCombo();
  }
  if (ImGui::Button("Check consent")) (void)check_consent();
  if (!consent_message_.empty()) {
    ImGui::TextWrapped("%s", consent_message_.c_str());
    if (!consent_allowed_) ImGui::TextColored(kErrorColour, "Refused: the film cannot be made.");
  }
  ImGui::Separator();
  if (ImGui::Button("Export")) {
    if (auto started = start_export(); !started) last_result_ = tl::unexpected(started.error());
  }
  ImGui::EndDisabled();

  if (runner_) {
    const render::ExportProgress progress = runner_->progress();
    const std::string overlay =
        fmt::format("{} / {} frames", progress.frames_done, progress.frames_total);
    ImGui::ProgressBar(static_cast<float>(progress.fraction), ImVec2(-1.0F, 0.0F), overlay.c_str());
    if (progress.eta_seconds) {
      ImGui::Text("%.1f fps, about %.0f s left", progress.frames_per_second, *progress.eta_seconds);
    } else {
      ImGui::TextColored(kMutedColour, "Starting…");
    }
    if (ImGui::Button("Cancel")) cancel_export();
  }
  if (last_result_) {
    if (*last_result_) {
      ImGui::TextColored(kOkColour, "Film %s is in the archive.", (*last_result_)->c_str());
    } else {
      ImGui::TextColored(kErrorColour, "%s", last_result_->error().message().c_str());
    }
  }
}

void ExportView::add_script_steps(ScriptVerbs& verbs) {
  verbs.add("check_consent", 1, 1, [this](StepCall& call) -> Result<bool> {
    auto purpose = consent::parse_purpose(call.step.args[0]);
    if (!purpose) return tl::unexpected(purpose.error());
    set_purpose(*purpose);
    if (auto checked = check_consent(); !checked) return tl::unexpected(checked.error());
    return true;
  });
  verbs.add("export", 1, 2, [this](StepCall& call) -> Result<bool> {
    const auto& args = call.step.args;
    auto purpose = consent::parse_purpose(args[0]);
    if (!purpose) return tl::unexpected(purpose.error());
    if (args.size() > 1) {
      if (auto preset = select_preset(args[1]); !preset) return tl::unexpected(preset.error());
    }
    set_purpose(*purpose);
    if (auto started = start_export(); !started) return tl::unexpected(started.error());
    return true;
  });
  verbs.add("wait_export", 0, 0, [this](StepCall& call) -> Result<bool> {
    update();
    if (exporting()) return false;
    if (!last_result_) return fail(Errc::invalid_argument, "no export was started");
    if (!*last_result_) return tl::unexpected(last_result_->error());
    call.extra["film"] = **last_result_;
    return true;
  });
}

}  // namespace clinvid::studio
