// Recording sessions in this process: real GStreamer pipelines with the test cameras, files
// checked with the age CLI, ffprobe and FFmpeg decoding through the decrypting AVIO.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "capture/session.hpp"
#include "capture/test_calibration.hpp"
#include "capture/test_pattern.hpp"
#include "capture_test_util.hpp"
#include "colour/profile.hpp"
#include "core/frame.hpp"

namespace clinvid::capture {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

class CaptureSession : public ::testing::Test {
 protected:
  void SetUp() override {
    test::setup_gstreamer_environment();
    key_ = test::make_key(dir_.path());
  }

  SessionConfig config(std::vector<std::string> uris, const std::string& out = "take") {
    SessionConfig c;
    for (auto& uri : uris) c.cameras.push_back({std::move(uri), {}});
    c.out_dir = dir_.path() / out;
    c.recipients = {key_.recipient};
    c.plugin_dir = fs::path(CLINVID_GST_PLUGIN_DIR);
    return c;
  }

  // Records until `seconds` of session time have passed (or the session stops by itself).
  static Result<Json> record(Session& session, double seconds,
                             const std::vector<std::pair<double, std::string>>& markers = {}) {
    if (auto ok = session.start(); !ok) return tl::unexpected(ok.error());
    const auto start = std::chrono::steady_clock::now();
    std::size_t next_marker = 0;
    while (session.poll(std::chrono::milliseconds(20)) == SessionState::recording) {
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (next_marker < markers.size() && elapsed >= markers[next_marker].first) {
        if (auto ok = session.add_marker(markers[next_marker].second); !ok) {
          return tl::unexpected(ok.error());
        }
        ++next_marker;
      }
      if (elapsed >= seconds) break;
    }
    return session.stop();
  }

  TempDir dir_;
  test::TestKey key_;
};

const Json& stream_of(const Json& manifest, const std::string& id) {
  for (const Json& s : manifest["streams"]) {
    if (s["id"] == id) return s;
  }
  throw std::runtime_error("no stream " + id);
}

// Every file decrypts with the age CLI into H.264 that ffprobe reads with the expected size
// and rate, as many frames as the manifest says, and a timestamp span of frames/rate ± 1 frame.
void expect_stream_files(const Json& manifest, const fs::path& dir, const test::TestKey& key,
                         int width, int height, double min_seconds) {
  for (const Json& s : manifest["streams"]) {
    SCOPED_TRACE(s.dump());
    EXPECT_EQ(s["state"], "complete");
    EXPECT_EQ(s["codec"], "h264");
    const fs::path plain = dir / (s["id"].get<std::string>() + ".plain.mkv");
    ASSERT_TRUE(test::age_decrypt(key, dir / s["file"].get<std::string>(), plain));
    const auto probe = test::ffprobe(plain);
    fs::remove(plain);
    ASSERT_TRUE(probe);
    EXPECT_EQ(probe->codec, "h264");
    EXPECT_EQ(probe->width, width);
    EXPECT_EQ(probe->height, height);
    EXPECT_EQ(probe->rate, "30/1");
    const auto frames = s["frames"].get<std::int64_t>();
    EXPECT_EQ(probe->packets, frames);
    const double span = probe->last_pts - probe->first_pts + 1.0 / 30;
    EXPECT_NEAR(span, static_cast<double>(frames) / 30.0, 1.0 / 30 + 1e-3);
    EXPECT_GE(span, min_seconds);
    EXPECT_EQ(s["dropped_frames"], 0);
    EXPECT_GT(s["bytes"].get<std::int64_t>(), 0);
    // The age file: the media bytes plus header and a 16-byte tag per 64 KiB chunk.
    const auto file_bytes = fs::file_size(dir / s["file"].get<std::string>());
    EXPECT_EQ(s["file_bytes"].get<std::uintmax_t>(), file_bytes);
    EXPECT_GT(file_bytes, s["bytes"].get<std::uintmax_t>());
    EXPECT_FALSE(s["start"].is_null());
    EXPECT_TRUE(s.contains("start_wall_utc"));
  }
}

// Per-stream targets (what the archive uses): a stream's file goes where its target says and is
// encrypted to its own key as well as the session's; the manifest names both, for recover.
TEST_F(CaptureSession, StreamTargetsPlaceFilesAndAddTheirOwnRecipients) {
  fs::create_directories(dir_.path() / "own");
  const test::TestKey own = test::make_key(dir_.path() / "own");
  SessionConfig c =
      config({"test://theatre?width=160&height=120", "test://flash?width=160&height=120"});
  c.recipients.clear();  // cam1 has no recipient at all: refused before anything is written
  c.targets["cam0"] = {dir_.path() / "media" / "cam0-own.age", {own.recipient}};
  auto refused = Session::create(c);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("cam1: no recipients"), std::string::npos)
      << refused.error().message();
  c.targets["cam9"] = {};
  EXPECT_FALSE(Session::create(c)) << "a target for no stream";
  c.targets.erase("cam9");

