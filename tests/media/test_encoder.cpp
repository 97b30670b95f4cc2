// engine/media/encoder + mp4_output: H.264 + AAC exported into an age file, checked with the
// standard `age` CLI and ffprobe (codecs, frame count, duration), the top-level box order of
// the decrypted bytes (moov before mdat), our own decoder (pixels close to what went in), and
// the failure paths (cancel, unwritable directory, bad settings and frames).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/keys.hpp"
#include "media/audio_decoder.hpp"
#include "media/decoder.hpp"
#include "media/encoder.hpp"
#include "media/mp4_output.hpp"
#include "media_test_util.hpp"

namespace clinvid::media {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kWidth = 320;
constexpr std::uint32_t kHeight = 180;

// A moving pattern: a diagonal gradient shifted by the frame index, and a bright square.
Frame pattern(std::int64_t index) {
  Frame frame = Frame::allocate(PixelFormat::i420, kWidth, kHeight).value();
  const FrameView v = frame.view();
  for (std::uint32_t y = 0; y < kHeight; ++y) {
    for (std::uint32_t x = 0; x < kWidth; ++x) {
      const auto value =
          static_cast<std::uint8_t>(32 + ((x + y + static_cast<std::uint32_t>(index) * 3) % 160));
      v.planes[0][y * v.strides[0] + x] = value;
    }
  }
  const auto square_x = static_cast<std::uint32_t>(index * 2 % (kWidth - 40));
  for (std::uint32_t y = 60; y < 100; ++y) {
    for (std::uint32_t x = square_x; x < square_x + 40; ++x)
      v.planes[0][y * v.strides[0] + x] = 230;
  }
  for (int plane = 1; plane < 3; ++plane) {
    const auto p = static_cast<std::size_t>(plane);
    for (std::uint32_t y = 0; y < kHeight / 2; ++y) {
      std::memset(v.planes[p] + y * v.strides[p], plane == 1 ? 100 : 160, kWidth / 2);
    }
  }
  return frame;
}

double psnr_y(const ConstFrameView& a, const ConstFrameView& b) {
  double sum = 0.0;
  for (std::uint32_t y = 0; y < a.height; ++y) {
    for (std::uint32_t x = 0; x < a.width; ++x) {
      const double d = static_cast<double>(a.planes[0][y * a.strides[0] + x]) -
                       static_cast<double>(b.planes[0][y * b.strides[0] + x]);
      sum += d * d;
    }
  }
  const double mse = sum / (static_cast<double>(a.width) * static_cast<double>(a.height));
  return mse == 0.0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

std::vector<std::uint8_t> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Top-level box types in order.
std::vector<std::string> top_level_boxes(const std::vector<std::uint8_t>& bytes) {
  std::vector<std::string> types;
  std::size_t pos = 0;
  while (pos + 8 <= bytes.size()) {
    std::uint64_t size = (std::uint64_t{bytes[pos]} << 24) | (std::uint64_t{bytes[pos + 1]} << 16) |
                         (std::uint64_t{bytes[pos + 2]} << 8) | bytes[pos + 3];
    types.emplace_back(reinterpret_cast<const char*>(bytes.data() + pos + 4), 4);
    if (size == 1) {
      size = 0;
      for (int i = 0; i < 8; ++i) size = (size << 8) | bytes[pos + 8 + static_cast<std::size_t>(i)];
    } else if (size == 0) {
      size = bytes.size() - pos;
    }
    if (size < 8) break;
    pos += static_cast<std::size_t>(size);
  }
  EXPECT_EQ(pos, bytes.size()) << "boxes do not tile the file";
  return types;
}

class EncoderTest : public ::testing::Test {
 protected:
  EncoderTest() : identity_(crypto::X25519Identity::generate()) {}

  EncodeSettings settings() const {
    EncodeSettings s;
    s.width = kWidth;
    s.height = kHeight;
    s.frame_rate = Rational::make(30000, 1001).value();
    s.encoder = VideoEncoderKind::libx264;
    s.x264_preset = "veryfast";
    s.crf = 18;
    s.threads = 2;
    s.title = "Teaching film";
    return s;
  }

  // Decrypts with the reference `age` CLI into the test directory (test-only plaintext).
  fs::path age_decrypt(const fs::path& encrypted) {
    const fs::path key = dir_.path() / "key.txt";
    {
      std::ofstream out(key);
      out << identity_.to_string().chars() << "\n";
    }
    fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write);
    const fs::path plain = dir_.path() / "decrypted.mp4";
    test::run("age -d -i '" + key.string() + "' -o '" + plain.string() + "' '" +
              encrypted.string() + "'");
    return plain;
  }

  test::TempDir dir_;
  crypto::X25519Identity identity_;
};

TEST_F(EncoderTest, H264AacFaststartMp4InAnAgeFile) {
  const fs::path out = dir_.path() / "film.mp4.age";
  auto encoder = Mp4Encoder::create(settings(), out, test::recipients_of(identity_));
  ASSERT_TRUE(encoder) << encoder.error().message();
  EXPECT_EQ(encoder->encoder_name(), "libx264");
  std::vector<Frame> frames;
  std::int64_t samples_written = 0;
  for (std::int64_t i = 0; i < 90; ++i) {
    frames.push_back(pattern(i));
    ASSERT_TRUE(encoder->add_video(frames.back().view(), i));
    // 1 kHz tone, the video's length in total: 90 × 1001/30000 s × 48000 = 144144 samples.
    const std::int64_t until = (i + 1) * 48000 * 1001 / 30000;
    std::vector<float> tone;
    for (std::int64_t s = samples_written; s < until; ++s) {
      const auto v = static_cast<float>(
          0.5 * std::sin(2.0 * M_PI * 1000.0 * static_cast<double>(s) / 48000.0));
      tone.push_back(v);
      tone.push_back(v);
    }
    samples_written = until;
    ASSERT_TRUE(encoder->add_audio(tone));
    if (i == 45) {
      // Mid-export, the only file in the directory is the encrypted temporary of the output.
      std::vector<fs::path> present;
      for (const auto& entry : fs::directory_iterator(dir_.path())) present.push_back(entry.path());
      ASSERT_EQ(present.size(), 1u);
      EXPECT_EQ(present[0].filename(), "film.mp4.age.tmp");
      const auto head = read_file(present[0]);
      ASSERT_GT(head.size(), 21u);
      EXPECT_EQ(std::string(head.begin(), head.begin() + 21), "age-encryption.org/v1");
    }
  }
  EXPECT_EQ(encoder->frames_written(), 90);
  auto finished = encoder->finish();
  ASSERT_TRUE(finished) << finished.error().message();
  ASSERT_TRUE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out.string() + ".tmp"));

  const fs::path plain = age_decrypt(out);
  const auto boxes = top_level_boxes(read_file(plain));
  ASSERT_GE(boxes.size(), 3u);
  EXPECT_EQ(boxes.front(), "ftyp");
  const auto moov = std::find(boxes.begin(), boxes.end(), "moov");
  const auto mdat = std::find(boxes.begin(), boxes.end(), "mdat");
  ASSERT_NE(moov, boxes.end());
  ASSERT_NE(mdat, boxes.end());
  EXPECT_LT(moov - boxes.begin(), mdat - boxes.begin()) << "moov must come before mdat";

  const auto probe = nlohmann::json::parse(
      test::run("ffprobe -v error -of json -count_frames -show_streams -show_format '" +
                plain.string() + "'"));
  const auto& streams = probe.at("streams");
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_EQ(streams[0].at("codec_name"), "h264");
  EXPECT_EQ(streams[0].at("nb_read_frames"), "90");
  EXPECT_EQ(streams[0].at("width"), 320);
  EXPECT_EQ(streams[0].at("height"), 180);
  EXPECT_EQ(streams[0].at("r_frame_rate"), "30000/1001");
  EXPECT_NEAR(std::stod(streams[0].at("duration").get<std::string>()), 3.003, 0.002);
  EXPECT_EQ(streams[1].at("codec_name"), "aac");
  EXPECT_EQ(streams[1].at("sample_rate"), "48000");
  EXPECT_EQ(streams[1].at("channels"), 2);
  EXPECT_NEAR(std::stod(streams[1].at("duration").get<std::string>()), 3.003, 0.03);
  EXPECT_NEAR(std::stod(probe.at("format").at("duration").get<std::string>()), 3.003, 0.03);
  EXPECT_EQ(probe.at("format").at("tags").at("title"), "Teaching film");
  fs::remove(plain);

  // Our own decoder reads the export back: every frame close to what went in, right order.
  auto decoder = VideoDecoder::open(out, test::identities_of(identity_));
  ASSERT_TRUE(decoder) << decoder.error().message();
  for (const std::int64_t n : {0, 44, 45, 89, 10}) {
    auto got = decoder->frame_at(Time::frames(n, settings().frame_rate));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_GT(psnr_y(got->frame->view(), frames[static_cast<std::size_t>(n)].view()), 35.0) << n;
    if (n > 0) {
      EXPECT_LT(psnr_y(got->frame->view(), frames[static_cast<std::size_t>(n - 1)].view()), 30.0)
          << n << " looks like its neighbour";
    }
  }

  // And the audio: the 1 kHz tone, 2000 sign changes a second, on the video's timeline.
  auto audio = AudioDecoder::open(out, test::identities_of(identity_), -1, 48000, 1);
  ASSERT_TRUE(audio) << audio.error().message();
  auto tone = audio->read(Time(1, Rational()), Time(1, Rational()));
  ASSERT_TRUE(tone) << tone.error().message();
  ASSERT_EQ(tone->size(), 48000u);
  int crossings = 0;
  for (std::size_t i = 1; i < tone->size(); ++i) {
    if (((*tone)[i] >= 0.0F) != ((*tone)[i - 1] >= 0.0F)) ++crossings;
  }
  EXPECT_NEAR(crossings, 2000, 4);
}

