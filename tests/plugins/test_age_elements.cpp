// clinvidagesink / clinvidagesrc: a recording made by the sink decrypts with the `age` CLI
// (keys from age-keygen) into a file ffprobe reads; the source plays it to EOS and seeks in
// pull and push mode; a gst-launch-1.0 recording killed with SIGKILL recovers with the engine
// losing about the fsync interval at most; wrong keys and bad settings are element errors.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "crypto/identity_file.hpp"
#include "crypto/io.hpp"
#include "crypto/recover.hpp"
#include "crypto/writer.hpp"
#include "gst_test_env.hpp"

namespace clinvid::test {
namespace {

namespace fs = std::filesystem;

std::string run(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen " + command);
  std::string out;
  std::array<char, 4096> buffer{};
  while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
    out.append(buffer.data(), n);
  }
  if (const int status = pclose(pipe); status != 0) {
    throw std::runtime_error(command + " exited with " + std::to_string(status));
  }
  return out;
}

std::string quote(const fs::path& path) {
  return "'" + path.string() + "'";
}

// Runs `launch` to EOS or error; returns the error's description, empty on EOS.
std::string play(GstElement* pipeline) {
  BusPtr bus(gst_element_get_bus(pipeline));
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  MessagePtr message(
      gst_bus_timed_pop_filtered(bus.get(), 60 * GST_SECOND,
                                 static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR)));
  gst_element_set_state(pipeline, GST_STATE_NULL);
  if (!message) return "timed out";
  return GST_MESSAGE_TYPE(message.get()) == GST_MESSAGE_ERROR ? describe(message.get()) : "";
}

ElementPtr parse(const std::string& launch) {
  GError* error = nullptr;
  ElementPtr pipeline(gst_parse_launch(launch.c_str(), &error));
  if (error != nullptr) {
    const std::string text = error->message;
    g_error_free(error);
    throw std::runtime_error("gst_parse_launch: " + text);
  }
  return pipeline;
}

class AgeElements : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/clinvid-age-gst-XXXXXX";
    if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp");
    dir_ = new fs::path(pattern);
    if (!init_gstreamer(nullptr)) return;  // SetUp() reports why
    run("age-keygen -o " + quote(key()) + " 2>/dev/null");
    std::ifstream in(key());
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("# public key: ", 0) == 0) recipient_ = new std::string(line.substr(14));
    }
    // A recording with a keyframe every 15 frames, 60 frames at 30 fps: 2 s.
    const std::string error = play(
        parse("videotestsrc num-buffers=60 ! video/x-raw,width=320,height=240,framerate=30/1 ! "
              "x264enc key-int-max=15 ! matroskamux ! clinvidagesink location=" +
              recording().string() + " recipients=" + *recipient_)
            .get());
    if (!error.empty()) throw std::runtime_error("recording: " + error);
    // An archived file: ffmpeg's MKV with Cues, encrypted by the engine, plaintext deleted.
    const fs::path plain = *dir_ / "archived.mkv";
    run("ffmpeg -v error -y -f lavfi -i testsrc2=size=320x240:rate=30 -t 2 -c:v libx264 "
        "-preset ultrafast -g 15 -keyint_min 15 -sc_threshold 0 -bf 0 " +
        quote(plain));
    auto parsed = crypto::X25519Recipient::parse(*recipient_);
    if (!parsed) throw std::runtime_error(parsed.error().message());
    std::vector<crypto::Recipient> recipients;
    recipients.emplace_back(*parsed);
    if (auto s = crypto::encrypt_file(plain, archived(), recipients); !s) {
      throw std::runtime_error(s.error().message());
    }
    fs::remove(plain);
  }
  static void TearDownTestSuite() {
    std::error_code ignored;
    fs::remove_all(*dir_, ignored);
    delete dir_;
    delete recipient_;
  }
  void SetUp() override {
    std::string why;
    ASSERT_TRUE(init_gstreamer(&why)) << why;
    ASSERT_NE(recipient_, nullptr) << "age-keygen wrote no public key";
  }

  static fs::path key() { return *dir_ / "key.txt"; }
  static fs::path recording() { return *dir_ / "rec.mkv.age"; }
  static fs::path archived() { return *dir_ / "archived.mkv.age"; }

  // Decodes `recording()` to an appsink; `queue` between source and demuxer forces push mode.
  static ElementPtr player(bool push_mode, const fs::path& identity = key(),
                           const fs::path& file = recording()) {
    return parse("clinvidagesrc name=src location=" + file.string() +
                 " identity=" + identity.string() + (push_mode ? " ! queue" : "") +
                 " ! matroskademux ! h264parse ! avdec_h264 ! appsink name=out sync=false");
  }

  static fs::path* dir_;
  static std::string* recipient_;
};

