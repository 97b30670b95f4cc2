#include "capture/session.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <utility>

#include <fmt/format.h>

#include "capture/branch.hpp"
#include "capture/gst_support.hpp"
#include "capture/manifest.hpp"
#include "capture/probes.hpp"
#include "capture/stream.hpp"
#include "core/id.hpp"
#include "core/log.hpp"
#include "core/paths.hpp"
#include "crypto/keys.hpp"

namespace clinvid::capture {

std::string_view to_string(StreamState state) noexcept {
  switch (state) {
    case StreamState::pending: return "pending";
    case StreamState::recording: return "recording";
    case StreamState::complete: return "complete";
    case StreamState::failed: return "failed";
    case StreamState::invalid: break;
  }
  return "invalid";
}

struct Session::Impl {
  SessionConfig config;
  Preset preset;
  std::string session_id = Uuid::random().to_string();
  std::int64_t created_unix_ns = now_unix_ns();
  std::int64_t clock_zero_unix_ns = 0;
  ElementPtr pipeline;
  BusPtr bus;
  std::vector<std::unique_ptr<StreamRuntime>> streams;
  std::vector<Marker> markers;
  SessionState state = SessionState::created;
  std::string stop_reason;
  bool stopping = false;

  ~Impl() {
    if (pipeline) gst_element_set_state(pipeline.get(), GST_STATE_NULL);
  }

  [[nodiscard]] Json manifest(std::string_view status) const {
    ManifestInputs in;
    in.session_id = session_id;
    in.status = std::string(status);
    in.preset = preset.name;
    in.recipients = config.recipients;
    in.out_dir = config.out_dir;
    in.created_unix_ns = created_unix_ns;
    in.clock_zero_unix_ns = clock_zero_unix_ns;
    in.stop_reason = stop_reason;
    in.streams = &streams;
    in.markers = &markers;
    return build_manifest(in);
  }

  [[nodiscard]] std::filesystem::path manifest_path() const {
    return config.out_dir / kManifestName;
  }

  Status save_manifest(std::string_view status) const {
    if (auto ok = write_json_file_atomic(manifest_path(), manifest(status)); !ok) {
      return with_context(ok.error(), "cannot write the session manifest");
    }
    return {};
  }

  [[nodiscard]] std::int64_t running_time_now_ns() const {
    GstClock* clock = gst_element_get_clock(pipeline.get());
    if (clock == nullptr) return 0;
    const GstClockTime now = gst_clock_get_time(clock);
    gst_object_unref(clock);
    const GstClockTime base = gst_element_get_base_time(pipeline.get());
    return now > base ? static_cast<std::int64_t>(now - base) : 0;
  }

  StreamRuntime* stream_of(GstObject* object) const {
    for (GstObject* o = object != nullptr ? GST_OBJECT(gst_object_ref(object)) : nullptr;
         o != nullptr;) {
      for (const auto& s : streams) {
        if (o == GST_OBJECT(s->bin.get())) {
          gst_object_unref(o);
          return s.get();
        }
      }
      GstObject* parent = gst_object_get_parent(o);
      gst_object_unref(o);
      o = parent;
    }
    return nullptr;
  }

  // Pushes EOS into the stream so its encoder, muxer and sink finish: at the source while it
  // runs, after it (at the entry element) when the source has failed.
  void end_stream(StreamRuntime& s, bool source_failed) {
    {
      const std::lock_guard lock(s.mutex);
      if (s.eos_sent) return;
      s.eos_sent = true;
    }
    if (!source_failed) {
      const ElementPtr src(gst_bin_get_by_name(GST_BIN(s.bin.get()), "src"));
      if (src && gst_element_send_event(src.get(), gst_event_new_eos()) != FALSE) return;
    }
    const char* entry = s.kind == StreamKind::video ? "colour" : "convert";
    const ElementPtr element(gst_bin_get_by_name(GST_BIN(s.bin.get()), entry));
    if (!element) return;
    const PadPtr pad(gst_element_get_static_pad(element.get(), "sink"));
    if (pad) static_cast<void>(gst_pad_send_event(pad.get(), gst_event_new_eos()));
  }

  void mark_failed(StreamRuntime& s, const std::string& why) {
    const std::lock_guard lock(s.mutex);
    if (s.state == StreamState::failed) return;
    s.state = StreamState::failed;
    s.error = why;
  }

