#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "timeline/commands.hpp"
#include "timeline/evaluate.hpp"
#include "timeline/validate.hpp"

namespace clinvid::timeline {
namespace {

using test::clip;
using test::kRecA;
using test::kRecB;
using test::ok;
using test::sec;

TEST(History, UndoRedoRestoresEveryState) {
  History h(test::project_30fps());
  const auto id1 = ok(h.apply(add_clip("t1", clip(kRecA, 0, 2, 0))));
  const auto id2 = ok(h.apply(add_clip("t1", clip(kRecB, 0, 3, 2))));
  EXPECT_EQ(id1, "c2");
  EXPECT_EQ(id2, "c3");
  ok(h.apply(set_speed(id2, test::rate(1, 2))));
  EXPECT_EQ(h.undo_label(), "set speed of c3");
  ASSERT_EQ(h.project().tracks[0].clips.size(), 2U);

  ASSERT_TRUE(h.undo());
  EXPECT_EQ(find_clip(h.project(), id2).clip->speed, Rational());
  ASSERT_TRUE(h.undo());
  EXPECT_EQ(h.project().tracks[0].clips.size(), 1U);
  ASSERT_TRUE(h.undo());
  EXPECT_TRUE(h.project().tracks[0].clips.empty());
  EXPECT_FALSE(h.can_undo());
  EXPECT_EQ(h.undo().error().code, Errc::invalid_argument);

  ASSERT_TRUE(h.redo());
  ASSERT_TRUE(h.redo());
  ASSERT_TRUE(h.redo());
  EXPECT_EQ(find_clip(h.project(), id2).clip->speed, test::rate(1, 2));
  EXPECT_FALSE(h.can_redo());
}

TEST(History, NewEditClearsRedo) {
  History h(test::project_30fps());
  ok(h.apply(add_clip("t1", clip(kRecA, 0, 2, 0))));
  ASSERT_TRUE(h.undo());
  EXPECT_TRUE(h.can_redo());
  ok(h.apply(add_clip("t1", clip(kRecB, 0, 2, 5))));
  EXPECT_FALSE(h.can_redo());
  EXPECT_EQ(h.redo().error().code, Errc::invalid_argument);
}

TEST(History, GroupIsUndoneAsOne) {
  History h(test::project_30fps());
  ok(h.apply(add_clip("t1", clip(kRecA, 0, 2, 0))));
  {
    History::Group group(h, "add before/after");
    ok(h.apply(add_track(TrackKind::video, "after")));
    ok(h.apply(add_clip("t3", clip(kRecB, 0, 2, 0))));
    ok(h.apply(set_project_layout({LayoutKind::side_by_side, Corner::bottom_right, 0.3})));
    EXPECT_FALSE(h.can_undo());  // not while the group is open
  }
  EXPECT_EQ(h.undo_depth(), 2U);
  EXPECT_EQ(h.undo_label(), "add before/after");
  ASSERT_TRUE(h.undo());
  EXPECT_EQ(h.project().tracks.size(), 1U);
  EXPECT_EQ(h.project().layout.kind, LayoutKind::single);
  ASSERT_TRUE(h.redo());
  EXPECT_EQ(h.project().tracks.size(), 2U);
  EXPECT_EQ(h.project().layout.kind, LayoutKind::side_by_side);
}

TEST(History, NestedAndEmptyGroupsAndRollback) {
  History h(test::project_30fps());
  h.begin_group("outer");
  h.begin_group("inner");
  ok(h.apply(add_clip("t1", clip(kRecA, 0, 2, 0))));
  ASSERT_TRUE(h.end_group());
  ok(h.apply(add_clip("t1", clip(kRecA, 2, 4, 2))));
  ASSERT_TRUE(h.end_group());
  EXPECT_EQ(h.undo_depth(), 1U);
  EXPECT_EQ(h.undo_label(), "outer");
  EXPECT_EQ(h.end_group().error().code, Errc::invalid_argument);

  { History::Group empty(h, "nothing"); }
  EXPECT_EQ(h.undo_depth(), 1U);

  {
    History::Group group(h, "abandoned");
    ok(h.apply(add_clip("t1", clip(kRecB, 0, 1, 10))));
    group.rollback();
  }
  EXPECT_EQ(h.project().tracks[0].clips.size(), 2U);
  EXPECT_EQ(h.undo_depth(), 1U);
}

TEST(Commands, RefuseBadEditsAndLeaveTheProject) {
  History h(test::project_30fps());
  const auto id = ok(h.apply(add_clip("t1", clip(kRecA, 0, 2, 0))));
  auto too_fast = h.apply(set_speed(id, test::rate(5)));
  ASSERT_FALSE(too_fast);
  EXPECT_EQ(too_fast.error().code, Errc::out_of_range);
  EXPECT_NE(too_fast.error().detail.find("5 is outside 1/10..4"), std::string::npos)
      << too_fast.error().detail;
  EXPECT_EQ(h.apply(set_speed(id, test::rate(1, 20))).error().code, Errc::out_of_range);

  auto overlap = h.apply(add_clip("t1", clip(kRecB, 0, 2, 1)));
  ASSERT_FALSE(overlap);
  EXPECT_NE(overlap.error().detail.find("overlaps clip c2"), std::string::npos)
      << overlap.error().detail;
  EXPECT_EQ(h.apply(trim_clip(id, sec(3), sec(1))).error().code, Errc::invalid_argument);
  EXPECT_EQ(h.apply(set_opacity(id, 1.5)).error().code, Errc::out_of_range);
  EXPECT_EQ(h.apply(set_speed("c99", test::rate(2))).error().code, Errc::not_found);
  EXPECT_EQ(h.apply(remove_item("nope")).error().code, Errc::not_found);
  Clip bad = clip("not-a-uuid", 0, 1, 10);
  auto bad_id = h.apply(add_clip("t1", bad));
  ASSERT_FALSE(bad_id);
  EXPECT_NE(bad_id.error().detail.find("recording_id"), std::string::npos);
  EXPECT_EQ(h.undo_depth(), 1U);
  EXPECT_EQ(h.project().tracks[0].clips.size(), 1U);
  EXPECT_EQ(find_clip(h.project(), id).clip->speed, Rational());
}

TEST(Commands, MoveTrimFreezeAndTransitions) {
  History h(test::project_30fps());
  const auto a = ok(h.apply(add_clip("t1", clip(kRecA, 0, 2, 0))));
  const auto b = ok(h.apply(add_clip("t1", clip(kRecB, 1, 3, 2))));
  const auto x = ok(h.apply(
      add_transition("t1", Transition{"", TransitionKind::cross_fade, a, b, test::ms(1000)})));
  EXPECT_EQ(h.project().tracks[0].transitions.size(), 1U);

  // A transition between clips that do not touch is refused.
  auto apart = h.apply(
      add_transition("t1", Transition{"", TransitionKind::dip_to_black, b, a, test::ms(500)}));
  EXPECT_FALSE(apart);

  // Moving b away drops the transition that no longer joins two adjacent clips.
  ok(h.apply(move_clip(b, sec(5))));
  EXPECT_TRUE(h.project().tracks[0].transitions.empty());
  ASSERT_TRUE(h.undo());
  EXPECT_EQ(h.project().tracks[0].transitions[0].id, x);

  ok(h.apply(set_freeze(a, sec(1))));
  EXPECT_EQ(*find_clip(h.project(), a).clip->freeze_at, sec(1));
  EXPECT_FALSE(h.apply(set_freeze(a, sec(7))));  // outside [in, out)
  ok(h.apply(remove_item(a)));
  EXPECT_TRUE(h.project().tracks[0].transitions.empty());
}

TEST(Commands, SplitKeepsSourceTimesAndAttachments) {
  History h(test::project_30fps());
  Clip slow = clip(kRecA, 10, 14, 0);
  slow.speed = test::rate(1, 2);  // 0..8 s on the timeline
  const auto a = ok(h.apply(add_clip("t1", slow)));
  const auto next = ok(h.apply(add_clip("t1", clip(kRecB, 1, 3, 8))));
  ok(h.apply(add_transition("t1", {"", TransitionKind::dip_to_black, a, next, sec(1)})));
  Redaction r;
  r.keyframes = {{sec(10), {0.1, 0.1, 0.2, 0.2}}, {sec(14), {0.5, 0.1, 0.2, 0.2}}};
  ok(h.apply(add_redaction(a, r)));
  const auto before = ok(plan_frame(h.project(), 100));

  const auto b = ok(h.apply(split_clip(a, sec(3))));
  const Project& p = h.project();
  ASSERT_EQ(p.tracks[0].clips.size(), 3U);
  const Clip& first = *find_clip(p, a).clip;
  const Clip& second = *find_clip(p, b).clip;
  EXPECT_EQ(first.source_out, test::ms(11500));  // 3 s at 1/2 speed
  EXPECT_EQ(second.source_in, test::ms(11500));
  EXPECT_EQ(second.start, sec(3));
  EXPECT_EQ(second.speed, test::rate(1, 2));
  ASSERT_EQ(second.redactions.size(), 1U);
  EXPECT_NE(second.redactions[0].id, first.redactions[0].id);
  EXPECT_EQ(p.tracks[0].transitions[0].from_clip, b);
  // The film is unchanged by the cut: same source time, same redaction rectangle.
  const auto after = ok(plan_frame(p, 100));
  EXPECT_EQ(after.inputs, before.inputs);
  ASSERT_EQ(after.composition.layers.size(), before.composition.layers.size());
  EXPECT_EQ(std::get<render::RedactionLayer>(after.composition.layers[1]).region,
            std::get<render::RedactionLayer>(before.composition.layers[1]).region);
  EXPECT_EQ(frame_count(p), 300);

  EXPECT_EQ(h.apply(split_clip(a, sec(3))).error().code, Errc::out_of_range);  // at its end
  EXPECT_EQ(h.apply(split_clip(a, Time())).error().code, Errc::out_of_range);
  ok(h.apply(set_freeze(b, sec(12))));
  EXPECT_EQ(h.apply(split_clip(b, sec(4))).error().code, Errc::invalid_argument);
  ASSERT_TRUE(h.undo());
  ASSERT_TRUE(h.undo());
  EXPECT_EQ(h.project().tracks[0].clips.size(), 2U);
  EXPECT_EQ(find_clip(h.project(), a).clip->source_out, sec(14));
}

TEST(Commands, FrameCountsFollowSpeed) {
  // A 2 s source segment at 1/2 speed lasts 4 s = 120 frames at 30 fps; at 2×, 30 frames.
  History h(test::project_30fps());
  const auto id = ok(h.apply(add_clip("t1", clip(kRecA, 10, 12, 0))));
  EXPECT_EQ(frame_count(h.project()), 60);
  ok(h.apply(set_speed(id, test::rate(1, 2))));
  EXPECT_EQ(frame_count(h.project()), 120);
  ok(h.apply(set_speed(id, test::rate(2))));
  EXPECT_EQ(frame_count(h.project()), 30);
  ok(h.apply(set_speed(id, test::rate(3))));
  EXPECT_EQ(frame_count(h.project()), 20);
  ok(h.apply(set_speed(id, test::rate(1, 10))));
  EXPECT_EQ(frame_count(h.project()), 600);

  // At 30000/1001 the end is rounded up to whole frames: 2 s → 59.94 → 60 frames.
  Project p = h.project();
  p.format.frame_rate = test::rate(30000, 1001);
  p.tracks[0].clips[0].speed = Rational();
  EXPECT_EQ(frame_count(p), 60);
  EXPECT_EQ(frame_count(test::project_30fps()), 0);
}

TEST(Templates, TitleCardShiftsEverythingAndEndCardCarriesConsent) {
  History h(test::project_30fps());
  const auto a = ok(h.apply(add_clip("t1", clip(kRecA, 0, 4, 0))));
  ok(h.apply(add_marker(Marker{"", MarkerKind::chapter, sec(1), "Heel strike"})));
  const auto card = ok(h.apply(insert_title_card("Gait analysis", "Case 12", sec(3))));
  const Project& p = h.project();
  EXPECT_EQ(find_clip(p, a).clip->start, sec(3));
  EXPECT_EQ(p.markers[0].time, sec(4));
  ASSERT_EQ(p.tracks.size(), 2U);
  EXPECT_EQ(p.tracks[1].kind, TrackKind::overlay);
  const TextItem& title = p.tracks[1].texts[0];
  EXPECT_EQ(title.id, card);
  EXPECT_EQ(title.start, Time());
  EXPECT_EQ(title.backdrop, TextBackdrop::full_canvas);
  EXPECT_EQ(title.text, "Gait analysis");
  EXPECT_EQ(title.subtitle, "Case 12");

  const auto end = ok(h.apply(append_end_card(sec(2))));
  const auto& texts = h.project().tracks[1].texts;
  ASSERT_EQ(texts.size(), 2U);
  EXPECT_EQ(texts[1].id, end);
  EXPECT_EQ(texts[1].start, sec(7));
  EXPECT_EQ(texts[1].text, "For teaching only — not for onward distribution");
  EXPECT_EQ(texts[1].subtitle, "Consent: CR-2026-0042");
  EXPECT_EQ(frame_count(h.project()), 9 * 30);

  // One undo removes the end card; the title card and its ripple undo as one step too.
  ASSERT_TRUE(h.undo());
  ASSERT_TRUE(h.undo());
  EXPECT_EQ(find_clip(h.project(), a).clip->start, Time());
  EXPECT_EQ(h.project().tracks.size(), 1U);

  Project research = test::project_30fps();
  research.metadata.purpose = consent::Purpose::research;
  research.metadata.consent_reference.clear();
  History r(research);
  auto refused = r.apply(append_end_card(sec(2)));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("consent reference"), std::string::npos);
  EXPECT_NE(end_card_notice(consent::Purpose::research),
            end_card_notice(consent::Purpose::teaching));
  EXPECT_FALSE(r.apply(insert_title_card("", "", sec(1))));
  EXPECT_FALSE(r.apply(insert_title_card("T", "", Time())));
}

TEST(Commands, KeyframesUpsertSortAndRemove) {
  History h(test::project_30fps());
  const auto c = ok(h.apply(add_clip("t1", clip(kRecA, 0, 4, 0))));
  Redaction r;
  r.keyframes = {{sec(0), {0.1, 0.1, 0.2, 0.2}}};
  const auto rid = ok(h.apply(add_redaction(c, r)));
  ok(h.apply(set_region_keyframe(rid, {sec(2), {0.5, 0.5, 0.2, 0.2}})));
  ok(h.apply(set_region_keyframe(rid, {sec(1), {0.3, 0.3, 0.2, 0.2}})));
  ok(h.apply(set_region_keyframe(rid, {sec(1), {0.3, 0.4, 0.2, 0.2}})));  // replaces
  const auto& kf = find_clip(h.project(), c).clip->redactions[0].keyframes;
  ASSERT_EQ(kf.size(), 3U);
  EXPECT_EQ(kf[1].time, sec(1));
  EXPECT_DOUBLE_EQ(kf[1].region.y, 0.4);
  EXPECT_EQ(h.apply(remove_keyframe(rid, sec(9))).error().code, Errc::not_found);
  ok(h.apply(remove_keyframe(rid, sec(1))));
  EXPECT_EQ(find_clip(h.project(), c).clip->redactions[0].keyframes.size(), 2U);
  // A region that leaves the frame is refused with its path.
  auto outside = h.apply(set_region_keyframe(rid, {sec(3), {0.9, 0.5, 0.2, 0.2}}));
  ASSERT_FALSE(outside);
  EXPECT_NE(outside.error().detail.find("$.tracks[0].items[0].redactions[0].keyframes[2].region"),
            std::string::npos)
      << outside.error().detail;

  Annotation a;
  a.kind = AnnotationKind::angle;
  a.keyframes = {{sec(0), {{0.1, 0.1}, {0.2, 0.2}}}};  // an angle needs 3 points
  EXPECT_FALSE(h.apply(add_annotation(c, a)));
  a.keyframes[0].points.push_back({0.3, 0.1});
  const auto aid = ok(h.apply(add_annotation(c, a)));
  ok(h.apply(set_points_keyframe(aid, {sec(1), {{0.1, 0.2}, {0.2, 0.3}, {0.3, 0.2}}})));
  EXPECT_FALSE(h.apply(set_points_keyframe(aid, {sec(2), {{0.1, 0.2}}})));
  a.id = aid;
  a.width_px = 100;  // past the table's 1..64
  auto wide = h.apply(edit_annotation(a));
  ASSERT_FALSE(wide);
  EXPECT_EQ(wide.error().code, Errc::out_of_range);
  EXPECT_NE(wide.error().detail.find("width_px: 100 is outside 1..64 px"), std::string::npos)
      << wide.error().detail;
}

}  // namespace
}  // namespace clinvid::timeline
