#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "timeline/faces.hpp"

namespace clinvid::timeline {
namespace {

using test::clip;
using test::kRecA;
using test::ok;
using test::sec;

// A 2 s clip (60 frames) whose face moves from the left to the right of the frame.
History with_moving_face() {
  History h(test::project_30fps());
  const auto c = ok(h.apply(add_clip("t1", clip(kRecA, 10, 12, 0))));
  EXPECT_EQ(c, "c2");
  ok(h.apply(add_face(
      c, FaceRegion{"", {{sec(10), {0.1, 0.2, 0.2, 0.3}}, {sec(12), {0.6, 0.2, 0.2, 0.3}}}})));
  return h;
}

Redaction rect(std::vector<RegionKeyframe> keyframes) {
  Redaction r;
  r.mode = render::RedactionMode::blur;
  r.keyframes = std::move(keyframes);
  return r;
}

TEST(UncoveredFaces, NoRedactionLeavesEveryFrameUncovered) {
  History h = with_moving_face();
  const auto gaps = ok(uncovered_faces(h.project(), "c2"));
  // One per frame: the first keyframe is frame 0's instant, the last is at the out point.
  EXPECT_EQ(gaps.size(), 60U);
  EXPECT_EQ(gaps[0].face_id, "f3");
  EXPECT_EQ(gaps[0].source_time, sec(10));
  EXPECT_EQ(uncovered_faces(h.project(), "c404").error().code, Errc::not_found);
}

TEST(UncoveredFaces, TrackingRedactionCoversAndAStaticOneDoesNot) {
  History h = with_moving_face();
  // A redaction that follows the face with a margin covers it at every frame.
  const auto rid = ok(h.apply(add_redaction(
      "c2", rect({{sec(10), {0.05, 0.15, 0.3, 0.4}}, {sec(12), {0.55, 0.15, 0.3, 0.4}}}))));
  EXPECT_TRUE(ok(uncovered_faces(h.project(), "c2")).empty());

  // Held still at the start, it loses the face part way through.
  ok(h.apply(edit_redaction([&] {
    Redaction r = rect({{sec(10), {0.05, 0.15, 0.3, 0.4}}});
    r.id = rid;
    return r;
  }())));
  const auto gaps = ok(uncovered_faces(h.project(), "c2"));
  ASSERT_FALSE(gaps.empty());
  // The face leaves the box once its right edge passes 0.35: 0.3 + 0.5 f > 0.35, f > 0.1,
  // so from frame 7.
  EXPECT_EQ(gaps.front().source_time, ok(add(sec(10), Time(7, test::rate(1, 30)))));
  EXPECT_GT(gaps.front().region.x, 0.1);
}

TEST(UncoveredFaces, UnionOfRectanglesCountsAndASliverIsCaught) {
  History h = with_moving_face();
  ok(h.apply(add_redaction("c2", rect({{sec(10), {0.0, 0.0, 0.5, 1.0}}}))));
  ok(h.apply(add_redaction("c2", rect({{sec(10), {0.5, 0.0, 0.5, 1.0}}}))));
  EXPECT_TRUE(ok(uncovered_faces(h.project(), "c2")).empty());

  // Leave a 0.001-wide vertical gap at x = 0.5: the face crosses it and is caught.
  History g = with_moving_face();
  ok(g.apply(add_redaction("c2", rect({{sec(10), {0.0, 0.0, 0.5, 1.0}}}))));
  ok(g.apply(add_redaction("c2", rect({{sec(10), {0.501, 0.0, 0.499, 1.0}}}))));
  const auto gaps = ok(uncovered_faces(g.project(), "c2"));
  EXPECT_FALSE(gaps.empty());
  for (const auto& gap : gaps) {
    EXPECT_LT(gap.region.x, 0.501);
    EXPECT_GT(gap.region.x + gap.region.w, 0.5);
  }
}

TEST(UncoveredFaces, EllipsesMustContainTheCorners) {
  History h(test::project_30fps());
  ok(h.apply(add_clip("t1", clip(kRecA, 0, 1, 0))));
  ok(h.apply(add_face("c2", FaceRegion{"", {{sec(0), {0.4, 0.4, 0.2, 0.2}}}})));
  Redaction tight = rect({{sec(0), {0.4, 0.4, 0.2, 0.2}}});
  tight.shape = render::RedactionShape::ellipse;  // inscribed: misses the corners
  const auto rid = ok(h.apply(add_redaction("c2", tight)));
  EXPECT_EQ(ok(uncovered_faces(h.project(), "c2")).size(), 30U);
  Redaction wide = rect({{sec(0), {0.35, 0.35, 0.3, 0.3}}});  // circumscribes: r = 0.15 ≥ 0.1·√2
  wide.shape = render::RedactionShape::ellipse;
  wide.id = rid;
  ok(h.apply(edit_redaction(wide)));
  EXPECT_TRUE(ok(uncovered_faces(h.project(), "c2")).empty());
}

TEST(UncoveredFaces, CrossFadeHandlesAreChecked) {
  // b is seen from 1.5 s (half of a 1 s cross-fade before its start) to 4 s: 75 frames, the
  // first showing source 0.5 s, before b's in point.
  History h(test::project_30fps());
  const auto a = ok(h.apply(add_clip("t1", clip(kRecA, 0, 2, 0))));
  const auto b = ok(h.apply(add_clip("t1", clip(test::kRecB, 1, 3, 2))));
  ok(h.apply(add_transition("t1", {"", TransitionKind::cross_fade, a, b, sec(1)})));
  ok(h.apply(add_face(b, FaceRegion{"", {{sec(1), {0.4, 0.4, 0.2, 0.2}}}})));
  const auto gaps = ok(uncovered_faces(h.project(), b));
  ASSERT_EQ(gaps.size(), 75U);
  EXPECT_EQ(gaps.front().source_time, test::ms(500));
  EXPECT_TRUE(ok(uncovered_faces(h.project(), a)).empty());  // a has no faces
}

}  // namespace
}  // namespace clinvid::timeline
