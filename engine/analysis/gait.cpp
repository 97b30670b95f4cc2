#include "analysis/gait.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <string>
#include <tuple>

namespace clinvid::analysis {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::int64_t> frames_of(std::span<const GaitEvent> events, Side side,
                                    GaitEventKind kind) {
  std::vector<std::int64_t> out;
  for (const GaitEvent& e : events) {
    if (e.side == side && e.kind == kind) out.push_back(e.frame);
  }
  std::sort(out.begin(), out.end());
  return out;
}

double mean(const std::vector<double>& values) {
  if (values.empty()) return kNaN;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

// Extrema of `signal` (maxima when sign = +1, minima when -1) that the criteria accept.
std::vector<std::int64_t> extrema(const std::vector<double>& signal, double sign,
                                  std::int64_t min_gap_frames) {
  const std::size_t n = signal.size();
  double sum = 0.0;
  std::size_t finite = 0;
  for (double v : signal) {
    if (std::isfinite(v)) {
      sum += v;
      ++finite;
    }
  }
  if (finite < 3) return {};
  const double level = sum / static_cast<double>(finite);
  struct Candidate {
    double value;
    double position;
  };
  std::vector<Candidate> candidates;
  for (std::size_t i = 1; i + 1 < n; ++i) {
    const double a = sign * signal[i - 1];
    const double b = sign * signal[i];
    const double c = sign * signal[i + 1];
    if (!std::isfinite(a) || !std::isfinite(b) || !std::isfinite(c)) continue;
    // > on the left, >= on the right: one report per flat top. Only the half of the
    // excursion beyond the mean counts, which drops wobble near the other extreme.
    if (!(b > a && b >= c) || !(b > sign * level)) continue;
    const double curvature = a - 2.0 * b + c;
    const double offset = curvature < 0.0 ? std::clamp(0.5 * (a - c) / curvature, -0.5, 0.5) : 0.0;
    candidates.push_back({b, static_cast<double>(i) + offset});
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& x, const Candidate& y) { return x.value > y.value; });
  std::vector<double> accepted;
  for (const Candidate& c : candidates) {
    const bool clear = std::none_of(accepted.begin(), accepted.end(), [&](double p) {
      return std::abs(p - c.position) < static_cast<double>(min_gap_frames);
    });
    if (clear) accepted.push_back(c.position);
  }
  std::vector<std::int64_t> frames;
  for (double p : accepted) frames.push_back(std::llround(p));
  std::sort(frames.begin(), frames.end());
  return frames;
}

}  // namespace

std::string_view to_string(Side side) noexcept {
  switch (side) {
    case Side::left: return "left";
    case Side::right: return "right";
    case Side::invalid: break;
  }
  return "invalid";
}

std::string_view to_string(GaitEventKind kind) noexcept {
  switch (kind) {
    case GaitEventKind::heel_strike: return "heel_strike";
    case GaitEventKind::toe_off: return "toe_off";
    case GaitEventKind::invalid: break;
  }
  return "invalid";
}

std::string_view to_string(EventOrigin origin) noexcept {
  switch (origin) {
    case EventOrigin::manual: return "manual";
    case EventOrigin::suggested: return "suggested";
    case EventOrigin::invalid: break;
  }
  return "invalid";
}

Result<Side> parse_side(std::string_view text) {
  if (text == "left") return Side::left;
  if (text == "right") return Side::right;
  return fail(Errc::invalid_argument, "unknown side \"" + std::string(text) + "\" (left, right)");
}

Result<GaitEventKind> parse_gait_event_kind(std::string_view text) {
  if (text == "heel_strike") return GaitEventKind::heel_strike;
  if (text == "toe_off") return GaitEventKind::toe_off;
  return fail(Errc::invalid_argument,
              "unknown gait event \"" + std::string(text) + "\" (heel_strike, toe_off)");
}