fs::path* AgeElements::dir_ = nullptr;
std::string* AgeElements::recipient_ = nullptr;

TEST_F(AgeElements, SinkOutputDecryptsWithTheAgeCli) {
  struct stat st {};
  ASSERT_EQ(stat(recording().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const fs::path plain = *dir_ / "decrypted.mkv";
  run("age -d -i " + quote(key()) + " -o " + quote(plain) + " " + quote(recording()));
  const std::string probed =
      run("ffprobe -v error -count_frames -show_entries stream=codec_name,width,height,"
          "nb_read_frames -of csv=p=0 " +
          quote(plain));
  fs::remove(plain);
  EXPECT_EQ(probed, "h264,320,240,60\n");
}

TEST_F(AgeElements, RecipientsAreWriteOnlyAndCanComeFromAFile) {
  ElementPtr sink(gst_element_factory_make("clinvidagesink", nullptr));
  ASSERT_TRUE(sink);
  GParamSpec* spec = g_object_class_find_property(G_OBJECT_GET_CLASS(sink.get()), "recipients");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->flags & G_PARAM_READABLE, 0);

  const fs::path list = *dir_ / "recipients.txt";
  std::ofstream(list) << "# the archive key\n" << *recipient_ << "\n";
  const fs::path out = *dir_ / "from-file.age";
  ASSERT_EQ(play(parse("videotestsrc num-buffers=5 ! x264enc ! matroskamux ! clinvidagesink "
                       "recipients-file=" +
                       list.string() + " location=" + out.string())
                     .get()),
            "");
  EXPECT_FALSE(run("age -d -i " + quote(key()) + " " + quote(out) + " | wc -c") == "0\n");

  ElementPtr bad = parse(
      "videotestsrc num-buffers=5 ! clinvidagesink recipients=age1nope "
      "location=" +
      (*dir_ / "bad.age").string());
  EXPECT_NE(play(bad.get()).find("recipient"), std::string::npos);
  ElementPtr none =
      parse("videotestsrc num-buffers=5 ! clinvidagesink location=" + (*dir_ / "x.age").string());
  EXPECT_NE(play(none.get()).find("recipients"), std::string::npos);
}

std::size_t count_frames(GstElement* pipeline) {
  ElementPtr sink(gst_bin_get_by_name(GST_BIN(pipeline), "out"));
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  std::size_t frames = 0;
  while (SamplePtr sample{gst_app_sink_pull_sample(GST_APP_SINK(sink.get()))}) ++frames;
  BusPtr bus(gst_element_get_bus(pipeline));
  MessagePtr error = pop_error(bus.get());
  gst_element_set_state(pipeline, GST_STATE_NULL);
  EXPECT_FALSE(error) << describe(error.get());
  return frames;
}

TEST_F(AgeElements, SourcePlaysToEosInPullAndPushMode) {
  for (const bool push_mode : {false, true}) {
    ElementPtr pipeline = player(push_mode);
    EXPECT_EQ(count_frames(pipeline.get()), 60u) << (push_mode ? "push" : "pull");
    ElementPtr archive = player(push_mode, key(), archived());
    EXPECT_EQ(count_frames(archive.get()), 60u) << (push_mode ? "push" : "pull");
  }
}

// Seeks a paused player and returns the pts of the frame it prerolls with.
GstClockTime seek_and_preroll(GstElement* pipeline, GstSeekFlags flags, GstClockTime position) {
  ElementPtr sink(gst_bin_get_by_name(GST_BIN(pipeline), "out"));
  if (!gst_element_seek_simple(pipeline, GST_FORMAT_TIME, flags, static_cast<gint64>(position))) {
    return GST_CLOCK_TIME_NONE;
  }
  gst_element_get_state(pipeline, nullptr, nullptr, 10 * GST_SECOND);
  SamplePtr sample(gst_app_sink_try_pull_preroll(GST_APP_SINK(sink.get()), 10 * GST_SECOND));
  if (!sample) return GST_CLOCK_TIME_NONE;
  return GST_BUFFER_PTS(gst_sample_get_buffer(sample.get()));
}

// matroskademux seeks in push mode only with Cues, which the sink's streamable recordings lack
// (as with filesrc); the archived file has them. Pull mode seeks in both.
TEST_F(AgeElements, SourceSeeksInPullAndPushMode) {
  const auto flush = [](GstSeekFlags extra) {
    return static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | extra);
  };
  struct Case {
    bool push_mode;
    fs::path file;
  };
  for (const Case& c :
       {Case{false, recording()}, Case{false, archived()}, Case{true, archived()}}) {
    SCOPED_TRACE((c.push_mode ? "push mode, " : "pull mode, ") + c.file.filename().string());
    ElementPtr pipeline = player(c.push_mode, key(), c.file);
    ASSERT_NE(gst_element_set_state(pipeline.get(), GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
    gst_element_get_state(pipeline.get(), nullptr, nullptr, 10 * GST_SECOND);
    // 1.1 s is frame 33; ACCURATE decodes from keyframe 30 and starts at 33 exactly.
    const GstClockTime frame_33 = 33 * GST_SECOND / 30;
    EXPECT_EQ(seek_and_preroll(pipeline.get(), flush(GST_SEEK_FLAG_ACCURATE), frame_33), frame_33);
    // KEY_UNIT snaps to the keyframe before: frame 15 for 0.7 s.
    EXPECT_EQ(seek_and_preroll(pipeline.get(), flush(GST_SEEK_FLAG_KEY_UNIT), 7 * GST_SECOND / 10),
              15 * GST_SECOND / 30);
    EXPECT_EQ(seek_and_preroll(pipeline.get(), flush(GST_SEEK_FLAG_ACCURATE), 0), 0u);
    BusPtr bus(gst_element_get_bus(pipeline.get()));
    MessagePtr error = pop_error(bus.get());
    EXPECT_FALSE(error) << describe(error.get());
    gst_element_set_state(pipeline.get(), GST_STATE_NULL);
  }
}

TEST_F(AgeElements, WrongIdentityIsAnElementError) {
  const fs::path other = *dir_ / "other.txt";
  run("age-keygen -o " + quote(other) + " 2>/dev/null");
  ElementPtr pipeline = player(false, other);
  const std::string error = play(pipeline.get());
  EXPECT_NE(error.find("decrypt"), std::string::npos) << error;
  EXPECT_NE(error.find("no match"), std::string::npos) << error;

  ElementPtr missing = player(false, *dir_ / "no-such-key.txt");
  EXPECT_NE(play(missing.get()).find("identity"), std::string::npos);
}

TEST_F(AgeElements, KilledRecordingRecoversLosingAtMostTheFsyncInterval) {
  const fs::path out = *dir_ / "killed.mkv.age";
  gchar** env = g_get_environ();
  env = g_environ_setenv(env, "GST_PLUGIN_PATH", CLINVID_GST_PLUGIN_DIR, TRUE);
  env = g_environ_setenv(env, "GST_PLUGIN_PATH_1_0", CLINVID_GST_PLUGIN_DIR, TRUE);
  const std::string registry = (*dir_ / "child-registry.bin").string();
  env = g_environ_setenv(env, "GST_REGISTRY", registry.c_str(), TRUE);
  env = g_environ_setenv(env, "GST_REGISTRY_1_0", registry.c_str(), TRUE);
#ifdef CLINVID_ASAN_RUNTIME
  // Sanitizer build: gst-launch-1.0 is not instrumented and our plugin is, so the child gets
  // the ASan runtime preloaded. It is killed, so its leak report would mean nothing.
  env = g_environ_setenv(env, "LD_PRELOAD", CLINVID_ASAN_RUNTIME, TRUE);
  env = g_environ_setenv(env, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
#endif
  const std::string location = "location=" + out.string();
  const std::string recipients = "recipients=" + *recipient_;
  std::vector<const char*> argv = {"gst-launch-1.0",
                                   "-q",
                                   "videotestsrc",
                                   "is-live=true",
                                   "!",
                                   "video/x-raw,width=320,height=240,framerate=30/1",
                                   "!",
                                   "x264enc",
                                   "tune=zerolatency",
                                   "key-int-max=15",
                                   "!",
                                   "matroskamux",
                                   "!",
                                   "clinvidagesink",
                                   location.c_str(),
                                   recipients.c_str(),
                                   nullptr};
  GPid pid = 0;
  GError* error = nullptr;
  const auto flags = static_cast<GSpawnFlags>(G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                              G_SPAWN_STDOUT_TO_DEV_NULL);
  const gboolean spawned = g_spawn_async(nullptr, const_cast<gchar**>(argv.data()), env, flags,
                                         nullptr, nullptr, &pid, &error);
  g_strfreev(env);
  ASSERT_TRUE(spawned) << error->message;
  // The sink writes the header when it starts, just before the first frame.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!fs::exists(out) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto started = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  kill(pid, SIGKILL);
  const auto recorded = std::chrono::steady_clock::now() - started;
  int status = 0;
  waitpid(pid, &status, 0);
  g_spawn_close_pid(pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "gst-launch-1.0 ended by itself: " << status;

  // The source refuses the unfinished file; the engine recovers it.
  ElementPtr reader = parse("clinvidagesrc location=" + out.string() +
                            " identity=" + key().string() + " ! fakesink");
  const std::string refused = play(reader.get());
  EXPECT_NE(refused.find("unfinished"), std::string::npos) << refused;

  auto keys = crypto::read_identity_file(key());
  ASSERT_TRUE(keys) << keys.error().message();
  std::vector<crypto::Identity> identities;
  for (auto& k : *keys) identities.emplace_back(std::move(k));
  auto source = crypto::FdSource::open(out);
  ASSERT_TRUE(source) << source.error().message();
  std::vector<std::uint8_t> plaintext;
  crypto::VectorSink sink(plaintext);
  auto report = crypto::recover(**source, identities, sink);
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_EQ(report->final_chunk, crypto::FinalChunk::missing);
  ASSERT_GT(report->chunks_recovered, 0u);

  const fs::path recovered = *dir_ / "recovered.mkv";
  std::ofstream(recovered, std::ios::binary)
      .write(reinterpret_cast<const char*>(plaintext.data()),
             static_cast<std::streamsize>(plaintext.size()));
  const std::string last =
      run("ffprobe -v error -select_streams v -show_entries packet=pts_time "
          "-of csv=p=0 " +
          quote(recovered) + " | sort -g | tail -1");
  fs::remove(recovered);
  const double recovered_s = std::stod(last);
  const double recorded_s = std::chrono::duration<double>(recorded).count();
  RecordProperty("recorded_s", std::to_string(recorded_s));
  RecordProperty("recovered_s", std::to_string(recovered_s));
  EXPECT_GT(recovered_s, 1.0);
  EXPECT_LE(recorded_s - recovered_s, 1.2)
      << "recorded " << recorded_s << " s, recovered " << recovered_s << " s";
}

}  // namespace
}  // namespace clinvid::test
