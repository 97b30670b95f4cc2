// Export: preset, purpose, the consent gate's answer for the open project ("Check consent"),
// and the export itself on a worker thread (ExportRunner) with progress, ETA and Cancel.
// UI thread only.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "export_runner.hpp"
#include "script.hpp"
#include "studio_model.hpp"

namespace clinvid::studio {

class ExportView {
 public:
  explicit ExportView(StudioModel& model) : model_(&model) {}

  void draw();
  // Registers the scripted test mode's steps for this view (script.hpp).
  void add_script_steps(ScriptVerbs& verbs);
  // Collects a finished export's outcome; called every frame whichever view is shown.
  void update();

  // The actions the widgets and the scripted test mode take.
  [[nodiscard]] Status select_preset(std::string_view id);
  void set_purpose(consent::Purpose purpose) { purpose_ = purpose; }
  // Asks the gate for every clip; the answer (or refusal naming the clip) is shown.
  [[nodiscard]] Status check_consent();
  // Starts render_film on a worker thread; invalid_argument while one runs or for an empty
  // project.
  [[nodiscard]] Status start_export();
  void cancel_export();

  [[nodiscard]] bool exporting() const noexcept { return runner_ != nullptr; }
  // The last finished export: the film's id, or its error.
  [[nodiscard]] const std::optional<Result<std::string>>& last_result() const noexcept {
    return last_result_;
  }

 private:
  StudioModel* model_;
  std::size_t preset_index_ = 0;
  consent::Purpose purpose_ = consent::Purpose::teaching;
  std::string consent_message_;
  bool consent_allowed_ = false;
  std::unique_ptr<ExportRunner> runner_;
  std::optional<Result<std::string>> last_result_;
};

}  // namespace clinvid::studio
