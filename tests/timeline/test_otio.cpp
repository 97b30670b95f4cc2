#include <gtest/gtest.h>

#include "core/json.hpp"
#include "fixtures.hpp"
#include "timeline/otio.hpp"

namespace clinvid::timeline {
namespace {

using test::clip;
using test::kRecA;
using test::kRecB;
using test::ok;
using test::sec;

TEST(Otio, StructureRangesAndRates) {
  History h(test::project_30fps());
  const auto a = ok(h.apply(add_clip("t1", clip(kRecA, 1, 3, 0))));  // 0..2 s
  Clip b = clip(kRecB, 4, 6, 2);
  b.speed = test::rate(2);  // 2..3 s
  const auto bid = ok(h.apply(add_clip("t1", b)));
  Clip frozen = clip(kRecA, 0, 1, 5);  // gap 3..5, then 5..6 s
  frozen.freeze_at = test::ms(500);
  ok(h.apply(add_clip("t1", frozen)));
  ok(h.apply(add_transition("t1", {"", TransitionKind::cross_fade, a, bid, sec(1)})));
  const auto audio = ok(h.apply(add_track(TrackKind::audio, "Narration")));
  Clip voice = clip(kRecB, 0, 4, 1);
  voice.source.stream = 1;
  ok(h.apply(add_clip(audio, voice)));
  ok(h.apply(add_marker({"", MarkerKind::chapter, sec(2), "After"})));

  const Json otio = ok(parse_json(ok(export_otio(h.project()))));
  EXPECT_EQ(otio["OTIO_SCHEMA"], "Timeline.1");
  EXPECT_EQ(otio["name"], "Gait before and after");
  const Json& stack = otio["tracks"];
  EXPECT_EQ(stack["OTIO_SCHEMA"], "Stack.1");
  ASSERT_EQ(stack["children"].size(), 2U);
  const Json& video = stack["children"][0];
  EXPECT_EQ(video["OTIO_SCHEMA"], "Track.1");
  EXPECT_EQ(video["kind"], "Video");
  EXPECT_EQ(stack["children"][1]["kind"], "Audio");

  const Json& items = video["children"];
  ASSERT_EQ(items.size(), 5U);  // clip, transition, clip, gap, clip
  const Json& first = items[0];
  EXPECT_EQ(first["OTIO_SCHEMA"], "Clip.2");
  EXPECT_EQ(first["active_media_reference_key"], "DEFAULT_MEDIA");
  const Json& ref = first["media_references"]["DEFAULT_MEDIA"];
  EXPECT_EQ(ref["OTIO_SCHEMA"], "ExternalReference.1");
  EXPECT_EQ(ref["target_url"], "clinvid-archive://" + kRecA + "/0");
  const Json& range = first["source_range"];
  EXPECT_EQ(range["OTIO_SCHEMA"], "TimeRange.1");
  EXPECT_EQ(range["start_time"]["OTIO_SCHEMA"], "RationalTime.1");
  EXPECT_DOUBLE_EQ(range["start_time"]["rate"].get<double>(), 30.0);
  EXPECT_DOUBLE_EQ(range["start_time"]["value"].get<double>(), 30.0);  // in = 1 s
  EXPECT_DOUBLE_EQ(range["duration"]["value"].get<double>(), 60.0);
  EXPECT_TRUE(first["effects"].empty());

  const Json& transition = items[1];
  EXPECT_EQ(transition["OTIO_SCHEMA"], "Transition.1");
  EXPECT_EQ(transition["transition_type"], "SMPTE_Dissolve");
  EXPECT_DOUBLE_EQ(transition["in_offset"]["value"].get<double>(), 15.0);
  EXPECT_DOUBLE_EQ(transition["out_offset"]["value"].get<double>(), 15.0);

  const Json& fast = items[2];
  EXPECT_DOUBLE_EQ(fast["source_range"]["start_time"]["value"].get<double>(), 120.0);
  EXPECT_DOUBLE_EQ(fast["source_range"]["duration"]["value"].get<double>(), 30.0);
  ASSERT_EQ(fast["effects"].size(), 1U);
  EXPECT_EQ(fast["effects"][0]["OTIO_SCHEMA"], "LinearTimeWarp.1");
  EXPECT_DOUBLE_EQ(fast["effects"][0]["time_scalar"].get<double>(), 2.0);

  EXPECT_EQ(items[3]["OTIO_SCHEMA"], "Gap.1");
  EXPECT_DOUBLE_EQ(items[3]["source_range"]["duration"]["value"].get<double>(), 60.0);
  EXPECT_EQ(items[4]["effects"][0]["OTIO_SCHEMA"], "FreezeFrame.1");
  EXPECT_DOUBLE_EQ(items[4]["source_range"]["start_time"]["value"].get<double>(), 15.0);

  const Json& voice_json = stack["children"][1]["children"];
  ASSERT_EQ(voice_json.size(), 2U);  // gap 0..1 s, then the clip
  EXPECT_EQ(voice_json[0]["OTIO_SCHEMA"], "Gap.1");
  EXPECT_EQ(voice_json[1]["media_references"]["DEFAULT_MEDIA"]["target_url"],
            "clinvid-archive://" + kRecB + "/1");

  ASSERT_EQ(stack["markers"].size(), 1U);
  const Json& marker = stack["markers"][0];
  EXPECT_EQ(marker["OTIO_SCHEMA"], "Marker.2");
  EXPECT_EQ(marker["name"], "After");
  EXPECT_DOUBLE_EQ(marker["marked_range"]["start_time"]["value"].get<double>(), 60.0);
}

TEST(Otio, NtscRateValuesAreExactFrames) {
  Project p = test::project_30fps();
  p.format.frame_rate = test::rate(30000, 1001);
  History h(p);
  Clip c = clip(kRecA, 0, 1, 0);
  c.source_in = Time(1001, test::rate(1, 30000));   // frame 1
  c.source_out = Time(3003, test::rate(1, 30000));  // frame 3
  ok(h.apply(add_clip("t1", c)));
  const Json otio = ok(parse_json(ok(export_otio(h.project()))));
  const Json& range = otio["tracks"]["children"][0]["children"][0]["source_range"];
  EXPECT_NEAR(range["start_time"]["rate"].get<double>(), 29.97002997, 1e-8);
  EXPECT_DOUBLE_EQ(range["start_time"]["value"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(range["duration"]["value"].get<double>(), 2.0);
}

}  // namespace
}  // namespace clinvid::timeline
