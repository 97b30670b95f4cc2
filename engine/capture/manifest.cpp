#include "capture/manifest.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>

#include <fmt/format.h>

namespace clinvid::capture {

std::int64_t now_unix_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string utc_text(std::int64_t unix_ns) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ns / 1'000'000'000);
  const auto millis = (unix_ns % 1'000'000'000) / 1'000'000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

StreamStats stats_of(const StreamRuntime& stream) {
  StreamStats out;
  out.id = stream.id;
  out.uri = stream.uri;
  out.file = stream.file;
  const std::uint64_t in = stream.frames_in.load();
  const std::uint64_t out_frames = stream.frames_out.load();
  out.frames = out_frames;
  out.bytes = stream.bytes.load();
  const std::lock_guard lock(stream.mutex);
  out.state = stream.state;
  out.error = stream.error;
  // Buffers still queued are not dropped; once the stream has ended the queues are empty.
  const auto queued = [&stream](const char* name) -> std::uint64_t {
    if (stream.state != StreamState::recording || !stream.bin) return 0;
    GstElement* queue = gst_bin_get_by_name(GST_BIN(stream.bin.get()), name);
    if (queue == nullptr) return 0;
    guint level = 0;
    g_object_get(queue, "current-level-buffers", &level, nullptr);
    gst_object_unref(queue);
    return level;
  };
  const auto lost = [](std::uint64_t entered, std::uint64_t left, std::uint64_t waiting) {
    return entered > left + waiting ? entered - left - waiting : 0;
  };
  const std::uint64_t overruns =
      lost(in, out_frames, queued("encq")) +
      lost(stream.captured.load(), stream.processed.load(), queued("srcq"));
  out.dropped_frames = overruns + stream.gap_frames.load();
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - stream.fps_at).count();
  if (stream.fps_at == std::chrono::steady_clock::time_point{}) {
    stream.fps_at = now;
    stream.fps_frames = out_frames;
  } else if (elapsed >= 0.5) {
    stream.fps = static_cast<double>(out_frames - stream.fps_frames) / elapsed;
    stream.fps_at = now;
    stream.fps_frames = out_frames;
  }
  out.fps = stream.state == StreamState::recording ? stream.fps : 0.0;
  return out;
}

Json build_manifest(const ManifestInputs& in) {
  Json streams = Json::array();
  for (const auto& stream : *in.streams) {
    const StreamStats stats = stats_of(*stream);
    Json s = {
        {"id", stream->id},
        {"kind", stream->kind == StreamKind::video ? "video" : "audio"},
        {"uri", stream->uri},
        {"file", stream->file.filename().string()},
        {"recipients", stream->recipients},
        {"container", "matroska"},
        {"codec", stream->plan.codec},
        {"encoder", stream->plan.encoder},
        {"bitrate_kbps", stream->plan.bitrate_kbps},
        {"state", std::string(to_string(stats.state))},
        {"frames", stats.frames},
        {"dropped_frames", stats.dropped_frames},
        {"bytes", stats.bytes},
    };
    // A file outside the session directory (the archive's media folder) is named in full.
    if (stream->file.parent_path() != in.out_dir) s["path"] = stream->file.string();
    // The encrypted file as it stands on disk (header and per-chunk tags included).
    std::error_code ec;
    const auto file_bytes = std::filesystem::file_size(stream->file, ec);
    s["file_bytes"] = ec ? 0 : file_bytes;
    if (stream->kind == StreamKind::video) {
      s["width"] = stream->plan.width;
      s["height"] = stream->plan.height;
      s["rate"] = stream->plan.rate ? to_json(*stream->plan.rate) : Json(nullptr);
      if (!stream->colour_backend.empty()) s["colour_backend"] = stream->colour_backend;
      s["calibration"] = stream->profile.is_null() ? Json(nullptr)
                                                   : Json{{"path", stream->profile_path.string()},
                                                          {"profile", stream->profile}};
    } else {
      s["sample_rate"] = 48000;
      s["channels"] = 1;
    }
    const std::int64_t first = stream->first_running_ns.load();
    if (first >= 0) {
      s["start"] = to_json(Time::nanoseconds(first));
      s["start_ns"] = first;
      if (in.clock_zero_unix_ns != 0) s["start_wall_utc"] = utc_text(in.clock_zero_unix_ns + first);
    } else {
      s["start"] = nullptr;
    }
    if (!stats.error.empty()) s["error"] = stats.error;
    streams.push_back(std::move(s));
  }
  Json markers = Json::array();
  for (const Marker& m : *in.markers) {
    markers.push_back(
        {{"label", m.label}, {"time", to_json(m.time)}, {"wall_utc", utc_text(m.wall_unix_ns)}});
  }
  Json manifest = {
      {"format", kManifestFormat},
      {"session_id", in.session_id},
      {"status", in.status},
      {"created_utc", utc_text(in.created_unix_ns)},
      {"preset", in.preset},
      {"recipients", in.recipients},
      {"clock",
       {{"timebase", to_json(kNanosecondTimebase)},
        {"zero_wall_utc",
         in.clock_zero_unix_ns != 0 ? Json(utc_text(in.clock_zero_unix_ns)) : Json(nullptr)},
        {"zero_unix_ns", in.clock_zero_unix_ns}}},
      {"streams", std::move(streams)},
      {"markers", std::move(markers)},
  };
  if (!in.stop_reason.empty()) manifest["stop_reason"] = in.stop_reason;
  return manifest;
}

}  // namespace clinvid::capture
