// End to end: track the walker, save the review, compute the requested measurements per
// frame in metres and degrees, export them.
#include <cmath>

#include <gtest/gtest.h>

#include "analysis/kinematics.hpp"
#include "walker_fixture.hpp"

namespace clinvid::analysis {
namespace {

TEST(Kinematics, ReviewToCalibratedMeasurementsAndCsv) {
  auto walker = SyntheticWalker::make(testing::small_walker_spec(300));
  ASSERT_TRUE(walker);
  const WalkerTruth& truth = walker->truth();
  std::vector<Track> tracks = testing::keyed_tracks(*walker, 30);
  ASSERT_TRUE(track_all(tracks, walker->input()));

  Review review;
  ReviewView view;
  view.id = "side";
  view.recording_id = "synthetic-walker";
  view.frame_rate = walker->spec().frame_rate;
  view.frame_count = 300;
  view.calibration =
      Calibration::from_length(truth.calibration_a_px, truth.calibration_b_px, 1.0).value();
  review.views.push_back(view);
  for (Track& t : tracks) review.tracks.push_back({0, std::move(t)});
  review.measurements.push_back(
      {0, MeasurementKind::knee_flexion, {"hip", "knee", "ankle"}, Reference::invalid, "R knee"});
  review.measurements.push_back(
      {0, MeasurementKind::distance, {"hip", "knee"}, Reference::invalid, "thigh length"});
  review.measurements.push_back(
      {0, MeasurementKind::segment_angle, {"hip", "knee"}, Reference::vertical, ""});

  // Saved and loaded: the tracked positions travel with the review, nothing is re-tracked.
  auto loaded = review_from_json(review_to_json(review));
  ASSERT_TRUE(loaded) << loaded.error().message();
  auto raw = compute_kinematics(*loaded, 0, Smoothing::none);
  ASSERT_TRUE(raw) << raw.error().message();
  ASSERT_EQ(raw->points.size(), 5U);
  ASSERT_EQ(raw->measurements.size(), 3U);
  EXPECT_EQ(raw->measurements[0].name, "r_knee");
  EXPECT_EQ(raw->measurements[1].name, "thigh_length");
  EXPECT_EQ(raw->measurements[1].unit, "m");
  EXPECT_EQ(raw->measurements[2].name, "segment_angle_2");
  double knee_max_error = 0.0;
  for (std::size_t f = 0; f < 300; ++f) {
    knee_max_error = std::max(knee_max_error, std::abs(raw->measurements[0].values[f] -
                                                       truth.frames[f].near_deg.knee_flexion_deg));
    EXPECT_NEAR(raw->measurements[1].values[f], 0.45, 0.005) << f;
    // Thigh to the vertical is the hip flexion angle.
    EXPECT_NEAR(raw->measurements[2].values[f], truth.frames[f].near_deg.hip_flexion_deg, 0.2) << f;
  }
  EXPECT_LT(knee_max_error, 0.1);

  auto smoothed = compute_kinematics(*loaded, 0, Smoothing::lowpass);
  ASSERT_TRUE(smoothed);
  EXPECT_EQ(smoothed->filter, LowPassSpec{6.0}.describe());
  for (std::size_t f = 0; f < 300; ++f) {
    EXPECT_NEAR(smoothed->measurements[0].values[f], truth.frames[f].near_deg.knee_flexion_deg,
                2.0);
  }
  auto csv = kinematics_csv(*smoothed);
  ASSERT_TRUE(csv) << csv.error().message();
  EXPECT_NE(csv->find(",r_knee_deg,thigh_length_m,segment_angle_2_deg\n"), std::string::npos);
  EXPECT_NE(csv->find("# recording: synthetic-walker\n"), std::string::npos);

  EXPECT_EQ(compute_kinematics(*loaded, 1, Smoothing::none).error().code, Errc::out_of_range);
  EXPECT_EQ(compute_kinematics(*loaded, 0, Smoothing::invalid).error().code,
            Errc::invalid_argument);
  Review fast = *loaded;
  fast.filter.cutoff_hz = 20.0;  // above Nyquist at 30 fps
  auto refused = compute_kinematics(fast, 0, Smoothing::lowpass);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("track \"hip\""), std::string::npos);
}

}  // namespace
}  // namespace clinvid::analysis