Result<EventOrigin> parse_event_origin(std::string_view text) {
  if (text == "manual") return EventOrigin::manual;
  if (text == "suggested") return EventOrigin::suggested;
  return fail(Errc::invalid_argument,
              "unknown event origin \"" + std::string(text) + "\" (manual, suggested)");
}

Result<std::vector<GaitEvent>> detect_events_zeni(std::span<const double> heel_x_m,
                                                  std::span<const double> toe_x_m,
                                                  std::span<const double> pelvis_x_m, Side side,
                                                  Rational frame_rate,
                                                  const EventDetectionOptions& options) {
  if (heel_x_m.size() != toe_x_m.size() || heel_x_m.size() != pelvis_x_m.size()) {
    return fail(Errc::invalid_argument,
                "gait events: heel, toe and pelvis series differ in length (" +
                    std::to_string(heel_x_m.size()) + ", " + std::to_string(toe_x_m.size()) + ", " +
                    std::to_string(pelvis_x_m.size()) + ")");
  }
  if (side == Side::invalid) return fail(Errc::invalid_argument, "gait events: side is invalid");
  if (!(options.min_event_interval_s >= 0.0)) {
    return fail(Errc::invalid_argument, "gait events: min_event_interval_s is negative");
  }
  const auto gap =
      static_cast<std::int64_t>(std::floor(options.min_event_interval_s * frame_rate.to_double()));
  std::vector<double> heel(heel_x_m.size());
  std::vector<double> toe(toe_x_m.size());
  for (std::size_t i = 0; i < heel.size(); ++i) {
    heel[i] = heel_x_m[i] - pelvis_x_m[i];
    toe[i] = toe_x_m[i] - pelvis_x_m[i];
  }
  std::vector<GaitEvent> events;
  for (std::int64_t f : extrema(heel, 1.0, gap)) {
    events.push_back({side, GaitEventKind::heel_strike, f, EventOrigin::suggested});
  }
  for (std::int64_t f : extrema(toe, -1.0, gap)) {
    events.push_back({side, GaitEventKind::toe_off, f, EventOrigin::suggested});
  }
  std::sort(events.begin(), events.end(),
            [](const GaitEvent& a, const GaitEvent& b) { return a.frame < b.frame; });
  return events;
}

std::vector<std::int64_t> heel_strikes(std::span<const GaitEvent> events, Side side) {
  return frames_of(events, side, GaitEventKind::heel_strike);
}

