// engine/media/decoder + frame_cache + audio_decoder: age-encrypted fixtures made by the ffmpeg
// CLI (libx264, a keyframe every 30 frames, testsrc2 with its moving frame counter), compared
// frame by frame with FFmpeg decoding the plaintext sequentially.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "crypto/keys.hpp"
#include "media/audio_decoder.hpp"
#include "media/decoder.hpp"
#include "media/frame_cache.hpp"
#include "media_test_util.hpp"

namespace clinvid::media {
namespace {

namespace fs = std::filesystem;
using test::ReferenceFrame;

struct Clip {
  fs::path encrypted;
  Rational rate;
  std::vector<ReferenceFrame> reference;
};

class MediaEnv {
 public:
  static MediaEnv& get() {
    static MediaEnv env;
    return env;
  }
  const crypto::X25519Identity& identity() const { return identity_; }
  std::vector<crypto::Identity> identities() const { return test::identities_of(identity_); }
  const fs::path& dir() const { return dir_.path(); }

  // Made once per name: `ffmpeg_args` produce `name` in the temporary directory.
  const Clip& clip(const std::string& name, const std::string& ffmpeg_args, const char* rate) {
    if (auto found = clips_.find(name); found != clips_.end()) return found->second;
    const fs::path plain = dir() / name;
    test::run("ffmpeg -v error -y " + ffmpeg_args + " '" + plain.string() + "'");
    Clip c;
    c.rate = Rational::parse(rate).value();
    c.reference = test::decode_reference(plain);
    c.encrypted = test::encrypt_and_remove(plain, identity_);
    return clips_.emplace(name, std::move(c)).first->second;
  }

