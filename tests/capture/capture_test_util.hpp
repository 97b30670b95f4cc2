// Shared by the capture tests: a GStreamer environment that loads this build's plugin (and the
// few system plugins a session uses) for this process and the `clinvid` children it starts,
// keys for the age CLI, decoding recorded files through the decrypting AVIO, and children
// started, killed and limited like a real recording would be.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "core/json.hpp"
#include "crypto/keys.hpp"

namespace clinvid::test {

// Sets GST_PLUGIN_PATH (this build), GST_PLUGIN_SYSTEM_PATH (links to the system plugins
// sessions use), a registry of this process's own and in-process scanning, once per process.
void setup_gstreamer_environment();

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

// A fresh X25519 identity, written as an age-keygen file at `dir`/key.txt.
struct TestKey {
  std::filesystem::path file;
  std::string recipient;  // age1…
  std::vector<crypto::Identity> identities() const;
};
[[nodiscard]] TestKey make_key(const std::filesystem::path& dir);

// Runs a shell command; returns its exit status and stdout.
struct ShellResult {
  int status = -1;
  std::string out;
};
[[nodiscard]] ShellResult shell(const std::string& command);
[[nodiscard]] std::string quote(const std::filesystem::path& path);

// What ffprobe says of a plaintext file: first video stream and its packets.
struct Probe {
  std::string codec;
  int width = 0;
  int height = 0;
  std::string rate;  // r_frame_rate, "30/1"
  std::int64_t packets = 0;
  double first_pts = 0;  // seconds
  double last_pts = 0;
};
[[nodiscard]] std::optional<Probe> ffprobe(const std::filesystem::path& plaintext);
// `age -d -i key` of `encrypted` into `plaintext`; true on success.
[[nodiscard]] bool age_decrypt(const TestKey& key, const std::filesystem::path& encrypted,
                               const std::filesystem::path& plaintext);

// Every video frame of an encrypted recording, decoded through media::open_encrypted_input.
struct DecodedFrame {
  std::int64_t pts_ns = 0;
  double mean_luma = 0;
  std::vector<std::uint8_t> luma;  // width*height, kept only when asked
};
struct Decoded {
  int width = 0;
  int height = 0;
  std::vector<DecodedFrame> frames;
  std::string error;  // empty on success
};
[[nodiscard]] Decoded decode_recording(const std::filesystem::path& encrypted, const TestKey& key,
                                       bool keep_luma = false,
                                       std::optional<std::int64_t> seek_to_ns = std::nullopt,
                                       std::size_t max_frames = SIZE_MAX);

// The `clinvid` binary as a child: stdout/stderr to files, optionally with RLIMIT_FSIZE (and
// SIGXFSZ ignored, so an oversized write fails with EFBIG like a full disk).
struct Child {
  pid_t pid = -1;
  std::filesystem::path out;
  std::filesystem::path err;
};
[[nodiscard]] Child spawn_clinvid(const std::vector<std::string>& args,
                                  const std::filesystem::path& log_dir,
                                  std::optional<std::uint64_t> file_size_limit = std::nullopt);
// Waits for the child; returns its exit code, or 128 + signal.
int wait_child(const Child& child);
[[nodiscard]] std::string read_text(const std::filesystem::path& path);

}  // namespace clinvid::test
