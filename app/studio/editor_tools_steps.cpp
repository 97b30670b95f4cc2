// The scripted test mode's steps and JSON state for the editor's tools (script.hpp).
#include <chrono>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "editor_tools.hpp"
#include "timeline/faces.hpp"

namespace clinvid::studio {

void EditorTools::add_script_steps(ScriptVerbs& verbs) {
  verbs.add("editor_tool", 1, 1, [this](StepCall& call) -> Result<bool> {
    auto tool = parse_canvas_tool(call.step.args[0]);
    if (!tool) return tl::unexpected(tool.error());
    set_tool(*tool);
    return true;
  });
  verbs.add("redaction_mode", 1, 1, [this](StepCall& call) -> Result<bool> {
    auto mode = timeline::parse_redaction_mode(call.step.args[0]);
    if (!mode) return tl::unexpected(mode.error());
    mode_ = *mode;
    return true;
  });
  // editor_target X Y: a click target (`editor.target`) at canvas fractions X, Y of the preview.
  verbs.add("editor_target", 2, 2, [this](StepCall& call) -> Result<bool> {
    auto x = parse_step_number(call.step, call.step.args[0]);
    if (!x) return tl::unexpected(x.error());
    auto y = parse_step_number(call.step, call.step.args[1]);
    if (!y) return tl::unexpected(y.error());
    if (*x < 0 || *x > 1 || *y < 0 || *y > 1) {
      return fail(Errc::invalid_argument, "editor_target X Y: fractions of the preview, 0..1");
    }
    target_ = timeline::NormPoint{*x, *y};
    if (!call.started) {
      call.started = true;
      return false;  // one frame, so the probe is drawn before a click looks it up
    }
    return call.waited_frames >= 1;
  });
  const auto file_step = [this](bool import) {
    return [this, import](StepCall& call) -> Result<bool> {
      if (!call.started) {
        const std::filesystem::path file = call.step.args[0];
        if (auto started = import ? start_import(file) : start_export(file); !started) {
          return tl::unexpected(started.error());
        }
        call.started = true;
        return false;
      }
      if (!file_task_.valid()) return true;
      if (file_task_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
      FileOutcome outcome = file_task_.get();
      if (!outcome.status) return tl::unexpected(outcome.status.error());
      if (import) {
        if (auto applied = apply_imported(outcome.cues); !applied) {
          return tl::unexpected(applied.error());
        }
      }
      return true;
    };
  };
  verbs.add("captions_import", 1, 1, file_step(true));
  verbs.add("captions_export", 1, 1, file_step(false));
  verbs.add("remove_item", 1, 1, [this](StepCall& call) -> Result<bool> {
    if (auto done = remove(call.step.args[0]); !done) return tl::unexpected(done.error());
    return true;
  });
  verbs.add_state([this](Json& state) {
    state["tool"] = std::string(to_string(tool_));
    state["preview_image"] = {image_min_.x, image_min_.y, image_max_.x, image_max_.y};
    Json texts = Json::array();
    for (const timeline::Track& track : model_->project().tracks) {
      for (const timeline::TextItem& item : track.texts) {
        texts.push_back({{"id", item.id},
                         {"track", track.id},
                         {"text", item.text},
                         {"position", std::string(timeline::to_string(item.position))},
                         {"start_s", item.start.seconds()},
                         {"duration_s", item.duration.seconds()}});
      }
    }
    Json redactions = Json::array();
    Json faces = Json::array();
    Json annotations = Json::array();
    for (const timeline::Track& track : model_->project().tracks) {
      for (const timeline::Clip& clip : track.clips) {
        const auto rect = [](const timeline::NormRect& r) { return Json{r.x, r.y, r.w, r.h}; };
        for (const timeline::Redaction& r : clip.redactions) {
          redactions.push_back({{"id", r.id},
                                {"clip", clip.id},
                                {"mode", std::string(timeline::to_string(r.mode))},
                                {"time_s", r.keyframes.front().time.seconds()},
                                {"rect", rect(r.keyframes.front().region)}});
        }
        for (const timeline::FaceRegion& f : clip.faces) {
          faces.push_back({{"id", f.id},
                           {"clip", clip.id},
                           {"time_s", f.keyframes.front().time.seconds()},
                           {"rect", rect(f.keyframes.front().region)}});
        }
        for (const timeline::Annotation& a : clip.annotations) {
          Json points = Json::array();
          for (const timeline::NormPoint& pt : a.keyframes.front().points) {
            points.push_back({pt.x, pt.y});
          }
          annotations.push_back({{"id", a.id},
                                 {"clip", clip.id},
                                 {"kind", std::string(timeline::to_string(a.kind))},
                                 {"points", points}});
        }
      }
    }
    state["texts"] = texts;
    state["redactions"] = redactions;
    state["faces"] = faces;
    std::size_t uncovered_count = 0;
    for (const timeline::Track& track : model_->project().tracks) {
      for (const timeline::Clip& clip : track.clips) {
        if (auto open = timeline::uncovered_faces(model_->project(), clip.id)) {
          uncovered_count += open->size();
        }
      }
    }
    state["uncovered_faces"] = uncovered_count;
    state["annotations"] = annotations;
  });
}

}  // namespace clinvid::studio
