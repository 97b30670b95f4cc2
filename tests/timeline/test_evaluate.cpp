#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "timeline/evaluate.hpp"
#include "timeline/layout.hpp"
#include "timeline/params.hpp"

namespace clinvid::timeline {
namespace {

using test::clip;
using test::kRecA;
using test::kRecB;
using test::ok;
using test::sec;

template <class L>
std::vector<L> layers_of(const FramePlan& plan) {
  std::vector<L> out;
  for (const auto& l : plan.composition.layers) {
    if (const auto* x = std::get_if<L>(&l)) out.push_back(*x);
  }
  return out;
}

TEST(Layout, SlotRectsAndLetterboxing) {
  const auto sbs = slot_rects({LayoutKind::side_by_side, Corner::invalid, 0}, 1920, 1080);
  ASSERT_EQ(sbs.size(), 2U);
  EXPECT_EQ(fit_rect(sbs[0], 1920, 1080), (render::RectF{0, 270, 960, 540}));
  EXPECT_EQ(fit_rect(sbs[1], 1920, 1080), (render::RectF{960, 270, 960, 540}));
  const auto grid = slot_rects({LayoutKind::grid_2x2, Corner::invalid, 0}, 1920, 1080);
  ASSERT_EQ(grid.size(), 4U);
  EXPECT_EQ(grid[3], (render::RectF{960, 540, 960, 540}));
  // A portrait 1080x1920 phone recording is pillarboxed inside a full 16:9 slot.
  EXPECT_EQ(fit_rect({0, 0, 1920, 1080}, 1080, 1920), (render::RectF{656.25F, 0, 607.5F, 1080}));
  const auto pip = slot_rects({LayoutKind::picture_in_picture, Corner::top_left, 0.25}, 1920, 1080);
  ASSERT_EQ(pip.size(), 2U);
  EXPECT_EQ(pip[0], (render::RectF{0, 0, 1920, 1080}));
  EXPECT_FLOAT_EQ(pip[1].x, 32.4F);  // 3 % of 1080
  EXPECT_FLOAT_EQ(pip[1].y, 32.4F);
  EXPECT_FLOAT_EQ(pip[1].w, 480);
  EXPECT_FLOAT_EQ(pip[1].h, 270);
  const auto br =
      slot_rects({LayoutKind::picture_in_picture, Corner::bottom_right, 0.25}, 1920, 1080);
  EXPECT_FLOAT_EQ(br[1].x + br[1].w, 1920 - 32.4F);
  EXPECT_FLOAT_EQ(br[1].y + br[1].h, 1080 - 32.4F);
}

TEST(PlanFrame, SideBySideBeforeAfterAndEmptyPositions) {
  History h(test::project_30fps());
  ok(h.apply(set_project_layout({LayoutKind::side_by_side, Corner::bottom_right, 0.3})));
  const auto after_track = ok(h.apply(add_track(TrackKind::video, "after")));
  ok(h.apply(add_clip("t1", clip(kRecA, 0, 2, 0))));
  Clip after = clip(kRecB, 5, 7, 0);
  after.placement.slot = 1;
  ok(h.apply(add_clip(after_track, after)));

  const FramePlan plan = ok(plan_frame(h.project(), 15));
  EXPECT_EQ(plan.composition.width, 1920U);
  const auto video = layers_of<render::VideoLayer>(plan);
  ASSERT_EQ(video.size(), 2U);
  EXPECT_EQ(video[0].dest, (render::RectF{0, 270, 960, 540}));
  EXPECT_EQ(video[1].dest, (render::RectF{960, 270, 960, 540}));
  ASSERT_EQ(plan.inputs.size(), 2U);
  EXPECT_EQ(plan.inputs[0].recording_id, kRecA);
  EXPECT_EQ(plan.inputs[0].source_time, test::ms(500));
  EXPECT_EQ(plan.inputs[1].source_time, test::ms(5500));
  EXPECT_EQ(plan.inputs[static_cast<std::size_t>(video[1].input)].recording_id, kRecB);

  // Past the end: background only.
  const FramePlan empty = ok(plan_frame(h.project(), 60));
  EXPECT_TRUE(empty.composition.layers.empty());
  EXPECT_TRUE(empty.inputs.empty());
  EXPECT_EQ(plan_frame(h.project(), -1).error().code, Errc::invalid_argument);

  // A slot the layout in force lacks is an error, not a silently missing picture.
  Clip third = clip(kRecA, 0, 1, 0);
  third.placement.slot = 3;
  const auto t3 = ok(h.apply(add_track(TrackKind::video, "third")));
  ok(h.apply(add_clip(t3, third)));
  auto missing = plan_frame(h.project(), 0);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().detail.find("slot 3"), std::string::npos) << missing.error().detail;
  // A grid section on the first track makes slot 3 exist for every track.
  ok(h.apply(add_layout_section(
      "t1", {"", sec(0), sec(1), {LayoutKind::grid_2x2, Corner::invalid, 0.3}})));
  const auto grid = layers_of<render::VideoLayer>(ok(plan_frame(h.project(), 0)));
  ASSERT_EQ(grid.size(), 3U);
  EXPECT_EQ(grid[2].dest, (render::RectF{960, 540, 960, 540}));
}

TEST(PlanFrame, SpeedAndFreezeSourceTimes) {
  History h(test::project_30fps());
  Clip slow = clip(kRecA, 10, 12, 0);
  slow.speed = test::rate(1, 2);
  const auto id = ok(h.apply(add_clip("t1", slow)));
  // Frame 45 = 1.5 s into the clip → 10 + 0.75 s of source.
  EXPECT_EQ(ok(plan_frame(h.project(), 45)).inputs[0].source_time, test::ms(10750));
  EXPECT_EQ(ok(plan_frame(h.project(), 119)).inputs.size(), 1U);
  EXPECT_TRUE(ok(plan_frame(h.project(), 120)).inputs.empty());

  // At 30000/1001 the source time stays exact: frame 1 at 1/3 speed is 1001/90000 s past in.
  Project ntsc = h.project();
  ntsc.format.frame_rate = test::rate(30000, 1001);
  ntsc.tracks[0].clips[0].speed = test::rate(1, 3);
  const Time t1 = ok(plan_frame(ntsc, 1)).inputs[0].source_time;
  EXPECT_EQ(t1, ok(add(sec(10), Time(1001, test::rate(1, 90000)))));

  ok(h.apply(set_freeze(id, sec(11))));
  for (std::int64_t n : {0, 60, 119}) {
    EXPECT_EQ(ok(plan_frame(h.project(), n)).inputs[0].source_time, sec(11)) << n;
  }
}

TEST(PlanFrame, CrossFadeAndDipToBlack) {
  History h(test::project_30fps());
  const auto a = ok(h.apply(add_clip("t1", clip(kRecA, 0, 2, 0))));
  const auto b = ok(h.apply(add_clip("t1", clip(kRecB, 1, 3, 2))));
  ok(h.apply(add_transition("t1", {"", TransitionKind::cross_fade, a, b, sec(1)})));
  // The fade spans 1.5 s .. 2.5 s (frames 45..74).
  EXPECT_EQ(layers_of<render::VideoLayer>(ok(plan_frame(h.project(), 44))).size(), 1U);
  const auto at = [&](std::int64_t n) {
    return layers_of<render::VideoLayer>(ok(plan_frame(h.project(), n)));
  };
  auto start = at(45);
  ASSERT_EQ(start.size(), 2U);
  EXPECT_FLOAT_EQ(start[0].opacity, 1.0F);
  EXPECT_FLOAT_EQ(start[1].opacity, 0.0F);
  auto cut = at(60);
  ASSERT_EQ(cut.size(), 2U);
  EXPECT_FLOAT_EQ(cut[1].opacity, 0.5F);
  auto later = at(69);
  EXPECT_NEAR(later[1].opacity, 0.8F, 1e-6);
  // Past the cut the outgoing clip reads its handle: 2 s + 0.3 s of source.
  const auto plan69 = ok(plan_frame(h.project(), 69));
  EXPECT_EQ(plan69.inputs[0].source_time, test::ms(2300));
  EXPECT_EQ(plan69.inputs[1].source_time, test::ms(1300));
  EXPECT_EQ(at(75).size(), 1U);

  // Swap for a dip to black: black rises to opaque at the cut, then falls.
  ok(h.apply(remove_item(h.project().tracks[0].transitions[0].id)));
  ok(h.apply(add_transition("t1", {"", TransitionKind::dip_to_black, a, b, sec(1)})));
  const auto fill_alpha = [&](std::int64_t n) -> int {
    const auto fills = layers_of<render::FillLayer>(ok(plan_frame(h.project(), n)));
    return fills.empty() ? -1 : fills[0].colour.a;
  };
  EXPECT_EQ(fill_alpha(44), -1);
  EXPECT_EQ(fill_alpha(45), -1);   // alpha 0: nothing to draw
  EXPECT_EQ(fill_alpha(46), 17);   // 1/15 of the way
  EXPECT_EQ(fill_alpha(52), 119);  // 7/15
  EXPECT_EQ(fill_alpha(60), 255);
  EXPECT_EQ(fill_alpha(66), 153);  // 1 − 6/15 = 0.6
  EXPECT_EQ(fill_alpha(75), -1);
  EXPECT_EQ(layers_of<render::VideoLayer>(ok(plan_frame(h.project(), 59))).size(), 1U);
}

TEST(PlanFrame, RedactionsInterpolateInsideTheClipRect) {
  History h(test::project_30fps());
  ok(h.apply(set_project_layout({LayoutKind::side_by_side, Corner::bottom_right, 0.3})));
  Clip c = clip(kRecA, 10, 14, 0);
  c.placement.slot = 1;  // dest 960,270 960x540
  const auto id = ok(h.apply(add_clip("t1", c)));
  Redaction r;
  r.mode = render::RedactionMode::pixelate;
  r.strength_px = 20;
  r.keyframes = {{sec(11), {0.0, 0.0, 0.2, 0.2}}, {sec(13), {0.4, 0.2, 0.4, 0.2}}};
  ok(h.apply(add_redaction(id, r)));
  Annotation label;
  label.kind = AnnotationKind::angle;
  label.keyframes = {{sec(10), {{0.5, 0.0}, {0.5, 0.5}, {1.0, 0.5}}}};
  ok(h.apply(add_annotation(id, label)));

  // Frame 60 = source 12 s, half way between the keyframes.
  const FramePlan mid = ok(plan_frame(h.project(), 60));
  const auto& layers = mid.composition.layers;
  ASSERT_EQ(layers.size(), 3U);
  ASSERT_TRUE(std::holds_alternative<render::VideoLayer>(layers[0]));
  const auto& red = std::get<render::RedactionLayer>(layers[1]);  // right after its clip
  EXPECT_EQ(red.mode, render::RedactionMode::pixelate);
  EXPECT_FLOAT_EQ(red.strength, 20);
  EXPECT_EQ(red.clip, (render::RectF{960, 270, 960, 540}));
  EXPECT_FLOAT_EQ(red.region.x, 960 + 0.2F * 960);
  EXPECT_FLOAT_EQ(red.region.y, 270 + 0.1F * 540);
  EXPECT_FLOAT_EQ(red.region.w, 0.3F * 960);
  EXPECT_FLOAT_EQ(red.region.h, 0.2F * 540);
  // Held before the first keyframe.
  const auto before = layers_of<render::RedactionLayer>(ok(plan_frame(h.project(), 0)));
  EXPECT_FLOAT_EQ(before[0].region.x, 960);
  EXPECT_FLOAT_EQ(before[0].region.w, 0.2F * 960);

  const auto& shape = std::get<render::ShapeLayer>(layers[2]);  // annotations above
  EXPECT_EQ(shape.kind, render::ShapeKind::angle);
  ASSERT_EQ(shape.points.size(), 3U);
  EXPECT_EQ(shape.points[1], (render::PointF{960 + 480, 270 + 270}));
  // Up from the vertex and right from it: a right angle in the source's pixels.
  EXPECT_EQ(shape.label, "90.0°");
}

TEST(PlanFrame, AngleLabelsUseSourcePixels) {
  // (0,0)-(0.5,0.5)-(1,0.5) in a 16:9 frame: atan(9/16) from the horizontal.
  const double deg = angle_degrees({0, 0}, {0.5, 0.5}, {1, 0.5}, 1920, 1080);
  EXPECT_NEAR(deg, 180.0 - 29.357753542791276, 1e-9);
  EXPECT_EQ(angle_label(deg), "150.6°");
  EXPECT_EQ(angle_label(37.24), "37.2°");
  EXPECT_EQ(angle_label(angle_degrees({0, 0}, {0, 0}, {1, 1}, 10, 10)), "0.0°");
}

TEST(PlanFrame, CaptionsOnlyDuringTheirCueAndOnTop) {
  History h(test::project_30fps());
  ok(h.apply(add_clip("t1", clip(kRecA, 0, 4, 0))));
  const auto captions = ok(h.apply(add_track(TrackKind::caption, "Captions")));
  const auto overlay = ok(h.apply(add_track(TrackKind::overlay, "Titles")));
  TextItem cue;
  cue.text = "Left heel strike";
  cue.start = sec(1);
  cue.duration = sec(1);
  cue.size = 0.05;
  ok(h.apply(add_text(captions, cue)));
  TextItem lower;
  lower.text = "Patient walking, week 6";
  lower.start = sec(0);
  lower.duration = sec(4);
  lower.position = TextPosition::lower_third;
  lower.backdrop = TextBackdrop::box;
  ok(h.apply(add_text(overlay, lower)));

  EXPECT_EQ(layers_of<render::TextLayer>(ok(plan_frame(h.project(), 29))).size(), 1U);
  EXPECT_EQ(layers_of<render::TextLayer>(ok(plan_frame(h.project(), 60))).size(), 1U);
  const FramePlan during = ok(plan_frame(h.project(), 30));
  const auto texts = layers_of<render::TextLayer>(during);
  ASSERT_EQ(texts.size(), 2U);
  EXPECT_EQ(texts[0].text, "Patient walking, week 6");
  EXPECT_EQ(texts[0].align, render::TextAlign::left);
  EXPECT_GT(texts[0].background.a, 0);
  // The caption is last (on top), centred at the bottom, boxed, wrapped to 80 % of the width.
  const auto& caption = std::get<render::TextLayer>(during.composition.layers.back());
  EXPECT_EQ(caption.text, "Left heel strike");
  EXPECT_EQ(caption.align, render::TextAlign::centre);
  EXPECT_FLOAT_EQ(caption.anchor.x, 960);
  EXPECT_GT(caption.anchor.y, 1080 * 0.75F);
  EXPECT_LT(caption.anchor.y + caption.size_px, 1080);
  EXPECT_FLOAT_EQ(caption.max_width_px, 1536);
  EXPECT_GT(caption.background.a, 0);
  EXPECT_LT(caption.background.a, 255);
}

TEST(PlanFrame, TitleCardCoversTheCanvas) {
  History h(test::project_30fps());
  ok(h.apply(add_clip("t1", clip(kRecA, 0, 4, 0))));
  ok(h.apply(insert_title_card("Gait analysis", "Teaching case 12", sec(2))));
  const FramePlan plan = ok(plan_frame(h.project(), 10));
  EXPECT_TRUE(plan.inputs.empty());  // the clip now starts at 2 s
  const auto fills = layers_of<render::FillLayer>(plan);
  ASSERT_EQ(fills.size(), 1U);
  EXPECT_EQ(fills[0].dest, (render::RectF{0, 0, 1920, 1080}));
  EXPECT_EQ(fills[0].colour, (render::Rgba8{0, 0, 0, 255}));
  const auto texts = layers_of<render::TextLayer>(plan);
  ASSERT_EQ(texts.size(), 2U);
  EXPECT_EQ(texts[0].text, "Gait analysis");
  EXPECT_GT(texts[1].anchor.y, texts[0].anchor.y);
  EXPECT_LT(texts[1].size_px, texts[0].size_px);
  EXPECT_EQ(ok(plan_frame(h.project(), 60)).inputs.size(), 1U);
}

TEST(PlanAudio, SegmentsCarrySpeedAndGain) {
  History h(test::project_30fps());
  const auto audio = ok(h.apply(add_track(TrackKind::audio, "Narration")));
  Clip voice = clip(kRecB, 2, 6, 1);
  voice.source.stream = 1;
  voice.gain_db = -6;
  voice.speed = test::rate(2);
  ok(h.apply(add_clip(audio, voice)));
  EXPECT_FALSE(h.apply(set_freeze(h.project().tracks[1].clips[0].id, sec(3))));
  const auto segments = plan_audio(h.project());
  ASSERT_EQ(segments.size(), 1U);
  EXPECT_EQ(segments[0].recording_id, kRecB);
  EXPECT_EQ(segments[0].stream, 1);
  EXPECT_EQ(segments[0].source_in, sec(2));
  EXPECT_EQ(segments[0].timeline_start, sec(1));
  EXPECT_EQ(segments[0].duration, sec(2));
  EXPECT_EQ(segments[0].speed, test::rate(2));
  EXPECT_DOUBLE_EQ(segments[0].gain_db, -6);
  EXPECT_TRUE(ok(plan_frame(h.project(), 45)).inputs.empty());  // audio draws nothing
}

TEST(Params, TablesAreWellFormed) {
  for (const auto table : {redaction_params(), annotation_params(), text_params()}) {
    ASSERT_FALSE(table.empty());
    for (const auto& p : table) {
      EXPECT_FALSE(p.id.empty());
      EXPECT_FALSE(p.label.empty());
      EXPECT_NE(p.animation, Animation::invalid) << p.id;
      EXPECT_LE(p.min, p.max) << p.id;
      if (p.min < p.max && p.unit != "fraction") {
        EXPECT_GE(p.default_value, p.min) << p.id;
        EXPECT_LE(p.default_value, p.max) << p.id;
      }
    }
  }
  // The model's defaults sit inside the ranges the tables state.
  EXPECT_EQ(find_param(redaction_params(), "strength_px")->default_value, Redaction{}.strength_px);
  EXPECT_EQ(find_param(annotation_params(), "width_px")->default_value, Annotation{}.width_px);
  EXPECT_EQ(find_param(text_params(), "size")->default_value, TextItem{}.size);
  EXPECT_EQ(find_param(redaction_params(), "region")->animation, Animation::keyframed);
  EXPECT_EQ(find_param(redaction_params(), "nope"), nullptr);
}

}  // namespace
}  // namespace clinvid::timeline