  c.recipients = {key_.recipient};
  fs::create_directories(dir_.path() / "media");
  auto session = Session::create(c);
  ASSERT_TRUE(session) << session.error().message();
  auto manifest = record(*session, 1.0);
  ASSERT_TRUE(manifest) << manifest.error().message();
  const Json& cam0 = stream_of(*manifest, "cam0");
  const Json& cam1 = stream_of(*manifest, "cam1");
  EXPECT_EQ(cam0["path"], (dir_.path() / "media" / "cam0-own.age").string());
  EXPECT_FALSE(cam1.contains("path")) << "in the session directory, named by file alone";
  EXPECT_EQ(cam0["recipients"], Json::array({key_.recipient, own.recipient}));
  EXPECT_EQ(cam1["recipients"], Json::array({key_.recipient}));
  EXPECT_FALSE(fs::exists(dir_.path() / "take" / "cam0.mkv.age"));
  // Either key opens the targeted file; only the session's opens the other.
  const fs::path plain = dir_.path() / "plain.mkv";
  EXPECT_TRUE(test::age_decrypt(own, dir_.path() / "media" / "cam0-own.age", plain));
  EXPECT_TRUE(test::age_decrypt(key_, dir_.path() / "media" / "cam0-own.age", plain));
  EXPECT_FALSE(test::age_decrypt(own, dir_.path() / "take" / "cam1.mkv.age", plain));
  fs::remove(plain);
}

TEST_F(CaptureSession, TwoCamerasRecordEncryptedSynchronisedFiles) {
  auto session = Session::create(
      config({"test://theatre?width=320&height=240", "test://gait?width=320&height=240"}));
  ASSERT_TRUE(session) << session.error().message();
  auto manifest = record(*session, 2.0, {{0.5, "incision"}, {1.2, "closure"}});
  ASSERT_TRUE(manifest) << manifest.error().message();
  EXPECT_EQ((*manifest)["status"], "complete");
  EXPECT_EQ((*manifest)["format"], "clinvid-session/1");
  ASSERT_EQ((*manifest)["streams"].size(), 2u);
  expect_stream_files(*manifest, dir_.path() / "take", key_, 320, 240, 1.5);
  // Markers, in order, on the session clock and in the manifest on disk too.
  const auto on_disk = read_json_file(dir_.path() / "take" / kManifestName);
  ASSERT_TRUE(on_disk);
  ASSERT_EQ((*on_disk)["markers"].size(), 2u);
  EXPECT_EQ((*on_disk)["markers"][0]["label"], "incision");
  EXPECT_EQ((*on_disk)["markers"][1]["label"], "closure");
  auto t0 = time_from_json((*on_disk)["markers"][0]["time"], "/markers/0/time");
  auto t1 = time_from_json((*on_disk)["markers"][1]["time"], "/markers/1/time");
  ASSERT_TRUE(t0 && t1);
  EXPECT_LT(*t0, *t1);
  EXPECT_EQ((*on_disk)["recipients"][0], key_.recipient);
  // No plaintext was written: only the encrypted files and the manifest.
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir_.path() / "take")) {
    ++files;
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name.ends_with(".age") || name == kManifestName) << name;
  }
  EXPECT_EQ(files, 3u);
}

