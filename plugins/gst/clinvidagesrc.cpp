// The launch lines below stay on one line so that they can be copied.
// clang-format off
/**
 * SECTION:element-clinvidagesrc
 * @title: clinvidagesrc
 *
 * Reads the plaintext of a finished age v1 file at #GstClinvidAgeSrc:location, decrypted with
 * the identities in the file #GstClinvidAgeSrc:identity (as `age-keygen` writes it). Only the
 * 64 KiB chunks a read touches are decrypted, each authenticated before any byte of it leaves
 * the element, so demuxers can pull and seek anywhere with no plaintext on disk.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 clinvidagesrc location=a.age identity=key.txt ! matroskademux ! h264parse ! avdec_h264 ! videoconvert ! autovideosink
 * ]|
 * Plays an encrypted Matroska recording.
 * |[
 * gst-launch-1.0 clinvidagesrc location=a.age identity=key.txt ! decodebin ! fakesink
 * ]|
 * Decodes whatever the encrypted file holds.
 */
// clang-format on
#include "clinvidagesrc.h"
#include "register_type.h"

#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "crypto/failure.hpp"
#include "crypto/identity_file.hpp"
#include "crypto/keys.hpp"
#include "crypto/random_access.hpp"

GST_DEBUG_CATEGORY_STATIC(gst_clinvid_age_src_debug);
#define GST_CAT_DEFAULT gst_clinvid_age_src_debug

namespace {

namespace crypto = clinvid::crypto;

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_IDENTITY,
};

constexpr const char* DEFAULT_PROP_LOCATION = nullptr;
constexpr const char* DEFAULT_PROP_IDENTITY = nullptr;
constexpr guint kBlockSize = 64 * 1024;  // one age chunk per push-mode buffer

constexpr auto kReadWriteWhileStopped =
    static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

// Everything C++ the element owns: created in init, deleted in finalize.
struct AgeSrcState {
  // Guarded by the object lock.
  std::string location;
  std::string identity;

  // Set in start(), cleared in stop(); read by the streaming thread in between. The reader
  // itself is thread-safe, so pull-mode reads from several threads are fine.
  std::optional<crypto::RandomAccessReader> reader;
};

// Element errors for the reader's failures, by what the user must do about them.
void post_open_error(GstBaseSrc* src, const clinvid::Error& error) {
  const std::string message = error.message();
  switch (crypto::age_failure_of(error)) {
    case crypto::AgeFailure::no_match:
    case crypto::AgeFailure::hmac:
      GST_ELEMENT_ERROR(src, STREAM, DECRYPT_NOKEY,
                        ("None of the identities can decrypt the file."), ("%s", message.c_str()));
      return;
    case crypto::AgeFailure::header:
    case crypto::AgeFailure::payload:
    case crypto::AgeFailure::armor:
      GST_ELEMENT_ERROR(src, STREAM, DECRYPT,
                        ("The encrypted file is damaged or unfinished (recover it first)."),
                        ("%s", message.c_str()));
      return;
    case crypto::AgeFailure::invalid: break;
  }
  if (error.code == clinvid::Errc::not_found) {
    GST_ELEMENT_ERROR(src, RESOURCE, NOT_FOUND, ("File not found."), ("%s", message.c_str()));
  } else {
    GST_ELEMENT_ERROR(src, RESOURCE, OPEN_READ, ("Could not open the encrypted file."),
                      ("%s", message.c_str()));
  }
}

}  // namespace

struct _GstClinvidAgeSrc {
  GstBaseSrc parent;
  AgeSrcState* state;  // owned; see AgeSrcState
};

// Registered through register_type.h rather than G_DEFINE_TYPE (see there).
static gpointer gst_clinvid_age_src_parent_class = nullptr;
static void gst_clinvid_age_src_class_init(gpointer klass, gpointer class_data);
static void gst_clinvid_age_src_init(GTypeInstance* instance, gpointer klass);

GType gst_clinvid_age_src_get_type(void) {
  static const GType type =
      clinvid::gst::register_element_type<GstClinvidAgeSrc, GstClinvidAgeSrcClass>(
          GST_TYPE_BASE_SRC, "GstClinvidAgeSrc", gst_clinvid_age_src_class_init,
          gst_clinvid_age_src_init);
  return type;
}

GST_ELEMENT_REGISTER_DEFINE(clinvidagesrc, "clinvidagesrc", GST_RANK_NONE, GST_TYPE_CLINVID_AGE_SRC)