 private:
  MediaEnv() : identity_(crypto::X25519Identity::generate()) {}
  test::TempDir dir_;
  crypto::X25519Identity identity_;
  std::map<std::string, Clip> clips_;
};

std::string h264_clip(const char* rate, const char* container_extra) {
  return std::string("-f lavfi -i testsrc2=size=320x180:rate=") + rate +
         " -frames:v 60 -c:v libx264 -preset ultrafast -g 30 -keyint_min 30 -sc_threshold 0 "
         "-pix_fmt yuv420p " +
         container_extra;
}

struct AccuracyCase {
  const char* name;
  const char* file;
  const char* rate;
  const char* extra;  // B-frames or not
};

class FrameAccuracy : public ::testing::TestWithParam<AccuracyCase> {
 protected:
  const Clip& clip() {
    const AccuracyCase& c = GetParam();
    return MediaEnv::get().clip(c.file, h264_clip(c.rate, c.extra), c.rate);
  }
};

void expect_frame(const DecodedFrame& got, const ReferenceFrame& want, Rational timebase,
                  const std::string& what) {
  ASSERT_TRUE(got.frame) << what;
  EXPECT_EQ(got.frame->format(), PixelFormat::i420) << what;
  EXPECT_EQ(got.pts, Time(want.pts, timebase)) << what << ": pts " << got.pts.to_string();
  EXPECT_EQ(test::hash_y(got.frame->view()), want.y_hash) << what;
  EXPECT_GT(got.duration, Time()) << what;
}

TEST_P(FrameAccuracy, EveryFrameInShuffledOrder) {
  const Clip& c = clip();
  ASSERT_EQ(c.reference.size(), 60u);
  for (const std::size_t cache_bytes : {std::size_t{0}, std::size_t{64} << 20}) {
    auto decoder = VideoDecoder::open(c.encrypted, MediaEnv::get().identities(), -1,
                                      DecoderOptions{0, cache_bytes});
    ASSERT_TRUE(decoder) << decoder.error().message();
    const Rational tb = decoder->stream().timebase;
    std::vector<std::int64_t> order(60);
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int64_t>(i);
    std::mt19937 rng(1234);
    std::shuffle(order.begin(), order.end(), rng);
    for (const std::int64_t n : order) {
      auto got = decoder->frame_at(Time::frames(n, c.rate));
      ASSERT_TRUE(got) << got.error().message();
      expect_frame(*got, c.reference[static_cast<std::size_t>(n)], tb,
                   "frame " + std::to_string(n) + " cache " + std::to_string(cache_bytes));
    }
    // Without a cache, going back must seek; with one, everything behind is cached.
    if (cache_bytes == 0) {
      EXPECT_GT(decoder->seeks(), 0u);
    }
  }
}

TEST_P(FrameAccuracy, BetweenFramesBeforeStartAndPastEnd) {
  const Clip& c = clip();
  auto decoder =
      VideoDecoder::open(c.encrypted, MediaEnv::get().identities(), -1, DecoderOptions{0, 0});
  ASSERT_TRUE(decoder) << decoder.error().message();
  const Rational tb = decoder->stream().timebase;
  const Rational half_frames = Rational::make(c.rate.num() * 2, c.rate.den()).value();
  for (const std::int64_t n : {41, 3, 59, 0, 29, 30, 31, 12}) {
    // Halfway to the next frame (and just before it) is still frame n.
    auto half = decoder->frame_at(Time::frames(2 * n + 1, half_frames));
    ASSERT_TRUE(half) << half.error().message();
    expect_frame(*half, c.reference[static_cast<std::size_t>(n)], tb,
                 "half after " + std::to_string(n));
  }
  auto before = decoder->frame_at(Time(-5, Rational()));
  ASSERT_TRUE(before) << before.error().message();
  expect_frame(*before, c.reference.front(), tb, "before the start");
  auto past = decoder->frame_at(Time(3600, Rational()));
  ASSERT_TRUE(past) << past.error().message();
  expect_frame(*past, c.reference.back(), tb, "past the end");
  auto again = decoder->frame_at(Time(10, Rational()));
  ASSERT_TRUE(again) << again.error().message();
  expect_frame(*again, c.reference.back(), tb, "past the end, again");
}

TEST_P(FrameAccuracy, SequentialReadingNeverSeeks) {
  const Clip& c = clip();
  auto decoder =
      VideoDecoder::open(c.encrypted, MediaEnv::get().identities(), -1, DecoderOptions{2, 0});
  ASSERT_TRUE(decoder) << decoder.error().message();
  for (std::int64_t n = 0; n < 60; ++n) {
    auto got = decoder->frame_at(Time::frames(n, c.rate));
    ASSERT_TRUE(got) << got.error().message();
    ASSERT_EQ(test::hash_y(got->frame->view()), c.reference[static_cast<std::size_t>(n)].y_hash)
        << n;
  }
  EXPECT_EQ(decoder->seeks(), 0u);
  EXPECT_EQ(decoder->frames_decoded(), 60u);
}

TEST_P(FrameAccuracy, CachedFramesAreNotDecodedAgain) {
  const Clip& c = clip();
  auto decoder = VideoDecoder::open(c.encrypted, MediaEnv::get().identities());
  ASSERT_TRUE(decoder) << decoder.error().message();
  auto first = decoder->frame_at(Time::frames(45, c.rate));
  ASSERT_TRUE(first) << first.error().message();
  const std::uint64_t decoded = decoder->frames_decoded();
  const std::uint64_t seeks = decoder->seeks();
  // The same time, and frames the seek decoded on its way to frame 45 (scrubbing back).
  for (const std::int64_t n : {45, 44, 31, 30, 45, 38}) {
    auto again = decoder->frame_at(Time::frames(n, c.rate));
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ(test::hash_y(again->frame->view()), c.reference[static_cast<std::size_t>(n)].y_hash);
  }
  EXPECT_EQ(decoder->frames_decoded(), decoded);
  EXPECT_EQ(decoder->seeks(), seeks);
  EXPECT_EQ(decoder->cache_hits(), 6u);
}

INSTANTIATE_TEST_SUITE_P(
    Clips, FrameAccuracy,
    ::testing::Values(AccuracyCase{"mkv30", "c30.mkv", "30", "-bf 0"},
                      AccuracyCase{"mkv2997", "c2997.mkv", "30000/1001", "-bf 0"},
                      AccuracyCase{"mp4_2997_bframes", "c2997b.mp4", "30000/1001",
                                   "-bf 2 -movflags +faststart"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

struct FormatCase {
  const char* name;
  const char* args;
  int width;
  int height;
  int y_tolerance;  // against FFmpeg's own Y plane (range conversion and 10→8 bits differ)
};

class NonI420 : public ::testing::TestWithParam<FormatCase> {};

TEST_P(NonI420, ComesOutI420OfTheRightSize) {
  const FormatCase& f = GetParam();
  const Clip& c = MediaEnv::get().clip(f.name, f.args, "25");
  ASSERT_FALSE(c.reference.empty());
  auto decoder =
      VideoDecoder::open(c.encrypted, MediaEnv::get().identities(), -1, DecoderOptions{0, 0});
  ASSERT_TRUE(decoder) << decoder.error().message();
  for (const std::int64_t n : {7, 2}) {
    auto got = decoder->frame_at(Time::frames(n, c.rate));
    ASSERT_TRUE(got) << got.error().message();
    const Frame& frame = *got->frame;
    EXPECT_EQ(frame.format(), PixelFormat::i420);
    EXPECT_EQ(frame.width(), static_cast<std::uint32_t>(f.width));
    EXPECT_EQ(frame.height(), static_cast<std::uint32_t>(f.height));
    const ReferenceFrame& want = c.reference[static_cast<std::size_t>(n)];
    const ConstFrameView view = frame.view();
    int worst = 0;
    std::uint8_t lowest = 255;
    std::uint8_t highest = 0;
    for (std::uint32_t y = 0; y < frame.height(); ++y) {
      for (std::uint32_t x = 0; x < frame.width(); ++x) {
        const std::uint8_t got_y = view.planes[0][y * view.strides[0] + x];
        const std::uint8_t ref_y = want.y[y * frame.width() + x];
        // Full range (yuvj) maps to limited: 219/255 scale around 16.
        const double expected = f.y_tolerance > 10 ? 16.0 + ref_y * 219.0 / 255.0 : ref_y;
        worst = std::max(worst, static_cast<int>(std::lround(std::abs(got_y - expected))));
        lowest = std::min(lowest, got_y);
        highest = std::max(highest, got_y);
      }
    }
    EXPECT_LE(worst, f.y_tolerance > 10 ? 2 : f.y_tolerance) << f.name << " frame " << n;
    EXPECT_LT(lowest, highest);  // a real picture, not a flat plane
    // Chroma planes are present at half size, rounded up.
    EXPECT_EQ(view.strides[1] >= (frame.width() + 1) / 2, true);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Formats, NonI420,
    ::testing::Values(
        FormatCase{"yuv422p.mkv",
                   "-f lavfi -i testsrc2=size=320x180:rate=25 -frames:v 12 -c:v libx264 "
                   "-preset ultrafast -g 5 -pix_fmt yuv422p",
                   320, 180, 0},
        FormatCase{"yuvj420p.mkv",
                   "-f lavfi -i testsrc2=size=320x180:rate=25 -frames:v 12 -c:v mjpeg "
                   "-pix_fmt yuvj420p",
                   320, 180, 99},
        FormatCase{"odd385x289.mkv",
                   "-f lavfi -i testsrc2=size=384x288:rate=25 -vf scale=385:289 -frames:v 12 "
                   "-c:v ffv1 "
                   "-pix_fmt yuv420p",
                   385, 289, 0},
        FormatCase{"yuv420p10.mkv",
                   "-f lavfi -i testsrc2=size=320x180:rate=25 -frames:v 12 -c:v libx264 "
                   "-preset ultrafast -g 5 -pix_fmt yuv420p10le",
                   320, 180, 1},
        FormatCase{"nv12.mkv",
                   "-f lavfi -i testsrc2=size=320x180:rate=25 -frames:v 12 -c:v rawvideo "
                   "-pix_fmt nv12",
                   320, 180, 0}),
    [](const auto& test_info) {
      std::string name = test_info.param.name;
      std::replace(name.begin(), name.end(), '.', '_');
      return name;
    });

TEST(DecoderErrors, WrongKeyIsACryptoError) {
  const Clip& c = MediaEnv::get().clip("c30.mkv", h264_clip("30", "-bf 0"), "30");
  const auto other = crypto::X25519Identity::generate();
  auto decoder = VideoDecoder::open(c.encrypted, test::identities_of(other));
  ASSERT_FALSE(decoder);
  EXPECT_EQ(decoder.error().code, Errc::crypto) << decoder.error().message();
  EXPECT_NE(decoder.error().detail.find(c.encrypted.string()), std::string::npos)
      << decoder.error().message();
}

TEST(DecoderErrors, TruncatedAndCorruptedFilesAreErrorsNotCrashes) {
  const Clip& c = MediaEnv::get().clip("c30.mkv", h264_clip("30", "-bf 0"), "30");
  std::ifstream in(c.encrypted, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_GT(bytes.size(), 2000u);

  const fs::path truncated = MediaEnv::get().dir() / "truncated.age";
  std::ofstream(truncated, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  auto cut = VideoDecoder::open(truncated, MediaEnv::get().identities());
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().code, Errc::corrupt) << cut.error().message();

  // One flipped byte in the first payload chunk: opening may succeed (only the last chunk is
  // checked up front), decoding must then fail with the chunk's authentication error.
  std::vector<char> flipped = bytes;
  flipped[flipped.size() / 4] = static_cast<char>(flipped[flipped.size() / 4] ^ 0x40);
  const fs::path corrupted = MediaEnv::get().dir() / "corrupted.age";
  std::ofstream(corrupted, std::ios::binary)
      .write(flipped.data(), static_cast<std::streamsize>(flipped.size()));
  auto damaged = VideoDecoder::open(corrupted, MediaEnv::get().identities());
  if (damaged) {
    bool failed = false;
    for (std::int64_t n = 0; n < 60 && !failed; n += 7) {
      auto got = damaged->frame_at(Time::frames(n, c.rate));
      if (!got) {
        failed = true;
        EXPECT_EQ(got.error().code, Errc::corrupt) << got.error().message();
      }
    }
    EXPECT_TRUE(failed) << "a corrupted chunk was decoded without an error";
  } else {
    EXPECT_EQ(damaged.error().code, Errc::corrupt) << damaged.error().message();
  }
}

TEST(DecoderErrors, TruncatedPlaintextDecodesWhatIsThere) {
  // A recording cut short before it was encrypted: the demuxer ends early; no crash, and
  // every frame asked for is either a frame or an error.
  const fs::path plain = MediaEnv::get().dir() / "cut.mkv";
  test::run("ffmpeg -v error -y " + h264_clip("30", "-bf 0") + " '" + plain.string() + "'");
  fs::resize_file(plain, fs::file_size(plain) / 2);
  const fs::path encrypted = test::encrypt_and_remove(plain, MediaEnv::get().identity());
  auto decoder = VideoDecoder::open(encrypted, MediaEnv::get().identities());
  if (!decoder) {
    EXPECT_NE(decoder.error().code, Errc::invalid);
    return;
  }
  for (const std::int64_t n : {50, 0, 20, 59}) {
    auto got = decoder->frame_at(Time::frames(n, Rational::make(30, 1).value()));
    if (got) {
      EXPECT_EQ(got->frame->format(), PixelFormat::i420);
    } else {
      EXPECT_FALSE(got.error().detail.empty());
    }
  }
}

TEST(DecoderErrors, AudioOnlyFileHasNoVideoStream) {
  const fs::path plain = MediaEnv::get().dir() / "tone.m4a";
  test::run("ffmpeg -v error -y -f lavfi -i sine=frequency=440:sample_rate=48000 -t 1 -c:a aac '" +
            plain.string() + "'");
  const fs::path encrypted = test::encrypt_and_remove(plain, MediaEnv::get().identity());
  auto decoder = VideoDecoder::open(encrypted, MediaEnv::get().identities());
  ASSERT_FALSE(decoder);
  EXPECT_EQ(decoder.error().code, Errc::not_found);
  EXPECT_NE(decoder.error().detail.find("no video stream"), std::string::npos)
      << decoder.error().message();
  auto wrong_stream = VideoDecoder::open(encrypted, MediaEnv::get().identities(), 0);
  ASSERT_FALSE(wrong_stream);
  EXPECT_EQ(wrong_stream.error().code, Errc::invalid_argument) << wrong_stream.error().message();
}

TEST(FrameCacheTest, EvictsLeastRecentlyUsedWithinTheByteBound) {
  auto make = [](std::int64_t pts) {
    auto frame = Frame::allocate(PixelFormat::i420, 64, 64).value();
    return CachedFrame{pts, 10, pts == 0, false, std::make_shared<const Frame>(std::move(frame)),
                       {},  0};
  };
  const std::size_t one = make(0).frame->bytes().size();
  FrameCache cache(3 * (one + 256));
  for (std::int64_t pts = 0; pts < 30; pts += 10) cache.insert(make(pts));
  EXPECT_EQ(cache.count(), 3u);
  ASSERT_TRUE(cache.find(0));     // touch frame 0: now most recent
  ASSERT_TRUE(cache.find(-100));  // before the first frame: the first frame
  EXPECT_TRUE(cache.find(15));    // inside [10, 20)
  EXPECT_FALSE(cache.find(35));   // after [20, 30): unknown, not a neighbour
  cache.insert(make(30));         // evicts 20, the least recently used
  EXPECT_FALSE(cache.find(25));
  EXPECT_TRUE(cache.find(5));
  EXPECT_LE(cache.size_bytes(), cache.capacity_bytes());
  FrameCache disabled(0);
  disabled.insert(make(0));
  EXPECT_EQ(disabled.count(), 0u);
}

class AudioTest : public ::testing::Test {
 protected:
  static const fs::path& tone() {
    static const fs::path path = [] {
      const fs::path plain = MediaEnv::get().dir() / "sine440.mkv";
      test::run(
          "ffmpeg -v error -y -f lavfi -i sine=frequency=440:sample_rate=44100 -t 2 "
          "-c:a flac '" +
          plain.string() + "'");
      return test::encrypt_and_remove(plain, MediaEnv::get().identity());
    }();
    return path;
  }
  // Sign changes of channel `ch` over frames [from, to) of interleaved stereo.
  static int zero_crossings(const std::vector<float>& s, std::size_t from, std::size_t to) {
    int count = 0;
    for (std::size_t i = from + 1; i < to; ++i) {
      if ((s[2 * i] >= 0.0F) != (s[2 * (i - 1)] >= 0.0F)) ++count;
    }
    return count;
  }
  static float peak(const std::vector<float>& s, std::size_t from, std::size_t to) {
    float p = 0.0F;
    for (std::size_t i = 2 * from; i < 2 * to; ++i) p = std::max(p, std::abs(s[i]));
    return p;
  }
};

TEST_F(AudioTest, SampleCountFrequencyAndSilenceOutsideTheStream) {
  auto audio = AudioDecoder::open(tone(), MediaEnv::get().identities(), -1, 48000, 2);
  ASSERT_TRUE(audio) << audio.error().message();
  auto second = audio->read(Time(0, Rational()), Time(1, Rational()));
  ASSERT_TRUE(second) << second.error().message();
  ASSERT_EQ(second->size(), 2u * 48000u);
  // 440 Hz: 880 sign changes a second; 0.8 s in the middle.
  EXPECT_NEAR(zero_crossings(*second, 4800, 43200), 704, 3);
  EXPECT_GT(peak(*second, 0, 48000), 0.05F);
  for (std::size_t i = 0; i < 48000; i += 997)
    EXPECT_FLOAT_EQ((*second)[2 * i], (*second)[2 * i + 1]);

  // A duration that is not a whole number of samples: 1001/30000 s = 1601.6 → 1602.
  auto odd = audio->read(Time(1, Rational()), Time(1001, Rational::make(1, 30000).value()));
  ASSERT_TRUE(odd) << odd.error().message();
  EXPECT_EQ(odd->size(), 2u * 1602u);

  // Straddling the start: half a second of silence, then the tone.
  auto early = audio->read(Time(-1, Rational::make(1, 2).value()), Time(1, Rational()));
  ASSERT_TRUE(early) << early.error().message();
  ASSERT_EQ(early->size(), 2u * 48000u);
  EXPECT_EQ(peak(*early, 0, 23900), 0.0F);
  EXPECT_GT(peak(*early, 24100, 48000), 0.05F);

  // Straddling the end (2 s): the tone, then silence.
  auto late = audio->read(Time(3, Rational::make(1, 2).value()), Time(1, Rational()));
  ASSERT_TRUE(late) << late.error().message();
  EXPECT_GT(peak(*late, 0, 23000), 0.05F);
  EXPECT_EQ(peak(*late, 24500, 48000), 0.0F);

  auto after = audio->read(Time(5, Rational()), Time(1, Rational::make(1, 10).value()));
  ASSERT_TRUE(after) << after.error().message();
  EXPECT_EQ(after->size(), 2u * 4800u);
  EXPECT_EQ(peak(*after, 0, 4800), 0.0F);
}

TEST_F(AudioTest, ContiguousReadsDoNotSeekAndJoinSeamlessly) {
  auto audio = AudioDecoder::open(tone(), MediaEnv::get().identities(), -1, 48000, 1);
  ASSERT_TRUE(audio) << audio.error().message();
  std::vector<float> joined;
  const Rational tick = Rational::make(1, 30).value();
  for (std::int64_t n = 0; n < 30; ++n) {  // one video frame's worth at a time
    auto part = audio->read(Time(n, tick), Time(1, tick));
    ASSERT_TRUE(part) << part.error().message();
    ASSERT_EQ(part->size(), 1600u);
    joined.insert(joined.end(), part->begin(), part->end());
  }
  EXPECT_EQ(audio->seeks(), 0u);
  auto whole = audio->read(Time(0, Rational()), Time(1, Rational()));
  ASSERT_TRUE(whole) << whole.error().message();
  ASSERT_EQ(whole->size(), joined.size());
  for (std::size_t i = 0; i < joined.size(); i += 101) {
    EXPECT_NEAR(joined[i], (*whole)[i], 1e-4F) << i;
  }
}

TEST_F(AudioTest, BadArgumentsAndNoAudioStream) {
  auto bad_rate = AudioDecoder::open(tone(), MediaEnv::get().identities(), -1, 1000, 2);
  ASSERT_FALSE(bad_rate);
  EXPECT_EQ(bad_rate.error().code, Errc::invalid_argument);
  auto audio = AudioDecoder::open(tone(), MediaEnv::get().identities());
  ASSERT_TRUE(audio) << audio.error().message();
  auto negative = audio->read(Time(0, Rational()), Time(-1, Rational()));
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().code, Errc::invalid_argument);
  const Clip& c = MediaEnv::get().clip("c30.mkv", h264_clip("30", "-bf 0"), "30");
  auto none = AudioDecoder::open(c.encrypted, MediaEnv::get().identities());
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::not_found);
  EXPECT_NE(none.error().detail.find("no audio stream"), std::string::npos);
}

}  // namespace
}  // namespace clinvid::media
