#include "review_session.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "analysis/gait_review.hpp"
#include "analysis/kinematics.hpp"
#include "analysis/sync.hpp"

namespace clinvid::studio {

namespace an = analysis;

namespace {

constexpr std::string_view kReviewPrefix = "review.";

Json number_or_null(double v) {
  return std::isfinite(v) ? Json(v) : Json(nullptr);
}

}  // namespace

std::string_view to_string(ReviewTool tool) noexcept {
  switch (tool) {
    case ReviewTool::none: return "none";
    case ReviewTool::distance: return "distance";
    case ReviewTool::angle: return "angle";
    case ReviewTool::vertical_angle: return "vertical";
    case ReviewTool::invalid: break;
  }
  return "invalid";
}

Result<ReviewTool> parse_review_tool(std::string_view text) {
  for (ReviewTool t :
       {ReviewTool::none, ReviewTool::distance, ReviewTool::angle, ReviewTool::vertical_angle}) {
    if (to_string(t) == text) return t;
  }
  return fail(Errc::invalid_argument, fmt::format("unknown review tool \"{}\" (none, distance, "
                                                  "angle, vertical)",
                                                  text));
}

Status ReviewSession::open(an::Review review, std::string name) {
  if (review.views.empty()) return fail(Errc::invalid_argument, "the review has no views");
  for (const an::ReviewView& v : review.views) {
    if (v.frame_count <= 0) {
      return fail(Errc::invalid_argument, fmt::format("view \"{}\" has no frames", v.id));
    }
  }
  review_ = std::move(review);
  name_ = std::move(name);
  ++generation_;
  playing_ = false;
  pending_.clear();
  curves_.assign(review_.views.size(), {});
  curves_ready_.assign(review_.views.size(), false);
  return seek(0);
}

std::optional<std::int64_t> ReviewSession::frame_of(std::size_t view) const {
  if (view >= review_.views.size()) return std::nullopt;
  const an::ReviewView& v = review_.views[view];
  auto frame = an::frame_at(cursor_, v.sync, v.frame_rate, v.frame_count);
  return frame ? *frame : std::nullopt;
}

Status ReviewSession::set_cursor(Time cursor) {
  const an::ReviewView& reference = review_.views.front();
  auto local = add(cursor, reference.sync.offset);
  if (!local) return tl::unexpected(local.error());
  auto in_view = local->in(reference.frame_rate.inverse(), Rounding::down);
  if (!in_view) return tl::unexpected(in_view.error());
  cursor_ = cursor;
  frame_ = std::clamp<std::int64_t>(*in_view, 0, reference.frame_count - 1);
  return {};
}

Status ReviewSession::seek(std::int64_t frame) {
  if (!is_open()) return fail(Errc::invalid_argument, "no review is open");
  const an::ReviewView& reference = review_.views.front();
  const std::int64_t clamped = std::clamp<std::int64_t>(frame, 0, reference.frame_count - 1);
  auto t = an::common_time_of(clamped, reference.sync, reference.frame_rate);
  if (!t) return tl::unexpected(t.error());
  return set_cursor(*t);
}

Status ReviewSession::advance(std::chrono::nanoseconds elapsed) {
  if (!playing_ || !is_open()) return {};
  auto step = Time::nanoseconds(elapsed.count()).scaled(speed_, Rounding::nearest);
  if (!step) return tl::unexpected(step.error());
  auto next = add(cursor_, *step);
  if (!next) return tl::unexpected(next.error());
  const an::ReviewView& reference = review_.views.front();
  auto last = an::common_time_of(reference.frame_count - 1, reference.sync, reference.frame_rate);
  if (!last) return tl::unexpected(last.error());
  if (*next >= *last) {
    playing_ = false;
    return set_cursor(*last);
  }
  return set_cursor(*next);
}

void ReviewSession::set_tool(ReviewTool tool) {
  tool_ = tool;
  pending_.clear();
}

Result<std::optional<std::size_t>> ReviewSession::click(std::size_t view, an::Point2 px) {
  if (tool_ == ReviewTool::none || tool_ == ReviewTool::invalid) {
    return fail(Errc::invalid_argument, "choose a measurement tool first");
  }
  const auto frame = frame_of(view);
  if (!frame) {
    return fail(Errc::invalid_argument, fmt::format("view {} shows no frame here", view));
  }
  if (!pending_.empty() && view != pending_view_) {
    return fail(Errc::invalid_argument, "a measurement's points are on one view");
  }
  pending_view_ = view;
  pending_.push_back(px);
  an::FrameMeasurement m;
  m.view = view;
  m.frame = *frame;
  switch (tool_) {
    case ReviewTool::distance: m.kind = an::MeasurementKind::distance; break;
    case ReviewTool::angle: m.kind = an::MeasurementKind::angle; break;
    default:
      m.kind = an::MeasurementKind::segment_angle;
      m.reference = an::Reference::vertical;
      break;
  }
  const std::size_t needed = m.kind == an::MeasurementKind::angle ? 3 : 2;
  if (pending_.size() < needed) return std::optional<std::size_t>{};
  m.points_px = std::move(pending_);
  pending_.clear();
  m.label = fmt::format("{} {}", to_string(tool_), review_.frame_measurements.size() + 1);
  if (auto value = an::measure_frame(review_, m); !value) return tl::unexpected(value.error());
  review_.frame_measurements.push_back(std::move(m));
  ++generation_;
  return std::optional<std::size_t>{review_.frame_measurements.size() - 1};
}

Status ReviewSession::remove_last_measurement() {
  if (review_.frame_measurements.empty()) {
    return fail(Errc::invalid_argument, "there is no measurement to remove");
  }
  review_.frame_measurements.pop_back();
  ++generation_;
  return {};
}

Status ReviewSession::mark_event(std::size_t view, an::Side side, an::GaitEventKind kind) {
  const auto frame = frame_of(view);
  if (!frame) {
    return fail(Errc::invalid_argument, fmt::format("view {} shows no frame here", view));
  }
  auto& events = review_.events;
  std::erase_if(events, [&](const an::ReviewEvent& e) {
    return e.view == view && e.event.side == side && e.event.kind == kind &&
           e.event.frame == *frame;
  });
  events.push_back({view, an::GaitEvent{side, kind, *frame, an::EventOrigin::manual}});
  std::sort(events.begin(), events.end(), [](const an::ReviewEvent& a, const an::ReviewEvent& b) {
    return std::tie(a.view, a.event.frame) < std::tie(b.view, b.event.frame);
  });
  ++generation_;
  return {};
}

std::vector<an::GaitEvent> ReviewSession::events_of(std::size_t view) const {
  std::vector<an::GaitEvent> out;
  for (const an::ReviewEvent& e : review_.events) {
    if (e.view == view) out.push_back(e.event);
  }
  return out;
}

Result<an::GaitParameters> ReviewSession::gait_parameters(std::size_t view) const {
  if (view >= review_.views.size()) return fail(Errc::out_of_range, "no such view");
  const auto events = events_of(view);
  return an::gait_parameters(events, review_.views[view].frame_rate);
}

const std::vector<ReviewCurve>& ReviewSession::curves(std::size_t view) {
  static const std::vector<ReviewCurve> kNone;
  if (view >= curves_.size()) return kNone;
  if (curves_ready_[view]) return curves_[view];
  curves_ready_[view] = true;
  an::Review r = review_;
  r.measurements.clear();
  for (an::MeasurementRequest& m : an::default_joint_measurements(review_, view)) {
    if (m.kind == an::MeasurementKind::knee_flexion || m.kind == an::MeasurementKind::hip_flexion) {
      r.measurements.push_back(std::move(m));
    }
  }
  if (r.measurements.empty()) return curves_[view];
  // Unfiltered when the track is too short for the filter: a curve is better than none.
  auto table = an::compute_kinematics(r, view, an::Smoothing::lowpass);
  if (!table) table = an::compute_kinematics(r, view, an::Smoothing::none);
  if (!table) return curves_[view];
  for (std::size_t i = 0; i < table->measurements.size(); ++i) {
    curves_[view].push_back({r.measurements[i].label, table->measurements[i].values});
  }
  return curves_[view];
}

Json ReviewSession::state_json() const {
  Json views = Json::array();
  for (std::size_t v = 0; v < review_.views.size(); ++v) {
    const auto f = frame_of(v);
    views.push_back({{"id", review_.views[v].id},
                     {"recording", review_.views[v].recording_id},
                     {"frame_rate", review_.views[v].frame_rate.to_string()},
                     {"sync", std::string(an::to_string(review_.views[v].sync.method))},
                     {"frame", f ? Json(*f) : Json(nullptr)}});
  }
  Json measurements = Json::array();
  for (const an::FrameMeasurement& m : review_.frame_measurements) {
    auto value = an::measure_frame(review_, m);
    Json points = Json::array();
    for (const an::Point2& p : m.points_px) points.push_back(Json::array({p.x, p.y}));
    measurements.push_back({{"view", m.view},
                            {"frame", m.frame},
                            {"kind", std::string(an::to_string(m.kind))},
                            {"points_px", points},
                            {"value", value ? number_or_null(value->value) : Json(nullptr)},
                            {"unit", value ? value->unit : std::string()}});
  }
  Json events = Json::array();
  for (const an::ReviewEvent& e : review_.events) {
    events.push_back({{"view", e.view},
                      {"side", std::string(an::to_string(e.event.side))},
                      {"kind", std::string(an::to_string(e.event.kind))},
                      {"frame", e.event.frame},
                      {"origin", std::string(an::to_string(e.event.origin))}});
  }
  Json out{{"name", name_},
           {"views", views},
           {"frame", frame_},
           {"cursor", cursor_.to_string()},
           {"playing", playing_},
           {"speed", speed_.to_string()},
           {"tool", std::string(to_string(tool_))},
           {"pending_points", pending_.size()},
           {"measurements", measurements},
           {"events", events}};
  if (is_open()) {
    if (auto p = gait_parameters(0)) out["cadence_steps_per_min"] = p->cadence_steps_per_min;
  }
  return out;
}

Result<std::vector<render::SourceMedia>> open_review_media(archive::Archive& archive,
                                                           const an::Review& review,
                                                           consent::Purpose purpose) {
  std::vector<render::SourceMedia> out;
  for (const an::ReviewView& v : review.views) {
    if (v.recording_id.starts_with("file:")) {
      return fail(Errc::invalid_argument,
                  fmt::format("view \"{}\" is the file {} outside the archive; import it first",
                              v.id, v.recording_id.substr(5)));
    }
    archive::GateRequest request;
    request.operation = consent::Operation::view;
    request.purpose = purpose;
    request.recording_id = v.recording_id;
    request.detail = fmt::format("studio review, view {}", v.id);
    auto decision = archive.authorize(request);
    if (!decision) return with_context(decision.error(), "recording " + v.recording_id);
    if (decision->effect != consent::Effect::allow) {
      return fail(Errc::permission_denied, fmt::format("recording {}: {}", v.recording_id,
                                                       archive::refusal_message(*decision)));
    }
    auto identity = archive.recording_identity(v.recording_id);
    if (!identity) return with_context(identity.error(), "recording " + v.recording_id);
    out.push_back(render::SourceMedia{archive.media_path(v.recording_id), std::move(*identity)});
  }
  return out;
}

Result<archive::ProjectInfo> save_review(archive::Archive& archive, const ReviewSession& session) {
  if (!session.is_open()) return fail(Errc::invalid_argument, "no review is open");
  const std::string name = std::string(kReviewPrefix) + session.name();
  return archive.save_project(name, session.to_json().dump(2));
}

Result<an::Review> load_review(archive::Archive& archive, std::string_view name) {
  auto text = archive.load_project(std::string(kReviewPrefix) + std::string(name));
  if (!text) return tl::unexpected(text.error());
  auto json = parse_json(*text);
  if (!json) return with_context(json.error(), "review " + std::string(name));
  return an::review_from_json(*json);
}

}  // namespace clinvid::studio