static void gst_clinvid_age_src_set_property(GObject* object, guint prop_id, const GValue* value,
                                             GParamSpec* pspec) {
  GstClinvidAgeSrc* self = GST_CLINVID_AGE_SRC(object);
  AgeSrcState& state = *self->state;
  try {
    const gchar* text = nullptr;
    GST_OBJECT_LOCK(self);
    switch (prop_id) {
      case PROP_LOCATION:
        text = g_value_get_string(value);
        state.location = text != nullptr ? text : "";
        break;
      case PROP_IDENTITY:
        text = g_value_get_string(value);
        state.identity = text != nullptr ? text : "";
        break;
      default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec); break;
    }
    GST_OBJECT_UNLOCK(self);
  } catch (const std::exception& e) {
    GST_OBJECT_UNLOCK(self);
    GST_ERROR_OBJECT(self, "cannot set %s: %s", g_param_spec_get_name(pspec), e.what());
  }
}

static void gst_clinvid_age_src_get_property(GObject* object, guint prop_id, GValue* value,
                                             GParamSpec* pspec) {
  GstClinvidAgeSrc* self = GST_CLINVID_AGE_SRC(object);
  AgeSrcState& state = *self->state;
  GST_OBJECT_LOCK(self);
  switch (prop_id) {
    case PROP_LOCATION:
      g_value_set_string(value,
                         state.location.empty() ? DEFAULT_PROP_LOCATION : state.location.c_str());
      break;
    case PROP_IDENTITY:
      g_value_set_string(value,
                         state.identity.empty() ? DEFAULT_PROP_IDENTITY : state.identity.c_str());
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec); break;
  }
  GST_OBJECT_UNLOCK(self);
}

static void gst_clinvid_age_src_finalize(GObject* object) {
  GstClinvidAgeSrc* self = GST_CLINVID_AGE_SRC(object);
  delete self->state;
  self->state = nullptr;
  G_OBJECT_CLASS(gst_clinvid_age_src_parent_class)->finalize(object);
}

static gboolean gst_clinvid_age_src_start(GstBaseSrc* src) {
  GstClinvidAgeSrc* self = GST_CLINVID_AGE_SRC(src);
  AgeSrcState& state = *self->state;
  try {
    GST_OBJECT_LOCK(self);
    const std::string location = state.location;
    const std::string identity_path = state.identity;
    GST_OBJECT_UNLOCK(self);
    if (location.empty()) {
      GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("No file name specified for reading."),
                        ("set location"));
      return FALSE;
    }
    if (identity_path.empty()) {
      GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("No identity file."), ("set identity"));
      return FALSE;
    }
    auto keys = crypto::read_identity_file(identity_path);
    if (!keys) {
      GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("Could not read the identity file."),
                        ("%s", keys.error().message().c_str()));
      return FALSE;
    }
    std::vector<crypto::Identity> identities;
    for (auto& key : *keys) identities.emplace_back(std::move(key));
    auto reader = crypto::RandomAccessReader::open(location, identities);
    if (!reader) {
      post_open_error(src, reader.error());  // its detail names the file
      return FALSE;
    }
    state.reader.emplace(std::move(*reader));
    GST_INFO_OBJECT(self, "%s: %" G_GUINT64_FORMAT " bytes of plaintext", location.c_str(),
                    state.reader->size());
    return TRUE;
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, RESOURCE, OPEN_READ, ("Could not open the encrypted file."),
                      ("%s", e.what()));
  } catch (...) {
    GST_ELEMENT_ERROR(self, RESOURCE, OPEN_READ, ("Could not open the encrypted file."),
                      ("unknown exception"));
  }
  return FALSE;
}

static gboolean gst_clinvid_age_src_stop(GstBaseSrc* src) {
  GST_CLINVID_AGE_SRC(src)->state->reader.reset();
  return TRUE;
}

static gboolean gst_clinvid_age_src_is_seekable(GstBaseSrc* /*src*/) {
  return TRUE;
}

static gboolean gst_clinvid_age_src_get_size(GstBaseSrc* src, guint64* size) {
  const AgeSrcState& state = *GST_CLINVID_AGE_SRC(src)->state;
  if (!state.reader) return FALSE;
  *size = state.reader->size();
  return TRUE;
}