TEST_F(EncoderTest, VideoOnlyWithGapsInTheFrameIndex) {
  EncodeSettings s = settings();
  s.audio = false;
  s.frame_rate = Rational::make(25, 1).value();
  const fs::path out = dir_.path() / "silent.mp4.age";
  auto encoder = Mp4Encoder::create(s, out, test::recipients_of(identity_));
  ASSERT_TRUE(encoder) << encoder.error().message();
  for (const std::int64_t i : {0, 1, 2, 5, 6, 9}) {
    const Frame f = pattern(i);
    ASSERT_TRUE(encoder->add_video(f.view(), i));
  }
  auto no_audio = encoder->add_audio(std::vector<float>(64, 0.0F));
  ASSERT_FALSE(no_audio);
  EXPECT_EQ(no_audio.error().code, Errc::invalid_argument);
  ASSERT_TRUE(encoder->finish());
  auto decoder = VideoDecoder::open(out, test::identities_of(identity_));
  ASSERT_TRUE(decoder) << decoder.error().message();
  // Frame 4 was never given: frame 2 stays on screen.
  auto held = decoder->frame_at(Time::frames(4, s.frame_rate));
  ASSERT_TRUE(held) << held.error().message();
  EXPECT_EQ(held->pts, Time::frames(2, s.frame_rate));
  EXPECT_GT(psnr_y(held->frame->view(), pattern(2).view()), 35.0);
}