// Three flash cameras (one at another size): the flash lands on the same session-clock instant
// in every recorded file, measured by decoding the files: offsets ≤ 1 frame.
TEST_F(CaptureSession, ThreeCamerasFlashSyncWithinOneFrame) {
  auto session = Session::create(config({"test://flash?width=320&height=240&flash-frame=30",
                                         "test://flash?width=320&height=240&flash-frame=30",
                                         "test://flash?width=256&height=144&flash-frame=30"}));
  ASSERT_TRUE(session) << session.error().message();
  auto manifest = record(*session, 2.0);
  ASSERT_TRUE(manifest) << manifest.error().message();
  std::vector<std::int64_t> flash_ns;
  for (const Json& s : (*manifest)["streams"]) {
    const auto decoded =
        test::decode_recording(dir_.path() / "take" / s["file"].get<std::string>(), key_);
    ASSERT_TRUE(decoded.error.empty()) << decoded.error;
    std::vector<std::int64_t> bright;
    for (const auto& f : decoded.frames) {
      if (f.mean_luma > kFlashDetectLuma) bright.push_back(f.pts_ns);
    }
    ASSERT_EQ(bright.size(), 1u) << s["id"] << ": expected exactly one flash frame";
    flash_ns.push_back(bright[0]);
  }
  const auto [lo, hi] = std::minmax_element(flash_ns.begin(), flash_ns.end());
  const std::int64_t frame_ns = 1'000'000'000 / 30;
  EXPECT_LE(*hi - *lo, frame_ns) << "inter-camera offset " << (*hi - *lo) << " ns";
  RecordProperty("inter_camera_offset_ns", std::to_string(*hi - *lo));
  std::printf("flash sync: inter-camera offset %lld ns\n", static_cast<long long>(*hi - *lo));
  // And the flash is where it was put: frame 30 of the session clock.
  EXPECT_NEAR(static_cast<double>(*lo), 30.0 * 1e9 / 30, static_cast<double>(frame_ns));
}

TEST_F(CaptureSession, FailingCameraIsFinalisedWhileOthersComplete) {
  auto session = Session::create(config(
      {"test://theatre?width=320&height=240&fail-after=20", "test://flash?width=320&height=240"}));
  ASSERT_TRUE(session) << session.error().message();
  auto manifest = record(*session, 2.0);
  ASSERT_TRUE(manifest) << manifest.error().message();
  EXPECT_EQ((*manifest)["status"], "incomplete");
  const Json& failed = stream_of(*manifest, "cam0");
  EXPECT_EQ(failed["state"], "failed");
  EXPECT_NE(failed["error"].get<std::string>().find("disappeared after 20 frames"),
            std::string::npos)
      << failed.dump();
  EXPECT_EQ(failed["frames"], 20);
  const Json& ok = stream_of(*manifest, "cam1");
  EXPECT_EQ(ok["state"], "complete");
  EXPECT_GE(ok["frames"].get<int>(), 45);
  // The failed camera's file was sealed (EOS went through its branch): age reads it to the end.
  for (const std::string id : {"cam0", "cam1"}) {
    const fs::path plain = dir_.path() / (id + ".mkv");
    ASSERT_TRUE(test::age_decrypt(key_, dir_.path() / "take" / (id + ".mkv.age"), plain)) << id;
    const auto probe = test::ffprobe(plain);
    ASSERT_TRUE(probe);
    EXPECT_EQ(probe->packets, stream_of(*manifest, id)["frames"].get<std::int64_t>()) << id;
  }
}

