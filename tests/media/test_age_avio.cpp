// engine/media/age_avio + probe: an MKV and an MP4 (H.264, a keyframe every 10 frames, B-frames)
// made by the ffmpeg CLI, encrypted by the engine, plaintext deleted; then demuxed through the
// AVIOContext: streams, durations and size match ffprobe of the plaintext, seeks land on the
// same frames with the same pixels as seeking the plaintext did, a wrong identity is a crypto
// error and damaged files are errors, not crashes.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/failure.hpp"
#include "crypto/keys.hpp"
#include "crypto/writer.hpp"
#include "media/age_avio.hpp"
#include "media/probe.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace clinvid::media {
namespace {

namespace fs = std::filesystem;

struct CodecContextDeleter {
  void operator()(AVCodecContext* c) const noexcept { avcodec_free_context(&c); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const noexcept { av_packet_free(&p); }
};
struct FrameDeleter {
  void operator()(AVFrame* f) const noexcept { av_frame_free(&f); }
};
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;

std::string run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("popen " + command);
  std::string out;
  std::array<char, 4096> buffer{};
  while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) {
    out.append(buffer.data(), n);
  }
  const int status = pclose(pipe.release());
  if (status != 0) throw std::runtime_error(command + " exited with " + std::to_string(status));
  return out;
}

struct DecodedFrame {
  std::int64_t pts = 0;
  std::uint64_t hash = 0;  // FNV-1a of the visible bytes of every plane
};

std::uint64_t hash_frame(const AVFrame& frame) {
  std::uint64_t h = 1469598103934665603ULL;
  for (int plane = 0; plane < 3 && frame.data[plane] != nullptr; ++plane) {
    const int width = plane == 0 ? frame.width : (frame.width + 1) / 2;  // yuv420p
    const int height = plane == 0 ? frame.height : (frame.height + 1) / 2;
    for (int y = 0; y < height; ++y) {
      const std::uint8_t* row =
          frame.data[plane] + static_cast<std::ptrdiff_t>(y) * frame.linesize[plane];
      for (int x = 0; x < width; ++x) h = (h ^ row[x]) * 1099511628211ULL;
    }
  }
  return h;
}

int video_stream(AVFormatContext* format) {
  return av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
}

// Seeks the video stream to `target_pts` (or starts at the beginning when nullopt) and
// decodes `count` frames from the first with pts >= target; throws on FFmpeg errors.
std::vector<DecodedFrame> decode(AVFormatContext* format, std::optional<std::int64_t> target_pts,
                                 std::size_t count) {
  const int index = video_stream(format);
  if (index < 0) throw std::runtime_error("no video stream");
  const AVStream* stream = format->streams[index];
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  CodecContextPtr decoder(avcodec_alloc_context3(codec));
  if (!decoder || avcodec_parameters_to_context(decoder.get(), stream->codecpar) < 0 ||
      avcodec_open2(decoder.get(), codec, nullptr) < 0) {
    throw std::runtime_error("cannot open the decoder");
  }
  if (target_pts) {
    if (const int rc = av_seek_frame(format, index, *target_pts, AVSEEK_FLAG_BACKWARD); rc < 0) {
      throw std::runtime_error("av_seek_frame: " + av_error_text(rc));
    }
  }
  PacketPtr packet(av_packet_alloc());
  FramePtr frame(av_frame_alloc());
  std::vector<DecodedFrame> frames;
  bool draining = false;
  while (frames.size() < count) {
    if (!draining) {
      const int rc = av_read_frame(format, packet.get());
      if (rc == AVERROR_EOF) {
        draining = true;
        avcodec_send_packet(decoder.get(), nullptr);
      } else if (rc < 0) {
        throw std::runtime_error("av_read_frame: " + av_error_text(rc));
      } else {
        if (packet->stream_index == index) avcodec_send_packet(decoder.get(), packet.get());
        av_packet_unref(packet.get());
      }
    }
    while (frames.size() < count) {
      const int rc = avcodec_receive_frame(decoder.get(), frame.get());
      if (rc == AVERROR(EAGAIN)) break;
      if (rc == AVERROR_EOF) return frames;
      if (rc < 0) throw std::runtime_error("avcodec_receive_frame: " + av_error_text(rc));
      const std::int64_t pts = frame->best_effort_timestamp;
      if (!target_pts || pts >= *target_pts) frames.push_back({pts, hash_frame(*frame)});
      av_frame_unref(frame.get());
    }
  }
  return frames;
}

struct Fixture {
  fs::path encrypted;
  nlohmann::json ffprobe;                             // of the plaintext
  std::vector<DecodedFrame> all_frames;               // the plaintext decoded from the start
  std::vector<std::int64_t> seek_targets;             // pts of frames (mostly not keyframes)
  std::vector<std::vector<DecodedFrame>> after_seek;  // plaintext, 3 frames after each target
};

