// Real footage: OpenCV's vtest.avi (Debian's opencv-doc; people walking across a square, 768×576,
// 10 fps, MS-MPEG4) encrypted as an archive recording would be, then played back, stepped and
// tracked by the same code the studio and `clinvid analyse` use. There is no ground truth for a
// real person, so tracking is judged the way a reviewer would: a point on a walking person is
// followed forwards, then followed back from where it ended, and must come home.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "analysis/tracking.hpp"
#include "analysis/video_source.hpp"
#include "crypto/keys.hpp"
#include "crypto/writer.hpp"

namespace clinvid::analysis {
namespace {

namespace fs = std::filesystem;

const fs::path kFootage = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
constexpr std::int64_t kFrames = 795;  // as the file states

struct Recording {
  crypto::X25519Identity identity = crypto::X25519Identity::generate();
  fs::path file;
  std::vector<crypto::Identity> identities() const {
    std::vector<crypto::Identity> out;
    out.emplace_back(identity.clone());
    return out;
  }
};

class RealFootage : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kFootage)) GTEST_SKIP() << kFootage << " is missing: install opencv-doc";
    recording_.file = fs::path(::testing::TempDir()) / "vtest.avi.age";
    std::vector<crypto::Recipient> to;
    to.emplace_back(recording_.identity.recipient());
    ASSERT_TRUE(crypto::encrypt_file(kFootage, recording_.file, to));
  }
  void TearDown() override { fs::remove(recording_.file); }

  Recording recording_;
};

std::vector<std::uint8_t> luma_of(const ConstFrameView& frame) {
  std::vector<std::uint8_t> out;
  for (std::uint32_t y = 0; y < frame.height; ++y) {
    const std::uint8_t* row = frame.planes[0] + static_cast<std::size_t>(y) * frame.strides[0];
    out.insert(out.end(), row, row + frame.width);
  }
  return out;
}

cv::Mat as_mat(const std::vector<std::uint8_t>& luma, int width, int height) {
  return cv::Mat(height, width, CV_8UC1, const_cast<std::uint8_t*>(luma.data()));
}

TEST_F(RealFootage, PlaysBackEveryFrameAndStepsToTheSameFramesInAnyOrder) {
  auto opened = RecordingInput::open(recording_.file, recording_.identities());
  ASSERT_TRUE(opened) << opened.error().message();
  EXPECT_EQ(opened->frame_count(), kFrames);
  EXPECT_EQ(opened->frame_rate(), Rational::make(10, 1).value());
  EXPECT_EQ(opened->width_px(), 768U);
  EXPECT_EQ(opened->height_px(), 576U);
  const VideoInput input = opened->input();

  // Playback: every frame in order, and a few remembered along the way.
  const std::vector<std::int64_t> probes = {0, 1, 99, 100, 401, 650, kFrames - 1};
  std::vector<std::vector<std::uint8_t>> played(probes.size());
  for (std::int64_t n = 0; n < kFrames; ++n) {
    auto frame = input.source(n);
    ASSERT_TRUE(frame) << "frame " << n << ": " << frame.error().message();
    for (std::size_t k = 0; k < probes.size(); ++k) {
      if (probes[k] == n) played[k] = luma_of(*frame);
    }
  }
  // Stepping: backwards, forwards and jumping give exactly the frames playback showed.
  for (std::size_t k = probes.size(); k-- > 0;) {
    auto frame = input.source(probes[k]);
    ASSERT_TRUE(frame) << probes[k];
    EXPECT_EQ(luma_of(*frame), played[k]) << "frame " << probes[k];
  }
  EXPECT_FALSE(input.source(kFrames));  // past the end is an error, not a crash
}

