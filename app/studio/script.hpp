// The scripted test mode (`--script FILE`): a list of steps run through the real frame loop,
// each acting through the same functions the widgets call, with a JSON line on stdout after
// each step saying what the model now holds (so a test can assert model changes).
//
// File format: one step per line, words separated by spaces; '#' starts a comment.
//   sign_in                     sign in with --user/--passphrase-file (if not yet signed in)
//   view capture|library|editor|export
//   search [WORDS...]           library full-text search (no words: everything)
//   purpose_filter PURPOSE|any
//   select N                    the Nth library result (from 0)
//   add_to_timeline             the selected recording, at the end of the first video track
//   select_clip ID
//   step N                      frame step (negative: back); waits for the preview frame
//   mark_in | mark_out | undo | redo
//   speed N/D | layout KIND
//   save [NAME]
//   check_consent PURPOSE
//   export PURPOSE [PRESET]     starts the export on its worker thread
//   wait_export                 waits for it; fails if the export failed
//   wait_preview                waits until the preview shows the playhead's frame
//   frames N                    draws N frames
//   screenshot PATH             writes the window as PNG
//   quit
// A step that fails stops the script: the error goes to stderr and the studio exits 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "studio_model.hpp"
#include "views/editor_view.hpp"
#include "views/export_view.hpp"
#include "views/library_view.hpp"

namespace clinvid::studio {

struct ScriptStep {
  std::size_t line = 0;  // 1-based, for messages
  std::string verb;
  std::vector<std::string> args;
};

// Reads and checks the whole file before anything runs: Errc::not_found for a missing file,
// Errc::invalid_argument naming the line for an unknown step or a wrong argument count.
[[nodiscard]] Result<std::vector<ScriptStep>> load_script(const std::filesystem::path& file);

// What the runner acts on. All references outlive the runner.
struct ScriptTarget {
  StudioModel* model = nullptr;
  LibraryView* library = nullptr;
  EditorView* editor = nullptr;
  ExportView* export_view = nullptr;
  std::function<Status()> sign_in;                      // with the command line's user
  std::function<void(ViewId)> show_view;                // selects the tab next frame
  std::function<void(std::string)> request_screenshot;  // taken at the end of a frame
  std::function<bool()> screenshot_pending;
  std::function<void(const std::string&)> print_line;  // one JSON line
};

enum class ScriptState { invalid = 0, running, finished };

class ScriptRunner {
 public:
  ScriptRunner(std::vector<ScriptStep> steps, ScriptTarget target);

  // Called once per frame before the UI is drawn. Runs at most one step, or keeps waiting for
  // the current one. Errors name the step and its line.
  [[nodiscard]] Result<ScriptState> tick();

 private:
  // True when the step finished this frame; false to be called again next frame.
  [[nodiscard]] Result<bool> run(const ScriptStep& step);
  [[nodiscard]] Json model_state() const;
  void report(const ScriptStep& step, Json extra);

  std::vector<ScriptStep> steps_;
  ScriptTarget target_;
  std::size_t next_ = 0;
  std::uint64_t waited_frames_ = 0;  // frames spent on the current step
  bool started_ = false;             // the current step's action was taken (waiting steps)
};

}  // namespace clinvid::studio