  [[nodiscard]] bool all_ended() const {
    return std::all_of(streams.begin(), streams.end(), [](const auto& s) {
      const std::lock_guard lock(s->mutex);
      return s->state == StreamState::complete || s->state == StreamState::failed;
    });
  }

  void begin_stop() {
    stopping = true;
    for (auto& s : streams) end_stream(*s, false);
  }

  static bool is_storage_error(GstMessage* message, StreamRuntime* stream) {
    GError* error = nullptr;
    gst_message_parse_error(message, &error, nullptr);
    const bool resource_write =
        error != nullptr && error->domain == GST_RESOURCE_ERROR &&
        (error->code == GST_RESOURCE_ERROR_NO_SPACE_LEFT ||
         error->code == GST_RESOURCE_ERROR_WRITE || error->code == GST_RESOURCE_ERROR_CLOSE);
    if (error != nullptr) g_error_free(error);
    if (stream == nullptr) return resource_write;
    const ElementPtr sink(gst_bin_get_by_name(GST_BIN(stream->bin.get()), "sink"));
    return resource_write && sink && GST_MESSAGE_SRC(message) == GST_OBJECT(sink.get());
  }

  void handle_error(GstMessage* message) {
    StreamRuntime* stream = stream_of(GST_MESSAGE_SRC(message));
    const std::string text = describe_message(message);
    const std::string who =
        GST_MESSAGE_SRC_NAME(message) != nullptr ? GST_MESSAGE_SRC_NAME(message) : "?";
    if (stream == nullptr) {
      log(LogLevel::error, "capture", "pipeline error from {}: {}", who, text);
      if (stop_reason.empty()) stop_reason = "pipeline error: " + text;
      for (auto& s : streams) mark_failed(*s, "pipeline error: " + text);
      return;
    }
    if (is_storage_error(message, stream)) {
      mark_failed(*stream, "storage: " + text);
      if (stop_reason.empty()) {
        stop_reason = fmt::format(
            "storage failure on {} ({}); recording stopped, everything written so far is kept",
            stream->id, text);
      }
      log(LogLevel::error, "capture", "{}", stop_reason);
      begin_stop();
      return;
    }
    {
      const std::lock_guard lock(stream->mutex);
      if (stream->state == StreamState::failed) return;  // the same fault, reported again
    }
    mark_failed(*stream, text);
    log(LogLevel::warn, "capture", "{} ({}) failed: {}; the other streams continue", stream->id,
        stream->uri, text);
    end_stream(*stream, true);
  }

  void handle_stream_eos(GstObject* source) {
    for (auto& s : streams) {
      if (source != GST_OBJECT(s->bin.get())) continue;
      const std::lock_guard lock(s->mutex);
      if (s->state != StreamState::failed) s->state = StreamState::complete;
    }
  }

  void handle(GstMessage* message) {
    switch (GST_MESSAGE_TYPE(message)) {
      case GST_MESSAGE_ERROR: handle_error(message); break;
      case GST_MESSAGE_WARNING:
        log(LogLevel::warn, "capture", "{}: {}", GST_MESSAGE_SRC_NAME(message),
            describe_message(message));
        break;
      case GST_MESSAGE_ELEMENT: {
        const GstStructure* s = gst_message_get_structure(message);
        if (s == nullptr || gst_structure_has_name(s, "GstBinForwarded") == FALSE) break;
        GstMessage* inner = nullptr;
        gst_structure_get(s, "message", GST_TYPE_MESSAGE, &inner, nullptr);
        if (inner == nullptr) break;
        if (GST_MESSAGE_TYPE(inner) == GST_MESSAGE_EOS) handle_stream_eos(GST_MESSAGE_SRC(inner));
        gst_message_unref(inner);
        break;
      }
      case GST_MESSAGE_EOS:
        for (auto& s : streams) handle_stream_eos(GST_OBJECT(s->bin.get()));
        break;
      default: break;
    }
  }

  SessionState poll(std::chrono::milliseconds wait) {
    if (state != SessionState::recording) return state;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    const auto types = static_cast<GstMessageType>(GST_MESSAGE_ERROR | GST_MESSAGE_WARNING |
                                                   GST_MESSAGE_EOS | GST_MESSAGE_ELEMENT);
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(
          deadline - std::chrono::steady_clock::now());
      const GstClockTime timeout = left.count() > 0 ? static_cast<GstClockTime>(left.count()) : 0;
      const MessagePtr message(gst_bus_timed_pop_filtered(bus.get(), timeout, types));
      if (!message) break;
      handle(message.get());
      if (all_ended()) break;
    }
    if (all_ended()) state = SessionState::stopped;
    return state;
  }