// A cleanly stopped file seeks frame-accurately through the decrypting reader: the frame found
// at a timestamp is the test scene's frame for that timestamp.
TEST_F(CaptureSession, CleanStopSeeksFrameAccurately) {
  auto session = Session::create(config({"test://theatre?width=320&height=240"}));
  ASSERT_TRUE(session) << session.error().message();
  auto manifest = record(*session, 2.5);
  ASSERT_TRUE(manifest) << manifest.error().message();
  const fs::path file = dir_.path() / "take" / "cam0.mkv.age";
  for (const std::int64_t index : {45, 61, 17}) {
    const std::int64_t target_ns = index * 1'000'000'000 / 30;
    const auto decoded = test::decode_recording(file, key_, true, target_ns, 1);
    ASSERT_TRUE(decoded.error.empty()) << decoded.error;
    ASSERT_EQ(decoded.frames.size(), 1u);
    const auto& got = decoded.frames[0];
    // The frame whose slot holds the target (cameras start a few ms into the session clock).
    EXPECT_NEAR(static_cast<double>(got.pts_ns), static_cast<double>(target_ns), 1e9 / 60) << index;
    // Compare with the scene rendered for that index and for its neighbour.
    const auto diff_to = [&](std::int64_t i) {
      auto frame = Frame::allocate(PixelFormat::i420, 320, 240);
      EXPECT_TRUE(render_test_frame(TestScene::theatre, i, {}, frame->view()));
      const ConstFrameView v = std::as_const(*frame).view();
      double sum = 0;
      for (std::uint32_t y = 0; y < 240; ++y) {
        for (std::uint32_t x = 0; x < 320; ++x) {
          sum += std::abs(int(v.planes[0][y * v.strides[0] + x]) - int(got.luma[y * 320 + x]));
        }
      }
      return sum / (320.0 * 240.0);
    };
    const double exact = diff_to(index);
    EXPECT_LT(exact, 3.0) << index;
    EXPECT_LT(exact, diff_to(index + 3)) << index;
  }
}

// A file source plays as a live camera, paced by the session clock, and ends on its own while
// the test camera beside it records on: its stream is complete with every frame of the file.
TEST_F(CaptureSession, FileSourcePlaysAsLiveCameraAndEndsOnItsOwn) {
  const fs::path clip = dir_.path() / "clip.mkv";
  ASSERT_EQ(test::shell("ffmpeg -v error -f lavfi -i testsrc=size=320x240:rate=30 -frames:v 20 "
                        "-c:v libx264 -pix_fmt yuv420p " +
                        test::quote(clip) + " 2>&1")
                .status,
            0);
  auto session =
      Session::create(config({"file://" + clip.string(), "test://flash?width=320&height=240"}));
  ASSERT_TRUE(session) << session.error().message();
  if (auto ok = session->start(); !ok) FAIL() << ok.error().message();
  const auto start = std::chrono::steady_clock::now();
  bool file_ended_first = false;
  while (session->poll(std::chrono::milliseconds(20)) == SessionState::recording &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(20)) {
    const auto stats = session->stats();
    if (stats[0].state == StreamState::complete) {
      file_ended_first = stats[1].state == StreamState::recording;
      break;
    }
  }
  auto manifest = session->stop();
  ASSERT_TRUE(manifest) << manifest.error().message();
  EXPECT_TRUE(file_ended_first);
  const Json& file = stream_of(*manifest, "cam0");
  EXPECT_EQ(file["state"], "complete");
  // Every frame of the file is recorded or counted as dropped (a slow machine, e.g. under a
  // sanitizer, drops at the capture queue rather than falling behind the clock).
  EXPECT_EQ(file["frames"].get<int>() + file["dropped_frames"].get<int>(), 20) << file.dump();
  EXPECT_GE(file["frames"].get<int>(), 10);
  EXPECT_EQ(stream_of(*manifest, "cam1")["state"], "complete");
  const fs::path plain = dir_.path() / "file.mkv";
  ASSERT_TRUE(test::age_decrypt(key_, dir_.path() / "take" / "cam0.mkv.age", plain));
  const auto probe = test::ffprobe(plain);
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->packets, file["frames"].get<int>());
  EXPECT_EQ(probe->width, 1920);  // scaled to the preset
  // Timestamps are the file's, on the session clock: at most 20 frames' worth.
  EXPECT_LE(probe->last_pts - probe->first_pts, 19.0 / 30 + 1e-3);
}