class AgeAvio : public ::testing::TestWithParam<const char*> {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/clinvid-media-XXXXXX";
    if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp");
    dir_ = new fs::path(pattern);
    identity_ = new crypto::X25519Identity(crypto::X25519Identity::generate());
  }
  static void TearDownTestSuite() {
    std::error_code ignored;
    fs::remove_all(*dir_, ignored);
    delete dir_;
    delete identity_;
    delete fixtures_;
    fixtures_ = nullptr;
  }

  std::vector<crypto::Identity> identities() const {
    std::vector<crypto::Identity> ids;
    ids.emplace_back(identity_->clone());
    return ids;
  }

  // Made once per container: plaintext by ffmpeg, references taken, encrypted, plaintext gone.
  const Fixture& fixture() {
    if (fixtures_ == nullptr) fixtures_ = new std::map<std::string, Fixture>();
    const std::string extension = GetParam();
    if (auto found = fixtures_->find(extension); found != fixtures_->end()) return found->second;
    Fixture f;
    const fs::path plain = *dir_ / ("clip." + extension);
    run("ffmpeg -v error -y -f lavfi -i testsrc2=size=320x240:rate=25 -t 4 -c:v libx264 "
        "-preset ultrafast -g 10 -keyint_min 10 -sc_threshold 0 -bf 2 -pix_fmt yuv420p '" +
        plain.string() + "'");
    f.ffprobe = nlohmann::json::parse(
        run("ffprobe -v error -of json -show_entries "
            "format=format_name,duration,size:stream=index,codec_name,width,height,r_frame_rate,"
            "duration '" +
            plain.string() + "'"));
    AVFormatContext* raw = nullptr;
    if (avformat_open_input(&raw, plain.c_str(), nullptr, nullptr) < 0) {
      throw std::runtime_error("cannot open " + plain.string());
    }
    const AvFormatContextPtr format(raw);
    avformat_find_stream_info(raw, nullptr);
    f.all_frames = decode(raw, std::nullopt, 1000);
    if (f.all_frames.size() != 100) throw std::runtime_error("expected 100 frames");
    std::vector<std::int64_t> sorted;
    for (const auto& frame : f.all_frames) sorted.push_back(frame.pts);
    std::sort(sorted.begin(), sorted.end());
    for (const std::size_t n : {0u, 7u, 10u, 33u, 61u, 95u, 40u, 3u}) {  // out of order on purpose
      f.seek_targets.push_back(sorted[n]);
      f.after_seek.push_back(decode(raw, sorted[n], 3));
    }
    f.encrypted = plain.string() + ".age";
    std::vector<crypto::Recipient> recipients;
    recipients.emplace_back(identity_->recipient());
    const Status encrypted = crypto::encrypt_file(plain, f.encrypted, recipients);
    if (!encrypted) throw std::runtime_error(encrypted.error().message());
    fs::remove(plain);  // the plaintext lives only as long as the references take
    return fixtures_->emplace(extension, std::move(f)).first->second;
  }

  static fs::path* dir_;
  static crypto::X25519Identity* identity_;
  static std::map<std::string, Fixture>* fixtures_;
};

fs::path* AgeAvio::dir_ = nullptr;
crypto::X25519Identity* AgeAvio::identity_ = nullptr;
std::map<std::string, Fixture>* AgeAvio::fixtures_ = nullptr;

TEST_P(AgeAvio, ProbeMatchesFfprobeOfThePlaintext) {
  const Fixture& f = fixture();
  EXPECT_FALSE(fs::exists(fs::path(f.encrypted).replace_extension()));
  auto info = probe(f.encrypted, identities());
  ASSERT_TRUE(info) << info.error().message();
  const auto& format = f.ffprobe.at("format");
  EXPECT_EQ(info->format_name, format.at("format_name").get<std::string>());
  EXPECT_EQ(std::to_string(info->size_bytes), format.at("size").get<std::string>());
  ASSERT_TRUE(info->duration);
  EXPECT_NEAR(info->duration->seconds(), std::stod(format.at("duration").get<std::string>()), 1e-6);
  const auto& streams = f.ffprobe.at("streams");
  ASSERT_EQ(info->streams.size(), streams.size());
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const StreamInfo& s = info->streams[i];
    EXPECT_EQ(s.index, streams[i].at("index").get<int>());
    EXPECT_EQ(s.kind, StreamKind::video);
    EXPECT_EQ(s.codec, streams[i].at("codec_name").get<std::string>());
    EXPECT_EQ(s.width, streams[i].at("width").get<int>());
    EXPECT_EQ(s.height, streams[i].at("height").get<int>());
    ASSERT_TRUE(s.frame_rate);
    EXPECT_EQ(s.frame_rate->to_string(), streams[i].at("r_frame_rate").get<std::string>());
    EXPECT_EQ(*s.frame_rate, Rational::make(25, 1).value());
    if (streams[i].contains("duration")) {
      ASSERT_TRUE(s.duration);
      EXPECT_NEAR(s.duration->seconds(), std::stod(streams[i].at("duration").get<std::string>()),
                  1e-6);
    }
  }
}

