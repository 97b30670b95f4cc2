// Review documents (JSON round trip, located validation errors) and synchronisation of views
// at different frame rates.
#include <functional>

#include <gtest/gtest.h>

#include "analysis/review.hpp"
#include "analysis/sync.hpp"

namespace clinvid::analysis {
namespace {

Rational fps(std::int64_t n) {
  return Rational::make(n, 1).value();
}

Review sample_review() {
  Review r;
  r.filter.cutoff_hz = 6.0;
  ReviewView side;
  side.id = "side";
  side.recording_id = "6f1c2a9e-0000-4000-8000-000000000001";
  side.frame_rate = fps(60);
  side.frame_count = 20;
  side.calibration = Calibration::from_length({56.5, 342.0}, {236.5, 342.0}, 1.0).value();
  ReviewView front;
  front.id = "front";
  front.recording_id = "6f1c2a9e-0000-4000-8000-000000000002";
  front.stream_index = 1;
  front.frame_rate = fps(25);
  front.frame_count = 10;
  front.progression = Progression::negative_x;
  front.sync = sync_by_event(4, fps(25), 12, fps(60), side.sync).value();
  r.views = {side, front};
  for (const char* name : {"hip", "knee", "ankle"}) {
    Track t(name, 20);
    EXPECT_TRUE(t.set_keyframe(0, {100.0, 50.0}));
    EXPECT_TRUE(t.set_keyframe(19, {120.5, 52.25}));
    for (std::int64_t f = 1; f < 19; ++f) {
      const auto x = static_cast<double>(f);
      EXPECT_TRUE(t.set_sample(f, {{100.0 + x, 50.0 + 0.1 * x}, TrackStatus::tracked}));
    }
    EXPECT_TRUE(t.set_sample(7, {kNoPoint, TrackStatus::lost}));
    r.tracks.push_back({0, std::move(t)});
  }
  r.events.push_back({0, {Side::right, GaitEventKind::heel_strike, 12, EventOrigin::manual}});
  r.events.push_back({0, {Side::right, GaitEventKind::toe_off, 3, EventOrigin::suggested}});
  r.measurements.push_back(
      {0, MeasurementKind::knee_flexion, {"hip", "knee", "ankle"}, Reference::invalid, "R knee"});
  r.measurements.push_back(
      {0, MeasurementKind::segment_angle, {"hip", "knee"}, Reference::vertical, "thigh"});
  return r;
}

TEST(Review, JsonRoundTrip) {
  const Review original = sample_review();
  const Json saved = review_to_json(original);
  // Through text, as a file would go.
  auto reparsed = parse_json(saved.dump(2));
  ASSERT_TRUE(reparsed);
  auto loaded = review_from_json(*reparsed);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(review_to_json(*loaded), saved);
  ASSERT_EQ(loaded->views.size(), 2U);
  EXPECT_EQ(loaded->views[1].frame_rate, fps(25));
  EXPECT_EQ(loaded->views[1].sync.method, SyncMethod::event);
  EXPECT_EQ(loaded->views[1].sync.offset, original.views[1].sync.offset);
  EXPECT_EQ(loaded->views[1].progression, Progression::negative_x);
  EXPECT_EQ(loaded->views[0].calibration.describe(), original.views[0].calibration.describe());
  ASSERT_EQ(loaded->tracks.size(), 3U);
  const Track& knee = loaded->tracks[1].track;
  EXPECT_EQ(knee.name(), "knee");
  EXPECT_EQ(knee.keyframes().at(19), (Point2{120.5, 52.25}));
  EXPECT_EQ(knee.samples()[7].status, TrackStatus::lost);
  EXPECT_FALSE(knee.samples()[7].position_px.finite());
  EXPECT_EQ(knee.samples()[5].position_px, (Point2{105.0, 50.5}));
  EXPECT_EQ(loaded->events[1].event.origin, EventOrigin::suggested);
  EXPECT_EQ(loaded->measurements[1].reference, Reference::vertical);
  EXPECT_EQ(loaded->filter.cutoff_hz, 6.0);
}

// Loads `mutate`d copies of the sample and expects the exact located message.
void expect_error(const std::function<void(Json&)>& mutate, const std::string& message,
                  Errc code = Errc::corrupt) {
  Json doc = review_to_json(sample_review());
  mutate(doc);
  auto loaded = review_from_json(doc);
  ASSERT_FALSE(loaded) << "expected: " << message;
  EXPECT_EQ(loaded.error().code, code);
  EXPECT_EQ(loaded.error().detail, message);
}

TEST(Review, MalformedDocumentsGiveLocatedErrors) {
  expect_error([](Json& d) { d["tracks"][2]["keyframes"][0]["frame"] = -3; },
               "at /tracks/2/keyframes/0/frame: -3 is negative");
  expect_error([](Json& d) { d["tracks"][0]["keyframes"][1]["frame"] = 20; },
               "at /tracks/0/keyframes/1/frame: 20 is outside 0..19");
  expect_error([](Json& d) { d["tracks"][1]["keyframes"][1]["frame"] = 0; },
               "at /tracks/1/keyframes/1/frame: 0 repeats an earlier keyframe");
  expect_error([](Json& d) { d["tracks"][1]["keyframes"][0].erase("x_px"); },
               "at /tracks/1/keyframes/0/x_px: required field is missing");
  expect_error([](Json& d) { d["tracks"][0]["view"] = 2; }, "at /tracks/0/view: 2 is outside 0..1");
  expect_error([](Json& d) { d["tracks"][1]["name"] = "hip"; },
               "at /tracks/1/name: \"hip\" repeats in view 0");
  expect_error([](Json& d) { d["tracks"][0]["samples"]["x_px"][7] = 3.0; },
               "at /tracks/0/samples/x_px/7: a lost or untracked sample has null x_px and y_px");
  expect_error([](Json& d) { d["tracks"][0]["samples"]["status"] = "kttx"; },
               "at /tracks/0/samples: status, x_px and y_px must each have frame_count (20) "
               "entries");
  expect_error([](Json& d) { d["views"][1]["frame_rate"] = "0/1"; },
               "at /views/1/frame_rate: " +
                   rational_from_json("0/1", "/views/1/frame_rate")
                       .error()
                       .detail.substr(std::string("at /views/1/frame_rate: ").size()));
  expect_error([](Json& d) { d["views"][0]["sync"]["offset"] = "3*1/60"; },
               "at /views/0/sync/offset: a view on the session clock has offset 0");
  expect_error([](Json& d) { d["views"][1]["sync"]["event_frame"] = 10; },
               "at /views/1/sync/event_frame: 10 is outside 0..9");
  expect_error([](Json& d) { d["views"][1]["id"] = "side"; }, "at /views/1/id: \"side\" repeats");
  expect_error([](Json& d) { d["views"][0]["calibration"]["length_m"] = -1.0; },
               "at /views/0/calibration: scale calibration: length -1.000000 m is not a "
               "positive length");
  expect_error([](Json& d) { d["events"][0]["side"] = "middle"; },
               "at /events/0/side: unknown side \"middle\" (left, right)");
  expect_error([](Json& d) { d["events"][1]["frame"] = -1; }, "at /events/1/frame: -1 is negative");
  expect_error(
      [](Json& d) {
        d["measurements"][0]["points"] = {"hip", "knee"};
      },
      "at /measurements/0/points: a knee_flexion takes 3 points, not 2");
  expect_error([](Json& d) { d["measurements"][0]["points"][2] = "toe"; },
               "at /measurements/0/points/2: no track \"toe\" in view 0");
  expect_error([](Json& d) { d["measurements"][1]["reference"] = "diagonal"; },
               "at /measurements/1/reference: \"diagonal\" is not horizontal or vertical");
  expect_error([](Json& d) { d["format"] = "clinvid-project"; },
               "at /format: \"clinvid-project\" is not a clinvid-review");
  expect_error([](Json& d) { d["version"] = 2; },
               "review version 2 is newer than this build reads (1)", Errc::unsupported);
  expect_error([](Json& d) { d["views"] = Json::array(); },
               "at /views: expected a non-empty array");
}

TEST(Sync, SessionClockAndEventOffsetsAtDifferentFrameRates) {
  // Side view at 60 fps, front at 25 fps. The same heel strike: side frame 120 (2.0 s),
  // front frame 40 (1.6 s): the front started 0.4 s later, offset -0.4 s exactly.
  const ViewSync side{};
  auto front = sync_by_event(40, fps(25), 120, fps(60), side);
  ASSERT_TRUE(front);
  EXPECT_EQ(front->method, SyncMethod::event);
  EXPECT_EQ(front->offset, Time(-2, Rational::make(1, 5).value()));
  // At common time 2.0 s both show the event frame.
  const Time two_s(2, Rational{});
  EXPECT_EQ(frame_at(two_s, side, fps(60), 600).value(), 120);
  EXPECT_EQ(frame_at(two_s, *front, fps(25), 250).value(), 40);
  // Between frames: at 2.03 s the 60 fps view is on frame 121 (2.0167 s started), the 25 fps
  // view still on frame 40 (until 1.64 s local = 2.04 s common).
  const Time t(203, Rational::make(1, 100).value());
  EXPECT_EQ(frame_at(t, side, fps(60), 600).value(), 121);
  EXPECT_EQ(frame_at(t, *front, fps(25), 250).value(), 40);
  EXPECT_EQ(frame_at(Time(204, Rational::make(1, 100).value()), *front, fps(25), 250).value(), 41);
  // Before the front view's first frame (common 0.2 s = local -0.2 s) and past its end.
  EXPECT_EQ(frame_at(Time(1, Rational::make(1, 5).value()), *front, fps(25), 250).value(),
            std::nullopt);
  EXPECT_EQ(frame_at(Time(11, Rational{}), *front, fps(25), 250).value(), std::nullopt);
  // Frame 40 of the front starts at the common instant of side frame 120.
  EXPECT_EQ(common_time_of(40, *front, fps(25)).value(),
            common_time_of(120, side, fps(60)).value());
  // NTSC rates stay exact: 30000/1001 against 25.
  const Rational ntsc = Rational::make(30000, 1001).value();
  auto third = sync_by_event(300, ntsc, 250, fps(25), side);
  ASSERT_TRUE(third);
  EXPECT_EQ(frame_at(common_time_of(250, side, fps(25)).value(), *third, ntsc, 1000).value(), 300);
  EXPECT_EQ(sync_by_event(-1, fps(25), 3, fps(60), side).error().code, Errc::invalid_argument);
  EXPECT_EQ(parse_sync_method("genlock").error().code, Errc::invalid_argument);
}

}  // namespace
}  // namespace clinvid::analysis
