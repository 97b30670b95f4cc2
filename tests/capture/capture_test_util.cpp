#include "capture_test_util.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

#include <glib.h>

#include "crypto/identity_file.hpp"
#include "media/age_avio.hpp"

namespace clinvid::test {

void setup_gstreamer_environment() {
  static std::once_flag once;
  std::call_once(once, [] {
    gchar* dir = g_dir_make_tmp("clinvid-capture-gst-XXXXXX", nullptr);
    if (dir == nullptr) throw std::runtime_error("cannot make a temporary directory");
    const std::filesystem::path root = dir;
    g_free(dir);
    const std::filesystem::path system = root / "system-plugins";
    std::filesystem::create_directory(system);
    for (const char* name :
         {"libgstcoreelements.so", "libgstvideotestsrc.so", "libgstapp.so", "libgstmatroska.so",
          "libgstx264.so", "libgstvideoconvertscale.so", "libgstaudiotestsrc.so",
          "libgstaudioconvert.so", "libgstaudioresample.so", "libgstplayback.so",
          "libgsttypefindfunctions.so", "libgstvideoparsersbad.so", "libgstvideorate.so",
          "libgstlibav.so"}) {
      std::filesystem::create_symlink(std::filesystem::path(CLINVID_GST_SYSTEM_PLUGIN_DIR) / name,
                                      system / name);
    }
    const auto set = [](const std::string& name, const std::string& value) {
      g_setenv(name.c_str(), value.c_str(), TRUE);
      g_setenv((name + "_1_0").c_str(), value.c_str(), TRUE);
    };
    set("GST_PLUGIN_SYSTEM_PATH", system.string());
    set("GST_PLUGIN_PATH", CLINVID_GST_PLUGIN_DIR);
    set("GST_REGISTRY", (root / "registry.bin").string());
    set("GST_REGISTRY_FORK", "no");
    g_setenv("XDG_RUNTIME_DIR", "/tmp", FALSE);
    static const std::filesystem::path cleanup = root;
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(cleanup, ignored);
    });
  });
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "clinvid-capture-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::vector<crypto::Identity> TestKey::identities() const {
  auto keys = crypto::read_identity_file(file);
  if (!keys) throw std::runtime_error(keys.error().message());
  std::vector<crypto::Identity> out;
  for (auto& k : *keys) out.emplace_back(std::move(k));
  return out;
}

TestKey make_key(const std::filesystem::path& dir) {
  const crypto::X25519Identity identity = crypto::X25519Identity::generate();
  const crypto::SecretBytes text =
      crypto::format_identity_file(identity, std::chrono::system_clock::now());
  TestKey key{dir / "key.txt", identity.recipient().to_string()};
  std::ofstream(key.file, std::ios::binary)
      .write(reinterpret_cast<const char*>(text.data()), static_cast<std::streamsize>(text.size()));
  return key;
}

