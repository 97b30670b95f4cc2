// The launch line below stays on one line so that it can be copied.
// clang-format off
/**
 * SECTION:element-clinvidagesink
 * @title: clinvidagesink
 *
 * Writes the bytes it receives into an age v1 encrypted file at #GstClinvidAgeSink:location,
 * encrypted to the X25519 recipients (`age1…`) in #GstClinvidAgeSink:recipients and/or
 * #GstClinvidAgeSink:recipients-file. The result decrypts with `age -d -i key.txt`.
 *
 * The file is written in place, not through a temporary name, so that a recording survives a
 * crash as an unfinished age stream; `clinvid` recovery (crypto::recover_to) makes it whole.
 * Data is fsynced at least every #GstClinvidAgeSink:fsync-interval milliseconds while buffers
 * arrive. EOS seals the final chunk. The sink is append-only and says so to the SEEKING
 * query, so matroskamux and mp4mux write streamable output in front of it.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 -e videotestsrc num-buffers=100 ! x264enc ! matroskamux ! clinvidagesink location=a.age recipients=age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
 * ]|
 * Records 100 frames of H.264 test bars in Matroska, encrypted; `age -d -i key.txt a.age`
 * gives back the MKV.
 */
// clang-format on
#include "clinvidagesink.h"
#include "register_type.h"

#include <chrono>
#include <cstdint>
#include <exception>
#include <fstream>
#include <memory>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "crypto/io.hpp"
#include "crypto/keys.hpp"
#include "crypto/secret.hpp"
#include "crypto/writer.hpp"

GST_DEBUG_CATEGORY_STATIC(gst_clinvid_age_sink_debug);
#define GST_CAT_DEFAULT gst_clinvid_age_sink_debug

namespace {

namespace crypto = clinvid::crypto;

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_RECIPIENTS,
  PROP_RECIPIENTS_FILE,
  PROP_FSYNC_INTERVAL,
  PROP_ARMOR,
};

constexpr const char* DEFAULT_PROP_LOCATION = nullptr;
constexpr const char* DEFAULT_PROP_RECIPIENTS = nullptr;
constexpr const char* DEFAULT_PROP_RECIPIENTS_FILE = nullptr;
constexpr guint DEFAULT_PROP_FSYNC_INTERVAL = 1000;  // ms: a crash loses at most about 1 s
constexpr gboolean DEFAULT_PROP_ARMOR = FALSE;

constexpr auto kReadWriteWhileStopped =
    static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
constexpr auto kWriteOnlyWhileStopped =
    static_cast<GParamFlags>(G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

// Everything C++ the element owns (GObject never runs constructors): created in init, deleted
// in finalize.
struct AgeSinkState {
  // Guarded by the object lock.
  std::string location;
  std::string recipients_file;
  std::vector<crypto::X25519Recipient> recipients;  // parsed from `recipients`
  std::string recipients_error;                     // why `recipients` did not parse
  guint fsync_interval_ms = DEFAULT_PROP_FSYNC_INTERVAL;
  bool armor = DEFAULT_PROP_ARMOR != FALSE;

  // Touched by start()/stop() and the streaming thread, which GstBaseSink never runs at once.
  std::optional<crypto::Encryptor> encryptor;
  bool failed = false;
  std::uint64_t bytes_written = 0;
  std::chrono::steady_clock::time_point last_sync;
};

struct Settings {
  std::string location;
  std::string recipients_file;
  std::vector<crypto::X25519Recipient> recipients;
  std::string recipients_error;
  guint fsync_interval_ms = 0;
  bool armor = false;
};

// age1… recipients separated by commas or whitespace; with `comments`, a line whose first
// non-blank character is '#' is skipped (the recipients-file form that age -R reads).
enum class Comments { none, hash_lines };

clinvid::Result<std::vector<crypto::X25519Recipient>> parse_recipient_list(std::string_view text,
                                                                           Comments comments) {
  std::vector<crypto::X25519Recipient> recipients;
  const auto is_separator = [](char c) {
    return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
  };
  std::size_t i = 0;
  bool line_start = true;
  while (i < text.size()) {
    if (text[i] == '\n') line_start = true;
    if (is_separator(text[i])) {
      ++i;
      continue;
    }
    if (line_start && comments == Comments::hash_lines && text[i] == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    line_start = false;
    std::size_t end = i;
    while (end < text.size() && !is_separator(text[end])) ++end;
    const std::string_view word = text.substr(i, end - i);
    auto recipient = crypto::X25519Recipient::parse(word);
    if (!recipient) {
      return clinvid::with_context(recipient.error(),
                                   "recipient " + std::to_string(recipients.size() + 1));
    }
    recipients.push_back(*recipient);
    i = end;
  }
  return recipients;
}

clinvid::Result<std::vector<crypto::X25519Recipient>> read_recipient_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return clinvid::fail(clinvid::Errc::not_found, "cannot read " + path);
  std::ostringstream text;
  text << file.rdbuf();
  auto parsed = parse_recipient_list(text.str(), Comments::hash_lines);
  if (!parsed) return clinvid::with_context(parsed.error(), path);
  if (parsed->empty())
    return clinvid::fail(clinvid::Errc::invalid_argument, path + " names no recipient");
  return parsed;
}

GstFlowReturn post_write_error(GstBaseSink* sink, const clinvid::Error& error) {
  if (error.code == clinvid::Errc::no_space) {
    GST_ELEMENT_ERROR(sink, RESOURCE, NO_SPACE_LEFT, ("No space left on the disk."),
                      ("%s", error.message().c_str()));
  } else {
    GST_ELEMENT_ERROR(sink, RESOURCE, WRITE, ("Could not write the encrypted file."),
                      ("%s", error.message().c_str()));
  }
  return GST_FLOW_ERROR;
}

}  // namespace

