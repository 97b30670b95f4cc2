#include "timeline/commands.hpp"

#include <algorithm>
#include <utility>

#include "timeline/edit_support.hpp"

namespace clinvid::timeline {

using detail::clip_or_fail;
using detail::track_or_fail;

Command set_format(OutputFormat format) {
  return {"set format", [format = std::move(format)](Project& p) -> Result<std::string> {
            p.format = format;
            return std::string();
          }};
}

Command set_metadata(Metadata metadata) {
  return {"set metadata", [metadata = std::move(metadata)](Project& p) -> Result<std::string> {
            p.metadata = metadata;
            return std::string();
          }};
}

Command set_project_layout(Layout layout) {
  return {"set layout", [layout](Project& p) -> Result<std::string> {
            p.layout = layout;
            return std::string();
          }};
}

Command add_track(TrackKind kind, std::string name) {
  return {"add track", [kind, name = std::move(name)](Project& p) -> Result<std::string> {
            Track t;
            t.id = p.new_id("t");
            t.kind = kind;
            t.name = name;
            p.tracks.push_back(std::move(t));
            return p.tracks.back().id;
          }};
}

Command add_marker(Marker marker) {
  return {"add marker", [marker = std::move(marker)](Project& p) -> Result<std::string> {
            Marker m = marker;
            if (m.id.empty()) m.id = p.new_id("m");
            p.markers.push_back(m);
            std::stable_sort(p.markers.begin(), p.markers.end(),
                             [](const Marker& a, const Marker& b) { return a.time < b.time; });
            return m.id;
          }};
}

Command remove_item(std::string id) {
  return {"remove " + id, [id](Project& p) -> Result<std::string> {
            if (detail::erase_by_id(p, id)) return std::string();
            return fail(Errc::not_found, "no item with id '" + id + "'");
          }};
}

Command add_clip(std::string track_id, Clip clip) {
  return {
      "add clip",
      [track_id = std::move(track_id), clip = std::move(clip)](Project& p) -> Result<std::string> {
        auto track = track_or_fail(p, track_id);
        if (!track) return tl::unexpected(track.error());
        if ((*track)->kind != TrackKind::video && (*track)->kind != TrackKind::audio) {
          return fail(Errc::invalid_argument, "track " + track_id + " is a " +
                                                  std::string(to_string((*track)->kind)) +
                                                  " track; clips go on video or audio tracks");
        }
        Clip c = clip;
        if (c.id.empty()) c.id = p.new_id("c");
        (*track)->clips.push_back(c);
        detail::sort_track(**track);
        return c.id;
      }};
}

Command move_clip(std::string clip_id, Time start, std::string track_id) {
  return {"move clip " + clip_id,
          [clip_id, start, track_id = std::move(track_id)](Project& p) -> Result<std::string> {
            auto ref = clip_or_fail(p, clip_id);
            if (!ref) return tl::unexpected(ref.error());
            Clip moved = *ref->clip;
            moved.start = start;
            Track* from = ref->track;
            Track* to = from;
            if (!track_id.empty() && track_id != from->id) {
              auto target = track_or_fail(p, track_id);
              if (!target) return tl::unexpected(target.error());
              to = *target;
              if (to->kind != from->kind) {
                return fail(Errc::invalid_argument,
                            "cannot move a clip from a " + std::string(to_string(from->kind)) +
                                " track to a " + std::string(to_string(to->kind)) + " track");
              }
              std::erase_if(from->transitions, [&](const Transition& t) {
                return t.from_clip == clip_id || t.to_clip == clip_id;
              });
              std::erase_if(from->clips, [&](const Clip& c) { return c.id == clip_id; });
              to->clips.push_back(std::move(moved));
            } else {
              *ref->clip = std::move(moved);
            }
            detail::sort_track(*to);
            detail::drop_broken_transitions(*from);
            detail::drop_broken_transitions(*to);
            return std::string();
          }};
}

Command trim_clip(std::string clip_id, Time source_in, Time source_out) {
  return {"trim clip " + clip_id,
          [clip_id, source_in, source_out](Project& p) -> Result<std::string> {
            auto ref = clip_or_fail(p, clip_id);
            if (!ref) return tl::unexpected(ref.error());
            if (!(source_in < source_out)) {
              return fail(Errc::invalid_argument, "out point " + source_out.to_string() +
                                                      " is not after in point " +
                                                      source_in.to_string());
            }
            ref->clip->source_in = source_in;
            ref->clip->source_out = source_out;
            detail::drop_broken_transitions(*ref->track);
            return std::string();
          }};
}

Command set_speed(std::string clip_id, Rational speed) {
  return {"set speed of " + clip_id, [clip_id, speed](Project& p) -> Result<std::string> {
            if (speed < kMinSpeed || speed > kMaxSpeed) {
              return fail(Errc::out_of_range, "speed " + rational_text(speed) + " is outside " +
                                                  rational_text(kMinSpeed) + ".." +
                                                  rational_text(kMaxSpeed));
            }
            auto ref = clip_or_fail(p, clip_id);
            if (!ref) return tl::unexpected(ref.error());
            ref->clip->speed = speed;
            detail::drop_broken_transitions(*ref->track);
            return std::string();
          }};
}

Command split_clip(std::string clip_id, Time at) {
  return {"split clip " + clip_id, [clip_id, at](Project& p) -> Result<std::string> {
            auto ref = clip_or_fail(p, clip_id);
            if (!ref) return tl::unexpected(ref.error());
            Clip& first = *ref->clip;
            auto end = clip_end(first);
            if (!end) return tl::unexpected(end.error());
            if (!(first.start < at && at < *end)) {
              return fail(Errc::out_of_range,
                          "split point " + at.to_string() + " is not inside the clip (" +
                              first.start.to_string() + " .. " + end->to_string() + ")");
            }
            if (first.freeze_at) {
              return fail(Errc::invalid_argument,
                          "clip " + clip_id +
                              " is a freeze frame, which shows one source instant; trim it "
                              "instead of splitting it");
            }
            Clip second = first;
            second.id = p.new_id("c");
            second.start = at;
            auto offset = subtract(at, first.start);
            if (!offset) return tl::unexpected(offset.error());
            auto source_offset = multiply(*offset, first.speed);
            if (!source_offset) return tl::unexpected(source_offset.error());
            auto split_source = add(first.source_in, *source_offset);
            if (!split_source) return tl::unexpected(split_source.error());
            second.source_in = *split_source;
            for (auto& x : second.faces) x.id = p.new_id("f");
            for (auto& x : second.redactions) x.id = p.new_id("r");
            for (auto& x : second.annotations) x.id = p.new_id("a");
            first.source_out = *split_source;
            Track& track = *ref->track;
            for (auto& tr : track.transitions) {
              if (tr.from_clip == clip_id) tr.from_clip = second.id;
            }
            const std::string id = second.id;
            track.clips.push_back(std::move(second));  // invalidates `first`
            detail::sort_track(track);
            detail::drop_broken_transitions(track);
            return id;
          }};
}

Command set_freeze(std::string clip_id, std::optional<Time> source_time) {
  return {"freeze " + clip_id, [clip_id, source_time](Project& p) -> Result<std::string> {
            auto ref = clip_or_fail(p, clip_id);
            if (!ref) return tl::unexpected(ref.error());
            ref->clip->freeze_at = source_time;
            return std::string();
          }};
}

Command set_opacity(std::string clip_id, double opacity) {
  return {"set opacity of " + clip_id, [clip_id, opacity](Project& p) -> Result<std::string> {
            auto ref = clip_or_fail(p, clip_id);
            if (!ref) return tl::unexpected(ref.error());
            ref->clip->opacity = opacity;
            return std::string();
          }};
}

Command set_placement(std::string clip_id, Placement placement) {
  return {"place " + clip_id, [clip_id, placement](Project& p) -> Result<std::string> {
            auto ref = clip_or_fail(p, clip_id);
            if (!ref) return tl::unexpected(ref.error());
            ref->clip->placement = placement;
            return std::string();
          }};
}

Command set_gain(std::string clip_id, double gain_db) {
  return {"set gain of " + clip_id, [clip_id, gain_db](Project& p) -> Result<std::string> {
            auto ref = clip_or_fail(p, clip_id);
            if (!ref) return tl::unexpected(ref.error());
            ref->clip->gain_db = gain_db;
            return std::string();
          }};
}

Command add_layout_section(std::string track_id, LayoutSection section) {
  return {"add layout",
          [track_id = std::move(track_id),
           section = std::move(section)](Project& p) -> Result<std::string> {
            auto track = track_or_fail(p, track_id);
            if (!track) return tl::unexpected(track.error());
            LayoutSection s = section;
            if (s.id.empty()) s.id = p.new_id("l");
            (*track)->layouts.push_back(s);
            std::stable_sort((*track)->layouts.begin(), (*track)->layouts.end(),
                             [](const auto& a, const auto& b) { return a.start < b.start; });
            return s.id;
          }};
}

Command add_transition(std::string track_id, Transition transition) {
  return {"add transition",
          [track_id = std::move(track_id),
           transition = std::move(transition)](Project& p) -> Result<std::string> {
            auto track = track_or_fail(p, track_id);
            if (!track) return tl::unexpected(track.error());
            Transition t = transition;
            if (t.id.empty()) t.id = p.new_id("x");
            (*track)->transitions.push_back(t);
            return t.id;
          }};
}

}  // namespace clinvid::timeline
