// The scripted test mode's general steps: sign-in, views, frames, screenshots, synthetic input
// on named widgets, and the one step that spans two views (add_to_timeline).
#include <string>
#include <utility>

#include <fmt/format.h>

#include "studio_app.hpp"
#include "ui_probe.hpp"

namespace clinvid::studio {

namespace {

// A named widget drawn in the last frame, or an error saying it is not on screen.
Result<ProbedItem> drawn_item(const std::string& name) {
  auto item = probed_item(name);
  if (!item) {
    return fail(Errc::not_found,
                fmt::format("the widget `{}` is not on screen (is its view shown?)", name));
  }
  return *item;
}

}  // namespace

void StudioApp::add_script_steps() {
  verbs_.add("sign_in", 0, 0, [this](StepCall&) -> Result<bool> {
    if (model_->signed_in()) return true;
    if (auto signed_in = sign_in_from_options(); !signed_in) {
      return tl::unexpected(signed_in.error());
    }
    return true;
  });
  verbs_.add("view", 1, 1, [this](StepCall& call) -> Result<bool> {
    auto view = parse_view(call.step.args[0]);
    if (!view) return tl::unexpected(view.error());
    // Before sign-in every view shows the sign-in form, so any may be shown; after it, the
    // role decides (as the tab bar does).
    const std::string reason = model_->view_unavailable_reason(*view);
    if (!reason.empty() && model_->signed_in()) {
      return fail(Errc::permission_denied,
                  fmt::format("the {} view: {}", call.step.args[0], reason));
    }
    // Two frames: one selects the tab, the next draws it with its layout settled.
    if (!call.started) {
      requested_view_ = *view;
      call.started = true;
      return false;
    }
    if (call.waited_frames < 2) return false;
    call.extra["view"] = call.step.args[0];
    return true;
  });
  verbs_.add("frames", 1, 1, [](StepCall& call) -> Result<bool> {
    auto frames = parse_step_int(call.step, call.step.args[0]);
    if (!frames) return tl::unexpected(frames.error());
    return static_cast<std::int64_t>(call.waited_frames) >= *frames;
  });
  verbs_.add("screenshot", 1, 1, [this](StepCall& call) -> Result<bool> {
    if (!call.started) {
      pending_screenshot_ = call.step.args[0];
      call.started = true;
      return false;
    }
    if (!pending_screenshot_.empty()) return false;
    call.extra["screenshot"] = call.step.args[0];
    return true;
  });
  // Synthetic input: act once, then wait until every queued frame of input has been applied
  // and one more frame has drawn what it changed.
  const auto injected = [this](StepCall& call, const std::function<Status()>& act) -> Result<bool> {
    if (!call.started) {
      if (auto acted = act(); !acted) return tl::unexpected(acted.error());
      call.started = true;
      return false;
    }
    return !injector_->busy() && call.waited_frames >= 1;
  };
  verbs_.add("click", 1, 1, [this, injected](StepCall& call) {
    return injected(call, [&]() -> Status {
      auto item = drawn_item(call.step.args[0]);
      if (!item) return tl::unexpected(item.error());
      if (item->disabled) {
        return fail(Errc::permission_denied,
                    fmt::format("the widget `{}` is disabled", call.step.args[0]));
      }
      injector_->click(item->centre());
      return {};
    });
  });
  verbs_.add("drag", 3, 3, [this, injected](StepCall& call) {
    return injected(call, [&]() -> Status {
      auto item = drawn_item(call.step.args[0]);
      if (!item) return tl::unexpected(item.error());
      auto dx = parse_step_number(call.step, call.step.args[1]);
      if (!dx) return tl::unexpected(dx.error());
      auto dy = parse_step_number(call.step, call.step.args[2]);
      if (!dy) return tl::unexpected(dy.error());
      const ImVec2 from = item->centre();
      injector_->drag(from,
                      ImVec2(from.x + static_cast<float>(*dx), from.y + static_cast<float>(*dy)));
      return {};
    });
  });
  verbs_.add("type", 1, 64, [this, injected](StepCall& call) {
    return injected(call, [&]() -> Status {
      std::string text;
      for (const std::string& word : call.step.args) text += (text.empty() ? "" : " ") + word;
      injector_->type(text);
      return {};
    });
  });
  verbs_.add("key", 1, 1, [this, injected](StepCall& call) {
    return injected(call, [&] { return injector_->key(call.step.args[0]); });
  });
  const auto expect = [](StepCall& call, bool want_disabled) -> Result<bool> {
    auto item = drawn_item(call.step.args[0]);
    if (!item) return tl::unexpected(item.error());
    if (item->disabled != want_disabled) {
      return fail(Errc::invalid_argument, fmt::format("the widget `{}` is {}", call.step.args[0],
                                                      item->disabled ? "disabled" : "enabled"));
    }
    call.extra["widget"] = call.step.args[0];
    call.extra["disabled"] = item->disabled;
    return true;
  };
  verbs_.add("expect_disabled", 1, 1, [expect](StepCall& call) { return expect(call, true); });
  verbs_.add("expect_enabled", 1, 1, [expect](StepCall& call) { return expect(call, false); });
  verbs_.add("add_to_timeline", 0, 0, [this](StepCall& call) -> Result<bool> {
    auto added = library_view_->add_selected_to_timeline();
    if (!added) return tl::unexpected(added.error());
    editor_view_->select_clip(*added);
    call.extra["clip"] = *added;
    return true;
  });
  verbs_.add_state([this](Json& state) {
    state["signed_in"] = model_->signed_in();
    if (model_->signed_in()) {
      state["user"] = model_->user().name;
      state["role"] = std::string(consent::to_string(model_->user().role));
    }
  });
}

}  // namespace clinvid::studio
