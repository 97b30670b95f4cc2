// Automatic sync events: a clap in audio (sample-exact on raw samples; through the AAC codec of
// a real age-encrypted MP4 within a stated tolerance), a flash in video (frame-exact), two
// recordings with different start times and frame rates aligned to within one frame, and the
// bad inputs (silence, no clap, no audio stream, malformed arguments).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <random>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/review.hpp"
#include "analysis/sync.hpp"
#include "analysis/sync_detect.hpp"
#include "analysis/video_source.hpp"
#include "core/frame.hpp"
#include "crypto/keys.hpp"
#include "media/encoder.hpp"

namespace clinvid::analysis {
namespace {

namespace fs = std::filesystem;

constexpr int kRate = 48000;

// Room noise (Gaussian, -46 dBFS RMS) with a clap starting exactly at sample `clap`: a burst
// of noise at -2 dBFS peak decaying over ~10 ms, as a hand clap records.
std::vector<float> clap_track(std::int64_t samples, std::int64_t clap, int channels,
                              unsigned seed = 7) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0F, 0.005F);
  std::vector<float> out(static_cast<std::size_t>(samples * channels));
  for (std::int64_t i = 0; i < samples; ++i) {
    float v = noise(rng);
    if (clap >= 0 && i >= clap) {
      const double t = static_cast<double>(i - clap) / kRate;
      const float envelope = static_cast<float>(0.8 * std::exp(-t / 0.01));
      // The first sample is the burst's peak: the onset a detector must find.
      v += i == clap ? 0.8F : envelope * std::uniform_real_distribution<float>(-1.0F, 1.0F)(rng);
    }
    for (int c = 0; c < channels; ++c) out[static_cast<std::size_t>(i * channels + c)] = v;
  }
  return out;
}

TEST(ClapDetection, FindsTheOnsetSampleExactly) {
  for (const std::int64_t clap : {std::int64_t{9600}, std::int64_t{51234}, std::int64_t{95999}}) {
    const std::vector<float> mono = clap_track(kRate * 2, clap, 1);
    auto found = detect_clap(mono, kRate, 1);
    ASSERT_TRUE(found) << found.error().message();
    EXPECT_EQ(found->kind, SyncEventKind::clap);
    EXPECT_EQ(found->index, clap);
    EXPECT_EQ(found->time, Time(clap, Rational::make(1, kRate).value()));
    EXPECT_GT(found->level_db, 20.0);
  }
}

TEST(ClapDetection, StereoIsMixedAndDigitalSilenceBeforeTheClapIsAFloorOfZero) {
  const std::vector<float> stereo = clap_track(kRate, 20000, 2);
  auto found = detect_clap(stereo, kRate, 2);
  ASSERT_TRUE(found) << found.error().message();
  EXPECT_EQ(found->index, 20000);

  std::vector<float> silent_then_tone(kRate, 0.0F);
  for (std::size_t i = 30000; i < silent_then_tone.size(); ++i) {
    silent_then_tone[i] =
        0.3F * static_cast<float>(std::sin(0.05 * static_cast<double>(i - 30000) + 0.3));
  }
  found = detect_clap(silent_then_tone, kRate, 1);
  ASSERT_TRUE(found) << found.error().message();
  EXPECT_EQ(found->index, 30000);  // the first non-zero sample
}

TEST(ClapDetection, SilenceAndSteadyNoiseAreClearErrors) {
  const std::vector<float> silence(kRate, 0.0F);
  auto found = detect_clap(silence, kRate, 1);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, Errc::not_found);
  EXPECT_NE(found.error().detail.find("silent"), std::string::npos) << found.error().detail;

  const std::vector<float> noise = clap_track(kRate * 2, -1, 1);
  found = detect_clap(noise, kRate, 1);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, Errc::not_found);
  EXPECT_NE(found.error().detail.find("no clap found"), std::string::npos) << found.error().detail;

  // A clap too soon to measure a floor before it is not taken for one.
  const std::vector<float> early = clap_track(kRate, 100, 1);
  found = detect_clap(early, kRate, 1);
  EXPECT_FALSE(found);
}

TEST(ClapDetection, MalformedArgumentsAreRefused) {
  const std::vector<float> samples(101, 0.0F);
  EXPECT_EQ(detect_clap(samples, kRate, 2).error().code, Errc::invalid_argument);
  EXPECT_EQ(detect_clap(samples, 0, 1).error().code, Errc::invalid_argument);
  ClapDetectionOptions bad;
  bad.window_ms = 0.0;
  EXPECT_EQ(detect_clap(samples, kRate, 1, bad).error().code, Errc::invalid_argument);
}

// Frames of a dim scene with a moving square; the frame `flash` is lit.
class FlashScene {
 public:
  FlashScene(Rational rate, std::int64_t frames, std::int64_t flash)
      : rate_(rate),
        frames_(frames),
        flash_(flash),
        frame_(Frame::allocate(PixelFormat::i420, 320, 180).value()) {}

