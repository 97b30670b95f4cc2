// Gait sequence films end to end: two synthetic walkers (before: 120 steps/min, after: 100)
// encoded with libx264 and imported into a real archive, tracked with real optical flow, built
// into a timeline project by build_gait_film and rendered by render_film (consent gate,
// compositor, encoder, catalogue). The film is decoded again: its length is the real-time,
// slow-motion and freeze segments the walkers' true heel strikes imply, it is catalogued as
// derived from both recordings, and the knee angle and curve overlays are in its pixels where
// the walkers' knees are.
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../export/export_fixture.hpp"
#include "analysis/gait_film.hpp"
#include "analysis/gait_review.hpp"
#include "analysis/synthetic_walker.hpp"
#include "analysis/tracking.hpp"
#include "media/decoder.hpp"

namespace clinvid::render::testing {
namespace {

namespace an = analysis;

constexpr std::int64_t kFrames = 120;  // 4 s at 30 fps
const Rational kRate = Rational::make(30, 1).value();

class GaitFilmTest : public FilmTest {
 protected:
  // The walker as an H.264 MP4 (ffmpeg from raw I420), imported for the patient.
  std::string import_walker(archive::Archive& a, const an::SyntheticWalker& walker,
                            const std::string& name) {
    const fs::path raw = root_ / (name + ".yuv");
    const fs::path mp4 = root_ / (name + ".mp4");
    {
      std::FILE* f = std::fopen(raw.c_str(), "wb");
      EXPECT_NE(f, nullptr);
      auto frame =
          Frame::allocate(PixelFormat::i420, walker.spec().width_px, walker.spec().height_px);
      EXPECT_TRUE(frame);
      for (std::int64_t i = 0; i < walker.spec().frame_count; ++i) {
        EXPECT_TRUE(walker.render(i, frame->view()));
        const ConstFrameView v = std::as_const(*frame).view();
        for (int p = 0; p < 3; ++p) {
          const std::uint32_t w = p == 0 ? v.width : (v.width + 1) / 2;
          const std::uint32_t h = p == 0 ? v.height : (v.height + 1) / 2;
          for (std::uint32_t row = 0; row < h; ++row) {
            std::fwrite(v.planes[static_cast<std::size_t>(p)] +
                            row * v.strides[static_cast<std::size_t>(p)],
                        1, w, f);
          }
        }
      }
      std::fclose(f);
    }
    EXPECT_EQ(
        run({"ffmpeg",
             "-v",
             "error",
             "-y",
             "-f",
             "rawvideo",
             "-pix_fmt",
             "yuv420p",
             "-s",
             std::to_string(walker.spec().width_px) + "x" + std::to_string(walker.spec().height_px),
             "-r",
             "30",
             "-i",
             raw.string(),
             "-c:v",
             "libx264",
             "-preset",
             "ultrafast",
             "-crf",
             "16",
             "-g",
             "15",
             "-pix_fmt",
             "yuv420p",
             mp4.string()}),
        0);
    archive::NewRecording rec;
    rec.patient_id = patient_;
    rec.consent_id = consent_all_;
    rec.kind = consent::RecordingKind::external_video;
    rec.sites = {{"hand", consent::Laterality::left}};
    rec.purposes = {consent::Purpose::clinical_record};
    rec.recorded_on = archive::testing::day("2025-06-02");
    rec.procedure = "gait assessment " + name;
    auto info = a.import_file(mp4, rec, true);
    EXPECT_TRUE(info) << info.error().message();
    return info ? info->id : std::string();
  }

