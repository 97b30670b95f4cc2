#include "script.hpp"

#include <charconv>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include <fmt/format.h>

#include "timeline/model.hpp"

namespace clinvid::studio {

namespace {

struct Arity {
  std::size_t min = 0;
  std::size_t max = 0;
};

const std::map<std::string, Arity, std::less<>>& verbs() {
  static const std::map<std::string, Arity, std::less<>> table = {
      {"sign_in", {0, 0}},      {"view", {1, 1}},
      {"search", {0, 32}},      {"purpose_filter", {1, 1}},
      {"select", {1, 1}},       {"add_to_timeline", {0, 0}},
      {"select_clip", {1, 1}},  {"step", {1, 1}},
      {"mark_in", {0, 0}},      {"mark_out", {0, 0}},
      {"undo", {0, 0}},         {"redo", {0, 0}},
      {"speed", {1, 1}},        {"layout", {1, 1}},
      {"save", {0, 1}},         {"check_consent", {1, 1}},
      {"export", {1, 2}},       {"wait_export", {0, 0}},
      {"wait_preview", {0, 0}}, {"frames", {1, 1}},
      {"screenshot", {1, 1}},   {"quit", {0, 0}}};
  return table;
}

Result<std::int64_t> parse_int(const ScriptStep& step, const std::string& text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return fail(Errc::invalid_argument, fmt::format("line {}: `{}` needs a whole number, not `{}`",
                                                    step.line, step.verb, text));
  }
  return value;
}

// Waiting steps give up after this many frames (minutes at any frame rate Xvfb gives).
constexpr std::uint64_t kWaitLimitFrames = 20'000;

}  // namespace

Result<std::vector<ScriptStep>> load_script(const std::filesystem::path& file) {
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
    const auto known = verbs().find(step.verb);
    if (known == verbs().end()) {
      return fail(Errc::invalid_argument,
                  fmt::format("{}:{}: unknown step `{}`", file.string(), line, step.verb));
    }
    if (step.args.size() < known->second.min || step.args.size() > known->second.max) {
      return fail(Errc::invalid_argument,
                  fmt::format("{}:{}: `{}` takes {} to {} argument(s), not {}", file.string(), line,
                              step.verb, known->second.min, known->second.max, step.args.size()));
    }
    steps.push_back(std::move(step));
  }
  if (steps.empty()) {
    return fail(Errc::invalid_argument, fmt::format("the script {} has no steps", file.string()));
  }
  return steps;
}

ScriptRunner::ScriptRunner(std::vector<ScriptStep> steps, ScriptTarget target)
    : steps_(std::move(steps)), target_(std::move(target)) {}

Json ScriptRunner::model_state() const {
  const StudioModel& model = *target_.model;
  Json state = Json::object();
  state["signed_in"] = model.signed_in();
  if (model.signed_in()) {
    state["user"] = model.user().name;
    state["role"] = std::string(consent::to_string(model.user().role));
  }
  std::size_t clips = 0;
  for (const timeline::Track& track : model.project().tracks) clips += track.clips.size();
  state["tracks"] = model.project().tracks.size();
  state["clips"] = clips;
  state["undo_depth"] = model.history().undo_depth();
  state["playhead"] = target_.editor->playhead();
  state["frames"] = target_.editor->frame_count();
  state["library_results"] = target_.library->results().size();
  return state;
}

void ScriptRunner::report(const ScriptStep& step, Json extra) {
  Json line = model_state();
  line["step"] = step.verb;
  line["line"] = step.line;
  line["ok"] = true;
  for (auto& [key, value] : extra.items()) line[key] = value;
  target_.print_line(line.dump());
}

Result<ScriptState> ScriptRunner::tick() {
  if (next_ >= steps_.size()) return ScriptState::finished;
  const ScriptStep& step = steps_[next_];
  auto done = run(step);
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
  waited_frames_ = 0;
  started_ = false;
  ++next_;
  return next_ >= steps_.size() ? ScriptState::finished : ScriptState::running;
}

