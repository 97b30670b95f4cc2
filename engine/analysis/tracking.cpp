#include "analysis/tracking.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include <opencv2/core.hpp>
#include <opencv2/video/tracking.hpp>

namespace clinvid::analysis {

namespace {

enum class Sweep { invalid = 0, forward, backward };

struct Segment {
  Track* track = nullptr;
  std::int64_t first = 0;  // inclusive frame range this sweep recomputes
  std::int64_t last = 0;
};

// Luma plane of a frame as an owned grey image.
Result<cv::Mat> luma(const VideoInput& input, std::int64_t frame) {
  auto view = input.source(frame);
  if (!view) return with_context(view.error(), "tracking: frame " + std::to_string(frame));
  if (auto ok = validate(*view); !ok) {
    return with_context(ok.error(), "tracking: frame " + std::to_string(frame));
  }
  if (!is_yuv420(view->format)) {
    return fail(Errc::invalid_argument, "tracking: frame " + std::to_string(frame) + " is " +
                                            std::string(to_string(view->format)) +
                                            ", expected I420 or NV12");
  }
  // cv::Mat has no read-only header; the wrapper is only read, and cloned before the source's
  // next call can invalidate the plane.
  const cv::Mat wrapped(static_cast<int>(view->height), static_cast<int>(view->width), CV_8UC1,
                        const_cast<std::uint8_t*>(view->planes[0]), view->strides[0]);
  return wrapped.clone();
}

// One sweep over frames [first, last] of all segments: forwards, or backwards. A segment's
// estimate restarts at each of its keyframes and stops (NaN) once lost until the next one.
Result<std::vector<std::vector<Point2>>> sweep(std::span<const Segment> segments,
                                               const VideoInput& input, Sweep direction,
                                               const TrackerOptions& options) {
  std::int64_t first = input.frame_count;
  std::int64_t last = -1;
  for (const Segment& s : segments) {
    first = std::min(first, s.first);
    last = std::max(last, s.last);
  }
  std::vector<std::vector<Point2>> out(segments.size());
  for (std::size_t i = 0; i < segments.size(); ++i) {
    out[i].assign(static_cast<std::size_t>(segments[i].last - segments[i].first + 1), kNoPoint);
  }
  const cv::Size window(options.window_px, options.window_px);
  const cv::TermCriteria criteria(cv::TermCriteria::COUNT | cv::TermCriteria::EPS,
                                  options.max_iterations, options.epsilon_px);
  const int step = direction == Sweep::forward ? 1 : -1;
  std::vector<cv::Mat> previous_pyramid;
  std::optional<cv::Size> size;
  std::vector<Point2> current(segments.size(), kNoPoint);
  for (std::int64_t f = direction == Sweep::forward ? first : last;
       direction == Sweep::forward ? f <= last : f >= first; f += step) {
    auto image = luma(input, f);
    if (!image) return tl::unexpected(image.error());
    if (size && *size != image->size()) {
      return fail(Errc::invalid_argument,
                  "tracking: frame " + std::to_string(f) + " changes size mid-recording");
    }
    size = image->size();
    std::vector<cv::Mat> pyramid;
    cv::buildOpticalFlowPyramid(*image, pyramid, window, options.pyramid_levels);

    std::vector<cv::Point2f> from;
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const bool inside = f >= segments[i].first && f <= segments[i].last;
      const bool continues =
          inside && f != (direction == Sweep::forward ? segments[i].first : segments[i].last);
      if (continues && current[i].finite() && !previous_pyramid.empty()) {
        from.emplace_back(static_cast<float>(current[i].x - 0.5),
                          static_cast<float>(current[i].y - 0.5));
        which.push_back(i);
      }
      current[i] = kNoPoint;
    }
    if (!from.empty()) {
      std::vector<cv::Point2f> to;
      std::vector<unsigned char> found;
      std::vector<float> residual;
      cv::calcOpticalFlowPyrLK(previous_pyramid, pyramid, from, to, found, residual, window,
                               options.pyramid_levels, criteria);
      // Forward-backward check (Kalal, Mikolajczyk & Matas 2010): flow that does not lead
      // back to where it started has slipped onto another structure.
      std::vector<cv::Point2f> back = from;
      std::vector<unsigned char> found_back;
      std::vector<float> residual_back;
      cv::calcOpticalFlowPyrLK(pyramid, previous_pyramid, to, back, found_back, residual_back,
                               window, options.pyramid_levels, criteria,
                               cv::OPTFLOW_USE_INITIAL_FLOW);
      for (std::size_t k = 0; k < which.size(); ++k) {
        const double round_trip_px = std::hypot(static_cast<double>(back[k].x - from[k].x),
                                                static_cast<double>(back[k].y - from[k].y));
        if (found[k] != 0 && found_back[k] != 0 && round_trip_px <= options.max_round_trip_px &&
            static_cast<double>(residual[k]) <= options.max_residual) {
          // OpenCV addresses pixel centres at integers; Point2 at +0.5.
          current[which[k]] = {static_cast<double>(to[k].x) + 0.5,
                               static_cast<double>(to[k].y) + 0.5};
        }
      }
    }
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (f < segments[i].first || f > segments[i].last) continue;
      const auto& keys = segments[i].track->keyframes();
      if (const auto key = keys.find(f); key != keys.end()) current[i] = key->second;
      out[i][static_cast<std::size_t>(f - segments[i].first)] = current[i];
    }
    previous_pyramid = std::move(pyramid);
  }
  return out;
}

