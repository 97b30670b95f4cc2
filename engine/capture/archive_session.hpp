// Recording into the archive: what the CLI (`clinvid record --patient ...`) and the studio's
// Capture view share. Every stream of a session becomes a catalogued recording with its own key
// and file, registered (so consent-checked and audited) before anything is filmed.
//
//   ArchiveTarget target{...};                       // patient, consent, purposes, sites, kind
//   auto check = check_recording_consent(archive, target, has_audio);  // asks, registers nothing
//   auto rec = ArchiveRecording::register_streams(archive, target, config);  // fills targets
//   auto session = Session::create(config);          // on failure: rec->abandon()
//   ... session->start(), poll() until done, stop() → manifest ...
//   rec->catalogue(manifest);                        // streams that wrote nothing are abandoned
//
// Threading: an ArchiveRecording uses the Archive it was given, which belongs to one thread at a
// time; keep both on the thread that drives the session.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "archive/archive.hpp"
#include "capture/session.hpp"
#include "consent/body_site.hpp"
#include "consent/vocabulary.hpp"
#include "core/json.hpp"
#include "core/result.hpp"

namespace clinvid::capture {

// Who and what is filmed, under which consent, for which purposes.
struct ArchiveTarget {
  std::string patient_id;
  std::string consent_id;
  consent::RecordingKind kind = consent::RecordingKind::external_video;  // the cameras' kind
  std::vector<consent::SiteRef> sites;
  std::vector<consent::Purpose> purposes;  // each one is asked of the gate
  std::string procedure;
  std::string view;
  std::string case_ref;
  std::string notes;
  friend bool operator==(const ArchiveTarget&, const ArchiveTarget&) = default;
};

// Errc::invalid_argument naming the missing field (patient, consent, a body site, a purpose).
[[nodiscard]] Status validate(const ArchiveTarget& target);

// The gate's answer to "may this user record this" before anything is registered.
struct ConsentCheck {
  bool allowed = false;
  // Why not, worded as everywhere (archive::refusal_message), naming the purpose refused;
  // empty when allowed.
  std::string reason;
};

// Asks the archive's gate to `record` for every purpose of `target`, for the cameras' kind and,
// with `has_audio`, for a microphone's; the first refusal is the answer. Nothing is registered
// or written but the gate's own audit rows (invariant 3: every decision is audited).
// Errors (invalid target, locked archive, a malformed request) are errors, not refusals.
[[nodiscard]] Result<ConsentCheck> check_recording_consent(archive::Archive& archive,
                                                           const ArchiveTarget& target,
                                                           bool has_audio = false);

// The archive side of one session: a registered recording per stream ("cam0", …, "mic0").
class ArchiveRecording {
 public:
  // Registers every stream of `config` (cameras, then the microphone) under `target`, each asked
  // of the gate and audited, and points config.targets at the archive's files and keys.
  // `session_ref` links the recordings of one session. On any failure the streams already
  // registered are abandoned: Errc::permission_denied "refused by rule <id>: <reason>" for a
  // refusal.
  [[nodiscard]] static Result<ArchiveRecording> register_streams(archive::Archive& archive,
                                                                 const ArchiveTarget& target,
                                                                 SessionConfig& config,
                                                                 const std::string& session_ref);

  ArchiveRecording(const ArchiveRecording&) = delete;
  ArchiveRecording& operator=(const ArchiveRecording&) = delete;
  ArchiveRecording(ArchiveRecording&&) noexcept = default;
  ArchiveRecording& operator=(ArchiveRecording&&) noexcept = default;
  ~ArchiveRecording() = default;

  // Catalogues each stream from its part of the session manifest; a stream that wrote nothing
  // is abandoned (its key and row go). Returns the first cataloguing error; the other streams
  // are still catalogued.
  [[nodiscard]] Status catalogue(const Json& manifest);
  // Drops every registered stream (the session could not be created or started).
  void abandon() noexcept;

  // Stream id → recording id, in stream order.
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& streams() const noexcept {
    return streams_;
  }
  // The recordings catalogued by catalogue(), in stream order (streams that wrote nothing are
  // not among them).
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& catalogued()
      const noexcept {
    return catalogued_;
  }

 private:
  explicit ArchiveRecording(archive::Archive& archive) : archive_(&archive) {}

  archive::Archive* archive_;
  std::vector<std::pair<std::string, std::string>> streams_;
  std::vector<std::pair<std::string, std::string>> catalogued_;
};

// The ids a session's streams get: "cam0", "cam1", …, then "mic0" with audio.
[[nodiscard]] std::vector<std::string> stream_ids(const SessionConfig& config);

// A recording under way: every stream registered, the session created and started.
struct StartedRecording {
  ArchiveRecording recording;
  Session session;
};

// register_streams, Session::create and start in one: when creating or starting the session
// fails, the registered streams are abandoned (nothing was filmed) and the error returned.
[[nodiscard]] Result<StartedRecording> start_recording(archive::Archive& archive,
                                                       const ArchiveTarget& target,
                                                       SessionConfig config,
                                                       const std::string& session_ref);

}  // namespace clinvid::capture