  Status build();
};

Status Session::Impl::build() {
  pipeline.reset(gst_pipeline_new(("session-" + session_id).c_str()));
  if (!pipeline) return fail(Errc::media, "cannot create a pipeline");
  gst_object_ref_sink(pipeline.get());
  // Children's EOS messages come to the bus wrapped, so each stream's end is seen on its own.
  g_object_set(pipeline.get(), "message-forward", TRUE, nullptr);
  bus.reset(gst_element_get_bus(pipeline.get()));
  for (auto& s : streams) {
    std::string recipients;
    for (const std::string& r : s->recipients) recipients += (recipients.empty() ? "" : ",") + r;
    GError* error = nullptr;
    GstElement* bin = gst_parse_bin_from_description_full(
        s->plan.description.c_str(), FALSE, nullptr, GST_PARSE_FLAG_FATAL_ERRORS, &error);
    if (bin == nullptr) {
      std::string why = error != nullptr ? error->message : "unknown reason";
      if (error != nullptr) g_error_free(error);
      return fail(Errc::media, s->id + " (" + s->uri + "): cannot build its pipeline: " + why);
    }
    gst_object_set_name(GST_OBJECT(bin), s->id.c_str());
    s->bin.reset(GST_ELEMENT(gst_object_ref(bin)));
    gst_bin_add(GST_BIN(pipeline.get()), bin);
    const ElementPtr sink(gst_bin_get_by_name(GST_BIN(bin), "sink"));
    g_object_set(sink.get(), "location", s->file.c_str(), "recipients", recipients.c_str(),
                 "fsync-interval", config.fsync_interval_ms, nullptr);
    if (s->kind == StreamKind::video) {
      const ElementPtr colour(gst_bin_get_by_name(GST_BIN(bin), "colour"));
      gst_util_set_object_arg(G_OBJECT(colour.get()), "backend", config.colour_backend.c_str());
      if (!s->profile_path.empty()) {
        g_object_set(colour.get(), "profile", s->profile_path.c_str(), nullptr);
      }
      if (s->plan.encoder == "x264enc") {
        const ElementPtr enc(gst_bin_get_by_name(GST_BIN(bin), "enc"));
        g_object_set(enc.get(), "option-string", "nal-hrd=cbr:filler=1", nullptr);
      }
      if (s->source.kind == SourceKind::rtsp) {
        const ElementPtr src(gst_bin_get_by_name(GST_BIN(bin), "src"));
        // A camera that drops: after the UDP timeout rtspsrc retries over TCP, and gives up
        // (an element error: the camera fails) only when no data came for the whole window.
        const auto window_us = static_cast<guint64>(
            std::chrono::duration_cast<std::chrono::microseconds>(config.rtsp_retry).count());
        g_object_set(src.get(), "timeout", std::min<guint64>(window_us, 5'000'000), "tcp-timeout",
                     window_us, nullptr);
      }
    }
    if (auto ok = install_probes(*s); !ok) return ok;
  }
  return {};
}

