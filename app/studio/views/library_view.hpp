// Library: full-text search of the catalogue with a purpose filter, the recordings found,
// the selected one's details and provenance, and "Add to timeline". UI thread only.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "script.hpp"
#include "studio_model.hpp"

namespace clinvid::studio {

class LibraryView {
 public:
  explicit LibraryView(StudioModel& model) : model_(&model) {}

  void draw();
  // Registers the scripted test mode's steps for this view (script.hpp).
  void add_script_steps(ScriptVerbs& verbs);

  // The actions the widgets (and the scripted test mode) take. Each returns what failed.
  [[nodiscard]] Status search(std::string text);
  [[nodiscard]] Status set_purpose_filter(std::optional<consent::Purpose> purpose);
  [[nodiscard]] Status select(std::size_t index);
  [[nodiscard]] Result<std::string> add_selected_to_timeline();

  [[nodiscard]] const std::vector<archive::RecordingInfo>& results() const noexcept {
    return results_;
  }
  [[nodiscard]] std::optional<std::size_t> selected() const noexcept { return selected_; }

 private:
  void draw_results();
  void draw_details(const archive::RecordingInfo& recording);
  [[nodiscard]] Status run_search();

  StudioModel* model_;
  std::array<char, 256> text_{};
  std::optional<consent::Purpose> purpose_;
  std::vector<archive::RecordingInfo> results_;
  std::optional<std::size_t> selected_;
  bool searched_ = false;
  std::string message_;
  bool message_is_error_ = false;
};

}  // namespace clinvid::studio