struct _GstClinvidAgeSink {
  GstBaseSink parent;
  AgeSinkState* state;  // owned; see AgeSinkState
};

// Registered through register_type.h rather than G_DEFINE_TYPE (see there).
static gpointer gst_clinvid_age_sink_parent_class = nullptr;
static void gst_clinvid_age_sink_class_init(gpointer klass, gpointer class_data);
static void gst_clinvid_age_sink_init(GTypeInstance* instance, gpointer klass);

GType gst_clinvid_age_sink_get_type(void) {
  static const GType type =
      clinvid::gst::register_element_type<GstClinvidAgeSink, GstClinvidAgeSinkClass>(
          GST_TYPE_BASE_SINK, "GstClinvidAgeSink", gst_clinvid_age_sink_class_init,
          gst_clinvid_age_sink_init);
  return type;
}

GST_ELEMENT_REGISTER_DEFINE(clinvidagesink, "clinvidagesink", GST_RANK_NONE,
                            GST_TYPE_CLINVID_AGE_SINK)

// Parses and wipes `text`; keeps only the parsed public keys.
static void set_recipients(AgeSinkState& state, const char* text) {
  std::string copy = text != nullptr ? text : "";
  auto parsed = parse_recipient_list(copy, Comments::none);
  crypto::wipe(std::span<char>(copy.data(), copy.size()));
  state.recipients.clear();
  state.recipients_error.clear();
  if (parsed) {
    state.recipients = std::move(*parsed);
  } else {
    state.recipients_error = parsed.error().message();
  }
}

static void gst_clinvid_age_sink_set_property(GObject* object, guint prop_id, const GValue* value,
                                              GParamSpec* pspec) {
  GstClinvidAgeSink* self = GST_CLINVID_AGE_SINK(object);
  AgeSinkState& state = *self->state;
  try {
    GST_OBJECT_LOCK(self);
    switch (prop_id) {
      case PROP_LOCATION: {
        const gchar* location = g_value_get_string(value);
        state.location = location != nullptr ? location : "";
        break;
      }
      case PROP_RECIPIENTS: set_recipients(state, g_value_get_string(value)); break;
      case PROP_RECIPIENTS_FILE: {
        const gchar* path = g_value_get_string(value);
        state.recipients_file = path != nullptr ? path : "";
        break;
      }
      case PROP_FSYNC_INTERVAL: state.fsync_interval_ms = g_value_get_uint(value); break;
      case PROP_ARMOR: state.armor = g_value_get_boolean(value) != FALSE; break;
      default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec); break;
    }
    GST_OBJECT_UNLOCK(self);
  } catch (const std::exception& e) {
    GST_OBJECT_UNLOCK(self);
    GST_ERROR_OBJECT(self, "cannot set %s: %s", g_param_spec_get_name(pspec), e.what());
  }
}