TEST_F(EncoderTest, CancelAndDestructionLeaveNothing) {
  const fs::path out = dir_.path() / "cancelled.mp4.age";
  {
    auto encoder = Mp4Encoder::create(settings(), out, test::recipients_of(identity_));
    ASSERT_TRUE(encoder) << encoder.error().message();
    for (std::int64_t i = 0; i < 10; ++i) ASSERT_TRUE(encoder->add_video(pattern(i).view(), i));
    encoder->cancel();
    EXPECT_TRUE(fs::is_empty(dir_.path()));
    auto late = encoder->add_video(pattern(10).view(), 10);
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().code, Errc::cancelled);
    auto finish = encoder->finish();
    ASSERT_FALSE(finish);
    EXPECT_EQ(finish.error().code, Errc::cancelled);
  }
  {
    auto abandoned = Mp4Encoder::create(settings(), out, test::recipients_of(identity_));
    ASSERT_TRUE(abandoned) << abandoned.error().message();
    ASSERT_TRUE(abandoned->add_video(pattern(0).view(), 0));
  }
  EXPECT_TRUE(fs::is_empty(dir_.path()));
}

TEST_F(EncoderTest, UnwritableDestinationIsAClearError) {
  const fs::path missing = dir_.path() / "no-such-dir" / "film.mp4.age";
  auto encoder = Mp4Encoder::create(settings(), missing, test::recipients_of(identity_));
  ASSERT_FALSE(encoder);
  EXPECT_NE(encoder.error().code, Errc::invalid);
  EXPECT_NE(encoder.error().detail.find("no-such-dir"), std::string::npos)
      << encoder.error().message();

  const fs::path file = dir_.path() / "a-file";
  std::ofstream(file) << "x";
  auto under_file =
      Mp4Encoder::create(settings(), file / "film.mp4.age", test::recipients_of(identity_));
  ASSERT_FALSE(under_file);
  EXPECT_NE(under_file.error().detail.find("a-file"), std::string::npos)
      << under_file.error().message();
}

