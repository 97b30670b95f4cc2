// Commands on text items, on what is attached to clips (faces, redactions, annotations and their
// keyframes), and the title/end card templates.
#include <algorithm>
#include <utility>

#include "timeline/commands.hpp"
#include "timeline/edit_support.hpp"

namespace clinvid::timeline {

using detail::clip_or_fail;
using detail::track_or_fail;

namespace {

Status text_track(const Track& t) {
  if (t.kind == TrackKind::overlay || t.kind == TrackKind::caption) return {};
  return fail(Errc::invalid_argument, "track " + t.id + " is a " + std::string(to_string(t.kind)) +
                                          " track; text goes on overlay or caption tracks");
}

template <class Keyframe>
void upsert_keyframe(std::vector<Keyframe>& keyframes, const Keyframe& k) {
  auto it = std::find_if(keyframes.begin(), keyframes.end(),
                         [&](const Keyframe& x) { return x.time == k.time; });
  if (it != keyframes.end()) {
    *it = k;
    return;
  }
  keyframes.push_back(k);
  std::stable_sort(keyframes.begin(), keyframes.end(),
                   [](const Keyframe& a, const Keyframe& b) { return a.time < b.time; });
}

template <class Keyframe>
Result<std::string> erase_keyframe(std::vector<Keyframe>& keyframes, const Time& time,
                                   std::string_view owner) {
  auto it = std::find_if(keyframes.begin(), keyframes.end(),
                         [&](const Keyframe& x) { return x.time == time; });
  if (it == keyframes.end()) {
    return fail(Errc::not_found, std::string(owner) + " has no keyframe at " + time.to_string());
  }
  if (keyframes.size() == 1) {
    return fail(Errc::invalid_argument,
                std::string(owner) + " keeps at least one keyframe; remove the item instead");
  }
  keyframes.erase(it);
  return std::string();
}

// Calls f(clip, vector) on the face/redaction/annotation list holding `id`.
template <class T, class F>
Result<std::string> with_attached(Project& p, std::string_view id, std::vector<T> Clip::*member,
                                  F&& f) {
  for (auto& track : p.tracks) {
    for (auto& clip : track.clips) {
      auto& items = clip.*member;
      for (auto& item : items) {
        if (item.id == id) return f(item);
      }
    }
  }
  return fail(Errc::not_found, "no item with id '" + std::string(id) + "'");
}

template <class T>
bool holds(const Project& p, std::string_view id, std::vector<T> Clip::*member) {
  for (const auto& track : p.tracks) {
    for (const auto& clip : track.clips) {
      for (const auto& item : clip.*member) {
        if (item.id == id) return true;
      }
    }
  }
  return false;
}

template <class T>
Command attach(std::string label, std::string clip_id, T value, std::vector<T> Clip::*member,
               std::string prefix) {
  return {std::move(label),
          [clip_id = std::move(clip_id), value = std::move(value), member,
           prefix = std::move(prefix)](Project& p) -> Result<std::string> {
            auto ref = clip_or_fail(p, clip_id);
            if (!ref) return tl::unexpected(ref.error());
            T item = value;
            if (item.id.empty()) item.id = p.new_id(prefix);
            (ref->clip->*member).push_back(item);
            return item.id;
          }};
}

template <class T>
Command replace_attached(std::string label, T value, std::vector<T> Clip::*member) {
  return {std::move(label), [value = std::move(value), member](Project& p) -> Result<std::string> {
            return with_attached(p, value.id, member, [&](T& item) -> Result<std::string> {
              item = value;
              return std::string();
            });
          }};
}

}  // namespace

Command add_text(std::string track_id, TextItem item) {
  return add_texts(std::move(track_id), {std::move(item)});
}

Command add_texts(std::string track_id, std::vector<TextItem> items) {
  std::string label = items.size() == 1 ? "add text" : "add captions";
  return {std::move(label),
          [track_id = std::move(track_id),
           items = std::move(items)](Project& p) -> Result<std::string> {
            auto track = track_or_fail(p, track_id);
            if (!track) return tl::unexpected(track.error());
            if (auto ok = text_track(**track); !ok) return tl::unexpected(ok.error());
            std::string last;
            for (auto item : items) {
              if (item.id.empty()) item.id = p.new_id("s");
              last = item.id;
              (*track)->texts.push_back(std::move(item));
            }
            detail::sort_track(**track);
            return last;
          }};
}

Command edit_text(TextItem item) {
  return {"edit text " + item.id, [item = std::move(item)](Project& p) -> Result<std::string> {
            for (auto& track : p.tracks) {
              for (auto& x : track.texts) {
                if (x.id == item.id) {
                  x = item;
                  detail::sort_track(track);
                  return std::string();
                }
              }
            }
            return fail(Errc::not_found, "no text item with id '" + item.id + "'");
          }};
}

Command add_face(std::string clip_id, FaceRegion face) {
  return attach("mark face", std::move(clip_id), std::move(face), &Clip::faces, "f");
}

Command add_redaction(std::string clip_id, Redaction redaction) {
  return attach("add redaction", std::move(clip_id), std::move(redaction), &Clip::redactions, "r");
}

Command edit_redaction(Redaction redaction) {
  std::string label = "edit redaction " + redaction.id;
  return replace_attached(std::move(label), std::move(redaction), &Clip::redactions);
}

Command add_annotation(std::string clip_id, Annotation annotation) {
  return attach("add annotation", std::move(clip_id), std::move(annotation), &Clip::annotations,
                "a");
}

Command edit_annotation(Annotation annotation) {
  std::string label = "edit annotation " + annotation.id;
  return replace_attached(std::move(label), std::move(annotation), &Clip::annotations);
}

Command set_region_keyframe(std::string owner_id, RegionKeyframe keyframe) {
  return {"set keyframe on " + owner_id, [owner_id, keyframe](Project& p) -> Result<std::string> {
            if (holds(p, owner_id, &Clip::redactions)) {
              return with_attached(p, owner_id, &Clip::redactions,
                                   [&](Redaction& r) -> Result<std::string> {
                                     upsert_keyframe(r.keyframes, keyframe);
                                     return std::string();
                                   });
            }
            return with_attached(p, owner_id, &Clip::faces,
                                 [&](FaceRegion& f) -> Result<std::string> {
                                   upsert_keyframe(f.keyframes, keyframe);
                                   return std::string();
                                 });
          }};
}

Command set_points_keyframe(std::string annotation_id, PointsKeyframe keyframe) {
  return {"set keyframe on " + annotation_id,
          [annotation_id, keyframe](Project& p) -> Result<std::string> {
            return with_attached(p, annotation_id, &Clip::annotations,
                                 [&](Annotation& a) -> Result<std::string> {
                                   upsert_keyframe(a.keyframes, keyframe);
                                   return std::string();
                                 });
          }};
}

Command remove_keyframe(std::string owner_id, Time time) {
  return {"remove keyframe on " + owner_id, [owner_id, time](Project& p) -> Result<std::string> {
            if (holds(p, owner_id, &Clip::redactions)) {
              return with_attached(p, owner_id, &Clip::redactions, [&](Redaction& x) {
                return erase_keyframe(x.keyframes, time, "redaction " + owner_id);
              });
            }
            if (holds(p, owner_id, &Clip::faces)) {
              return with_attached(p, owner_id, &Clip::faces, [&](FaceRegion& x) {
                return erase_keyframe(x.keyframes, time, "face " + owner_id);
              });
            }
            return with_attached(p, owner_id, &Clip::annotations, [&](Annotation& x) {
              return erase_keyframe(x.keyframes, time, "annotation " + owner_id);
            });
          }};
}

std::string_view end_card_notice(consent::Purpose purpose) noexcept {
  switch (purpose) {
    case consent::Purpose::teaching: return "For teaching only — not for onward distribution";
    case consent::Purpose::research:
      return "For approved research use only — not for onward distribution";
    case consent::Purpose::publication:
      return "Published with the patient's consent — not to be reused or redistributed";
    case consent::Purpose::clinical_record:
      return "Part of the patient's clinical record — confidential";
    case consent::Purpose::safeguarding_medico_legal:
      return "Confidential — for safeguarding and medico-legal use only";
    case consent::Purpose::invalid: break;
  }
  return "Confidential — not for onward distribution";
}

namespace {

Result<Track*> overlay_track(Project& p) {
  for (auto& t : p.tracks) {
    if (t.kind == TrackKind::overlay) return &t;
  }
  Track t;
  t.id = p.new_id("t");
  t.kind = TrackKind::overlay;
  t.name = "Titles";
  p.tracks.push_back(std::move(t));
  return &p.tracks.back();
}

TextItem card(std::string text, std::string subtitle, Time start, Time duration) {
  TextItem x;
  x.text = std::move(text);
  x.subtitle = std::move(subtitle);
  x.start = start;
  x.duration = duration;
  x.position = TextPosition::title;
  x.backdrop = TextBackdrop::full_canvas;
  x.size = 0.08;
  x.background = {0, 0, 0, 255};
  return x;
}

Status shift(Time& t, const Time& by) {
  auto moved = add(t, by);
  if (!moved) return tl::unexpected(moved.error());
  t = *moved;
  return {};
}

}  // namespace

Command insert_title_card(std::string title, std::string subtitle, Time duration) {
  return {"insert title card",
          [title = std::move(title), subtitle = std::move(subtitle),
           duration](Project& p) -> Result<std::string> {
            if (title.empty()) return fail(Errc::invalid_argument, "the title is empty");
            if (!(Time() < duration)) {
              return fail(Errc::out_of_range,
                          "duration " + duration.to_string() + " must be positive");
            }
            for (auto& track : p.tracks) {
              for (auto& c : track.clips) {
                if (auto s = shift(c.start, duration); !s) return tl::unexpected(s.error());
              }
              for (auto& x : track.texts) {
                if (auto s = shift(x.start, duration); !s) return tl::unexpected(s.error());
              }
              for (auto& l : track.layouts) {
                if (auto s = shift(l.start, duration); !s) return tl::unexpected(s.error());
              }
            }
            for (auto& m : p.markers) {
              if (auto s = shift(m.time, duration); !s) return tl::unexpected(s.error());
            }
            auto track = overlay_track(p);
            if (!track) return tl::unexpected(track.error());
            TextItem x = card(title, subtitle, Time(), duration);
            x.id = p.new_id("s");
            (*track)->texts.push_back(x);
            detail::sort_track(**track);
            return x.id;
          }};
}

Command append_end_card(Time duration) {
  return {"append end card", [duration](Project& p) -> Result<std::string> {
            if (p.metadata.consent_reference.empty()) {
              return fail(Errc::invalid_argument,
                          "the project has no consent reference ($.metadata.consent_reference) "
                          "for the end card");
            }
            if (!(Time() < duration)) {
              return fail(Errc::out_of_range,
                          "duration " + duration.to_string() + " must be positive");
            }
            auto end = project_duration(p);
            if (!end) return tl::unexpected(end.error());
            auto track = overlay_track(p);
            if (!track) return tl::unexpected(track.error());
            TextItem x = card(std::string(end_card_notice(p.metadata.purpose)),
                              "Consent: " + p.metadata.consent_reference, *end, duration);
            x.size = 0.05;
            x.id = p.new_id("s");
            (*track)->texts.push_back(x);
            detail::sort_track(**track);
            return x.id;
          }};
}

}  // namespace clinvid::timeline