static void gst_clinvid_age_sink_get_property(GObject* object, guint prop_id, GValue* value,
                                              GParamSpec* pspec) {
  GstClinvidAgeSink* self = GST_CLINVID_AGE_SINK(object);
  AgeSinkState& state = *self->state;
  GST_OBJECT_LOCK(self);
  switch (prop_id) {
    case PROP_LOCATION:
      g_value_set_string(value,
                         state.location.empty() ? DEFAULT_PROP_LOCATION : state.location.c_str());
      break;
    case PROP_RECIPIENTS_FILE:
      g_value_set_string(value, state.recipients_file.empty() ? DEFAULT_PROP_RECIPIENTS_FILE
                                                              : state.recipients_file.c_str());
      break;
    case PROP_FSYNC_INTERVAL: g_value_set_uint(value, state.fsync_interval_ms); break;
    case PROP_ARMOR: g_value_set_boolean(value, state.armor ? TRUE : FALSE); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec); break;
  }
  GST_OBJECT_UNLOCK(self);
}

static void gst_clinvid_age_sink_finalize(GObject* object) {
  GstClinvidAgeSink* self = GST_CLINVID_AGE_SINK(object);
  delete self->state;
  self->state = nullptr;
  G_OBJECT_CLASS(gst_clinvid_age_sink_parent_class)->finalize(object);
}

static Settings settings_of(GstClinvidAgeSink* self) {
  GST_OBJECT_LOCK(self);
  const AgeSinkState& state = *self->state;
  Settings settings{state.location,         state.recipients_file,   state.recipients,
                    state.recipients_error, state.fsync_interval_ms, state.armor};
  GST_OBJECT_UNLOCK(self);
  return settings;
}

// The recipients of both properties, or an element error.
static std::optional<std::vector<crypto::Recipient>> gather_recipients(GstClinvidAgeSink* self,
                                                                       const Settings& settings) {
  if (!settings.recipients_error.empty()) {
    GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("Invalid recipients."),
                      ("recipients: %s", settings.recipients_error.c_str()));
    return std::nullopt;
  }
  std::vector<crypto::Recipient> recipients;
  for (const auto& r : settings.recipients) recipients.emplace_back(r);
  if (!settings.recipients_file.empty()) {
    auto from_file = read_recipient_file(settings.recipients_file);
    if (!from_file) {
      GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("Invalid recipients file."),
                        ("%s", from_file.error().message().c_str()));
      return std::nullopt;
    }
    for (auto& r : *from_file) recipients.emplace_back(std::move(r));
  }
  if (recipients.empty()) {
    GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("No recipients."),
                      ("set recipients (age1…) or recipients-file"));
    return std::nullopt;
  }
  return recipients;
}

static gboolean gst_clinvid_age_sink_start(GstBaseSink* sink) {
  GstClinvidAgeSink* self = GST_CLINVID_AGE_SINK(sink);
  AgeSinkState& state = *self->state;
  try {
    const Settings settings = settings_of(self);
    if (settings.location.empty()) {
      GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("No file name specified for writing."),
                        ("set location"));
      return FALSE;
    }
    auto recipients = gather_recipients(self, settings);
    if (!recipients) return FALSE;
    auto file = crypto::FdSink::create(settings.location, crypto::FileDurability::sync_on_close);
    if (!file) {
      GST_ELEMENT_ERROR(self, RESOURCE, OPEN_WRITE, ("Could not open the file for writing."),
                        ("%s", file.error().message().c_str()));
      return FALSE;
    }
    crypto::WriterOptions options;
    options.armor = settings.armor ? crypto::Armor::armored : crypto::Armor::binary;
    options.fsync_interval_ms = settings.fsync_interval_ms;
    auto encryptor = crypto::Encryptor::create(*recipients, std::move(*file), options);
    if (!encryptor) {
      post_write_error(sink, encryptor.error());
      return FALSE;
    }
    state.encryptor.emplace(std::move(*encryptor));
    state.failed = false;
    state.bytes_written = 0;
    state.last_sync = std::chrono::steady_clock::now();
    GST_INFO_OBJECT(self, "writing %s to %zu recipient(s)", settings.location.c_str(),
                    recipients->size());
    return TRUE;
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, RESOURCE, OPEN_WRITE, ("Could not start writing."), ("%s", e.what()));
  } catch (...) {
    GST_ELEMENT_ERROR(self, RESOURCE, OPEN_WRITE, ("Could not start writing."),
                      ("unknown exception"));
  }
  return FALSE;
}