  // A review of the recording keyframed every 15 frames from the truth, tracked through the
  // walker's own frames, with the true heel strikes marked (as a user confirms them).
  an::Review tracked_review(an::SyntheticWalker& walker, const std::string& recording) {
    an::DemoReviewSpec d;
    d.recording_id = recording;
    d.frame_rate = kRate;
    d.keyframe_interval_frames = 15;
    auto review = an::demo_review(walker, d);
    EXPECT_TRUE(review) << review.error().message();
    std::vector<an::Track> tracks;
    for (const auto& t : review->tracks) tracks.push_back(t.track);
    EXPECT_TRUE(an::track_all(tracks, walker.input()));
    for (std::size_t i = 0; i < tracks.size(); ++i) review->tracks[i].track = tracks[i];
    for (const an::GaitEvent& e : walker.truth().events) review->events.push_back({0, e});
    return *review;
  }
};

std::vector<std::int64_t> true_heel_strikes(const an::SyntheticWalker& walker) {
  return an::heel_strikes(walker.truth().events, an::Side::right);
}

// Pixels of a decoded I420 frame within `radius` of (cx, cy) whose chroma passes `pick`.
template <class Pick>
int count_near(const ConstFrameView& f, double cx, double cy, double radius, Pick pick) {
  int n = 0;
  for (std::uint32_t y = 0; y < f.height; ++y) {
    for (std::uint32_t x = 0; x < f.width; ++x) {
      if (std::hypot(x + 0.5 - cx, y + 0.5 - cy) > radius) continue;
      const std::uint8_t u = f.planes[1][(y / 2) * f.strides[1] + x / 2];
      const std::uint8_t v = f.planes[2][(y / 2) * f.strides[2] + x / 2];
      n += pick(u, v) ? 1 : 0;
    }
  }
  return n;
}

bool magenta(std::uint8_t u, std::uint8_t v) {
  return u > 170 && v > 170;
}
bool cyan(std::uint8_t u, std::uint8_t v) {
  return u > 140 && v < 70;
}

TEST_F(GaitFilmTest, BeforeAfterFilmWithSlowMotionAndKneeAngleOverlays) {
  an::WalkerSpec before_spec = an::gait_scene_walker_spec(640, 360, kFrames);
  an::WalkerSpec after_spec = before_spec;
  after_spec.cadence_steps_per_min = 100.0;
  auto before = an::SyntheticWalker::make(before_spec);
  auto after = an::SyntheticWalker::make(after_spec);
  ASSERT_TRUE(before && after);

  auto a = open_as("photo");
  const std::string before_id = import_walker(a, *before, "before");
  const std::string after_id = import_walker(a, *after, "after");
  ASSERT_FALSE(before_id.empty() || after_id.empty());
  const an::Review before_review = tracked_review(*before, before_id);
  const an::Review after_review = tracked_review(*after, after_id);

  an::GaitFilmSpec spec;
  spec.sessions = {{"before", &before_review, 0, 640, 360}, {"after", &after_review, 0, 640, 360}};
  spec.width_px = 640;
  spec.height_px = 180;
  spec.consent_reference = "consent on file";
  auto film = an::build_gait_film(spec);
  ASSERT_TRUE(film) << film.error().message();

  // Segment lengths from the truth: 2 s real time, the longer stride x4, a 2 s freeze.
  const auto hs_before = true_heel_strikes(*before);
  const auto hs_after = true_heel_strikes(*after);
  ASSERT_GE(hs_before.size(), 2U);
  ASSERT_GE(hs_after.size(), 2U);
  EXPECT_EQ(film->sessions[0].stride_first_frame, hs_before[0]);
  EXPECT_EQ(film->sessions[1].stride_first_frame, hs_after[0]);
  const std::int64_t slow_frames =
      4 * std::max(hs_before[1] - hs_before[0], hs_after[1] - hs_after[0]);
  const std::int64_t expected_frames = 60 + slow_frames + 60;
  EXPECT_EQ(film->freeze_start, Time::frames(60 + slow_frames, kRate));

  FilmRequest request;
  request.project = film->project;
  request.project_name = "gait film";
  request.purpose = consent::Purpose::research;
  request.preset = find_preset("archive").value();
  request.preset.x264_preset = "ultrafast";
  request.preset.crf = 12;
  auto out = render_film(a, request);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(out->render.frames, expected_frames);
  std::printf("gait film: %lld frames (%lld slow-motion), %.2f s to render\n",
              static_cast<long long>(out->render.frames), static_cast<long long>(slow_frames),
              out->render.seconds);
  auto info = a.get_recording(out->film.id);
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_EQ(info->derived_from.size(), 2U);
  for (const std::string& id : {before_id, after_id}) {
    EXPECT_NE(std::find(info->derived_from.begin(), info->derived_from.end(), id),
              info->derived_from.end())
        << id;
  }

  // Decode: the knee angle (magenta) sits on each walker's knee in the freeze, and nowhere
  // near it in the real-time segment; the curve panel (cyan) is in the freeze's top left.
  auto identity = a.recording_identity(out->film.id);
  ASSERT_TRUE(identity);
  std::vector<crypto::Identity> identities;
  identities.emplace_back(std::move(*identity));
  auto decoder = media::VideoDecoder::open(a.media_path(out->film.id), identities);
  ASSERT_TRUE(decoder) << decoder.error().message();
  const auto knee_in_slot = [](const an::SyntheticWalker& w, std::int64_t frame, int slot) {
    const an::Point2 k = w.truth().frames[static_cast<std::size_t>(frame)].near_px[1];
    return an::Point2{k.x * 0.5 + 320.0 * slot, k.y * 0.5};
  };
  const std::int64_t freeze_frame = 60 + slow_frames + 30;
  auto frozen = decoder->frame_at(Time::frames(freeze_frame, kRate));
  ASSERT_TRUE(frozen) << frozen.error().message();
  const ConstFrameView fv = frozen->frame->view();
  const an::Point2 kb = knee_in_slot(*before, hs_before[0], 0);
  const an::Point2 ka = knee_in_slot(*after, hs_after[0], 1);
  const int magenta_before = count_near(fv, kb.x, kb.y, 20, magenta);
  const int magenta_after = count_near(fv, ka.x, ka.y, 20, magenta);
  EXPECT_GT(magenta_before, 15);
  EXPECT_GT(magenta_after, 15);
  const int cyan_before = count_near(fv, 0.24 * 320, 0.26 * 180, 50, cyan);
  EXPECT_GT(cyan_before, 15);
  // Mid slow motion: the angle follows the knee there too.
  const std::int64_t slow_at = 60 + 40;  // film frame; source frame hs + 10
  auto slow = decoder->frame_at(Time::frames(slow_at, kRate));
  ASSERT_TRUE(slow);
  const an::Point2 ks = knee_in_slot(*before, hs_before[0] + 10, 0);
  EXPECT_GT(count_near(slow->frame->view(), ks.x, ks.y, 20, magenta), 15);
  auto real = decoder->frame_at(Time::frames(30, kRate));
  ASSERT_TRUE(real);
  const an::Point2 kr = knee_in_slot(*before, 30, 0);
  EXPECT_EQ(count_near(real->frame->view(), kr.x, kr.y, 20, magenta), 0);
  std::printf("overlay pixels: knee angle %d / %d (before / after), curve %d\n", magenta_before,
              magenta_after, cyan_before);
}

TEST_F(GaitFilmTest, RefusesWhatCannotMakeAFilm) {
  an::GaitFilmSpec spec;
  EXPECT_EQ(an::build_gait_film(spec).error().code, Errc::invalid_argument);
  an::Review empty;
  spec.sessions = {{"before", &empty, 0, 640, 360}};
  auto r = an::build_gait_film(spec);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("view 0 of 0"), std::string::npos) << r.error().detail;
  auto walker = an::SyntheticWalker::make(an::gait_scene_walker_spec(640, 360, 20));
  ASSERT_TRUE(walker);
  an::DemoReviewSpec d;
  d.recording_id = "x";
  d.frame_rate = kRate;
  auto review = an::demo_review(*walker, d);
  ASSERT_TRUE(review);
  spec.sessions = {{"short", &*review, 0, 640, 360}};
  r = an::build_gait_film(spec);
  ASSERT_FALSE(r);  // 20 frames: fewer than two heel strikes
  EXPECT_EQ(r.error().code, Errc::invalid_argument) << r.error().detail;
  spec.sessions = {{"sizeless", &*review, 0, 0, 0}};
  EXPECT_NE(an::build_gait_film(spec).error().detail.find("frame size"), std::string::npos);
}

}  // namespace
}  // namespace clinvid::render::testing