static GstFlowReturn gst_clinvid_age_src_create(GstBaseSrc* src, guint64 offset, guint length,
                                                GstBuffer** out) {
  GstClinvidAgeSrc* self = GST_CLINVID_AGE_SRC(src);
  const AgeSrcState& state = *self->state;
  if (!state.reader) return GST_FLOW_FLUSHING;
  if (offset >= state.reader->size()) return GST_FLOW_EOS;
  GstBuffer* buffer = gst_buffer_new_allocate(nullptr, length, nullptr);
  if (buffer == nullptr) {
    GST_ELEMENT_ERROR(self, RESOURCE, READ, ("Out of memory."), ("%u bytes", length));
    return GST_FLOW_ERROR;
  }
  GstMapInfo map;
  if (gst_buffer_map(buffer, &map, GST_MAP_WRITE) == FALSE) {
    gst_buffer_unref(buffer);
    GST_ELEMENT_ERROR(self, RESOURCE, READ, ("Could not map a buffer."), (nullptr));
    return GST_FLOW_ERROR;
  }
  try {
    auto count = state.reader->read_at(offset, std::span<std::uint8_t>(map.data, map.size));
    gst_buffer_unmap(buffer, &map);
    if (!count) {
      gst_buffer_unref(buffer);
      GST_ELEMENT_ERROR(
          self, STREAM, DECRYPT, ("The encrypted file failed to authenticate."),
          ("at byte %" G_GUINT64_FORMAT ": %s", offset, count.error().message().c_str()));
      return GST_FLOW_ERROR;
    }
    if (*count == 0) {
      gst_buffer_unref(buffer);
      return GST_FLOW_EOS;
    }
    gst_buffer_set_size(buffer, static_cast<gssize>(*count));
    GST_BUFFER_OFFSET(buffer) = offset;
    GST_BUFFER_OFFSET_END(buffer) = offset + *count;
    *out = buffer;
    return GST_FLOW_OK;
  } catch (const std::exception& e) {
    gst_buffer_unref(buffer);
    GST_ELEMENT_ERROR(self, RESOURCE, READ, ("Could not read the encrypted file."),
                      ("%s", e.what()));
  } catch (...) {
    gst_buffer_unref(buffer);
    GST_ELEMENT_ERROR(self, RESOURCE, READ, ("Could not read the encrypted file."),
                      ("unknown exception"));
  }
  return GST_FLOW_ERROR;
}

static void gst_clinvid_age_src_class_init(gpointer klass, gpointer /*class_data*/) {
  gst_clinvid_age_src_parent_class = g_type_class_peek_parent(klass);
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
  GstBaseSrcClass* src_class = GST_BASE_SRC_CLASS(klass);

  GST_DEBUG_CATEGORY_INIT(gst_clinvid_age_src_debug, "clinvidagesrc", 0,
                          "clinvid age decrypting file source");

  gobject_class->set_property = gst_clinvid_age_src_set_property;
  gobject_class->get_property = gst_clinvid_age_src_get_property;
  gobject_class->finalize = gst_clinvid_age_src_finalize;

  g_object_class_install_property(
      gobject_class, PROP_LOCATION,
      g_param_spec_string("location", "File location",
                          "Path of the age file to read (finished, binary)", DEFAULT_PROP_LOCATION,
                          kReadWriteWhileStopped));
  g_object_class_install_property(
      gobject_class, PROP_IDENTITY,
      g_param_spec_string("identity", "Identity file",
                          "Path of an identity file (AGE-SECRET-KEY-1… lines, as age-keygen "
                          "writes); read at start",
                          DEFAULT_PROP_IDENTITY, kReadWriteWhileStopped));

  gst_element_class_set_static_metadata(
      element_class, "clinvid age decrypting file source", "Source/File",
      "Reads the plaintext of an age v1 encrypted file, with random access for demuxers",
      "clinvid");
  gst_element_class_add_static_pad_template(element_class, &src_template);

  src_class->start = gst_clinvid_age_src_start;
  src_class->stop = gst_clinvid_age_src_stop;
  src_class->is_seekable = gst_clinvid_age_src_is_seekable;
  src_class->get_size = gst_clinvid_age_src_get_size;
  src_class->create = gst_clinvid_age_src_create;
}

static void gst_clinvid_age_src_init(GTypeInstance* instance, gpointer /*klass*/) {
  GstClinvidAgeSrc* self = GST_CLINVID_AGE_SRC(instance);
  try {
    self->state = new AgeSrcState();
  } catch (const std::bad_alloc&) {
    g_error("clinvidagesrc: out of memory");  // what g_malloc does when it fails
  }
  gst_base_src_set_format(GST_BASE_SRC(self), GST_FORMAT_BYTES);
  gst_base_src_set_blocksize(GST_BASE_SRC(self), kBlockSize);
}