TEST_F(EncoderTest, BadSettingsAndFramesAreRefused) {
  const fs::path out = dir_.path() / "bad.mp4.age";
  const auto recipients = test::recipients_of(identity_);
  auto with = [&](auto change) {
    EncodeSettings s = settings();
    change(s);
    return Mp4Encoder::create(s, out, recipients);
  };
  const auto odd = with([](EncodeSettings& s) { s.width = 321; });
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().code, Errc::invalid_argument);
  EXPECT_NE(odd.error().detail.find("321x180"), std::string::npos) << odd.error().message();
  const auto preset = with([](EncodeSettings& s) { s.x264_preset = "warp"; });
  ASSERT_FALSE(preset);
  EXPECT_NE(preset.error().detail.find("warp"), std::string::npos);
  EXPECT_FALSE(with([](EncodeSettings& s) { s.crf = 52; }));
  EXPECT_FALSE(with([](EncodeSettings& s) { s.encoder = VideoEncoderKind::invalid; }));
  EXPECT_FALSE(with([](EncodeSettings& s) { s.audio_sample_rate = 12345; }));
  EXPECT_FALSE(Mp4Encoder::create(settings(), out, {}));
  EXPECT_TRUE(fs::is_empty(dir_.path()));

  auto encoder = Mp4Encoder::create(settings(), out, recipients);
  ASSERT_TRUE(encoder) << encoder.error().message();
  Frame small = Frame::allocate(PixelFormat::i420, 160, 90).value();
  auto wrong_size = encoder->add_video(small.view(), 0);
  ASSERT_FALSE(wrong_size);
  EXPECT_EQ(wrong_size.error().code, Errc::invalid_argument);
  ASSERT_TRUE(encoder->add_video(pattern(0).view(), 0));
  auto repeated = encoder->add_video(pattern(0).view(), 0);
  ASSERT_FALSE(repeated);
  EXPECT_EQ(repeated.error().code, Errc::invalid_argument);
  auto ragged = encoder->add_audio(std::vector<float>(3, 0.0F));
  ASSERT_FALSE(ragged);
  EXPECT_EQ(ragged.error().code, Errc::invalid_argument);
  ASSERT_TRUE(encoder->finish());
}