// Blends the two sweeps of one segment into its track's samples.
void combine(const Segment& segment, const std::vector<Point2>& forward,
             const std::vector<Point2>& backward, const TrackerOptions& options) {
  Track& track = *segment.track;
  const auto& keys = track.keyframes();
  for (std::int64_t f = segment.first; f <= segment.last; ++f) {
    const auto i = static_cast<std::size_t>(f - segment.first);
    TrackSample sample;
    if (const auto key = keys.find(f); key != keys.end()) {
      sample = {key->second, TrackStatus::keyframe};
    } else {
      const Point2 fw = forward[i];
      const Point2 bw = backward[i];
      if (fw.finite() && bw.finite()) {
        // Both exist only strictly between two keyframes.
        const auto next = keys.upper_bound(f);
        const auto previous = std::prev(next);
        const double w = static_cast<double>(f - previous->first) /
                         static_cast<double>(next->first - previous->first);
        const Point2 blended{(1.0 - w) * fw.x + w * bw.x, (1.0 - w) * fw.y + w * bw.y};
        const bool agree = std::hypot(fw.x - bw.x, fw.y - bw.y) <= options.max_disagreement_px;
        sample = agree ? TrackSample{blended, TrackStatus::tracked}
                       : TrackSample{kNoPoint, TrackStatus::lost};
      } else if (fw.finite() || bw.finite()) {
        sample = {fw.finite() ? fw : bw, TrackStatus::tracked};
      } else {
        sample = {kNoPoint, TrackStatus::lost};
      }
    }
    (void)track.set_sample(f, sample);
  }
}

Status run_segments(std::span<const Segment> segments, const VideoInput& input,
                    const TrackerOptions& options) {
  if (segments.empty()) return {};
  if (options.window_px < 5 || options.window_px % 2 == 0 || options.pyramid_levels < 0 ||
      options.max_iterations < 1) {
    return fail(Errc::invalid_argument,
                "tracking: window_px must be odd and >= 5, pyramid_levels >= 0, "
                "max_iterations >= 1");
  }
  auto forward = sweep(segments, input, Sweep::forward, options);
  if (!forward) return tl::unexpected(forward.error());
  auto backward = sweep(segments, input, Sweep::backward, options);
  if (!backward) return tl::unexpected(backward.error());
  for (std::size_t i = 0; i < segments.size(); ++i) {
    combine(segments[i], (*forward)[i], (*backward)[i], options);
  }
  return {};
}

Status check_track(const Track& track, const VideoInput& input) {
  if (track.frame_count() != input.frame_count) {
    return fail(Errc::invalid_argument, "tracking: track \"" + track.name() + "\" has " +
                                            std::to_string(track.frame_count()) +
                                            " frames, the video " +
                                            std::to_string(input.frame_count));
  }
  if (!input.source) return fail(Errc::invalid_argument, "tracking: no frame source");
  return {};
}

}  // namespace