// Where a person is at frame `n`: what differs from both a little before and a little after
// (what differs from one side only is where they were or will be).
cv::Mat where_people_are(const VideoInput& input, std::int64_t n, int width, int height) {
  std::vector<std::vector<std::uint8_t>> luma;
  for (const std::int64_t k : {n - 2, n, n + 2}) {
    auto frame = input.source(k);
    if (!frame) return {};
    luma.push_back(luma_of(*frame));
  }
  cv::Mat before;
  cv::Mat after;
  cv::absdiff(as_mat(luma[1], width, height), as_mat(luma[0], width, height), before);
  cv::absdiff(as_mat(luma[1], width, height), as_mat(luma[2], width, height), after);
  cv::Mat mask = (before > 20) & (after > 20);
  cv::dilate(mask, mask, cv::Mat(), cv::Point(-1, -1), 3);
  return mask;
}

struct RoundTrip {
  bool kept = false;  // tracked all the way there and all the way back
  double travelled_px = 0;
  double error_px = 0;
};

RoundTrip there_and_back(const VideoInput& clip, Point2 start, const TrackerOptions& options) {
  const std::int64_t last = clip.frame_count - 1;
  Track forward("walker", clip.frame_count);
  if (!forward.set_keyframe(0, start) || !track_all(std::span(&forward, 1), clip, options)) {
    return {};
  }
  const TrackSample end = forward.samples().back();
  if (end.status != TrackStatus::tracked) return {};
  Track back("walker", clip.frame_count);
  if (!back.set_keyframe(last, end.position_px) || !track_all(std::span(&back, 1), clip, options)) {
    return {};
  }
  const TrackSample home = back.samples().front();
  if (home.status != TrackStatus::tracked) return {};
  return {true, std::hypot(end.position_px.x - start.x, end.position_px.y - start.y),
          std::hypot(home.position_px.x - start.x, home.position_px.y - start.y)};
}

TEST_F(RealFootage, PointsOnWalkingPeopleAreTrackedThereAndBack) {
  auto opened = RecordingInput::open(recording_.file, recording_.identities());
  ASSERT_TRUE(opened) << opened.error().message();
  const VideoInput whole = opened->input();
  const int width = static_cast<int>(opened->width_px());
  const int height = static_cast<int>(opened->height_px());
  constexpr std::int64_t kStart = 100;
  constexpr std::int64_t kLength = 20;  // 2 s of walking at 10 fps

  // Corners on the people walking at kStart, as a reviewer would click on a person.
  const cv::Mat people = where_people_are(whole, kStart, width, height);
  ASSERT_FALSE(people.empty());
  auto first = whole.source(kStart);
  ASSERT_TRUE(first);
  const std::vector<std::uint8_t> luma = luma_of(*first);
  std::vector<cv::Point2f> corners;
  cv::goodFeaturesToTrack(as_mat(luma, width, height), corners, 12, 0.05, 15, people);
  ASSERT_GE(corners.size(), 6U) << "too few people at frame " << kStart;

  // Real people are textured, so a wider window than the walker's markers need.
  TrackerOptions options;
  options.window_px = 21;
  options.pyramid_levels = 3;
  const VideoInput clip{[&](std::int64_t n) { return whole.source(kStart + n); }, whole.frame_rate,
                        kLength + 1};
  int walked = 0;     // points that moved with a person
  int came_home = 0;  // of those, back within 2 px of where they started
  double worst_home = 0;
  for (const cv::Point2f& corner : corners) {
    const RoundTrip trip = there_and_back(clip, Point2{corner.x, corner.y}, options);
    if (!trip.kept || trip.travelled_px < 10.0) continue;  // lost (occluded) or not walking
    ++walked;
    if (trip.error_px < 2.0) ++came_home;
    worst_home = std::max(worst_home, trip.error_px);
  }
  EXPECT_GE(walked, 3) << "of " << corners.size() << " points on people";
  EXPECT_GE(came_home * 4, walked * 3)
      << came_home << " of " << walked << " came home; worst " << worst_home << " px";
  RecordProperty("points", static_cast<int>(corners.size()));
  RecordProperty("walked", walked);
  RecordProperty("came_home", came_home);
  std::printf(
      "real footage: %zu points on people, %d walked >= 10 px, %d came home within 2 px "
      "(worst %.2f px)\n",
      corners.size(), walked, came_home, worst_home);
}

}  // namespace
}  // namespace clinvid::analysis
