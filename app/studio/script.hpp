// The scripted test mode (`--script FILE`): a list of steps run through the real frame loop,
// with a JSON line on stdout after each step saying what the model now holds (so a test can
// assert model changes).
//
// File format: one step per line, words separated by spaces; '#' starts a comment. Each view
// contributes its own steps (its add_script_steps); the frame loop contributes the general ones:
//   sign_in                     sign in with --user/--passphrase-file (if not yet signed in)
//   view capture|library|editor|export|review|consent|settings
//   frames N                    draws N frames
//   screenshot PATH             writes the window as PNG
//   click NAME                  presses and releases the left button on a named widget
//   drag NAME DX DY             drags a named widget by DX, DY pixels
//   type WORDS...               types the words (joined by single spaces) into the focused field
//   key CHORD                   presses a key: `space`, `left`, `m`, `ctrl+z`, `shift+f1`, …
//   expect_disabled NAME        fails unless the named widget is drawn disabled
//   expect_enabled NAME         fails unless the named widget is drawn and enabled
//   quit
// Named widgets are those a view registers with probe_item() (ui_probe.hpp); click, drag, type
// and key go through Dear ImGui's input exactly where the platform backend's events land
// (input_injector.hpp), so they exercise the same code a person's mouse and keyboard do.
// A step that fails stops the script: the error goes to stderr and the studio exits 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"

namespace clinvid::studio {

struct ScriptStep {
  std::size_t line = 0;  // 1-based, for messages
  std::string verb;
  std::vector<std::string> args;
};

// One call of a step's handler (once per frame until it finishes).
struct StepCall {
  const ScriptStep& step;
  std::uint64_t waited_frames = 0;  // frames already spent on this step
  bool& started;                    // false on the first call; handlers set it once they acted
  Json extra = Json::object();      // merged into the step's JSON line
};

// Returns true when the step finished this frame, false to be called again next frame.
using StepHandler = std::function<Result<bool>(StepCall&)>;

// The steps a script may use, each with its argument count, and what goes into every JSON line.
class ScriptVerbs {
 public:
  void add(std::string verb, std::size_t min_args, std::size_t max_args, StepHandler handler);
  // Called for every JSON line: adds this part of the studio's state (e.g. "clips", "recording").
  void add_state(std::function<void(Json&)> contribute);

  struct Verb {
    std::size_t min_args = 0;
    std::size_t max_args = 0;
    StepHandler handler;
  };
  [[nodiscard]] const Verb* find(std::string_view verb) const;
  [[nodiscard]] Json state() const;

 private:
  std::map<std::string, Verb, std::less<>> verbs_;
  std::vector<std::function<void(Json&)>> state_;
};

// Parses a step's argument as a whole number; the error names the step's line.
[[nodiscard]] Result<std::int64_t> parse_step_int(const ScriptStep& step, const std::string& text);
// Parses a step's argument as a decimal number; the error names the step's line.
[[nodiscard]] Result<double> parse_step_number(const ScriptStep& step, const std::string& text);

// Reads and checks the whole file before anything runs: Errc::not_found for a missing file,
// Errc::invalid_argument naming the line for an unknown step or a wrong argument count.
[[nodiscard]] Result<std::vector<ScriptStep>> load_script(const std::filesystem::path& file,
                                                          const ScriptVerbs& verbs);

enum class ScriptState { invalid = 0, running, finished };

class ScriptRunner {
 public:
  using PrintLine = std::function<void(const std::string&)>;
  // `verbs` must outlive the runner. `quit` is built in.
  ScriptRunner(std::vector<ScriptStep> steps, const ScriptVerbs& verbs, PrintLine print_line);

  // Called once per frame before the UI is drawn. Runs at most one step, or keeps waiting for
  // the current one. Errors name the step and its line.
  [[nodiscard]] Result<ScriptState> tick();

 private:
  void report(const ScriptStep& step, const Json& extra);

  std::vector<ScriptStep> steps_;
  const ScriptVerbs* verbs_;
  PrintLine print_line_;
  std::size_t next_ = 0;
  std::uint64_t waited_frames_ = 0;  // frames spent on the current step
  bool started_ = false;             // the current step's action was taken (waiting steps)
};

}  // namespace clinvid::studio