Session::Session(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

Result<Session> Session::create(SessionConfig config) {
  if (config.cameras.empty() && !config.audio_uri) {
    return fail(Errc::invalid_argument, "a session needs at least one camera");
  }
  for (const std::string& r : config.recipients) {
    if (auto parsed = crypto::X25519Recipient::parse(r); !parsed) {
      return with_context(parsed.error(), "recipient " + r);
    }
  }
  for (const auto& [id, target] : config.targets) {
    for (const std::string& r : target.recipients) {
      if (auto parsed = crypto::X25519Recipient::parse(r); !parsed) {
        return with_context(parsed.error(), id + ": recipient " + r);
      }
    }
  }
  if (config.out_dir.empty()) return fail(Errc::invalid_argument, "no output directory");
  if (config.colour_backend != "auto" && config.colour_backend != "gpu" &&
      config.colour_backend != "cpu") {
    return fail(Errc::invalid_argument,
                "colour backend '" + config.colour_backend + "': use auto, gpu or cpu");
  }
  auto preset = find_preset(config.preset);
  if (!preset) return tl::unexpected(preset.error());
  if (auto ok = init_gstreamer(config.plugin_dir); !ok) return tl::unexpected(ok.error());

  auto impl = std::make_unique<Impl>();
  impl->preset = *preset;
  std::string encoder;
  if (!config.cameras.empty()) {
    auto chosen = choose_video_encoder(config.encoder);
    if (!chosen) return tl::unexpected(chosen.error());
    encoder = *chosen;
  }
  for (std::size_t i = 0; i < config.cameras.size(); ++i) {
    const CameraConfig& camera = config.cameras[i];
    auto stream = std::make_unique<StreamRuntime>();
    stream->id = "cam" + std::to_string(i);
    stream->uri = camera.uri;
    stream->kind = StreamKind::video;
    auto source = parse_source(camera.uri);
    if (!source) return tl::unexpected(source.error());
    stream->source = std::move(*source);
    auto plan = plan_camera(stream->source, *preset, encoder);
    if (!plan) return tl::unexpected(plan.error());
    stream->plan = std::move(*plan);
    stream->file = config.out_dir / (stream->id + ".mkv.age");
    if (!camera.profile.empty()) {
      auto profile = read_json_file(camera.profile);
      if (!profile) {
        return with_context(profile.error(),
                            stream->id + ": calibration profile " + camera.profile.string());
      }
      stream->profile = std::move(*profile);
      stream->profile_path = std::filesystem::absolute(camera.profile);
    }
    impl->streams.push_back(std::move(stream));
  }
  if (config.audio_uri) {
    auto stream = std::make_unique<StreamRuntime>();
    stream->id = "mic0";
    stream->uri = *config.audio_uri;
    stream->kind = StreamKind::audio;
    auto source = parse_audio_source(*config.audio_uri);
    if (!source) return tl::unexpected(source.error());
    auto plan = plan_microphone(*source);
    if (!plan) return tl::unexpected(plan.error());
    stream->plan = std::move(*plan);
    stream->file = config.out_dir / (stream->id + ".mka.age");
    impl->streams.push_back(std::move(stream));
  }
  // Where each stream goes and to whom, and that no stream would be written unencrypted.
  for (auto& s : impl->streams) {
    s->recipients = config.recipients;
    if (const auto target = config.targets.find(s->id); target != config.targets.end()) {
      if (!target->second.file.empty()) s->file = target->second.file;
      s->recipients.insert(s->recipients.end(), target->second.recipients.begin(),
                           target->second.recipients.end());
    }
    if (s->recipients.empty()) {
      return fail(Errc::invalid_argument, s->id +
                                              ": no recipients: recordings are only ever written "
                                              "encrypted (give -r or -R)");
    }
  }
  for (const auto& [id, target] : config.targets) {
    const bool known = std::any_of(impl->streams.begin(), impl->streams.end(),
                                   [&id = id](const auto& s) { return s->id == id; });
    if (!known) return fail(Errc::invalid_argument, "a target for no stream: " + id);
  }
  // Never overwrite an earlier recording.
  std::error_code ec;
  if (std::filesystem::exists(config.out_dir / kManifestName, ec)) {
    return fail(Errc::invalid_argument, config.out_dir.string() +
                                            " already holds a recording (manifest.json); choose "
                                            "a new directory");
  }
  for (const auto& s : impl->streams) {
    if (std::filesystem::exists(s->file, ec)) {
      return fail(Errc::invalid_argument, s->file.string() + " already exists");
    }
  }
  impl->config = std::move(config);
  if (auto ok = impl->build(); !ok) return tl::unexpected(ok.error());
  return Session(std::move(impl));
}

Status Session::start() {
  Impl& s = *impl_;
  if (s.state != SessionState::created) return fail(Errc::invalid_argument, "already started");
  if (auto ok = paths::ensure_directory(s.config.out_dir); !ok) return ok;
  if (auto ok = s.save_manifest("recording"); !ok) return ok;
  for (auto& stream : s.streams) {
    const std::lock_guard lock(stream->mutex);
    stream->state = StreamState::recording;
  }
  const GstStateChangeReturn ret = gst_element_set_state(s.pipeline.get(), GST_STATE_PLAYING);
  GstState reached = GST_STATE_NULL;
  const GstStateChangeReturn waited =
      ret == GST_STATE_CHANGE_FAILURE
          ? ret
          : gst_element_get_state(s.pipeline.get(), &reached, nullptr, 10 * GST_SECOND);
  if (waited == GST_STATE_CHANGE_FAILURE || reached != GST_STATE_PLAYING) {
    std::string why = "the pipeline did not start";
    while (const MessagePtr m{gst_bus_pop_filtered(s.bus.get(), GST_MESSAGE_ERROR)}) {
      StreamRuntime* stream = s.stream_of(GST_MESSAGE_SRC(m.get()));
      why = (stream != nullptr ? stream->id + " (" + stream->uri + "): " : std::string()) +
            describe_message(m.get());
      break;
    }
    gst_element_set_state(s.pipeline.get(), GST_STATE_NULL);
    for (auto& stream : s.streams) s.mark_failed(*stream, why);
    s.stop_reason = why;
    s.state = SessionState::stopped;
    static_cast<void>(s.save_manifest("failed"));
    return fail(Errc::media, "cannot start recording: " + why);
  }
  s.clock_zero_unix_ns = now_unix_ns() - s.running_time_now_ns();
  for (auto& stream : s.streams) {
    if (stream->kind != StreamKind::video) continue;
    const ElementPtr colour(gst_bin_get_by_name(GST_BIN(stream->bin.get()), "colour"));
    gchar* active = nullptr;
    g_object_get(colour.get(), "active-backend", &active, nullptr);
    stream->colour_backend = active != nullptr ? active : "";
    g_free(active);
  }
  s.state = SessionState::recording;
  return s.save_manifest("recording");
}

SessionState Session::poll(std::chrono::milliseconds wait) {
  return impl_->poll(wait);
}

Status Session::add_marker(std::string label) {
  Impl& s = *impl_;
  if (s.state != SessionState::recording) {
    return fail(Errc::invalid_argument, "markers can only be added while recording");
  }
  if (label.empty()) return fail(Errc::invalid_argument, "a marker needs a label");
  s.markers.push_back(
      Marker{std::move(label), Time::nanoseconds(s.running_time_now_ns()), now_unix_ns()});
  return s.save_manifest("recording");
}

Result<Json> Session::stop(std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  if (s.state == SessionState::created) return fail(Errc::invalid_argument, "not started");
  if (s.state == SessionState::recording) {
    s.begin_stop();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (s.poll(std::chrono::milliseconds(100)) == SessionState::recording &&
           std::chrono::steady_clock::now() < deadline) {
    }
  }
  for (auto& stream : s.streams) {
    const std::lock_guard lock(stream->mutex);
    if (stream->state == StreamState::recording) {
      stream->state = StreamState::failed;
      stream->error = "did not finish within the stop timeout; its file is unfinished (recover it)";
    }
  }
  gst_element_set_state(s.pipeline.get(), GST_STATE_NULL);
  s.state = SessionState::stopped;
  const bool all_complete = std::all_of(s.streams.begin(), s.streams.end(), [](const auto& st) {
    const std::lock_guard lock(st->mutex);
    return st->state == StreamState::complete;
  });
  const char* status = all_complete && s.stop_reason.empty() ? "complete" : "incomplete";
  Json manifest = s.manifest(status);
  if (auto ok = write_json_file_atomic(s.manifest_path(), manifest); !ok) {
    return with_context(ok.error(), "cannot write the session manifest");
  }
  return manifest;
}

std::vector<StreamStats> Session::stats() const {
  std::vector<StreamStats> out;
  for (const auto& s : impl_->streams) out.push_back(stats_of(*s));
  return out;
}

std::optional<PreviewFrame> Session::preview(std::size_t index,
                                             std::uint64_t after_sequence) const {
  std::size_t camera = 0;
  for (const auto& s : impl_->streams) {
    if (s->kind != StreamKind::video) continue;
    if (camera++ == index) return copy_preview(*s, after_sequence);
  }
  return std::nullopt;
}

Json Session::manifest() const {
  return impl_->manifest(impl_->state == SessionState::recording ? "recording" : "stopped");
}

std::filesystem::path Session::manifest_path() const {
  return impl_->manifest_path();
}

std::string Session::stop_reason() const {
  return impl_->stop_reason;
}

SessionState Session::state() const noexcept {
  return impl_->state;
}

}  // namespace clinvid::capture