// Seals the final chunk; false (with an element error) on failure.
static bool finish(GstClinvidAgeSink* self) {
  AgeSinkState& state = *self->state;
  if (!state.encryptor || state.failed) return !state.failed;
  auto finished = state.encryptor->finish();
  state.encryptor.reset();
  if (!finished) {
    state.failed = true;
    post_write_error(GST_BASE_SINK(self), finished.error());
    return false;
  }
  GST_INFO_OBJECT(self, "finished after %" G_GUINT64_FORMAT " bytes", state.bytes_written);
  return true;
}

static gboolean gst_clinvid_age_sink_stop(GstBaseSink* sink) {
  GstClinvidAgeSink* self = GST_CLINVID_AGE_SINK(sink);
  AgeSinkState& state = *self->state;
  try {
    if (state.encryptor && !state.failed) {
      GST_WARNING_OBJECT(self, "stopped without EOS; finishing the stream here");
    }
    const bool ok = finish(self);
    state.encryptor.reset();  // after a failure: leaves an unfinished, recoverable stream
    return ok ? TRUE : FALSE;
  } catch (const std::exception& e) {
    state.encryptor.reset();
    GST_ELEMENT_ERROR(self, RESOURCE, CLOSE, ("Could not finish the file."), ("%s", e.what()));
  } catch (...) {
    state.encryptor.reset();
    GST_ELEMENT_ERROR(self, RESOURCE, CLOSE, ("Could not finish the file."), ("unknown exception"));
  }
  return FALSE;
}

static GstFlowReturn gst_clinvid_age_sink_render(GstBaseSink* sink, GstBuffer* buffer) {
  GstClinvidAgeSink* self = GST_CLINVID_AGE_SINK(sink);
  AgeSinkState& state = *self->state;
  if (!state.encryptor || state.failed) return GST_FLOW_ERROR;
  GstMapInfo map;
  if (gst_buffer_map(buffer, &map, GST_MAP_READ) == FALSE) {
    GST_ELEMENT_ERROR(self, RESOURCE, WRITE, ("Could not map a buffer."), (nullptr));
    return GST_FLOW_ERROR;
  }
  try {
    auto written = state.encryptor->write(std::span<const std::uint8_t>(map.data, map.size));
    gst_buffer_unmap(buffer, &map);
    if (!written) {
      state.failed = true;
      return post_write_error(sink, written.error());
    }
    state.bytes_written += map.size;
    // The writer syncs only as chunks are sealed; this bounds the loss by time as well.
    GST_OBJECT_LOCK(self);
    const guint interval_ms = state.fsync_interval_ms;
    GST_OBJECT_UNLOCK(self);
    const auto now = std::chrono::steady_clock::now();
    if (interval_ms > 0 && now - state.last_sync >= std::chrono::milliseconds(interval_ms)) {
      if (auto synced = state.encryptor->sync(); !synced) {
        state.failed = true;
        return post_write_error(sink, synced.error());
      }
      state.last_sync = now;
    }
    return GST_FLOW_OK;
  } catch (const std::exception& e) {
    state.failed = true;
    GST_ELEMENT_ERROR(self, RESOURCE, WRITE, ("Could not write the encrypted file."),
                      ("%s", e.what()));
  } catch (...) {
    state.failed = true;
    GST_ELEMENT_ERROR(self, RESOURCE, WRITE, ("Could not write the encrypted file."),
                      ("unknown exception"));
  }
  return GST_FLOW_ERROR;
}

static gboolean gst_clinvid_age_sink_event(GstBaseSink* sink, GstEvent* event) {
  GstClinvidAgeSink* self = GST_CLINVID_AGE_SINK(sink);
  AgeSinkState& state = *self->state;
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_SEGMENT: {
      const GstSegment* segment = nullptr;
      gst_event_parse_segment(event, &segment);
      // A muxer going back to rewrite a header cannot be served by an append-only stream.
      if (segment->format == GST_FORMAT_BYTES && segment->start != state.bytes_written) {
        GST_ELEMENT_ERROR(
            self, RESOURCE, SEEK, ("The encrypted file is append-only."),
            ("upstream asked to write at byte %" G_GUINT64_FORMAT " after %" G_GUINT64_FORMAT
             " bytes; use a streamable muxer (matroskamux, mp4mux "
             "fragment-duration=…)",
             segment->start, state.bytes_written));
        gst_event_unref(event);
        return FALSE;
      }
      break;
    }
    case GST_EVENT_EOS:
      try {
        if (!finish(self)) {
          gst_event_unref(event);
          return FALSE;
        }
      } catch (const std::exception& e) {
        GST_ELEMENT_ERROR(self, RESOURCE, CLOSE, ("Could not finish the file."), ("%s", e.what()));
        gst_event_unref(event);
        return FALSE;
      }
      break;
    default: break;
  }
  return GST_BASE_SINK_CLASS(gst_clinvid_age_sink_parent_class)->event(sink, event);
}