ShellResult shell(const std::string& command) {
  ShellResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  for (std::size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) {
    result.out.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string quote(const std::filesystem::path& path) {
  std::string out = "'";
  for (const char c : path.string()) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::optional<Probe> ffprobe(const std::filesystem::path& plaintext) {
  const ShellResult streams = shell(
      "ffprobe -v error -select_streams v:0 -show_entries "
      "stream=codec_name,width,height,r_frame_rate -of default=nw=1 " +
      quote(plaintext));
  if (streams.status != 0 || streams.out.empty()) return std::nullopt;
  Probe probe;
  std::istringstream lines(streams.out);
  for (std::string line; std::getline(lines, line);) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq);
    const std::string value = line.substr(eq + 1);
    if (key == "codec_name") probe.codec = value;
    if (key == "width") probe.width = std::stoi(value);
    if (key == "height") probe.height = std::stoi(value);
    if (key == "r_frame_rate") probe.rate = value;
  }
  const ShellResult packets =
      shell("ffprobe -v error -select_streams v:0 -show_entries packet=pts_time -of csv=p=0 " +
            quote(plaintext));
  if (packets.status != 0) return std::nullopt;
  std::istringstream times(packets.out);
  bool first = true;
  for (std::string line; std::getline(times, line);) {
    if (line.empty() || line == "N/A") continue;
    const double t = std::stod(line);
    if (first) probe.first_pts = probe.last_pts = t;
    probe.first_pts = std::min(probe.first_pts, t);
    probe.last_pts = std::max(probe.last_pts, t);
    first = false;
    ++probe.packets;
  }
  return probe;
}

bool age_decrypt(const TestKey& key, const std::filesystem::path& encrypted,
                 const std::filesystem::path& plaintext) {
  return shell("age -d -i " + quote(key.file) + " -o " + quote(plaintext) + " " + quote(encrypted) +
               " 2>&1")
             .status == 0;
}

namespace {
struct CodecDeleter {
  void operator()(AVCodecContext* c) const noexcept { avcodec_free_context(&c); }
};
struct FrameDeleter {
  void operator()(AVFrame* f) const noexcept { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const noexcept { av_packet_free(&p); }
};
}  // namespace

Decoded decode_recording(const std::filesystem::path& encrypted, const TestKey& key, bool keep_luma,
                         std::optional<std::int64_t> seek_to_ns, std::size_t max_frames) {
  Decoded out;
  const auto identities = key.identities();
  auto input = media::open_encrypted_input(encrypted, identities);
  if (!input) {
    out.error = input.error().message();
    return out;
  }
  AVFormatContext* format = input->format();
  const int index = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0) {
    out.error = "no video stream";
    return out;
  }
  const AVStream* stream = format->streams[index];
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  std::unique_ptr<AVCodecContext, CodecDeleter> decoder(avcodec_alloc_context3(codec));
  avcodec_parameters_to_context(decoder.get(), stream->codecpar);
  if (avcodec_open2(decoder.get(), codec, nullptr) < 0) {
    out.error = "cannot open the decoder";
    return out;
  }
  const AVRational ns{1, 1'000'000'000};
  if (seek_to_ns) {
    const std::int64_t target = av_rescale_q(*seek_to_ns, ns, stream->time_base);
    if (av_seek_frame(format, index, target, AVSEEK_FLAG_BACKWARD) < 0) {
      out.error = "seek failed";
      return out;
    }
  }
  std::unique_ptr<AVPacket, PacketDeleter> packet(av_packet_alloc());
  std::unique_ptr<AVFrame, FrameDeleter> frame(av_frame_alloc());
  const auto drain = [&] {
    while (avcodec_receive_frame(decoder.get(), frame.get()) == 0) {
      DecodedFrame f;
      f.pts_ns = av_rescale_q(frame->best_effort_timestamp, stream->time_base, ns);
      out.width = frame->width;
      out.height = frame->height;
      double sum = 0;
      for (int y = 0; y < frame->height; ++y) {
        const std::uint8_t* row =
            frame->data[0] + static_cast<std::ptrdiff_t>(y) * frame->linesize[0];
        for (int x = 0; x < frame->width; ++x) sum += row[x];
        if (keep_luma) f.luma.insert(f.luma.end(), row, row + frame->width);
      }
      f.mean_luma = sum / (static_cast<double>(frame->width) * frame->height);
      if (!seek_to_ns || f.pts_ns + 1'000'000 >= *seek_to_ns) out.frames.push_back(std::move(f));
      av_frame_unref(frame.get());
    }
  };
  while (out.frames.size() < max_frames && av_read_frame(format, packet.get()) >= 0) {
    if (packet->stream_index == index) {
      avcodec_send_packet(decoder.get(), packet.get());
      drain();
    }
    av_packet_unref(packet.get());
  }
  avcodec_send_packet(decoder.get(), nullptr);
  drain();
  return out;
}

Child spawn_clinvid(const std::vector<std::string>& args, const std::filesystem::path& log_dir,
                    std::optional<std::uint64_t> file_size_limit) {
  static int counter = 0;
  ++counter;
  Child child;
  child.out = log_dir / ("child" + std::to_string(counter) + ".out");
  child.err = log_dir / ("child" + std::to_string(counter) + ".err");
  std::vector<std::string> argv_text = {CLINVID_CLI_PATH};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string out_path = child.out.string();
  const std::string err_path = child.err.string();
  child.pid = fork();
  if (child.pid == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int in = ::open("/dev/null", O_RDONLY);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::dup2(in, STDIN_FILENO);
    if (file_size_limit) {
      ::signal(SIGXFSZ, SIG_IGN);  // inherited through exec: writes fail with EFBIG instead
      const rlimit limit{*file_size_limit, *file_size_limit};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return child;
}

int wait_child(const Child& child) {
  int status = 0;
  if (::waitpid(child.pid, &status, 0) < 0) return -1;
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace clinvid::test