Result<bool> ScriptRunner::run(const ScriptStep& step) {
  const std::string& verb = step.verb;
  const auto& args = step.args;
  auto checked = [&](const Status& status, Json extra = Json::object()) -> Result<bool> {
    if (!status) return tl::unexpected(status.error());
    report(step, std::move(extra));
    return true;
  };
  if (verb == "sign_in") {
    if (target_.model->signed_in()) return checked({});
    return checked(target_.sign_in());
  }
  if (verb == "view") {
    auto view = parse_view(args[0]);
    if (!view) return tl::unexpected(view.error());
    const std::string reason = target_.model->view_unavailable_reason(*view);
    if (!reason.empty()) {
      return fail(Errc::permission_denied, fmt::format("the {} view: {}", args[0], reason));
    }
    // Two frames: one selects the tab, the next draws it with its layout settled.
    if (!started_) {
      target_.show_view(*view);
      started_ = true;
      return false;
    }
    if (waited_frames_ < 2) return false;
    return checked({}, {{"view", args[0]}});
  }
  if (verb == "search") {
    std::string text;
    for (const std::string& word : args) text += (text.empty() ? "" : " ") + word;
    return checked(target_.library->search(text));
  }
  if (verb == "purpose_filter") {
    if (args[0] == "any") return checked(target_.library->set_purpose_filter(std::nullopt));
    auto purpose = consent::parse_purpose(args[0]);
    if (!purpose) return tl::unexpected(purpose.error());
    return checked(target_.library->set_purpose_filter(*purpose));
  }
  if (verb == "select") {
    auto index = parse_int(step, args[0]);
    if (!index) return tl::unexpected(index.error());
    if (*index < 0) return fail(Errc::out_of_range, "select: the index is negative");
    if (auto selected = target_.library->select(static_cast<std::size_t>(*index)); !selected) {
      return tl::unexpected(selected.error());
    }
    return checked(
        {}, {{"recording", target_.library->results()[static_cast<std::size_t>(*index)].id}});
  }
  if (verb == "add_to_timeline") {
    auto added = target_.library->add_selected_to_timeline();
    if (!added) return tl::unexpected(added.error());
    target_.editor->select_clip(*added);
    return checked({}, {{"clip", *added}});
  }
  if (verb == "select_clip") {
    if (timeline::find_clip(target_.model->project(), args[0]).clip == nullptr) {
      return fail(Errc::not_found, fmt::format("no clip `{}` in the project", args[0]));
    }
    target_.editor->select_clip(args[0]);
    return checked({});
  }
  if (verb == "step") {
    if (!started_) {
      auto frames = parse_int(step, args[0]);
      if (!frames) return tl::unexpected(frames.error());
      target_.editor->step(*frames);
      started_ = true;
    }
    target_.editor->update();
    if (!target_.editor->preview_current()) return false;
    return checked({});
  }
  if (verb == "wait_preview") {
    target_.editor->update();
    if (!target_.editor->preview_current()) return false;
    return checked({});
  }
  if (verb == "mark_in") return checked(target_.editor->mark_in());
  if (verb == "mark_out") return checked(target_.editor->mark_out());
  if (verb == "undo") return checked(target_.editor->undo());
  if (verb == "redo") return checked(target_.editor->redo());
  if (verb == "speed") {
    auto speed = Rational::parse(args[0]);
    if (!speed) return tl::unexpected(speed.error());
    return checked(target_.editor->set_speed(*speed));
  }
  if (verb == "layout") {
    auto kind = timeline::parse_layout_kind(args[0]);
    if (!kind) return tl::unexpected(kind.error());
    return checked(target_.editor->set_layout(*kind));
  }
  if (verb == "save") {
    if (!args.empty()) target_.model->set_project_name(args[0]);
    auto saved = target_.model->save_project();
    if (!saved) return tl::unexpected(saved.error());
    return checked({}, {{"project", saved->name}, {"revision", saved->revision}});
  }
  if (verb == "check_consent") {
    auto purpose = consent::parse_purpose(args[0]);
    if (!purpose) return tl::unexpected(purpose.error());
    target_.export_view->set_purpose(*purpose);
    return checked(target_.export_view->check_consent());
  }
  if (verb == "export") {
    auto purpose = consent::parse_purpose(args[0]);
    if (!purpose) return tl::unexpected(purpose.error());
    if (args.size() > 1) {
      if (auto preset = target_.export_view->select_preset(args[1]); !preset) {
        return tl::unexpected(preset.error());
      }
    }
    target_.export_view->set_purpose(*purpose);
    return checked(target_.export_view->start_export());
  }
  if (verb == "wait_export") {
    target_.export_view->update();
    if (target_.export_view->exporting()) return false;
    const auto& result = target_.export_view->last_result();
    if (!result) return fail(Errc::invalid_argument, "no export was started");
    if (!*result) return tl::unexpected(result->error());
    return checked({}, {{"film", **result}});
  }
  if (verb == "frames") {
    auto frames = parse_int(step, args[0]);
    if (!frames) return tl::unexpected(frames.error());
    if (static_cast<std::int64_t>(waited_frames_) < *frames) return false;
    return checked({});
  }
  if (verb == "screenshot") {
    if (!started_) {
      target_.request_screenshot(args[0]);
      started_ = true;
      return false;
    }
    if (target_.screenshot_pending()) return false;
    return checked({}, {{"screenshot", args[0]}});
  }
  if (verb == "quit") {
    report(step, Json::object());
    next_ = steps_.size() - 1;  // tick() steps past the end
    return true;
  }
  return fail(Errc::internal, "unhandled step " + verb);
}

}  // namespace clinvid::studio