// Frames a camera loses are counted, never silent: every 5th frame dropped inside the test
// camera shows up as dropped_frames, and the file holds exactly the frames that arrived.
TEST_F(CaptureSession, DroppedFramesAreCounted) {
  auto session = Session::create(config({"test://gait?width=160&height=120&drop-every=5"}));
  ASSERT_TRUE(session) << session.error().message();
  auto manifest = record(*session, 1.5);
  ASSERT_TRUE(manifest) << manifest.error().message();
  const Json& s = stream_of(*manifest, "cam0");
  const auto frames = s["frames"].get<std::int64_t>();
  const auto dropped = s["dropped_frames"].get<std::int64_t>();
  ASSERT_GT(frames, 20);
  // One in five lost: dropped = frames / 4, give or take the frame at either end.
  EXPECT_NEAR(static_cast<double>(dropped), static_cast<double>(frames) / 4.0, 1.0) << s.dump();
  const fs::path plain = dir_.path() / "dropped.mkv";
  ASSERT_TRUE(test::age_decrypt(key_, dir_.path() / "take" / "cam0.mkv.age", plain));
  const auto probe = test::ffprobe(plain);
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->packets, frames);
}

TEST_F(CaptureSession, PreviewHoldsTheNewestFrame) {
  auto session = Session::create(config({"test://gait?width=160&height=120"}));
  ASSERT_TRUE(session) << session.error().message();
  ASSERT_TRUE(session->start());
  std::optional<PreviewFrame> first;
  for (int i = 0; i < 100 && !first; ++i) {
    static_cast<void>(session->poll(std::chrono::milliseconds(20)));
    first = session->preview(0);
  }
  ASSERT_TRUE(first);
  EXPECT_EQ(first->width, 160u);
  EXPECT_EQ(first->height, 120u);
  EXPECT_EQ(first->i420.size(), 160u * 120u * 3u / 2u);
  std::optional<PreviewFrame> later;
  for (int i = 0; i < 100 && !later; ++i) {
    static_cast<void>(session->poll(std::chrono::milliseconds(20)));
    later = session->preview(0, first->sequence);
  }
  ASSERT_TRUE(later);
  EXPECT_GT(later->sequence, first->sequence);
  EXPECT_GT(later->timestamp, first->timestamp);
  EXPECT_FALSE(session->preview(5));
  ASSERT_TRUE(session->stop());
}

TEST_F(CaptureSession, TestToneRecordsAlongsideCameras) {
  SessionConfig c = config({"test://flash?width=160&height=120"});
  c.audio_uri = "test://tone";
  auto session = Session::create(std::move(c));
  ASSERT_TRUE(session) << session.error().message();
  auto manifest = record(*session, 1.5);
  ASSERT_TRUE(manifest) << manifest.error().message();
  const Json& mic = stream_of(*manifest, "mic0");
  EXPECT_EQ(mic["state"], "complete");
  EXPECT_EQ(mic["kind"], "audio");
  const fs::path plain = dir_.path() / "mic.mka";
  ASSERT_TRUE(test::age_decrypt(key_, dir_.path() / "take" / "mic0.mka.age", plain));
  const auto codec = test::shell(
      "ffprobe -v error -select_streams a:0 -show_entries "
      "stream=codec_name,sample_rate -of csv=p=0 " +
      test::quote(plain));
  EXPECT_EQ(codec.out, "pcm_s16le,48000\n");
}

