// The Capture view's part of the scripted test mode (script.hpp): filling the consent panel,
// the Record button's action, waits on the cameras and the recording, and the view's state in
// every JSON line.
#include <chrono>
#include <string>

#include <fmt/format.h>

#include "views/capture_view.hpp"

namespace clinvid::studio {

Json CaptureView::state_json() const {
  const CaptureStatus status = controller_->status();
  Json out = Json::object();
  Json frames = Json::array();
  std::size_t live = 0;
  for (std::size_t i = 0; i < controller_->camera_count(); ++i) {
    const std::uint64_t published = controller_->preview_slot(i).published();
    frames.push_back(published);
    if (published > 0 && (i >= status.preview_errors.size() || status.preview_errors[i].empty())) {
      ++live;
    }
  }
  out["cameras"] = controller_->camera_count();
  out["cameras_live"] = live;
  out["frames"] = std::move(frames);
  out["phase"] = std::string(to_string(status.phase));
  out["recording"] = status.phase == CapturePhase::recording;
  out["elapsed_s"] = status.elapsed_seconds;
  out["markers"] = status.markers;
  const std::string reason = record_blocked_reason();
  out["record_enabled"] = reason.empty();
  out["record_disabled_reason"] = reason;
  out["grid"] = grid_ == GridMode::thirds;
  out["zebra"] = zebra_;
  out["peaking"] = peaking_;
  Json focus = Json::array();
  for (const CameraTextures& texture : textures_) {
    focus.push_back({{"peaks", texture.live->focus().peaks},
                     {"mean_gradient", texture.live->focus().mean_gradient},
                     {"mean_luma", texture.live->mean_luma()}});
  }
  out["exposure"] = std::move(focus);
  out["ghost"] = ghost_ == GhostMode::on;
  Json ghosts = Json::array();
  for (const CameraTextures& texture : textures_) ghosts.push_back(texture.ghost->has_content());
  out["ghost_frames"] = std::move(ghosts);
  out["consent_message"] = check_message_;
  out["consent_allowed"] = check_allowed_;
  Json streams = Json::array();
  for (const capture::StreamStats& stream : status.streams) {
    streams.push_back({{"id", stream.id},
                       {"state", std::string(capture::to_string(stream.state))},
                       {"frames", stream.frames},
                       {"dropped", stream.dropped_frames},
                       {"bytes", stream.bytes},
                       {"fps", stream.fps},
                       {"error", stream.error}});
  }
  out["streams"] = std::move(streams);
  if (status.last) {
    Json ids = Json::array();
    for (const auto& [stream, id] : status.last->recordings) ids.push_back(id);
    out["last_recording_ids"] = std::move(ids);
    out["last_error"] = status.last->error;
    out["last_problem"] = status.last->problem;
    out["last_seconds"] = status.last->seconds;
  }
  out["calibration"] = calibration_.state_json(status);
  return out;
}

void CaptureView::add_script_steps(ScriptVerbs& verbs) {
  verbs.add("capture_consent", 4, 4, [this](StepCall& call) -> Result<bool> {
    const auto& a = call.step.args;
    if (auto set = set_consent_form(a[0], a[1], a[2], a[3]); !set) {
      return tl::unexpected(set.error());
    }
    return true;
  });
  // The Record button's own action: refused, with the reason, while the button is disabled.
  verbs.add("capture_record", 0, 0, [this](StepCall&) -> Result<bool> {
    if (auto started = record(); !started) return tl::unexpected(started.error());
    return true;
  });
  // Waits (up to a wall-clock limit) until `done` holds; `failed` ends the wait with an error.
  const auto wait = [this](StepCall& call, std::chrono::seconds limit, const auto& done,
                           const auto& failed, const std::string& what) -> Result<bool> {
    if (!call.started) {
      call.started = true;
      wait_started_ = std::chrono::steady_clock::now();
      wait_outcomes_ = controller_->status().outcomes;
    }
    const CaptureStatus status = controller_->status();
    if (std::string why = failed(status); !why.empty()) return fail(Errc::media, why);
    if (done(status)) return true;
    if (std::chrono::steady_clock::now() - wait_started_ > limit) {
      return fail(Errc::cancelled,
                  fmt::format("{} did not happen within {} s", what, limit.count()));
    }
    return false;
  };
  verbs.add("wait_cameras_live", 0, 1, [this, wait](StepCall& call) -> Result<bool> {
    std::int64_t frames = 10;
    if (!call.step.args.empty()) {
      auto parsed = parse_step_int(call.step, call.step.args[0]);
      if (!parsed) return tl::unexpected(parsed.error());
      frames = *parsed;
    }
    const auto all_live = [this, frames](const CaptureStatus&) {
      for (std::size_t i = 0; i < controller_->camera_count(); ++i) {
        if (static_cast<std::int64_t>(controller_->preview_slot(i).published()) < frames) {
          return false;
        }
      }
      return true;
    };
    const auto camera_failed = [](const CaptureStatus& status) {
      for (std::size_t i = 0; i < status.preview_errors.size(); ++i) {
        if (!status.preview_errors[i].empty()) {
          return fmt::format("cam{}: {}", i, status.preview_errors[i]);
        }
      }
      return std::string();
    };
    return wait(call, std::chrono::seconds(60), all_live, camera_failed,
                fmt::format("{} preview frames from every camera", frames));
  });
  verbs.add("wait_recording", 1, 1, [this, wait](StepCall& call) -> Result<bool> {
    auto seconds = parse_step_number(call.step, call.step.args[0]);
    if (!seconds) return tl::unexpected(seconds.error());
    const double wanted = *seconds;
    const auto recorded = [wanted](const CaptureStatus& status) {
      return status.phase == CapturePhase::recording && status.elapsed_seconds >= wanted;
    };
    // A recording ended (or failed to start) since the wait began, before the time was up.
    const auto ended = [this](const CaptureStatus& status) {
      if (status.outcomes == wait_outcomes_ || !status.last) return std::string();
      return "the recording ended: " +
             (status.last->error.empty() ? status.last->problem : status.last->error);
    };
    return wait(call, std::chrono::seconds(60 + static_cast<int>(*seconds)), recorded, ended,
                fmt::format("{} s of recording", *seconds));
  });
  verbs.add("wait_capture_stopped", 0, 0, [this, wait](StepCall& call) -> Result<bool> {
    const auto stopped = [](const CaptureStatus& status) {
      return status.phase == CapturePhase::previewing && status.last.has_value();
    };
    auto done = wait(
        call, std::chrono::seconds(90), stopped, [](const CaptureStatus&) { return std::string(); },
        "the recording's end");
    if (done && *done) call.extra["capture_stopped"] = true;
    return done;
  });
  calibration_.add_script_steps(verbs);
  verbs.add_state([this](Json& state) { state["capture"] = state_json(); });
}

}  // namespace clinvid::studio
