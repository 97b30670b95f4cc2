// A recording session: one GStreamer pipeline, one clock, N cameras and an optional microphone,
// each recorded encrypted into its own age file, plus a manifest describing them all.
//
// Per camera:  source → decode → clinvidcolor (the camera's profile) → tee
//                ├─ leaky queue → preview slot (latest frame; capture never waits for it)
//                └─ queue → H.264 encoder → matroskamux (streamable) → clinvidagesink
// Microphone:  source → convert → Opus → matroskamux → clinvidagesink
//
// Timestamps in every file are the pipeline's running time (the session clock), so files line
// up without any offset: the manifest gives each stream's first timestamp on that clock and the
// wall-clock time of the clock's zero.
//
// Faults: a camera whose elements post an error is ended on its own (EOS through its branch,
// which seals its file) and reported while the others go on; a storage error (disk full, file
// too large, I/O) stops the whole session, keeping every byte already written (an unfinished
// file is recoverable with capture::recover_recording). Drops (queue overruns, gaps in source
// timestamps) are counted per stream.
//
// Threading: a Session is driven by one thread (create, start, poll, add_marker, stop); stats()
// and preview() may be called from any thread. poll() must be called regularly while recording
// (it handles the pipeline's messages: errors, ends of streams).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capture/source.hpp"
#include "core/json.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"

namespace clinvid::capture {

struct CameraConfig {
  std::string uri;
  std::filesystem::path profile;  // calibration profile (JSON); empty: colours passed through
};

struct SessionConfig {
  std::vector<CameraConfig> cameras;  // at least one
  std::optional<std::string> audio_uri;
  std::string preset = "theatre-1080p30";
  EncoderKind encoder = EncoderKind::automatic;
  // Where clinvidcolor standardises: "auto" (the GPU unless the Vulkan device is itself a CPU,
  // i.e. lavapipe), "gpu" or "cpu".
  std::string colour_backend = "auto";
  std::filesystem::path out_dir;        // created (0700) if missing; files and manifest.json
  std::vector<std::string> recipients;  // age1… public keys, for every stream
  // Per stream ("cam0", "cam1", …, "mic0"), optional: where its file goes and the further
  // recipients that stream alone is encrypted to, instead of <out_dir>/<id>.mkv.age and
  // `recipients` alone (the archive gives every recording its own file and key). Every stream
  // needs at least one recipient, here or above.
  struct StreamTarget {
    std::filesystem::path file;
    std::vector<std::string> recipients;
  };
  std::map<std::string, StreamTarget> targets;
  std::uint32_t fsync_interval_ms = 1000;
  std::chrono::milliseconds rtsp_retry{std::chrono::seconds(20)};  // keep retrying this long
  // Where to look for the clinvid GStreamer plugin if the registry does not have it.
  std::optional<std::filesystem::path> plugin_dir;
};

enum class StreamState {
  invalid = 0,
  pending,    // not started yet
  recording,  // data flowing
  complete,   // ended and its file sealed
  failed,     // ended by an error; its file keeps what was written (recoverable if unsealed)
};
[[nodiscard]] std::string_view to_string(StreamState state) noexcept;

struct StreamStats {
  std::string id;  // "cam0", "cam1", …, "mic0"
  std::string uri;
  std::filesystem::path file;
  StreamState state = StreamState::invalid;
  std::uint64_t frames = 0;          // frames (audio: buffers) handed to the encoder
  std::uint64_t dropped_frames = 0;  // lost before the encoder: overruns and source gaps
  std::uint64_t bytes = 0;           // bytes handed to the encrypting sink
  double fps = 0;                    // over the last second or so
  std::string error;                 // why it failed, empty otherwise
};

enum class SessionState {
  invalid = 0,
  created,
  recording,
  stopped,  // every stream has ended (stop() called, sources ended, or a fault)
};

// The newest frame of one camera (I420, tightly packed planes), for previews.
struct PreviewFrame {
  std::uint64_t sequence = 0;  // increases with every frame the camera delivers
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  Time timestamp;                  // on the session clock
  std::vector<std::uint8_t> i420;  // width*height luma, then the two chroma planes
};

class Session {
 public:
  // Validates everything (sources, preset, recipients, profiles, that the elements exist) and
  // builds the pipeline without starting it. Nothing is written yet.
  [[nodiscard]] static Result<Session> create(SessionConfig config);
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Starts recording: writes manifest.json (status "recording") and sets the pipeline playing.
  [[nodiscard]] Status start();
  // Handles pipeline messages for up to `wait`; returns the state after them. A storage
  // error stops the session; the reason is in stop_reason().
  [[nodiscard]] SessionState poll(std::chrono::milliseconds wait);
  // A marker at the current session-clock time; saved into the manifest at once.
  [[nodiscard]] Status add_marker(std::string label);
  // Ends every stream with EOS, waits (up to `timeout`) for the files to be sealed, stops the
  // pipeline and writes the final manifest. Returns it.
  [[nodiscard]] Result<Json> stop(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  [[nodiscard]] std::vector<StreamStats> stats() const;
  // The newest preview frame of camera `index` if its sequence is above `after_sequence`.
  [[nodiscard]] std::optional<PreviewFrame> preview(std::size_t index,
                                                    std::uint64_t after_sequence = 0) const;
  // The manifest as it stands (also on disk at manifest_path()).
  [[nodiscard]] Json manifest() const;
  [[nodiscard]] std::filesystem::path manifest_path() const;
  // Empty unless the session stopped by itself for a reason other than its sources ending.
  [[nodiscard]] std::string stop_reason() const;
  [[nodiscard]] SessionState state() const noexcept;

  struct Impl;

 private:
  explicit Session(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

// The file name of the session manifest inside the output directory.
inline constexpr const char* kManifestName = "manifest.json";

}  // namespace clinvid::capture