// A calibrated camera is standardised where the session asks (the GPU path is lavapipe here),
// and the manifest says where, with the profile it used.
TEST_F(CaptureSession, CalibratedCameraRecordsOnTheColourBackendAsked) {
  auto profile = calibrate_test_theatre(640, 360);
  ASSERT_TRUE(profile) << profile.error().message();
  const fs::path profile_path = dir_.path() / "theatre.json";
  ASSERT_TRUE(colour::save_profile(profile_path, *profile));
  for (const char* backend : {"gpu", "cpu"}) {
    SCOPED_TRACE(backend);
    const std::string out = std::string("take-") + backend;
    SessionConfig c = config({"test://theatre?width=640&height=360"}, out);
    c.cameras[0].profile = profile_path;
    c.colour_backend = backend;
    auto session = Session::create(std::move(c));
    ASSERT_TRUE(session) << session.error().message();
    auto manifest = record(*session, 1.0);
    ASSERT_TRUE(manifest) << manifest.error().message();
    const Json& cam = stream_of(*manifest, "cam0");
    EXPECT_EQ(cam["state"], "complete");
    EXPECT_GT(cam["frames"].get<std::int64_t>(), 0);
    EXPECT_EQ(cam["colour_backend"], backend);
    EXPECT_EQ(cam["calibration"]["path"], profile_path.string());
    EXPECT_EQ(cam["calibration"]["profile"]["camera_id"], "test://theatre");
  }
}

TEST_F(CaptureSession, BadConfigurationIsRefusedBeforeAnythingIsWritten) {
  const auto refused = [this](SessionConfig c, Errc code, const std::string& words) {
    auto session = Session::create(std::move(c));
    ASSERT_FALSE(session) << words;
    EXPECT_EQ(session.error().code, code) << session.error().message();
    EXPECT_NE(session.error().message().find(words), std::string::npos)
        << session.error().message();
    EXPECT_FALSE(fs::exists(dir_.path() / "take")) << words;
  };
  SessionConfig none = config({"test://theatre"});
  none.recipients.clear();
  refused(none, Errc::invalid_argument, "no recipients");
  SessionConfig bad_key = config({"test://theatre"});
  bad_key.recipients = {"age1notakey"};
  refused(bad_key, Errc::invalid_argument, "age1notakey");
  refused(config({"test://nothing"}), Errc::invalid_argument, "unknown test camera");
  refused(config({}), Errc::invalid_argument, "at least one camera");
  SessionConfig preset = config({"test://theatre"});
  preset.preset = "cinema";
  refused(preset, Errc::invalid_argument, "unknown preset");
  SessionConfig backend = config({"test://theatre"});
  backend.colour_backend = "fpga";
  refused(backend, Errc::invalid_argument, "colour backend 'fpga'");
  SessionConfig profile = config({"test://theatre"});
  profile.cameras[0].profile = dir_.path() / "missing-profile.json";
  refused(profile, Errc::not_found, "missing-profile.json");
  refused(config({"test://theatre?width=321"}), Errc::invalid_argument, "even");
}

TEST_F(CaptureSession, RefusesToOverwriteAnEarlierRecording) {
  auto first = Session::create(config({"test://flash?width=160&height=120"}));
  ASSERT_TRUE(first);
  ASSERT_TRUE(record(*first, 0.5));
  const auto before = fs::file_size(dir_.path() / "take" / "cam0.mkv.age");
  auto second = Session::create(config({"test://flash?width=160&height=120"}));
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message().find("already holds a recording"), std::string::npos);
  EXPECT_EQ(fs::file_size(dir_.path() / "take" / "cam0.mkv.age"), before);
}

}  // namespace
}  // namespace clinvid::capture
