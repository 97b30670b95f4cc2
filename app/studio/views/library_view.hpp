// Library: full-text search of the catalogue with a purpose filter; the recordings found, each
// with a thumbnail (decrypted in memory only, on the LibraryWorker's thread), its consent state
// for the filter's purpose and whether it is flagged; the selected one's details and
// provenance, a player (gated `view`), "Add to timeline", its audit trail (IG officer and
// auditors) and erasure (IG officer, with a reason and a confirmation); and the import of a file
// with the quality advice the archive gives.
//
// Threading: UI thread only. Catalogue reads (search, consent forms, the gate before playing)
// run here as everywhere in the studio; media, imports, erasures and the audit trail run on the
// worker and the player's thread, so the frame loop never waits on them.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <vulkan/vulkan.h>

#include "imgui_renderer.hpp"
#include "library_player.hpp"
#include "library_worker.hpp"
#include "preview_texture.hpp"
#include "script.hpp"
#include "studio_model.hpp"

namespace clinvid::studio {

// What the last import did, for the view and the scripted test mode.
struct LibraryImportOutcome {
  std::string recording_id;         // empty when it failed
  std::vector<std::string> advice;  // the archive's quality ("retake") advice, may be empty
  std::string error;                // with what to do next; empty when it succeeded
};

class LibraryView {
 public:
  LibraryView(StudioModel& model, gpu::Context& context, ImGuiRenderer& renderer,
              std::uint32_t frames_in_flight);
  ~LibraryView();
  LibraryView(const LibraryView&) = delete;
  LibraryView& operator=(const LibraryView&) = delete;
  LibraryView(LibraryView&&) = delete;
  LibraryView& operator=(LibraryView&&) = delete;

  void draw();
  // Records the upload of new thumbnails and the player's newest frame (before the render pass).
  [[nodiscard]] Status record_upload(VkCommandBuffer cmd, std::uint32_t frame_slot,
                                     const std::function<Status()>& wait_gpu_idle);
  // Registers the scripted test mode's steps for this view (script.hpp).
  void add_script_steps(ScriptVerbs& verbs);

  // The actions the widgets (and the scripted test mode) take. Each returns what failed.
  [[nodiscard]] Status search(std::string text);
  [[nodiscard]] Status set_purpose_filter(std::optional<consent::Purpose> purpose);
  [[nodiscard]] Status select(std::size_t index);
  [[nodiscard]] Result<std::string> add_selected_to_timeline();
  // Asks the gate `view` for the filter's purpose (clinical_record when none) and opens the
  // selected video in the player; a refusal is returned with the rule and reason.
  [[nodiscard]] Status play_selected();
  // Why the signed-in user may not erase; empty for the IG officer.
  [[nodiscard]] std::string erase_unavailable_reason() const;
  // Why the signed-in user may not read the audit trail; empty for the IG officer and auditors.
  [[nodiscard]] std::string audit_unavailable_reason() const;

  [[nodiscard]] const std::vector<archive::RecordingInfo>& results() const noexcept {
    return results_;
  }
  [[nodiscard]] std::optional<std::size_t> selected() const noexcept { return selected_; }

 private:
  // The thumbnail atlas's texture and the player's.
  struct Textures {
    Textures(gpu::Context& context, ImGuiRenderer& renderer, std::uint32_t frames_in_flight)
        : thumbnails(context, renderer, frames_in_flight),
          player(context, renderer, frames_in_flight) {}
    PreviewTexture thumbnails;
    PreviewTexture player;
  };

  void draw_search_bar();
  void draw_results();
  void draw_details(const archive::RecordingInfo& recording);
  void draw_player(const archive::RecordingInfo& recording);
  void draw_erase(const archive::RecordingInfo& recording);
  void draw_audit(const archive::RecordingInfo& recording);
  void draw_import();
  void poll_worker();
  void tick_player();
  void handle_player_keys();
  [[nodiscard]] Status run_search();
  [[nodiscard]] Status start_import();
  [[nodiscard]] Status start_erase();
  [[nodiscard]] Status request_audit();
  // The worker for the signed-in user, made on first use; nullptr when signed out.
  LibraryWorker* worker();
  [[nodiscard]] consent::Purpose view_purpose() const;
  void set_message(std::string text, bool is_error);
  void stop_player();
  [[nodiscard]] static std::string short_id_of(const std::string& id);

  StudioModel* model_;
  std::unique_ptr<Textures> textures_;
  std::unique_ptr<LibraryWorker> worker_;
  std::string worker_user_;  // whose worker it is
  LibraryPlayer player_;

  std::array<char, 256> text_{};
  std::optional<consent::Purpose> purpose_;
  std::vector<archive::RecordingInfo> results_;
  std::vector<std::string> consent_states_;  // per result, for view_purpose()
  std::optional<std::size_t> selected_;
  bool searched_ = false;
  std::string message_;
  bool message_is_error_ = false;

  // Player (UI clock).
  std::string playing_id_;  // the recording opened in the player; empty: none
  bool playing_ = false;
  std::int64_t play_from_frame_ = 0;
  std::chrono::steady_clock::time_point play_started_;
  std::int64_t requested_frame_ = -1;
  std::string player_message_;

  // Import form.
  bool import_open_ = false;
  std::array<char, 1024> import_path_{};
  std::array<char, 64> import_patient_{};
  std::array<char, 64> import_consent_{};
  std::array<char, 128> import_site_{};
  std::array<char, 256> import_procedure_{};
  consent::Purpose import_purpose_ = consent::Purpose::clinical_record;
  bool import_running_ = false;
  std::optional<LibraryImportOutcome> import_outcome_;

  // Erase.
  std::array<char, 256> erase_reason_{};
  bool erase_confirming_ = false;
  bool erase_running_ = false;
  std::string erase_target_;
  std::string last_erased_;

  // Audit trail of the selected recording.
  bool audit_running_ = false;
  std::optional<AuditTrail> audit_;
};

}  // namespace clinvid::studio
