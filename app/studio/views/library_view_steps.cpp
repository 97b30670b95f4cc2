// The Library's steps for the scripted test mode (script.hpp) and its part of the JSON lines.
#include <chrono>

#include <fmt/format.h>

#include "views/library_view.hpp"

namespace clinvid::studio {

namespace {

// How long a waiting step may take before it fails (the media work runs on worker threads).
constexpr auto kWaitLimit = std::chrono::seconds(30);

// A waiting step's clock: started on its first call.
class StepClock {
 public:
  Result<bool> expired(StepCall& call, std::string_view what) {
    if (!call.started) {
      started_at_ = std::chrono::steady_clock::now();
      call.started = true;
    }
    if (std::chrono::steady_clock::now() - started_at_ > kWaitLimit) {
      return fail(Errc::cancelled, fmt::format("{}: nothing after {} s", what, kWaitLimit.count()));
    }
    return false;
  }

 private:
  std::chrono::steady_clock::time_point started_at_;
};

}  // namespace

void LibraryView::add_script_steps(ScriptVerbs& verbs) {
  verbs.add("search", 0, 32, [this](StepCall& call) -> Result<bool> {
    std::string text;
    for (const std::string& word : call.step.args) text += (text.empty() ? "" : " ") + word;
    if (auto searched = search(text); !searched) return tl::unexpected(searched.error());
    return true;
  });
  verbs.add("purpose_filter", 1, 1, [this](StepCall& call) -> Result<bool> {
    const std::string& arg = call.step.args[0];
    Status set;
    if (arg == "any") {
      set = set_purpose_filter(std::nullopt);
    } else {
      auto purpose = consent::parse_purpose(arg);
      if (!purpose) return tl::unexpected(purpose.error());
      set = set_purpose_filter(*purpose);
    }
    if (!set) return tl::unexpected(set.error());
    return true;
  });
  verbs.add("select", 1, 1, [this](StepCall& call) -> Result<bool> {
    auto index = parse_step_int(call.step, call.step.args[0]);
    if (!index) return tl::unexpected(index.error());
    if (*index < 0) return fail(Errc::out_of_range, "select: the index is negative");
    const auto at = static_cast<std::size_t>(*index);
    if (auto selected = select(at); !selected) return tl::unexpected(selected.error());
    call.extra["recording"] = results_[at].id;
    return true;
  });
  verbs.add("select_recording", 1, 1, [this](StepCall& call) -> Result<bool> {
    for (std::size_t i = 0; i < results_.size(); ++i) {
      if (results_[i].id == call.step.args[0]) {
        if (auto selected = select(i); !selected) return tl::unexpected(selected.error());
        call.extra["recording"] = results_[i].id;
        return true;
      }
    }
    return fail(Errc::not_found, fmt::format("select_recording: {} is not among the {} results",
                                             call.step.args[0], results_.size()));
  });
  // Waits until every result's thumbnail was made (or refused) and the atlas is on the GPU.
  verbs.add("wait_thumbnails", 0, 0,
            [this, clock = StepClock()](StepCall& call) mutable -> Result<bool> {
              if (auto late = clock.expired(call, "wait_thumbnails"); !late) return late;
              if (worker_ == nullptr || worker_->busy()) return false;
              const auto thumbs = worker_->thumbnails();
              for (const ThumbnailInfo& t : thumbs) {
                if (t.state == ThumbnailState::pending) return false;
              }
              if (!thumbs.empty() &&
                  textures_->thumbnails.sequence() != worker_->thumbnail_slot().published()) {
                return false;
              }
              Json colours = Json::array();
              for (const ThumbnailInfo& t : thumbs) colours.push_back(t.distinct_colours);
              call.extra["thumbnail_colours"] = colours;
              return true;
            });
  // Waits until the player has shown at least N frames since Play.
  verbs.add(
      "wait_playing", 1, 1, [this, clock = StepClock()](StepCall& call) mutable -> Result<bool> {
        auto frames = parse_step_int(call.step, call.step.args[0]);
        if (!frames) return tl::unexpected(frames.error());
        if (auto late = clock.expired(call, "wait_playing"); !late) return late;
        if (playing_id_.empty()) {
          return fail(Errc::invalid_argument,
                      "wait_playing: nothing is playing" +
                          (player_message_.empty() ? std::string() : " (" + player_message_ + ")"));
        }
        const PlayerStatus status = player_.status();
        if (!status.error.empty()) return fail(Errc::media, "wait_playing: " + status.error);
        return status.frames_shown >= static_cast<std::uint64_t>(*frames) &&
               textures_->player.sequence() == player_.slot().published();
      });
  // Waits until the player's request is decoded and uploaded (after a step key).
  verbs.add("wait_player_idle", 0, 0,
            [this, clock = StepClock()](StepCall& call) mutable -> Result<bool> {
              if (auto late = clock.expired(call, "wait_player_idle"); !late) return late;
              const PlayerStatus status = player_.status();
              return !status.busy && status.shown_frame == requested_frame_ &&
                     textures_->player.sequence() == player_.slot().published();
            });
  verbs.add("wait_import", 0, 0,
            [this, clock = StepClock()](StepCall& call) mutable -> Result<bool> {
              if (auto late = clock.expired(call, "wait_import"); !late) return late;
              return !import_running_ && import_outcome_.has_value();
            });
  verbs.add("wait_erase", 0, 0,
            [this, clock = StepClock()](StepCall& call) mutable -> Result<bool> {
              if (auto late = clock.expired(call, "wait_erase"); !late) return late;
              return !erase_running_;
            });
  verbs.add("wait_audit", 0, 0,
            [this, clock = StepClock()](StepCall& call) mutable -> Result<bool> {
              if (auto late = clock.expired(call, "wait_audit"); !late) return late;
              return !audit_running_ && audit_.has_value();
            });
  verbs.add_state([this](Json& state) {
    state["library_results"] = results_.size();
    if (results_.empty() && consent_states_.empty() && !worker_) return;
    Json ids = Json::array();
    for (const archive::RecordingInfo& r : results_) ids.push_back(r.id);
    state["library_ids"] = ids;
    state["library_consent_states"] = consent_states_;
    Json thumbs = Json::array();
    std::size_t ready = 0;
    if (worker_) {
      for (const ThumbnailInfo& t : worker_->thumbnails()) {
        thumbs.push_back(to_string(t.state));
        if (t.state == ThumbnailState::ready) ++ready;
      }
    }
    state["library_thumbnails"] = thumbs;
    state["library_thumbnails_ready"] = ready;
    const PlayerStatus player = player_.status();
    state["library_playing"] = playing_;
    state["library_player_recording"] = playing_id_;
    state["library_player_frame"] = player.shown_frame;
    state["library_player_frames_shown"] = player.frames_shown;
    state["library_player_message"] = player_message_;
    if (import_outcome_) {
      state["library_import"] = {{"recording", import_outcome_->recording_id},
                                 {"advice", import_outcome_->advice},
                                 {"error", import_outcome_->error}};
    }
    state["library_erased"] = last_erased_;
    state["library_erase_unavailable"] = erase_unavailable_reason();
    if (audit_) {
      state["library_audit_recording"] = audit_->recording_id;
      if (audit_->rows) {
        Json actions = Json::array();
        for (const archive::AuditEntry& e : *audit_->rows) actions.push_back(e.action);
        state["library_audit_rows"] = audit_->rows->size();
        state["library_audit_actions"] = actions;
      } else {
        state["library_audit_error"] = audit_->rows.error().message();
      }
    }
    state["library_message"] = message_;
  });
}

}  // namespace clinvid::studio
