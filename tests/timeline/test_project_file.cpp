#include <gtest/gtest.h>

#include "core/json.hpp"
#include "fixtures.hpp"
#include "timeline/captions.hpp"
#include "timeline/project_file.hpp"

namespace clinvid::timeline {
namespace {

using test::clip;
using test::kRecA;
using test::kRecB;
using test::ok;
using test::sec;

// Every kind of thing the model holds, built through commands.
Project rich_project() {
  Project start = test::project_30fps();
  start.format.frame_rate = test::rate(30000, 1001);
  History h(start);
  const auto a = ok(h.apply(add_clip("t1", clip(kRecA, 1, 5, 0))));
  Clip b = clip(kRecB, 2, 6, 4);
  b.speed = test::rate(1, 2);
  b.opacity = 0.75;
  b.placement = {PlacementKind::rect, 0, {0.5, 0.25, 0.5, 0.5}};
  const auto bid = ok(h.apply(add_clip("t1", b)));
  ok(h.apply(add_transition(
      "t1", {"", TransitionKind::cross_fade, a, bid, Time(1001, test::rate(1, 30000))})));
  ok(h.apply(add_layout_section(
      "t1", {"", sec(0), sec(4), {LayoutKind::picture_in_picture, Corner::top_left, 0.25}})));
  Clip frozen = clip(kRecA, 0, 2, 20);
  frozen.freeze_at = test::ms(1500);
  ok(h.apply(add_clip("t1", frozen)));
  Redaction r;
  r.shape = render::RedactionShape::ellipse;
  r.mode = render::RedactionMode::pixelate;
  r.strength_px = 16;
  r.keyframes = {{sec(1), {0.1, 0.1, 0.2, 0.3}}, {sec(3), {0.3, 0.1, 0.2, 0.3}}};
  ok(h.apply(add_redaction(a, r)));
  ok(h.apply(add_face(a, FaceRegion{"", {{sec(1), {0.12, 0.12, 0.1, 0.1}}}})));
  Annotation ang;
  ang.kind = AnnotationKind::angle;
  ang.show_from = sec(2);
  ang.keyframes = {{sec(2), {{0.2, 0.2}, {0.4, 0.6}, {0.7, 0.5}}}};
  ok(h.apply(add_annotation(a, ang)));
  const auto narration = ok(h.apply(add_track(TrackKind::audio, "Narration")));
  Clip voice = clip(kRecB, 0, 8, 0);
  voice.source_width_px = voice.source_height_px = 0;
  voice.source.stream = 1;
  voice.gain_db = -6;
  ok(h.apply(add_clip(narration, voice)));
  const auto captions = ok(h.apply(add_track(TrackKind::caption, "Captions")));
  auto cues = ok(parse_webvtt("WEBVTT\n\n00:01.000 --> 00:03.500\nLeft heel strike\n"));
  ok(h.apply(add_texts(captions, cues_to_text_items(cues))));
  ok(h.apply(insert_title_card("Gait — before and after", "Teaching case 12", sec(3))));
  ok(h.apply(add_marker({"", MarkerKind::chapter, sec(3), "Before"})));
  ok(h.apply(append_end_card(sec(4))));
  return h.project();
}

TEST(ProjectFile, RoundTripIsByteIdentical) {
  const Project p = rich_project();
  const std::string first = save_project(p);
  const Project loaded = ok(load_project(first));
  const std::string second = save_project(loaded);
  EXPECT_EQ(first, second);
  EXPECT_EQ(loaded.next_id, p.next_id);
  EXPECT_EQ(loaded.tracks.size(), p.tracks.size());
  EXPECT_EQ(loaded.tracks[0].clips[1].speed, test::rate(1, 2));
  EXPECT_EQ(*loaded.tracks[0].clips[2].freeze_at, test::ms(1500));
  // The header says what and which version.
  const Json doc = ok(parse_json(first));
  EXPECT_EQ(doc["format"], "clinvid-project");
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["output"]["frame_rate"], "30000/1001");
}

// Loads `mutated` (the rich project's JSON after `mutate`) and returns the error.
template <class F>
Error load_error(F mutate) {
  Json doc = ok(parse_json(save_project(rich_project())));
  mutate(doc);
  auto r = load_project(doc.dump());
  EXPECT_FALSE(r.has_value());
  return r ? Error{} : r.error();
}

void expect_error(const Error& e, Errc code, const std::string& text) {
  EXPECT_EQ(e.code, code) << e.message();
  EXPECT_NE(e.detail.find(text), std::string::npos) << "got: " << e.detail;
}

TEST(ProjectFile, ValidationErrorsSayWhereAndWhat) {
  // Tracks: 0 video, 1 audio (narration), 2 captions, 3 overlay (the title card's).
  expect_error(load_error([](Json& d) { d["tracks"][1]["items"][0]["speed"] = "5"; }),
               Errc::out_of_range, "$.tracks[1].items[0].speed: 5 is outside 1/10..4");
  expect_error(load_error([](Json& d) { d["version"] = 7; }), Errc::unsupported,
               "$.version: project file version 7 is not supported");
  expect_error(load_error([](Json& d) { d["format"] = "something-else"; }), Errc::corrupt,
               "$.format");
  expect_error(load_error([](Json& d) { d["tracks"][0]["items"][0].erase("in"); }), Errc::corrupt,
               "$.tracks[0].items[0].in: required field is missing");
  expect_error(load_error([](Json& d) { d["tracks"][0]["items"][0]["stream"] = "zero"; }),
               Errc::corrupt, "$.tracks[0].items[0].stream: expected an integer, got string");
  expect_error(load_error([](Json& d) { d["tracks"][0]["items"][0]["in"] = "1.5"; }), Errc::corrupt,
               "$.tracks[0].items[0].in: malformed time '1.5'");
  expect_error(load_error([](Json& d) { d["tracks"][0]["items"][0]["out"] = "1*0/1"; }),
               Errc::corrupt, "$.tracks[0].items[0].out: malformed time");
  expect_error(load_error([](Json& d) { d["tracks"][0]["items"][0]["speed"] = "1/0"; }),
               Errc::corrupt, "$.tracks[0].items[0].speed: malformed rational '1/0'");
  expect_error(load_error([](Json& d) { d["output"]["frame_rate"] = "fast"; }), Errc::corrupt,
               "$.output.frame_rate: malformed rational");
  expect_error(load_error([](Json& d) { d["tracks"][0]["items"][0]["out"] = "0*1/1"; }),
               Errc::invalid_argument,
               "$.tracks[0].items[0].out: out point 0*1/1 is not after in point");
  expect_error(load_error([](Json& d) { d["tracks"][0]["items"][1]["start"] = "3*1/1"; }),
               Errc::invalid_argument, "overlaps clip");
  expect_error(load_error([](Json& d) { d["tracks"][0]["transitions"][0]["to"] = "c404"; }),
               Errc::invalid_argument, "$.tracks[0].transitions[0].to: unknown clip 'c404'");
  expect_error(load_error([](Json& d) { d["tracks"][0]["kind"] = "smell"; }), Errc::corrupt,
               "$.tracks[0].kind: unknown track kind 'smell'");
  expect_error(load_error([](Json& d) { d["tracks"][0]["items"][0]["type"] = "sound"; }),
               Errc::corrupt, "$.tracks[0].items[0].type: unknown item type 'sound'");
  expect_error(load_error([](Json& d) {
                 d["tracks"][0]["items"][0]["redactions"][0]["strength_px"] = 1000;
               }),
               Errc::out_of_range,
               "$.tracks[0].items[0].redactions[0].strength_px: 1000 is outside 2..256 px");
  expect_error(
      load_error([](Json& d) {
        d["tracks"][0]["items"][0]["redactions"][0]["keyframes"][1]["time"] = "0*1/1";
      }),
      Errc::invalid_argument,
      "$.tracks[0].items[0].redactions[0].keyframes[1].time: keyframe times must increase");
  expect_error(load_error([](Json& d) {
                 d["tracks"][0]["items"][0]["faces"][0]["keyframes"][0]["region"]["w"] = -1;
               }),
               Errc::out_of_range, "$.tracks[0].items[0].faces[0].keyframes[0].region.w");
}

TEST(ProjectFile, MoreMalformedFiles) {
  expect_error(load_error([](Json& d) { d["tracks"][1]["id"] = d["tracks"][0]["id"]; }),
               Errc::invalid_argument, "$.tracks[1].id: duplicate id");
  expect_error(
      load_error([](Json& d) { d["tracks"][0]["items"][0]["annotations"][0]["colour"] = "red"; }),
      Errc::corrupt, "annotations[0].colour: malformed colour 'red'");
  expect_error(load_error([](Json& d) { d["tracks"][0]["items"][0]["recording_id"] = "x"; }),
               Errc::invalid_argument,
               "$.tracks[0].items[0].recording_id: 'x' is not a recording UUID");
  expect_error(load_error([](Json& d) { d["tracks"][0]["items"][2]["freeze_at"] = "9*1/1"; }),
               Errc::out_of_range, "$.tracks[0].items[2].freeze_at");
  expect_error(load_error([](Json& d) { d["output"]["width"] = 1921; }), Errc::out_of_range,
               "$.output.width: 1921 is not an even number");
  expect_error(load_error([](Json& d) { d["tracks"] = "none"; }), Errc::corrupt,
               "$.tracks: expected an array, got string");
  expect_error(
      load_error([](Json& d) { d["tracks"][0]["layouts"][0]["layout"]["kind"] = "grid_3x3"; }),
      Errc::corrupt, "$.tracks[0].layouts[0].layout.kind: unknown layout 'grid_3x3'");

  auto not_json = load_project("{\"format\": ");
  ASSERT_FALSE(not_json);
  EXPECT_EQ(not_json.error().code, Errc::corrupt);
  auto not_object = load_project("[1, 2]");
  ASSERT_FALSE(not_object);
  EXPECT_NE(not_object.error().detail.find("$: expected an object"), std::string::npos);
  auto no_version = load_project(R"({"format": "clinvid-project"})");
  ASSERT_FALSE(no_version);
  EXPECT_NE(no_version.error().detail.find("$.version: required field is missing"),
            std::string::npos);
}

TEST(ProjectFile, EveryFieldBrokenGivesALocatedErrorNotACrash) {
  // Each leaf of a full project replaced in turn by null, a string and a negative number: the
  // loader either accepts the result or refuses it with an error that starts with its path.
  const Json doc = ok(parse_json(save_project(rich_project())));
  const Json flat = doc.flatten();
  int refused = 0;
  for (const auto& [pointer, value] : flat.items()) {
    for (const Json& replacement : {Json(nullptr), Json("x"), Json(-7)}) {
      Json broken = flat;
      broken[pointer] = replacement;
      const auto r = load_project(broken.unflatten().dump());
      if (r) continue;
      ++refused;
      EXPECT_TRUE(r.error().detail.starts_with("$")) << pointer << ": " << r.error().detail;
      EXPECT_NE(r.error().code, Errc::invalid) << pointer;
    }
  }
  EXPECT_GT(refused, 300);
}

TEST(ProjectFile, MinimalFileGetsDefaults) {
  const auto p = ok(load_project(R"({"format": "clinvid-project", "version": 1,
      "output": {"width": 640, "height": 360, "frame_rate": "25"}})"));
  EXPECT_EQ(p.format.width_px, 640U);
  EXPECT_EQ(p.format.frame_rate, test::rate(25));
  EXPECT_EQ(p.format.colour, "bt709");
  EXPECT_EQ(p.metadata.purpose, consent::Purpose::teaching);
  EXPECT_TRUE(p.tracks.empty());
}

}  // namespace
}  // namespace clinvid::timeline
