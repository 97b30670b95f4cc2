#include "timeline/faces.hpp"

#include <algorithm>

#include "timeline/evaluate.hpp"

namespace clinvid::timeline {
namespace {

constexpr double kEps = 1e-9;

bool inside(const Redaction& r, const NormRect& region, double x, double y) {
  if (r.shape == render::RedactionShape::ellipse) {
    const double rx = region.w / 2, ry = region.h / 2;
    if (rx <= 0 || ry <= 0) return false;
    const double dx = (x - (region.x + rx)) / rx, dy = (y - (region.y + ry)) / ry;
    return dx * dx + dy * dy <= 1 + kEps;
  }
  return x >= region.x - kEps && x <= region.x + region.w + kEps && y >= region.y - kEps &&
         y <= region.y + region.h + kEps;
}

bool covered(const NormRect& face, const std::vector<const Redaction*>& redactions,
             const std::vector<NormRect>& regions) {
  std::vector<double> xs{face.x, face.x + face.w};
  std::vector<double> ys{face.y, face.y + face.h};
  for (const auto& r : regions) {
    for (double x : {r.x, r.x + r.w}) {
      if (x > face.x && x < face.x + face.w) xs.push_back(x);
    }
    for (double y : {r.y, r.y + r.h}) {
      if (y > face.y && y < face.y + face.h) ys.push_back(y);
    }
  }
  for (int i = 0; i <= 16; ++i) {
    xs.push_back(face.x + face.w * i / 16.0);
    ys.push_back(face.y + face.h * i / 16.0);
  }
  std::sort(xs.begin(), xs.end());
  std::sort(ys.begin(), ys.end());
  auto test = [&](double x, double y) {
    for (std::size_t k = 0; k < redactions.size(); ++k) {
      if (inside(*redactions[k], regions[k], x, y)) return true;
    }
    return false;
  };
  // Cell centres decide rectangles exactly; the grid lines themselves catch ellipse edges.
  for (std::size_t i = 0; i + 1 < xs.size(); ++i) {
    for (std::size_t j = 0; j + 1 < ys.size(); ++j) {
      if (!test((xs[i] + xs[i + 1]) / 2, (ys[j] + ys[j + 1]) / 2)) return false;
    }
  }
  for (double x : xs) {
    for (double y : ys) {
      if (!test(x, y)) return false;
    }
  }
  return true;
}

}  // namespace

Result<std::vector<UncoveredFace>> uncovered_faces(const Project& project,
                                                   std::string_view clip_id) {
  const auto ref = find_clip(project, clip_id);
  if (ref.clip == nullptr) {
    return fail(Errc::not_found, "uncovered_faces: no clip with id '" + std::string(clip_id) + "'");
  }
  const Clip& clip = *ref.clip;
  std::vector<UncoveredFace> out;
  if (clip.faces.empty()) return out;
  auto end = clip_end(clip);
  if (!end) return tl::unexpected(end.error());

  // Instants to check, in source time: every output frame the clip covers, and every face
  // keyframe that falls inside the clip's source range.
  // A cross-fade shows the clip for half its duration beyond each end: check those frames too.
  Time visible_from = clip.start;
  Time visible_until = *end;
  for (const auto& tr : ref.track->transitions) {
    if (tr.kind != TransitionKind::cross_fade) continue;
    auto half = multiply(tr.duration, Rational::make(1, 2).value());
    if (!half) return tl::unexpected(half.error());
    if (tr.to_clip == clip.id) visible_from = subtract(clip.start, *half).value_or(clip.start);
    if (tr.from_clip == clip.id) visible_until = add(*end, *half).value_or(*end);
  }
  std::vector<Time> instants;
  const Rational rate = project.format.frame_rate;
  auto first = visible_from.in(rate.inverse(), Rounding::up);
  auto last = visible_until.in(rate.inverse(), Rounding::up);
  if (!first || !last) return fail(Errc::out_of_range, "uncovered_faces: clip times overflow");
  for (std::int64_t n = *first; n < *last; ++n) {
    auto s = source_time_at(clip, Time::frames(n, rate));
    if (!s) return tl::unexpected(s.error());
    instants.push_back(*s);
  }
  for (const auto& face : clip.faces) {
    for (const auto& k : face.keyframes) {
      if (clip.source_in <= k.time && k.time < clip.source_out) instants.push_back(k.time);
    }
  }

  std::sort(instants.begin(), instants.end());
  instants.erase(std::unique(instants.begin(), instants.end()), instants.end());

  std::vector<const Redaction*> redactions;
  for (const auto& r : clip.redactions) redactions.push_back(&r);
  std::vector<NormRect> regions(redactions.size());
  for (const auto& face : clip.faces) {
    for (const auto& when : instants) {
      const NormRect region = region_at(face.keyframes, when);
      for (std::size_t k = 0; k < redactions.size(); ++k) {
        regions[k] = region_at(redactions[k]->keyframes, when);
      }
      if (!covered(region, redactions, regions)) out.push_back({face.id, when, region});
    }
  }
  return out;
}

}  // namespace clinvid::timeline
