#include "capture/source.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

namespace clinvid::capture {
namespace {

using Query = std::map<std::string, std::string, std::less<>>;

Result<Query> parse_query(std::string_view uri, std::string_view query) {
  Query out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (item.empty()) continue;
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return fail(Errc::invalid_argument,
                  std::string(uri) + ": option '" + std::string(item) + "' needs name=value");
    }
    out[std::string(item.substr(0, eq))] = std::string(item.substr(eq + 1));
  }
  return out;
}

Result<std::int64_t> parse_int(std::string_view uri, std::string_view name, std::string_view text,
                               std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    return fail(Errc::invalid_argument, std::string(uri) + ": " + std::string(name) + "=" +
                                            std::string(text) + " is not an integer in [" +
                                            std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return value;
}

// Applies width/height/rate (and, for test://, fail-after/flash-frame) from `query`.
Status apply_options(SourceSpec& spec, Query query) {
  const auto take = [&query](std::string_view name) -> std::optional<std::string> {
    const auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    std::string value = it->second;
    query.erase(it);
    return value;
  };
  constexpr std::int64_t kMaxSide = 8192;
  if (auto v = take("width")) {
    auto n = parse_int(spec.uri, "width", *v, 16, kMaxSide);
    if (!n) return tl::unexpected(n.error());
    spec.width = static_cast<std::uint32_t>(*n);
  }
  if (auto v = take("height")) {
    auto n = parse_int(spec.uri, "height", *v, 16, kMaxSide);
    if (!n) return tl::unexpected(n.error());
    spec.height = static_cast<std::uint32_t>(*n);
  }
  if (auto v = take("rate")) {
    auto r = Rational::parse(*v);
    if (!r || r->to_double() > 1000.0) {
      return fail(Errc::invalid_argument, spec.uri + ": rate=" + *v + " is not a frame rate");
    }
    spec.rate = *r;
    spec.scene_options.frame_rate = *r;  // the session may still pick the preset's rate
  }
  if (spec.kind == SourceKind::test) {
    if (auto v = take("fail-after")) {
      auto n = parse_int(spec.uri, "fail-after", *v, 0, INT64_MAX / 2);
      if (!n) return tl::unexpected(n.error());
      spec.fail_after_frames = *n;
    }
    if (auto v = take("drop-every")) {
      auto n = parse_int(spec.uri, "drop-every", *v, 2, INT64_MAX / 2);
      if (!n) return tl::unexpected(n.error());
      spec.drop_every_frames = *n;
    }
    if (auto v = take("flash-frame")) {
      auto n = parse_int(spec.uri, "flash-frame", *v, 0, INT64_MAX / 2);
      if (!n) return tl::unexpected(n.error());
      spec.scene_options.flash_frame = *n;
    }
  }
  if (!query.empty()) {
    return fail(Errc::invalid_argument,
                spec.uri + ": unknown option '" + query.begin()->first + "'");
  }
  return {};
}

std::pair<std::string_view, std::string_view> split_query(std::string_view rest) {
  const std::size_t q = rest.find('?');
  if (q == std::string_view::npos) return {rest, {}};
  return {rest.substr(0, q), rest.substr(q + 1)};
}

}  // namespace

Result<SourceSpec> parse_source(std::string_view uri) {
  SourceSpec spec;
  spec.uri = std::string(uri);
  if (uri.starts_with("test://")) {
    spec.kind = SourceKind::test;
    const auto [name, query] = split_query(uri.substr(7));
    if (name == "theatre") {
      spec.scene = TestScene::theatre;
    } else if (name == "gait") {
      spec.scene = TestScene::gait;
    } else if (name == "flash") {
      spec.scene = TestScene::flash;
    } else {
      return fail(Errc::invalid_argument, std::string(uri) +
                                              ": unknown test camera (test://theatre, "
                                              "test://gait or test://flash)");
    }
    auto options = parse_query(uri, query);
    if (!options) return tl::unexpected(options.error());
    if (auto ok = apply_options(spec, std::move(*options)); !ok) return tl::unexpected(ok.error());
    return spec;
  }
  if (uri.starts_with("v4l2://")) {
    spec.kind = SourceKind::v4l2;
    const auto [path, query] = split_query(uri.substr(7));
    if (!path.starts_with("/dev/")) {
      return fail(Errc::invalid_argument,
                  std::string(uri) + ": expected v4l2:///dev/videoN (three slashes)");
    }
    spec.location = std::string(path);
    auto options = parse_query(uri, query);
    if (!options) return tl::unexpected(options.error());
    if (auto ok = apply_options(spec, std::move(*options)); !ok) return tl::unexpected(ok.error());
    return spec;
  }
  if (uri.starts_with("rtsp://") || uri.starts_with("rtsps://")) {
    spec.kind = SourceKind::rtsp;
    spec.location = std::string(uri);
    if (uri.size() <= 8) return fail(Errc::invalid_argument, std::string(uri) + ": no host");
    return spec;
  }
  if (uri.starts_with("file://")) {
    spec.kind = SourceKind::file;
    spec.location = std::string(uri);
    if (!uri.substr(7).starts_with("/")) {
      return fail(Errc::invalid_argument,
                  std::string(uri) + ": expected file:///absolute/path (three slashes)");
    }
    return spec;
  }
  return fail(Errc::invalid_argument,
              std::string(uri) +
                  ": unknown source (test://theatre|gait|flash, v4l2:///dev/videoN, rtsp://…, "
                  "file:///…)");
}