  Status render(std::int64_t index, const FrameView& v) const {
    const std::uint8_t base = index == flash_ ? std::uint8_t{220} : std::uint8_t{40};
    for (std::uint32_t y = 0; y < v.height; ++y) {
      for (std::uint32_t x = 0; x < v.width; ++x) {
        const bool square = x >= static_cast<std::uint32_t>(index * 3 % 280) &&
                            x < static_cast<std::uint32_t>(index * 3 % 280) + 24 && y > 60 &&
                            y < 90;
        v.planes[0][y * v.strides[0] + x] = square ? std::uint8_t{90} : base;
      }
    }
    for (int p = 1; p < 3; ++p) {
      for (std::uint32_t y = 0; y < v.height / 2; ++y) {
        std::fill_n(
            v.planes[static_cast<std::size_t>(p)] + y * v.strides[static_cast<std::size_t>(p)],
            v.width / 2, std::uint8_t{128});
      }
    }
    return {};
  }

  VideoInput input() {
    return {[this](std::int64_t i) -> Result<ConstFrameView> {
              if (auto ok = render(i, frame_.view()); !ok) return tl::unexpected(ok.error());
              return std::as_const(frame_).view();
            },
            rate_, frames_};
  }

 private:
  Rational rate_;
  std::int64_t frames_;
  std::int64_t flash_;
  Frame frame_;
};

TEST(FlashDetection, FindsTheLitFrameExactly) {
  const Rational rate = Rational::make(30000, 1001).value();
  FlashScene scene(rate, 90, 37);
  auto found = detect_flash(scene.input());
  ASSERT_TRUE(found) << found.error().message();
  EXPECT_EQ(found->kind, SyncEventKind::flash);
  EXPECT_EQ(found->index, 37);
  EXPECT_EQ(found->time, Time::frames(37, rate));

  FlashScene none(rate, 40, -1);
  found = detect_flash(none.input());
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, Errc::not_found);
  EXPECT_NE(found.error().detail.find("no flash found"), std::string::npos);
}

// ---- two real recordings (H.264 + AAC in age-encrypted MP4) of one clap and flash ----

struct Take {
  Rational rate;
  double start_s;  // when the camera started, on the "real" clock
  fs::path path;
};

constexpr double kEventRealS = 2.7;  // the clap and the flash, on the real clock

class SyncFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("clinvid_sync_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A take that saw the event `kEventRealS - start_s` seconds in: the flash lights the frame
  // whose interval holds that instant, the clap starts on the sample at it.
  Take record(const std::string& name, Rational rate, double start_s, bool audio) {
    Take take{rate, start_s, dir_ / (name + ".mp4.age")};
    const double event_s = kEventRealS - start_s;
    const auto frames = static_cast<std::int64_t>(std::ceil(4.0 * rate.to_double()));
    const auto flash = static_cast<std::int64_t>(std::floor(event_s * rate.to_double()));
    media::EncodeSettings s;
    s.width = 320;
    s.height = 180;
    s.frame_rate = rate;
    s.encoder = media::VideoEncoderKind::libx264;
    s.x264_preset = "ultrafast";
    s.crf = 20;
    s.threads = 2;
    s.audio = audio;
    s.audio_channels = 1;
    std::vector<crypto::Recipient> recipients;
    recipients.emplace_back(identity_.recipient());
    auto encoder = media::Mp4Encoder::create(s, take.path, recipients);
    EXPECT_TRUE(encoder) << encoder.error().message();
    FlashScene scene(rate, frames, flash);
    auto frame = Frame::allocate(PixelFormat::i420, 320, 180).value();
    for (std::int64_t i = 0; i < frames; ++i) {
      EXPECT_TRUE(scene.render(i, frame.view()));
      EXPECT_TRUE(encoder->add_video(std::as_const(frame).view(), i));
    }
    if (audio) {
      const auto clap = static_cast<std::int64_t>(std::llround(event_s * kRate));
      EXPECT_TRUE(encoder->add_audio(clap_track(kRate * 4, clap, 1, 11)));
    }
    EXPECT_TRUE(encoder->finish());
    return take;
  }

  std::vector<crypto::Identity> identities() const {
    std::vector<crypto::Identity> out;
    out.emplace_back(identity_.clone());
    return out;
  }

  fs::path dir_;
  crypto::X25519Identity identity_ = crypto::X25519Identity::generate();
};

Result<SyncEvent> flash_in(const fs::path& path, std::span<const crypto::Identity> ids) {
  auto input = RecordingInput::open(path, ids);
  if (!input) return tl::unexpected(input.error());
  return detect_flash(input->input());
}