Result<GaitParameters> gait_parameters(std::span<const GaitEvent> events, Rational frame_rate) {
  std::set<std::tuple<Side, GaitEventKind, std::int64_t>> seen;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const GaitEvent& e = events[i];
    const std::string where = "gait parameters: event " + std::to_string(i);
    if (e.side == Side::invalid || e.kind == GaitEventKind::invalid) {
      return fail(Errc::invalid_argument, where + " has an invalid side or kind");
    }
    if (e.frame < 0) {
      return fail(Errc::invalid_argument,
                  where + ": frame " + std::to_string(e.frame) + " is negative");
    }
    if (!seen.insert({e.side, e.kind, e.frame}).second) {
      return fail(Errc::invalid_argument, where + " repeats " + std::string(to_string(e.side)) +
                                              " " + std::string(to_string(e.kind)) + " at frame " +
                                              std::to_string(e.frame));
    }
  }
  const double frame_s = 1.0 / frame_rate.to_double();
  const std::vector<std::int64_t> hs_l = heel_strikes(events, Side::left);
  const std::vector<std::int64_t> hs_r = heel_strikes(events, Side::right);
  const std::vector<std::int64_t> to_l = frames_of(events, Side::left, GaitEventKind::toe_off);
  const std::vector<std::int64_t> to_r = frames_of(events, Side::right, GaitEventKind::toe_off);
  std::vector<std::int64_t> all_hs = hs_l;
  all_hs.insert(all_hs.end(), hs_r.begin(), hs_r.end());
  std::sort(all_hs.begin(), all_hs.end());
  if (all_hs.size() < 3 || (hs_l.size() < 2 && hs_r.size() < 2)) {
    return fail(Errc::invalid_argument,
                "gait parameters: need at least 3 heel strikes, 2 of one foot; have " +
                    std::to_string(hs_l.size()) + " left and " + std::to_string(hs_r.size()) +
                    " right");
  }

  GaitParameters out;
  out.cadence_steps_per_min = 60.0 * static_cast<double>(all_hs.size() - 1) /
                              (static_cast<double>(all_hs.back() - all_hs.front()) * frame_s);

  // First event of `frames` strictly inside (after, before), or -1.
  const auto first_between = [](const std::vector<std::int64_t>& frames, std::int64_t after,
                                std::int64_t before) -> std::int64_t {
    const auto it = std::upper_bound(frames.begin(), frames.end(), after);
    return it != frames.end() && *it < before ? *it : -1;
  };
  const auto last_between = [](const std::vector<std::int64_t>& frames, std::int64_t after,
                               std::int64_t before) -> std::int64_t {
    auto it = std::lower_bound(frames.begin(), frames.end(), before);
    if (it == frames.begin()) return -1;
    --it;
    return *it > after ? *it : -1;
  };

  const auto side_parameters = [&](const std::vector<std::int64_t>& hs,
                                   const std::vector<std::int64_t>& to,
                                   const std::vector<std::int64_t>& other_hs) {
    SideParameters p;
    std::vector<double> strides;
    std::vector<double> stance;
    std::vector<double> steps;
    for (std::size_t i = 0; i + 1 < hs.size(); ++i) {
      const double stride = static_cast<double>(hs[i + 1] - hs[i]);
      strides.push_back(stride * frame_s);
      if (const std::int64_t t = first_between(to, hs[i], hs[i + 1]); t >= 0) {
        stance.push_back(100.0 * static_cast<double>(t - hs[i]) / stride);
      }
    }
    for (std::size_t i = 0; i < hs.size(); ++i) {
      const std::int64_t after = i == 0 ? -1 : hs[i - 1];
      if (const std::int64_t o = last_between(other_hs, after, hs[i]); o >= 0) {
        steps.push_back(static_cast<double>(hs[i] - o) * frame_s);
      }
    }
    p.strides = static_cast<int>(strides.size());
    p.stride_time_s = mean(strides);
    p.step_time_s = mean(steps);
    p.stance_percent = mean(stance);
    p.swing_percent = 100.0 - p.stance_percent;
    return p;
  };
  out.left = side_parameters(hs_l, to_l, hs_r);
  out.right = side_parameters(hs_r, to_r, hs_l);

  const bool left_reference = hs_l.size() >= 2;
  const auto& ref_hs = left_reference ? hs_l : hs_r;
  const auto& ref_to = left_reference ? to_l : to_r;
  const auto& other_hs = left_reference ? hs_r : hs_l;
  const auto& other_to = left_reference ? to_r : to_l;
  std::vector<double> double_support;
  for (std::size_t i = 0; i + 1 < ref_hs.size(); ++i) {
    const std::int64_t start = ref_hs[i];
    const std::int64_t end = ref_hs[i + 1];
    const std::int64_t other_off = first_between(other_to, start, end);
    const std::int64_t own_off = first_between(ref_to, start, end);
    if (other_off < 0 || own_off < 0) continue;
    const std::int64_t other_on = last_between(other_hs, start, own_off);
    if (other_on < 0) continue;
    const double support = static_cast<double>((other_off - start) + (own_off - other_on));
    double_support.push_back(100.0 * support / static_cast<double>(end - start));
  }
  out.double_support_percent = mean(double_support);
  const auto symmetry = [](double left, double right) {
    return 100.0 * (right - left) / (0.5 * (right + left));
  };
  out.step_time_symmetry_percent = symmetry(out.left.step_time_s, out.right.step_time_s);
  out.stance_symmetry_percent = symmetry(out.left.stance_percent, out.right.stance_percent);
  return out;
}

}  // namespace clinvid::analysis