std::string_view to_string(TrackStatus status) noexcept {
  switch (status) {
    case TrackStatus::invalid: return "invalid";
    case TrackStatus::keyframe: return "keyframe";
    case TrackStatus::tracked: return "tracked";
    case TrackStatus::lost: return "lost";
  }
  return "invalid";
}

Result<TrackStatus> parse_track_status(std::string_view text) {
  for (TrackStatus s :
       {TrackStatus::invalid, TrackStatus::keyframe, TrackStatus::tracked, TrackStatus::lost}) {
    if (text == to_string(s)) return s;
  }
  return fail(Errc::invalid_argument, "unknown track status \"" + std::string(text) +
                                          "\" (invalid, keyframe, tracked, lost)");
}

Track::Track(std::string name, std::int64_t frame_count)
    : name_(std::move(name)),
      samples_(static_cast<std::size_t>(std::max<std::int64_t>(0, frame_count))) {}

std::vector<Point2> Track::positions_px() const {
  std::vector<Point2> out;
  out.reserve(samples_.size());
  for (const TrackSample& s : samples_) out.push_back(s.position_px);
  return out;
}

Status Track::set_keyframe(std::int64_t frame, Point2 position_px) {
  if (frame < 0 || frame >= frame_count()) {
    return fail(Errc::out_of_range, "track \"" + name_ + "\": keyframe " + std::to_string(frame) +
                                        " outside 0.." + std::to_string(frame_count() - 1));
  }
  if (!position_px.finite()) {
    return fail(Errc::invalid_argument,
                "track \"" + name_ + "\": keyframe " + std::to_string(frame) + " is not finite");
  }
  keyframes_[frame] = position_px;
  samples_[static_cast<std::size_t>(frame)] = {position_px, TrackStatus::keyframe};
  return {};
}

Status Track::remove_keyframe(std::int64_t frame) {
  if (keyframes_.erase(frame) == 0) {
    return fail(Errc::not_found,
                "track \"" + name_ + "\": frame " + std::to_string(frame) + " is not a keyframe");
  }
  return {};
}

Status Track::set_sample(std::int64_t frame, TrackSample sample) {
  if (frame < 0 || frame >= frame_count()) {
    return fail(Errc::out_of_range, "track \"" + name_ + "\": sample " + std::to_string(frame) +
                                        " outside 0.." + std::to_string(frame_count() - 1));
  }
  samples_[static_cast<std::size_t>(frame)] = sample;
  return {};
}

Status track_all(std::span<Track> tracks, const VideoInput& input, const TrackerOptions& options) {
  std::vector<Segment> segments;
  for (Track& t : tracks) {
    if (auto ok = check_track(t, input); !ok) return ok;
    if (t.keyframes().empty()) {
      return fail(Errc::invalid_argument,
                  "tracking: track \"" + t.name() + "\" has no keyframe to start from");
    }
    segments.push_back({&t, 0, input.frame_count - 1});
  }
  return run_segments(segments, input, options);
}

Status correct(Track& track, std::int64_t frame, Point2 position_px, const VideoInput& input,
               const TrackerOptions& options) {
  if (auto ok = check_track(track, input); !ok) return ok;
  if (auto ok = track.set_keyframe(frame, position_px); !ok) return ok;
  const auto& keys = track.keyframes();
  const auto here = keys.find(frame);
  const std::int64_t first = here == keys.begin() ? 0 : std::prev(here)->first;
  const auto next = std::next(here);
  const std::int64_t last = next == keys.end() ? input.frame_count - 1 : next->first;
  const Segment segment{&track, first, last};
  return run_segments(std::span<const Segment>(&segment, 1), input, options);
}

Result<std::vector<Point2>> smooth_positions(std::span<const Point2> positions, Rational frame_rate,
                                             const LowPassSpec& spec) {
  std::vector<double> x;
  std::vector<double> y;
  x.reserve(positions.size());
  y.reserve(positions.size());
  for (const Point2& p : positions) {
    x.push_back(p.x);
    y.push_back(p.y);
  }
  auto fx = lowpass_filtfilt(x, frame_rate, spec);
  if (!fx) return tl::unexpected(fx.error());
  auto fy = lowpass_filtfilt(y, frame_rate, spec);
  if (!fy) return tl::unexpected(fy.error());
  std::vector<Point2> out(positions.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = {(*fx)[i], (*fy)[i]};
  return out;
}

}  // namespace clinvid::analysis
