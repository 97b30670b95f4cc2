// Consent form: the fields of a clinical consent form (patient, the purposes explained in plain
// words and what was agreed for each, body sites, who gave consent and their capacity, written
// or verbal, witness, who took it, dates, comments, exceptional circumstances), a signature pad
// (mouse, touch or pen), save to the archive, and withdrawal of purposes of a saved consent.
//
// The form's values and the logic live in consent_form.hpp; this view keeps only UI state (the
// stroke being drawn, the tab, messages). UI thread only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "consent_form.hpp"
#include "script.hpp"
#include "studio_model.hpp"

namespace clinvid::studio {

class ConsentView {
 public:
  explicit ConsentView(StudioModel& model) : model_(&model) {}

  void draw();
  // Registers the scripted test mode's steps and state for this view (script.hpp).
  void add_script_steps(ScriptVerbs& verbs);

  // The actions the buttons (and the scripted test mode) take.
  [[nodiscard]] Status save();
  [[nodiscard]] Status load_for_withdrawal();
  [[nodiscard]] Status submit_withdrawal();
  void clear_signature() { form_.strokes.clear(); }

  [[nodiscard]] const ConsentForm& form() const noexcept { return form_; }
  [[nodiscard]] const std::string& saved_consent_id() const noexcept { return saved_id_; }

 private:
  enum class Tab { invalid = 0, form, withdraw };

  void draw_form();
  void draw_patient_and_purposes();
  void draw_giver_and_capacity();
  void draw_mode_and_signature();
  void draw_signature_pad();
  void draw_people_dates_notes();
  void draw_withdrawal();
  void draw_problem_for(const char* field);
  void show_problem(const Error& error);

  StudioModel* model_;
  ConsentForm form_;
  std::optional<FormProblem> problem_;
  std::string message_;  // the last success, in words
  std::string saved_id_;
  bool drawing_stroke_ = false;

  WithdrawalForm withdrawal_;
  std::optional<consent::ConsentRecord> loaded_;  // the consent whose purposes are listed
  std::vector<consent::FlaggedItem> flagged_;
  std::size_t withdrawals_done_ = 0;
};

}  // namespace clinvid::studio