Result<AudioSpec> parse_audio_source(std::string_view uri) {
  AudioSpec spec;
  spec.uri = std::string(uri);
  const auto device_of = [&uri](std::size_t prefix) { return std::string(uri.substr(prefix)); };
  if (uri.starts_with("test://")) {
    const auto [name, query] = split_query(uri.substr(7));
    if (name != "tone") {
      return fail(Errc::invalid_argument,
                  std::string(uri) + ": the test microphone is test://tone");
    }
    spec.kind = AudioKind::test_tone;
    auto options = parse_query(uri, query);
    if (!options) return tl::unexpected(options.error());
    for (const auto& [key, value] : *options) {
      if (key != "freq") {
        return fail(Errc::invalid_argument, std::string(uri) + ": unknown option '" + key + "'");
      }
      auto hz = parse_int(uri, "freq", value, 20, 20000);
      if (!hz) return tl::unexpected(hz.error());
      spec.tone_hz = static_cast<double>(*hz);
    }
    return spec;
  }
  if (uri.starts_with("alsa://")) {
    spec.kind = AudioKind::alsa;
    spec.device = device_of(7);
    return spec;
  }
  if (uri.starts_with("pulse://")) {
    spec.kind = AudioKind::pulse;
    spec.device = device_of(8);
    return spec;
  }
  if (uri.starts_with("pipewire://")) {
    spec.kind = AudioKind::pipewire;
    spec.device = device_of(11);
    return spec;
  }
  return fail(Errc::invalid_argument,
              std::string(uri) +
                  ": unknown microphone (test://tone, alsa://hw:N, pulse://NAME, pipewire://ID)");
}

Result<EncoderKind> parse_encoder(std::string_view name) {
  if (name == "auto") return EncoderKind::automatic;
  if (name == "x264") return EncoderKind::x264;
  if (name == "nvenc") return EncoderKind::nvenc;
  if (name == "vaapi") return EncoderKind::vaapi;
  return fail(Errc::invalid_argument,
              "unknown encoder '" + std::string(name) + "' (auto, x264, nvenc, vaapi)");
}

std::string_view to_string(EncoderKind kind) noexcept {
  switch (kind) {
    case EncoderKind::automatic: return "auto";
    case EncoderKind::x264: return "x264";
    case EncoderKind::nvenc: return "nvenc";
    case EncoderKind::vaapi: return "vaapi";
    case EncoderKind::invalid: break;
  }
  return "invalid";
}

namespace {
const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = {
      // 1080p30 at ~8 Mb/s: procedures, overhead and wide cameras.
      {"theatre-1080p30", 1920, 1080, Rational::make(30, 1).value(), 130, 1000, "veryfast"},
      // 720p100 for gait and movement (or the camera's own highest rate where it is lower).
      {"gait-720p100", 1280, 720, Rational::make(100, 1).value(), 110, 1500, "ultrafast"},
      // 1080p30 at ~20 Mb/s, a slower x264 preset: material kept for a long time.
      {"archive-high", 1920, 1080, Rational::make(30, 1).value(), 320, 2000, "faster"},
  };
  return all;
}
}  // namespace

Result<Preset> find_preset(std::string_view name) {
  for (const Preset& p : presets()) {
    if (p.name == name) return p;
  }
  std::string known;
  for (const Preset& p : presets()) known += (known.empty() ? "" : ", ") + p.name;
  return fail(Errc::invalid_argument, "unknown preset '" + std::string(name) + "' (" + known + ")");
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const Preset& p : presets()) names.push_back(p.name);
  return names;
}

std::uint32_t bitrate_kbps(const Preset& preset, std::uint32_t width, std::uint32_t height,
                           Rational rate) {
  const double kilopixels = static_cast<double>(width) * height / 1000.0;
  const double kbps = kilopixels * rate.to_double() * preset.bits_per_kilopixel_frame / 1000.0;
  return std::max(preset.min_bitrate_kbps, static_cast<std::uint32_t>(std::lround(kbps)));
}

}  // namespace clinvid::capture
