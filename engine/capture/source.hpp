// Capture sources named by URI, and the presets a session records them with.
//
// Cameras:   test://theatre | test://gait | test://flash   built-in, deterministic
//            v4l2:///dev/videoN                            raw or MJPEG (decoded)
//            rtsp://host/path                              IP cameras (retried when they drop)
//            file:///path                                  anything GStreamer decodes, paced
//                                                          to the clock as if it were live
// Microphones: test://tone | alsa://hw:0 | pulse://NAME | pipewire://ID
//
// test:// and v4l2:// take options as a query: ?width=1280&height=720&rate=30000/1001, and
// test:// also fail-after=N (the source fails with a stream error after N frames: how tests
// make a camera disappear), drop-every=N (every Nth frame is lost before it leaves the camera,
// as a saturated USB bus does) and flash-frame=N (test://flash). Unknown options are refused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capture/test_pattern.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"

namespace clinvid::capture {

enum class SourceKind { invalid = 0, test, v4l2, rtsp, file };
enum class AudioKind { invalid = 0, test_tone, alsa, pulse, pipewire };

struct SourceSpec {
  std::string uri;  // as given
  SourceKind kind = SourceKind::invalid;
  std::string location;  // device path, URL or file URI
  TestScene scene = TestScene::invalid;
  std::optional<std::uint32_t> width;
  std::optional<std::uint32_t> height;
  std::optional<Rational> rate;
  std::optional<std::int64_t> fail_after_frames;  // test:// only
  std::optional<std::int64_t> drop_every_frames;  // test:// only: loses every Nth frame
  TestSceneOptions scene_options;
};

struct AudioSpec {
  std::string uri;
  AudioKind kind = AudioKind::invalid;
  std::string device;  // empty: the system default
  double tone_hz = 440.0;
};

// Errc::invalid_argument naming what is wrong ("test://nope: unknown test camera").
[[nodiscard]] Result<SourceSpec> parse_source(std::string_view uri);
[[nodiscard]] Result<AudioSpec> parse_audio_source(std::string_view uri);

enum class EncoderKind { invalid = 0, automatic, x264, nvenc, vaapi };
[[nodiscard]] Result<EncoderKind> parse_encoder(std::string_view name);  // auto|x264|nvenc|vaapi
[[nodiscard]] std::string_view to_string(EncoderKind kind) noexcept;

// How cameras are encoded. Bitrates are a floor as well as a target (CBR with filler): the age
// writer seals 64 KiB chunks, so at min_bitrate_kbps a crash loses at most
// 64 KiB / bitrate of encoded data on top of the fsync interval.
struct Preset {
  std::string name;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  Rational rate;
  std::uint32_t bits_per_kilopixel_frame = 0;  // bitrate scales with the frame size and rate
  std::uint32_t min_bitrate_kbps = 1000;
  std::string x264_speed;  // x264 speed-preset
};

// theatre-1080p30, gait-720p100, archive-high. Errc::invalid_argument lists the known names.
[[nodiscard]] Result<Preset> find_preset(std::string_view name);
[[nodiscard]] std::vector<std::string> preset_names();
// The CBR bitrate for a stream of this size and rate under `preset`.
[[nodiscard]] std::uint32_t bitrate_kbps(const Preset& preset, std::uint32_t width,
                                         std::uint32_t height, Rational rate);

}  // namespace clinvid::capture