TEST_P(AgeAvio, DecodesEveryFrameAsThePlaintextDoes) {
  const Fixture& f = fixture();
  auto input = open_encrypted_input(f.encrypted, identities());
  ASSERT_TRUE(input) << input.error().message();
  EXPECT_EQ(avio_size(input->format()->pb), static_cast<std::int64_t>(input->reader().size()));
  const std::vector<DecodedFrame> frames = decode(input->format(), std::nullopt, 1000);
  ASSERT_EQ(frames.size(), f.all_frames.size());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].pts, f.all_frames[i].pts) << "frame " << i;
    EXPECT_EQ(frames[i].hash, f.all_frames[i].hash) << "frame " << i;
  }
}

TEST_P(AgeAvio, SeeksAreFrameAccurate) {
  const Fixture& f = fixture();
  auto input = open_encrypted_input(f.encrypted, identities());
  ASSERT_TRUE(input) << input.error().message();
  for (std::size_t i = 0; i < f.seek_targets.size(); ++i) {
    const std::int64_t target = f.seek_targets[i];
    const std::vector<DecodedFrame> frames = decode(input->format(), target, 3);
    ASSERT_EQ(frames.size(), 3u) << "target " << target;
    EXPECT_EQ(frames[0].pts, target) << "the first frame is the one asked for";
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_EQ(frames[k].pts, f.after_seek[i][k].pts) << "target " << target << " +" << k;
      EXPECT_EQ(frames[k].hash, f.after_seek[i][k].hash) << "target " << target << " +" << k;
    }
    // And the same pixels as that frame had when decoded from the start.
    for (const auto& reference : f.all_frames) {
      if (reference.pts == target) {
        EXPECT_EQ(frames[0].hash, reference.hash);
      }
    }
  }
}

TEST_P(AgeAvio, WrongIdentityIsACryptoError) {
  const Fixture& f = fixture();
  std::vector<crypto::Identity> wrong;
  wrong.emplace_back(crypto::X25519Identity::generate());
  auto input = open_encrypted_input(f.encrypted, wrong);
  ASSERT_FALSE(input);
  EXPECT_EQ(input.error().code, Errc::crypto) << input.error().message();
  EXPECT_EQ(crypto::age_failure_of(input.error()), crypto::AgeFailure::no_match)
      << input.error().message();
}

std::vector<std::uint8_t> read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

TEST_P(AgeAvio, DamagedFilesAreErrorsNotCrashes) {
  const Fixture& f = fixture();
  const std::vector<std::uint8_t> good = read_all(f.encrypted);
  const fs::path damaged = f.encrypted.string() + ".damaged";

  // A flipped byte in the middle: found when FFmpeg reads that chunk, at open or later.
  std::vector<std::uint8_t> flipped = good;
  flipped[flipped.size() / 2] ^= 0x40;
  write_all(damaged, flipped);
  auto input = open_encrypted_input(damaged, identities());
  if (input) {
    EXPECT_THROW(decode(input->format(), std::nullopt, 1000), std::runtime_error);
    ASSERT_TRUE(input->first_read_error());
    EXPECT_EQ(crypto::age_failure_of(*input->first_read_error()), crypto::AgeFailure::payload);
  } else {
    EXPECT_EQ(crypto::age_failure_of(input.error()), crypto::AgeFailure::payload)
        << input.error().message();
  }

  // Cut short (an unfinished recording): refused at open, recovery's job.
  write_all(damaged,
            std::vector<std::uint8_t>(
                good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() * 2 / 3)));
  input = open_encrypted_input(damaged, identities());
  ASSERT_FALSE(input);
  EXPECT_EQ(crypto::age_failure_of(input.error()), crypto::AgeFailure::payload)
      << input.error().message();

  // Not an age file at all.
  write_all(damaged, std::vector<std::uint8_t>(4096, 0x1a));
  input = open_encrypted_input(damaged, identities());
  ASSERT_FALSE(input);
  EXPECT_EQ(crypto::age_failure_of(input.error()), crypto::AgeFailure::header)
      << input.error().message();

  // Encrypted, but not media: FFmpeg's error, as Errc::media.
  std::vector<crypto::Recipient> recipients;
  recipients.emplace_back(identity_->recipient());
  auto noise = crypto::encrypt(std::vector<std::uint8_t>(100000, 0x00), recipients);
  ASSERT_TRUE(noise);
  write_all(damaged, *noise);
  input = open_encrypted_input(damaged, identities());
  ASSERT_FALSE(input);
  EXPECT_EQ(input.error().code, Errc::media) << input.error().message();
  fs::remove(damaged);
}

INSTANTIATE_TEST_SUITE_P(Containers, AgeAvio, ::testing::Values("mkv", "mp4"),
                         [](const auto& param_info) { return std::string(param_info.param); });

}  // namespace
}  // namespace clinvid::media
