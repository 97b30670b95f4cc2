#include "script.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <utility>

#include <fmt/format.h>

namespace clinvid::studio {

namespace {

// Waiting steps give up after this many frames (minutes at any frame rate Xvfb gives).
constexpr std::uint64_t kWaitLimitFrames = 20'000;

}  // namespace

void ScriptVerbs::add(std::string verb, std::size_t min_args, std::size_t max_args,
                      StepHandler handler) {
  verbs_.insert_or_assign(std::move(verb), Verb{min_args, max_args, std::move(handler)});
}

void ScriptVerbs::add_state(std::function<void(Json&)> contribute) {
  state_.push_back(std::move(contribute));
}

const ScriptVerbs::Verb* ScriptVerbs::find(std::string_view verb) const {
  const auto found = verbs_.find(verb);
  return found == verbs_.end() ? nullptr : &found->second;
}

Json ScriptVerbs::state() const {
  Json state = Json::object();
  for (const auto& contribute : state_) contribute(state);
  return state;
}

Result<std::int64_t> parse_step_int(const ScriptStep& step, const std::string& text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return fail(Errc::invalid_argument, fmt::format("line {}: `{}` needs a whole number, not `{}`",
                                                    step.line, step.verb, text));
  }
  return value;
}

Result<double> parse_step_number(const ScriptStep& step, const std::string& text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return fail(Errc::invalid_argument,
                fmt::format("line {}: `{}` needs a number, not `{}`", step.line, step.verb, text));
  }
  return value;
}

Result<std::vector<ScriptStep>> load_script(const std::filesystem::path& file,
                                            const ScriptVerbs& verbs) {
  std::ifstream in(file);
  if (!in) return fail(Errc::not_found, fmt::format("cannot read the script {}", file.string()));
  std::vector<ScriptStep> steps;
  std::string text;
  for (std::size_t line = 1; std::getline(in, text); ++line) {
    if (const auto hash = text.find('#'); hash != std::string::npos) text.resize(hash);
    std::istringstream words(text);
    ScriptStep step;
    step.line = line;
    if (!(words >> step.verb)) continue;
    for (std::string word; words >> word;) step.args.push_back(std::move(word));
    if (step.verb == "quit") {
      if (!step.args.empty()) {
        return fail(Errc::invalid_argument,
                    fmt::format("{}:{}: `quit` takes no arguments", file.string(), line));
      }
      steps.push_back(std::move(step));
      continue;
    }
    const ScriptVerbs::Verb* known = verbs.find(step.verb);
    if (known == nullptr) {
      return fail(Errc::invalid_argument,
                  fmt::format("{}:{}: unknown step `{}`", file.string(), line, step.verb));
    }
    if (step.args.size() < known->min_args || step.args.size() > known->max_args) {
      return fail(Errc::invalid_argument,
                  fmt::format("{}:{}: `{}` takes {} to {} argument(s), not {}", file.string(), line,
                              step.verb, known->min_args, known->max_args, step.args.size()));
    }
    steps.push_back(std::move(step));
  }
  if (steps.empty()) {
    return fail(Errc::invalid_argument, fmt::format("the script {} has no steps", file.string()));
  }
  return steps;
}

ScriptRunner::ScriptRunner(std::vector<ScriptStep> steps, const ScriptVerbs& verbs,
                           PrintLine print_line)
    : steps_(std::move(steps)), verbs_(&verbs), print_line_(std::move(print_line)) {}

void ScriptRunner::report(const ScriptStep& step, const Json& extra) {
  Json line = verbs_->state();
  line["step"] = step.verb;
  line["line"] = step.line;
  line["ok"] = true;
  for (const auto& [key, value] : extra.items()) line[key] = value;
  print_line_(line.dump());
}

Result<ScriptState> ScriptRunner::tick() {
  if (next_ >= steps_.size()) return ScriptState::finished;
  const ScriptStep& step = steps_[next_];
  if (step.verb == "quit") {
    report(step, Json::object());
    next_ = steps_.size();
    return ScriptState::finished;
  }
  const ScriptVerbs::Verb* verb = verbs_->find(step.verb);
  if (verb == nullptr) return fail(Errc::internal, "unhandled step " + step.verb);
  StepCall call{step, waited_frames_, started_};
  auto done = verb->handler(call);
  if (!done) {
    return fail(done.error().code, fmt::format("script line {} (`{}`): {}", step.line, step.verb,
                                               done.error().message()));
  }
  if (!*done) {
    if (++waited_frames_ > kWaitLimitFrames) {
      return fail(Errc::cancelled, fmt::format("script line {} (`{}`) did not finish within {} "
                                               "frames",
                                               step.line, step.verb, kWaitLimitFrames));
    }
    return ScriptState::running;
  }
  report(step, call.extra);
  waited_frames_ = 0;
  started_ = false;
  ++next_;
  return next_ >= steps_.size() ? ScriptState::finished : ScriptState::running;
}

}  // namespace clinvid::studio