TEST_F(SyncFiles, TwoTakesAtDifferentRatesAlignWithinOneFrame) {
  const Take a = record("a", Rational::make(30, 1).value(), 0.5, true);
  const Take b = record("b", Rational::make(25, 1).value(), 1.2, true);
  const auto ids = identities();

  // The clap, through AAC: within 1 ms of the sample it started on.
  auto clap_a = detect_clap_in_file(a.path, ids);
  ASSERT_TRUE(clap_a) << clap_a.error().message();
  auto clap_b = detect_clap_in_file(b.path, ids);
  ASSERT_TRUE(clap_b) << clap_b.error().message();
  const double error_a_ms = (clap_a->time.seconds() - (kEventRealS - a.start_s)) * 1e3;
  const double error_b_ms = (clap_b->time.seconds() - (kEventRealS - b.start_s)) * 1e3;
  EXPECT_LE(std::fabs(error_a_ms), 1.0) << "AAC moved the onset by " << error_a_ms << " ms";
  EXPECT_LE(std::fabs(error_b_ms), 1.0) << "AAC moved the onset by " << error_b_ms << " ms";
  std::printf("clap onset error through AAC: %.3f ms, %.3f ms\n", error_a_ms, error_b_ms);

  // The flash: exactly the lit frame of each.
  auto flash_a = flash_in(a.path, ids);
  ASSERT_TRUE(flash_a) << flash_a.error().message();
  auto flash_b = flash_in(b.path, ids);
  ASSERT_TRUE(flash_b) << flash_b.error().message();
  EXPECT_EQ(flash_a->index, 66);  // 2.2 s at 30 fps
  EXPECT_EQ(flash_b->index, 37);  // 1.5 s at 25 fps: the frame 1.48 .. 1.52 s

  // Either event aligns the takes: every frame of a is shown with the frame of b taken at the
  // same real instant, to within one frame of b.
  for (const auto& [event_a, event_b, method] :
       {std::tuple{*clap_a, *clap_b, SyncMethod::clap},
        std::tuple{*flash_a, *flash_b, SyncMethod::flash}}) {
    auto offset = event_offset(event_a, event_b);
    ASSERT_TRUE(offset);
    EXPECT_NEAR(offset->seconds(), a.start_s - b.start_s, 1.0 / 25.0);
    auto ref = sync_by_event_time(method, event_a.time, a.rate, event_a.time, ViewSync{});
    ASSERT_TRUE(ref) << ref.error().message();
    EXPECT_EQ(ref->offset, Time{});
    auto sync_b = sync_by_event_time(method, event_b.time, b.rate, event_a.time, *ref);
    ASSERT_TRUE(sync_b) << sync_b.error().message();
    EXPECT_EQ(sync_b->event_frame, 37);
    double worst_s = 0.0;
    for (std::int64_t fa = 0; fa < 120; ++fa) {
      auto common = common_time_of(fa, *ref, a.rate);
      ASSERT_TRUE(common);
      auto fb = frame_at(*common, *sync_b, b.rate, 100);
      ASSERT_TRUE(fb);
      if (!*fb) continue;  // before b started or after it stopped
      const double real_a = a.start_s + static_cast<double>(fa) / 30.0;
      const double real_b = b.start_s + static_cast<double>(**fb) / 25.0;
      worst_s = std::max(worst_s, std::fabs(real_a - real_b));
    }
    // A frame of b holds 1/25 s; the flash adds its own quantisation (the lit frame starts up
    // to a frame before the flash), the clap nothing measurable.
    const double offset_error_s = std::fabs(offset->seconds() - (a.start_s - b.start_s));
    if (method == SyncMethod::clap) {
      EXPECT_LE(offset_error_s, 1e-3);
    }
    std::printf("%s: offset error %.3f ms, worst frame misalignment %.1f ms\n",
                std::string(to_string(method)).c_str(), offset_error_s * 1e3, worst_s * 1e3);
    EXPECT_LE(worst_s, 1.0 / 25.0 + offset_error_s + 1e-9) << to_string(method);
  }
}

TEST_F(SyncFiles, ARecordingWithoutAudioOrClapIsAClearError) {
  const Take mute = record("mute", Rational::make(30, 1).value(), 0.0, false);
  auto found = detect_clap_in_file(mute.path, identities());
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, Errc::not_found);
  EXPECT_NE(found.error().detail.find("no audio stream"), std::string::npos)
      << found.error().detail;

  auto missing = detect_clap_in_file(dir_ / "nothing.age", identities());
  ASSERT_FALSE(missing);
}

TEST(SyncByEventTime, RefusesNonEventMethodsAndRoundTripsInAReview) {
  const Rational rate = Rational::make(25, 1).value();
  EXPECT_EQ(
      sync_by_event_time(SyncMethod::session_clock, Time{}, rate, Time{}, ViewSync{}).error().code,
      Errc::invalid_argument);
  const Time event(72000, Rational::make(1, kRate).value());
  const Time reference(105600, Rational::make(1, kRate).value());
  auto sync = sync_by_event_time(SyncMethod::clap, event, rate, reference, ViewSync{});
  ASSERT_TRUE(sync);
  EXPECT_EQ(sync->offset, Time(-7, Rational::make(1, 10).value()));
  EXPECT_EQ(sync->event_frame, 37);

  Review review;
  ReviewView view;
  view.id = "b";
  view.recording_id = "file:b";
  view.frame_rate = rate;
  view.frame_count = 100;
  view.sync = *sync;
  review.views.push_back(view);
  auto loaded = review_from_json(review_to_json(review));
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(loaded->views[0].sync.method, SyncMethod::clap);
  EXPECT_EQ(loaded->views[0].sync.offset, sync->offset);
  EXPECT_EQ(loaded->views[0].sync.event_frame, 37);
}

}  // namespace
}  // namespace clinvid::analysis
