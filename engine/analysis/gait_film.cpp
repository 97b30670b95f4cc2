#include "analysis/gait_film.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "analysis/gait_review.hpp"
#include "analysis/kinematics.hpp"
#include "timeline/commands.hpp"

namespace clinvid::analysis {
namespace {

namespace tl_ = timeline;

const Track* find_review_track(const Review& review, std::size_t view, const std::string& name) {
  for (const ReviewTrack& t : review.tracks) {
    if (t.view == view && t.track.name() == name) return &t.track;
  }
  return nullptr;
}

// Tracked position at `frame`, else the keyframe there; kNoPoint when neither.
Point2 position_at(const Track& track, std::int64_t frame) {
  const auto samples = track.samples();
  if (frame >= 0 && frame < static_cast<std::int64_t>(samples.size())) {
    const TrackSample& s = samples[static_cast<std::size_t>(frame)];
    if (s.position_px.finite()) return s.position_px;
  }
  const auto key = track.keyframes().find(frame);
  return key == track.keyframes().end() ? kNoPoint : key->second;
}

struct SessionData {
  const Review* review = nullptr;
  std::size_t view = 0;
  const Track* hip = nullptr;
  const Track* knee = nullptr;
  const Track* ankle = nullptr;
  std::vector<double> knee_flexion_deg;  // per frame, filtered
  GaitFilmSessionPlan plan;
};

Result<SessionData> prepare(const GaitFilmSession& s, Side side, std::size_t index) {
  const std::string where = fmt::format("gait film: session {} (\"{}\")", index, s.label);
  if (s.review == nullptr) return fail(Errc::invalid_argument, where + ": no review");
  if (s.view >= s.review->views.size()) {
    return fail(Errc::invalid_argument,
                fmt::format("{}: view {} of {}", where, s.view, s.review->views.size()));
  }
  if (s.source_width_px == 0 || s.source_height_px == 0) {
    return fail(Errc::invalid_argument, where + ": the recording's frame size is not set");
  }
  SessionData d;
  d.review = s.review;
  d.view = s.view;
  d.hip = find_review_track(*s.review, s.view, track_name(side, WalkerMarker::hip));
  d.knee = find_review_track(*s.review, s.view, track_name(side, WalkerMarker::knee));
  d.ankle = find_review_track(*s.review, s.view, track_name(side, WalkerMarker::ankle));
  if (d.hip == nullptr || d.knee == nullptr || d.ankle == nullptr) {
    return fail(Errc::invalid_argument,
                fmt::format("{}: no {}_hip, {}_knee and {}_ankle tracks", where, to_string(side),
                            to_string(side), to_string(side)));
  }
  Review r = *s.review;
  r.measurements.clear();
  MeasurementRequest knee;
  knee.view = s.view;
  knee.kind = MeasurementKind::knee_flexion;
  knee.points = {d.hip->name(), d.knee->name(), d.ankle->name()};
  knee.label = "knee";
  r.measurements.push_back(std::move(knee));
  auto table = compute_kinematics(r, s.view, Smoothing::lowpass);
  if (!table) return with_context(table.error(), where);
  d.knee_flexion_deg = std::move(table->measurements.front().values);

  auto events = review_events(*s.review, s.view);
  if (!events) return with_context(events.error(), where);
  const std::vector<std::int64_t> strikes = heel_strikes(*events, side);
  if (strikes.size() < 2) {
    return fail(Errc::invalid_argument, fmt::format("{}: {} heel strike(s) of the {} foot; a "
                                                    "stride needs two",
                                                    where, strikes.size(), to_string(side)));
  }
  d.plan.stride_first_frame = strikes[0];
  d.plan.stride_last_frame = strikes[1];
  const double at_freeze = d.knee_flexion_deg[static_cast<std::size_t>(strikes[0])];
  d.plan.knee_flexion_at_freeze_deg = at_freeze;
  return d;
}

tl_::NormPoint norm(Point2 p, const GaitFilmSession& s) {
  return {std::clamp(p.x / s.source_width_px, 0.0, 1.0),
          std::clamp(p.y / s.source_height_px, 0.0, 1.0)};
}

// The knee angle annotation over frames [first, last] of the session.
tl_::Annotation knee_angle(const SessionData& d, const GaitFilmSession& s, std::int64_t first,
                           std::int64_t last) {
  tl_::Annotation a;
  a.kind = tl_::AnnotationKind::angle;
  a.colour = kKneeAngleColour;
  a.width_px = 3;
  a.label_size_px = 20;
  const Rational rate = d.review->views[d.view].frame_rate;
  for (std::int64_t f = first; f <= last; ++f) {
    const Point2 hip = position_at(*d.hip, f);
    const Point2 knee = position_at(*d.knee, f);
    const Point2 ankle = position_at(*d.ankle, f);
    if (!hip.finite() || !knee.finite() || !ankle.finite()) continue;  // lost: interpolated
    a.keyframes.push_back({Time::frames(f, rate), {norm(hip, s), norm(knee, s), norm(ankle, s)}});
  }
  return a;
}

// The stride's knee curve in the top-left of the clip: x 0.04..0.44, y 0.42 (0 deg) up to 0.1
// (kCurvePanelMaxDeg).
std::vector<tl_::Annotation> curve_panel(const SessionData& d, Time at) {
  tl_::Annotation curve;
  curve.kind = tl_::AnnotationKind::freehand;
  curve.colour = kCurveColour;
  curve.width_px = 2;
  std::vector<tl_::NormPoint> points;
  const std::int64_t first = d.plan.stride_first_frame;
  const std::int64_t last = d.plan.stride_last_frame;
  for (std::int64_t f = first; f <= last; ++f) {
    const double v = d.knee_flexion_deg[static_cast<std::size_t>(f)];
    if (!std::isfinite(v)) continue;
    const double x =
        0.04 + 0.40 * static_cast<double>(f - first) / static_cast<double>(last - first);
    const double y = 0.42 - 0.32 * std::clamp(v, 0.0, kCurvePanelMaxDeg) / kCurvePanelMaxDeg;
    points.push_back({x, y});
  }
  std::vector<tl_::Annotation> out;
  if (points.size() >= 2) {
    curve.keyframes.push_back({at, std::move(points)});
    out.push_back(std::move(curve));
  }
  tl_::Annotation axis;
  axis.kind = tl_::AnnotationKind::line;
  axis.colour = {200, 200, 200, 255};
  axis.width_px = 1;
  axis.keyframes.push_back({at, {{0.04, 0.42}, {0.44, 0.42}}});
  out.push_back(std::move(axis));
  tl_::Annotation title;
  title.kind = tl_::AnnotationKind::text;
  title.text = fmt::format("knee flexion, one stride (0-{:.0f} deg)", kCurvePanelMaxDeg);
  title.colour = kCurveColour;
  title.label_size_px = 16;
  title.keyframes.push_back({at, {{0.04, 0.05}}});
  out.push_back(std::move(title));
  return out;
}

Time later(const Time& a, const Time& b) {
  return a < b ? b : a;
}

}  // namespace

Result<GaitFilm> build_gait_film(const GaitFilmSpec& spec) {
  if (spec.sessions.empty() || spec.sessions.size() > 2) {
    return fail(Errc::invalid_argument, fmt::format("gait film: {} sessions (one, or two for "
                                                    "before/after)",
                                                    spec.sessions.size()));
  }
  std::vector<SessionData> data;
  for (std::size_t i = 0; i < spec.sessions.size(); ++i) {
    auto d = prepare(spec.sessions[i], spec.side, i);
    if (!d) return tl::unexpected(d.error());
    data.push_back(std::move(*d));
  }
  const Rational rate = data.front().review->views[data.front().view].frame_rate;

  tl_::Project initial;
  initial.format.width_px = spec.width_px;
  initial.format.height_px = spec.height_px;
  initial.format.frame_rate = rate;
  initial.metadata.title = spec.title;
  initial.metadata.consent_reference = spec.consent_reference;
  initial.metadata.purpose = consent::Purpose::research;
  initial.layout.kind =
      spec.sessions.size() == 2 ? tl_::LayoutKind::side_by_side : tl_::LayoutKind::single;
  tl_::History history(std::move(initial));
  const tl_::History::Group group(history, "gait film");

  GaitFilm film;
  film.slow_start = spec.real_time_duration;
  // Slow motion lasts as long as the longer stride.
  Time slow_end = film.slow_start;
  for (const SessionData& d : data) {
    const Rational r = d.review->views[d.view].frame_rate;
    const Time stride = Time::frames(d.plan.stride_last_frame - d.plan.stride_first_frame, r);
    auto on_screen = tl_::multiply(stride, spec.slow_speed.inverse());
    if (!on_screen) return tl::unexpected(on_screen.error());
    auto end = add(film.slow_start, *on_screen);
    if (!end) return tl::unexpected(end.error());
    slow_end = later(slow_end, *end);
  }
  film.freeze_start = slow_end;
  auto film_end = add(film.freeze_start, spec.freeze_duration);
  if (!film_end) return tl::unexpected(film_end.error());
  film.end = *film_end;

  for (std::size_t i = 0; i < data.size(); ++i) {
    const SessionData& d = data[i];
    const GaitFilmSession& s = spec.sessions[i];
    const ReviewView& v = d.review->views[d.view];
    const Time recording_end = Time::frames(v.frame_count, v.frame_rate);
    const Time hs = Time::frames(d.plan.stride_first_frame, v.frame_rate);
    const Time next_hs = Time::frames(d.plan.stride_last_frame, v.frame_rate);
    auto freeze_out = add(hs, spec.freeze_duration);
    if (!freeze_out) return tl::unexpected(freeze_out.error());
    if (recording_end < spec.real_time_duration || recording_end < *freeze_out) {
      return fail(
          Errc::invalid_argument,
          fmt::format("gait film: session {} (\"{}\"): the recording ({:.2f} s) is too "
                      "short for {:.2f} s of real time and a {:.2f} s freeze at {:.2f} s",
                      i, s.label, recording_end.seconds(), spec.real_time_duration.seconds(),
                      spec.freeze_duration.seconds(), hs.seconds()));
    }
    auto track = history.apply(tl_::add_track(tl_::TrackKind::video, s.label));
    if (!track) return tl::unexpected(track.error());

    tl_::Clip base;
    base.source = {v.recording_id, v.stream_index < 0 ? 0 : v.stream_index};
    base.source_width_px = s.source_width_px;
    base.source_height_px = s.source_height_px;
    base.placement.kind = tl_::PlacementKind::slot;
    base.placement.slot = static_cast<int>(i);

    tl_::Clip real = base;
    real.source_in = Time(0, v.frame_rate.inverse());
    real.source_out = spec.real_time_duration;
    real.start = Time(0, v.frame_rate.inverse());
    real.speed = Rational::make(1, 1).value();
    if (auto id = history.apply(tl_::add_clip(*track, real)); !id)
      return tl::unexpected(id.error());

    tl_::Clip slow = base;
    slow.source_in = hs;
    slow.source_out = next_hs;
    slow.start = film.slow_start;
    slow.speed = spec.slow_speed;
    auto slow_id = history.apply(tl_::add_clip(*track, slow));
    if (!slow_id) return tl::unexpected(slow_id.error());
    tl_::Annotation angle = knee_angle(d, s, d.plan.stride_first_frame, d.plan.stride_last_frame);
    if (!angle.keyframes.empty()) {
      if (auto id = history.apply(tl_::add_annotation(*slow_id, angle)); !id) {
        return tl::unexpected(id.error());
      }
    }

    tl_::Clip freeze = base;
    freeze.source_in = hs;
    freeze.source_out = *freeze_out;
    freeze.start = film.freeze_start;
    freeze.speed = Rational::make(1, 1).value();
    freeze.freeze_at = hs;
    auto freeze_id = history.apply(tl_::add_clip(*track, freeze));
    if (!freeze_id) return tl::unexpected(freeze_id.error());
    tl_::Annotation still = knee_angle(d, s, d.plan.stride_first_frame, d.plan.stride_first_frame);
    if (!still.keyframes.empty()) {
      if (auto id = history.apply(tl_::add_annotation(*freeze_id, still)); !id) {
        return tl::unexpected(id.error());
      }
    }
    for (const tl_::Annotation& a : curve_panel(d, hs)) {
      if (auto id = history.apply(tl_::add_annotation(*freeze_id, a)); !id) {
        return tl::unexpected(id.error());
      }
    }
    film.sessions.push_back(d.plan);
  }

  // Labels over each slot for the whole film, and the segment names.
  auto overlay = history.apply(tl_::add_track(tl_::TrackKind::overlay, "labels"));
  if (!overlay) return tl::unexpected(overlay.error());
  auto total = subtract(film.end, Time(0, rate.inverse()));
  if (!total) return tl::unexpected(total.error());
  std::string labels;
  for (std::size_t i = 0; i < spec.sessions.size(); ++i) {
    labels += (i == 0 ? "" : "  |  ") + spec.sessions[i].label;
  }
  tl_::TextItem top;
  top.text = labels;
  top.start = Time(0, rate.inverse());
  top.duration = *total;
  top.position = tl_::TextPosition::top;
  top.backdrop = tl_::TextBackdrop::box;
  top.size = 0.05;
  if (auto id = history.apply(tl_::add_text(*overlay, top)); !id) return tl::unexpected(id.error());
  for (const auto& [at, until, label] :
       {std::tuple{Time(0, rate.inverse()), film.slow_start, std::string("real time")},
        std::tuple{film.slow_start, film.freeze_start,
                   fmt::format("slow motion x{}", tl_::rational_text(spec.slow_speed))},
        std::tuple{film.freeze_start, film.end, std::string("heel strike")}}) {
    auto duration = subtract(until, at);
    if (!duration) return tl::unexpected(duration.error());
    tl_::TextItem caption;
    caption.text = label;
    caption.start = at;
    caption.duration = *duration;
    caption.position = tl_::TextPosition::caption;
    caption.backdrop = tl_::TextBackdrop::box;
    caption.size = 0.05;
    if (auto id = history.apply(tl_::add_text(*overlay, caption)); !id) {
      return tl::unexpected(id.error());
    }
  }
  film.project = history.project();
  return film;
}

}  // namespace clinvid::analysis
