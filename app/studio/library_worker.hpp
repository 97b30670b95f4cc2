// The Library's background work: thumbnails, imports, erasures and audit-trail reads, on one
// thread that opens and unlocks an Archive of its own on the signed-in user's archive (an
// Archive belongs to one thread at a time), so the UI never waits on the catalogue, the media
// or the KDF.
//
// Thumbnails: each recording asks the gate `view` for the Library's purpose (audited, once per
// recording and purpose for the worker's life), then one frame at 10 % of the video is decoded
// straight from the age file (media::VideoDecoder), or a photo is decrypted into memory and
// decoded (media::decode_image). Nothing plaintext is written. The pictures are drawn into one
// RGBA atlas (library_thumbnail.hpp) published to thumbnail_slot(). A refusal, an audio
// recording or a decode failure gets a placeholder cell and the reason in text.
//
// Threading: every public function on the UI thread (the slot is read by PreviewTexture on the
// UI thread too). The destructor finishes the task in progress and joins; queued work is dropped.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "archive/archive.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "crypto/secret.hpp"
#include "preview_source.hpp"

namespace clinvid::studio {

struct ThumbnailJob {
  std::string recording_id;
  std::string media_kind;  // RecordingInfo::media_kind: "video", "image", "audio"
  consent::RecordingKind kind = consent::RecordingKind::invalid;
};

enum class ThumbnailState { invalid = 0, pending, ready, placeholder, refused, failed };
[[nodiscard]] std::string_view to_string(ThumbnailState state) noexcept;

struct ThumbnailInfo {
  ThumbnailState state = ThumbnailState::pending;
  std::string text;                  // the kind for a placeholder, the reason for refused/failed
  std::size_t distinct_colours = 0;  // in the cell as drawn (a real picture has many)
};

struct ImportJob {
  std::filesystem::path file;
  archive::NewRecording recording;
};

struct AuditTrail {
  std::string recording_id;
  Result<std::vector<archive::AuditEntry>> rows;
};

class LibraryWorker {
 public:
  LibraryWorker(std::filesystem::path archive_dir, std::string user,
                crypto::SecretBytes passphrase);
  ~LibraryWorker();
  LibraryWorker(const LibraryWorker&) = delete;
  LibraryWorker& operator=(const LibraryWorker&) = delete;
  LibraryWorker(LibraryWorker&&) = delete;
  LibraryWorker& operator=(LibraryWorker&&) = delete;

  // Replaces the thumbnails asked for: job i goes into atlas cell i (at most
  // ThumbnailAtlasLayout::kCells; the rest are not drawn). Gated `view` for `purpose`.
  void request_thumbnails(std::vector<ThumbnailJob> jobs, consent::Purpose purpose);
  // Per job of the last request, in order.
  [[nodiscard]] std::vector<ThumbnailInfo> thumbnails() const;
  [[nodiscard]] PreviewSlot& thumbnail_slot() noexcept { return slot_; }

  // One of each at a time is remembered: a second start before take_*() replaces the first's
  // outcome once it runs.
  void start_import(ImportJob job);
  [[nodiscard]] std::optional<Result<archive::RecordingInfo>> take_import();
  void start_erase(std::string recording_id, std::string reason);
  [[nodiscard]] std::optional<Status> take_erase();
  // The audit rows whose target is the recording (gated as audit_review; itself audited).
  void request_audit(std::string recording_id);
  [[nodiscard]] std::optional<AuditTrail> take_audit();

  // True while anything is queued or running.
  [[nodiscard]] bool busy() const;

 private:
  struct Engine;  // the worker's Archive, decoded thumbnails and atlas; worker thread only
  enum class TaskKind { invalid = 0, import, erase, audit };
  struct Task {
    TaskKind kind = TaskKind::invalid;
    std::optional<ImportJob> import;
    std::string recording_id;
    std::string reason;
  };

  void run() noexcept;

  PreviewSlot slot_;
  std::filesystem::path archive_dir_;
  std::string user_;
  crypto::SecretBytes passphrase_;  // read by the worker only after construction
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> tasks_;                                                  // guarded by mutex_
  std::vector<ThumbnailJob> thumbnail_jobs_;                                // guarded by mutex_
  std::size_t next_thumbnail_ = 0;                                          // guarded by mutex_
  std::uint64_t thumbnail_generation_ = 0;                                  // guarded by mutex_
  consent::Purpose thumbnail_purpose_ = consent::Purpose::clinical_record;  // guarded
  std::vector<ThumbnailInfo> thumbnails_;                                   // guarded by mutex_
  std::optional<Result<archive::RecordingInfo>> import_outcome_;            // guarded by mutex_
  std::optional<Status> erase_outcome_;                                     // guarded by mutex_
  std::optional<AuditTrail> audit_outcome_;                                 // guarded by mutex_
  bool running_task_ = false;                                               // guarded by mutex_
  bool stopping_ = false;                                                   // guarded by mutex_
  std::thread thread_;  // last: starts after the members above exist
};

}  // namespace clinvid::studio