TEST_F(EncoderTest, HardwareKindsAreUnsupportedWhereAbsent) {
  EncodeSettings s = settings();
  s.encoder = VideoEncoderKind::automatic;
  auto automatic =
      Mp4Encoder::create(s, dir_.path() / "auto.mp4.age", test::recipients_of(identity_));
  ASSERT_TRUE(automatic) << automatic.error().message();
  if (automatic->encoder_name() != "libx264") GTEST_SKIP() << "a hardware encoder is present";
  automatic->cancel();
  for (const auto kind : {VideoEncoderKind::nvenc, VideoEncoderKind::vaapi}) {
    s.encoder = kind;
    auto hw = Mp4Encoder::create(s, dir_.path() / "hw.mp4.age", test::recipients_of(identity_));
    ASSERT_FALSE(hw);
    EXPECT_EQ(hw.error().code, Errc::unsupported) << hw.error().message();
  }
  EXPECT_TRUE(fs::is_empty(dir_.path()));
}

// stco entries that would pass 4 GiB once the moov moves in front become co64.
TEST(ShiftChunkOffsets, ShiftsAndWidensToCo64) {
  // Built by index, not push_back: GCC 12 at -O3 reports a false -Wstringop-overflow there.
  auto be32 = [](std::vector<std::uint8_t>& v, std::uint32_t x) {
    const std::size_t at = v.size();
    v.resize(at + 4);
    for (std::size_t i = 0; i < 4; ++i) v[at + i] = static_cast<std::uint8_t>(x >> (24 - 8 * i));
  };
  auto box = [](const char* type, const std::vector<std::uint8_t>& body) {
    std::vector<std::uint8_t> v(body.size() + 8);
    const auto size = static_cast<std::uint32_t>(v.size());
    for (std::size_t i = 0; i < 4; ++i) {
      v[i] = static_cast<std::uint8_t>(size >> (24 - 8 * i));
      v[4 + i] = static_cast<std::uint8_t>(type[i]);
    }
    std::copy(body.begin(), body.end(), v.begin() + 8);
    return v;
  };
  std::vector<std::uint8_t> stco_body;
  be32(stco_body, 0);  // version, flags
  be32(stco_body, 2);
  be32(stco_body, 48);
  be32(stco_body, 0xFFFFFF00u);
  const auto moov =
      box("moov", box("trak", box("mdia", box("minf", box("stbl", box("stco", stco_body))))));
  auto narrow = shift_chunk_offsets(moov, 0x10, false);
  ASSERT_TRUE(narrow) << narrow.error().message();
  EXPECT_EQ(narrow->size(), moov.size());
  EXPECT_EQ((*narrow)[narrow->size() - 1], 0x10);  // 0xFFFFFF00 + 0x10
  auto overflow = shift_chunk_offsets(moov, 0x1000, false);
  ASSERT_FALSE(overflow);
  EXPECT_EQ(overflow.error().code, Errc::out_of_range);
  auto wide = shift_chunk_offsets(moov, 0x1000, true);
  ASSERT_TRUE(wide) << wide.error().message();
  EXPECT_EQ(wide->size(), moov.size() + 8);
  EXPECT_EQ(std::string(wide->begin() + 44, wide->begin() + 48), "co64");
  const std::vector<std::uint8_t> tail(wide->end() - 8, wide->end());
  EXPECT_EQ(tail, (std::vector<std::uint8_t>{0, 0, 0, 1, 0, 0, 0x0F, 0x00}));
  auto broken = std::vector<std::uint8_t>(moov.begin(), moov.end() - 4);
  auto corrupt = shift_chunk_offsets(broken, 0, false);
  ASSERT_FALSE(corrupt);
  EXPECT_EQ(corrupt.error().code, Errc::corrupt);
}

}  // namespace
}  // namespace clinvid::media
