#include "analysis/gait_review.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "analysis/kinematics.hpp"

namespace clinvid::analysis {

WalkerSpec gait_scene_walker_spec(std::uint32_t width_px, std::uint32_t height_px,
                                  std::int64_t frame_count, Rational frame_rate) {
  WalkerSpec spec;
  spec.width_px = width_px;
  spec.height_px = height_px;
  spec.frame_rate = frame_rate;
  spec.frame_count = frame_count;
  spec.pixels_per_metre = 180.0 * static_cast<double>(height_px) / 360.0;
  return spec;
}

std::string track_name(Side side, WalkerMarker marker) {
  return std::string(to_string(side)) + "_" + std::string(to_string(marker));
}

Result<Review> demo_review(const SyntheticWalker& walker, const DemoReviewSpec& spec) {
  if (spec.keyframe_interval_frames <= 0) {
    return fail(Errc::invalid_argument, "demo review: keyframe interval " +
                                            std::to_string(spec.keyframe_interval_frames) +
                                            " frames is not positive");
  }
  if (spec.frame_rate.num() <= 0) {
    return fail(Errc::invalid_argument,
                "demo review: frame rate " + spec.frame_rate.to_string() + " is not positive");
  }
  const WalkerTruth& truth = walker.truth();
  const auto frame_count = static_cast<std::int64_t>(truth.frames.size());
  Review review;
  ReviewView view;
  view.id = "side";
  view.recording_id = spec.recording_id;
  view.stream_index = spec.stream_index;
  view.frame_rate = spec.frame_rate;
  view.frame_count = frame_count;
  view.progression = Progression::positive_x;
  auto calibration = Calibration::from_length(truth.calibration_a_px, truth.calibration_b_px,
                                              truth.calibration_length_m);
  if (!calibration) return with_context(calibration.error(), "demo review");
  view.calibration = *calibration;
  review.views.push_back(std::move(view));

  const Side near = walker.spec().near_side;
  const Side far = near == Side::right ? Side::left : Side::right;
  struct Wanted {
    Side side;
    WalkerMarker marker;
    bool near_leg;
  };
  std::vector<Wanted> wanted;
  for (int m = 0; m < kWalkerMarkerCount; ++m) {
    wanted.push_back({near, static_cast<WalkerMarker>(m), true});
  }
  wanted.push_back({far, WalkerMarker::heel, false});
  wanted.push_back({far, WalkerMarker::toe, false});
  for (const Wanted& w : wanted) {
    Track track(track_name(w.side, w.marker), frame_count);
    const auto index = static_cast<std::size_t>(w.marker);
    for (std::int64_t f = 0; f < frame_count; f += spec.keyframe_interval_frames) {
      const WalkerFrameTruth& t = truth.frames[static_cast<std::size_t>(f)];
      if (auto ok = track.set_keyframe(f, w.near_leg ? t.near_px[index] : t.far_px[index]); !ok) {
        return tl::unexpected(ok.error());
      }
    }
    const WalkerFrameTruth& last = truth.frames.back();
    if (auto ok = track.set_keyframe(frame_count - 1,
                                     w.near_leg ? last.near_px[index] : last.far_px[index]);
        !ok) {
      return tl::unexpected(ok.error());
    }
    review.tracks.push_back({0, std::move(track)});
  }
  review.measurements = default_joint_measurements(review, 0);
  return review;
}

std::vector<MeasurementRequest> default_joint_measurements(const Review& review, std::size_t view) {
  const auto has = [&](Side side, WalkerMarker marker) {
    const std::string name = track_name(side, marker);
    return std::any_of(review.tracks.begin(), review.tracks.end(), [&](const ReviewTrack& t) {
      return t.view == view && t.track.name() == name;
    });
  };
  std::vector<MeasurementRequest> out;
  for (const Side side : {Side::right, Side::left}) {
    const std::string s(to_string(side));
    const auto add = [&](MeasurementKind kind, std::vector<WalkerMarker> markers,
                         const char* what) {
      MeasurementRequest m;
      m.view = view;
      m.kind = kind;
      for (const WalkerMarker marker : markers) {
        if (!has(side, marker)) return;
        m.points.push_back(track_name(side, marker));
      }
      m.label = s + " " + what;
      out.push_back(std::move(m));
    };
    add(MeasurementKind::hip_flexion, {WalkerMarker::hip, WalkerMarker::knee}, "hip flexion");
    add(MeasurementKind::knee_flexion, {WalkerMarker::hip, WalkerMarker::knee, WalkerMarker::ankle},
        "knee flexion");
    add(MeasurementKind::ankle_dorsiflexion,
        {WalkerMarker::knee, WalkerMarker::ankle, WalkerMarker::heel, WalkerMarker::toe},
        "ankle dorsiflexion");
  }
  return out;
}

Result<std::vector<GaitEvent>> detect_review_events(const Review& review, std::size_t view) {
  Review points_only = review;
  points_only.measurements.clear();
  auto table = compute_kinematics(points_only, view, Smoothing::lowpass);
  if (!table) return tl::unexpected(table.error());
  std::map<std::string, std::vector<double>> x_m;
  for (const PointSeries& p : table->points) {
    std::vector<double> xs;
    xs.reserve(p.values.size());
    for (const Point2& v : p.values) xs.push_back(v.x);
    x_m[p.name] = std::move(xs);
  }
  // World x grows along +x of the image; a subject walking towards -x is mirrored so that
  // Zeni's "most anterior" is a maximum.
  if (review.views[view].progression == Progression::negative_x) {
    for (auto& [name, xs] : x_m) {
      for (double& x : xs) x = -x;
    }
  }
  std::vector<GaitEvent> events;
  bool any_side = false;
  for (const Side side : {Side::right, Side::left}) {
    const Side other = side == Side::right ? Side::left : Side::right;
    const auto heel = x_m.find(track_name(side, WalkerMarker::heel));
    const auto toe = x_m.find(track_name(side, WalkerMarker::toe));
    auto hip = x_m.find(track_name(side, WalkerMarker::hip));
    if (hip == x_m.end()) hip = x_m.find(track_name(other, WalkerMarker::hip));
    if (heel == x_m.end() || toe == x_m.end() || hip == x_m.end()) continue;
    any_side = true;
    auto found = detect_events_zeni(heel->second, toe->second, hip->second, side,
                                    review.views[view].frame_rate);
    if (!found) {
      return with_context(found.error(), "events of the " + std::string(to_string(side)) + " side");
    }
    events.insert(events.end(), found->begin(), found->end());
  }
  if (!any_side) {
    return fail(Errc::not_found, "view \"" + review.views[view].id +
                                     "\" has no <side>_heel, <side>_toe and hip tracks to find "
                                     "gait events from");
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const GaitEvent& a, const GaitEvent& b) { return a.frame < b.frame; });
  return events;
}

Result<std::vector<GaitEvent>> review_events(const Review& review, std::size_t view) {
  std::vector<GaitEvent> marked;
  for (const ReviewEvent& e : review.events) {
    if (e.view == view) marked.push_back(e.event);
  }
  if (!marked.empty()) {
    std::stable_sort(marked.begin(), marked.end(),
                     [](const GaitEvent& a, const GaitEvent& b) { return a.frame < b.frame; });
    return marked;
  }
  return detect_review_events(review, view);
}

}  // namespace clinvid::analysis