static gboolean gst_clinvid_age_sink_query(GstBaseSink* sink, GstQuery* query) {
  if (GST_QUERY_TYPE(query) == GST_QUERY_SEEKING) {
    GstFormat format = GST_FORMAT_UNDEFINED;
    gst_query_parse_seeking(query, &format, nullptr, nullptr, nullptr);
    gst_query_set_seeking(query, format, FALSE, 0, -1);
    return TRUE;
  }
  return GST_BASE_SINK_CLASS(gst_clinvid_age_sink_parent_class)->query(sink, query);
}

static void gst_clinvid_age_sink_class_init(gpointer klass, gpointer /*class_data*/) {
  gst_clinvid_age_sink_parent_class = g_type_class_peek_parent(klass);
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
  GstBaseSinkClass* sink_class = GST_BASE_SINK_CLASS(klass);

  GST_DEBUG_CATEGORY_INIT(gst_clinvid_age_sink_debug, "clinvidagesink", 0,
                          "clinvid age encrypting file sink");

  gobject_class->set_property = gst_clinvid_age_sink_set_property;
  gobject_class->get_property = gst_clinvid_age_sink_get_property;
  gobject_class->finalize = gst_clinvid_age_sink_finalize;

  g_object_class_install_property(
      gobject_class, PROP_LOCATION,
      g_param_spec_string("location", "File location",
                          "Path of the age file to write (created with mode 0600, replaced if it "
                          "exists; written in place so that a crash leaves a recoverable file)",
                          DEFAULT_PROP_LOCATION, kReadWriteWhileStopped));
  g_object_class_install_property(
      gobject_class, PROP_RECIPIENTS,
      g_param_spec_string("recipients", "Recipients",
                          "X25519 recipients (age1…) separated by commas, spaces or newlines. "
                          "Write-only: wiped once parsed",
                          DEFAULT_PROP_RECIPIENTS, kWriteOnlyWhileStopped));
  g_object_class_install_property(
      gobject_class, PROP_RECIPIENTS_FILE,
      g_param_spec_string("recipients-file", "Recipients file",
                          "Path of a file with one recipient (age1…) per line, as age -R reads; "
                          "'#' starts a comment line",
                          DEFAULT_PROP_RECIPIENTS_FILE, kReadWriteWhileStopped));
  g_object_class_install_property(
      gobject_class, PROP_FSYNC_INTERVAL,
      g_param_spec_uint("fsync-interval", "fsync interval (ms)",
                        "Make written data durable at least this often while buffers arrive, in "
                        "milliseconds; 0: only at the end",
                        0, G_MAXUINT, DEFAULT_PROP_FSYNC_INTERVAL, kReadWriteWhileStopped));
  g_object_class_install_property(
      gobject_class, PROP_ARMOR,
      g_param_spec_boolean("armor", "ASCII armor",
                           "Write PEM-armored text instead of binary age (not recoverable after "
                           "a crash)",
                           DEFAULT_PROP_ARMOR, kReadWriteWhileStopped));

  gst_element_class_set_static_metadata(
      element_class, "clinvid age encrypting file sink", "Sink/File",
      "Writes the stream into an age v1 file encrypted to X25519 recipients, crash-recoverable",
      "clinvid");
  gst_element_class_add_static_pad_template(element_class, &sink_template);

  sink_class->start = gst_clinvid_age_sink_start;
  sink_class->stop = gst_clinvid_age_sink_stop;
  sink_class->render = gst_clinvid_age_sink_render;
  sink_class->event = gst_clinvid_age_sink_event;
  sink_class->query = gst_clinvid_age_sink_query;
}

static void gst_clinvid_age_sink_init(GTypeInstance* instance, gpointer /*klass*/) {
  GstClinvidAgeSink* self = GST_CLINVID_AGE_SINK(instance);
  try {
    self->state = new AgeSinkState();
  } catch (const std::bad_alloc&) {
    g_error("clinvidagesink: out of memory");  // what g_malloc does when it fails
  }
  gst_base_sink_set_sync(GST_BASE_SINK(self), FALSE);  // a file: as fast as data comes
}
