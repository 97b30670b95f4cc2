// The studio's model: the opened archive, the signed-in user, the open edit project (a
// timeline::History) and the keys its sources need for the preview. Views read it and change
// it only through these functions (the same ones the scripted test mode calls).
//
// Threading: UI thread only. Worker threads (preview, export) get copies: a Project snapshot,
// cloned source identities, or the archive directory plus a copy of the passphrase so that they
// unlock an Archive of their own (one Archive object belongs to one thread at a time).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/archive.hpp"
#include "core/result.hpp"
#include "crypto/secret.hpp"
#include "render/source_media.hpp"
#include "timeline/commands.hpp"

namespace clinvid::studio {

// The views of the studio, in tab order.
enum class ViewId { invalid = 0, capture, library, editor, review, export_film, consent, settings };
inline constexpr std::array kAllViews{ViewId::capture, ViewId::library,     ViewId::editor,
                                      ViewId::review,  ViewId::export_film, ViewId::consent,
                                      ViewId::settings};
[[nodiscard]] std::string_view to_string(ViewId view) noexcept;
[[nodiscard]] Result<ViewId> parse_view(std::string_view name);

class StudioModel {
 public:
  explicit StudioModel(std::filesystem::path archive_dir);

  // Opens the archive (integrity check, migrations) and unlocks it as `user`. Errc::crypto for
  // a wrong passphrase, Errc::not_found for an unknown user or a missing archive.
  [[nodiscard]] Status sign_in(std::string_view user, crypto::SecretBytes passphrase);
  // What sign_in does before taking the archive: open (integrity check, migrations) and unlock.
  // Slow (the passphrase KDF), touches nothing of a model: the sign-in form runs it on a
  // worker thread and hands the result to adopt().
  [[nodiscard]] static Result<archive::Archive> open_unlocked(
      const std::filesystem::path& dir, std::string_view user,
      const crypto::SecretBytes& passphrase);
  // Takes an archive already opened and unlocked elsewhere (the demo archive, made on a worker
  // thread) as the signed-in session; the model's archive directory becomes the archive's.
  // Errc::invalid_argument when someone is signed in or the archive is locked.
  [[nodiscard]] Status adopt(archive::Archive archive, crypto::SecretBytes passphrase);
  [[nodiscard]] bool signed_in() const noexcept { return archive_.has_value(); }
  [[nodiscard]] const std::filesystem::path& archive_dir() const noexcept { return archive_dir_; }
  // Preconditions for these two: signed_in().
  [[nodiscard]] const archive::UserInfo& user() const { return archive_->user(); }
  [[nodiscard]] archive::Archive& archive() { return *archive_; }
  [[nodiscard]] crypto::SecretBytes passphrase_copy() const;
  // Whether `passphrase` is the signed-in user's (the lock screen; compared in constant time).
  [[nodiscard]] bool passphrase_matches(std::string_view passphrase) const;
  // Forgets the archive, the passphrase and the project (the caller asks about unsaved changes
  // first).
  void sign_out();

  // Why the signed-in user's role may not use `view`; empty when it may.
  [[nodiscard]] std::string view_unavailable_reason(ViewId view) const;

  [[nodiscard]] Result<std::vector<archive::RecordingInfo>> search(
      const archive::SearchQuery& query);

  // Puts the whole recording at the end of the project's first video track (created when
  // absent), sized from the catalogue; the first clip of an empty project also sets the
  // canvas to the recording's size. Asks the gate `view` for the project's purpose so the
  // preview may decode it. Returns the clip id.
  [[nodiscard]] Result<std::string> add_to_timeline(const archive::RecordingInfo& recording);

  // Every edit goes through these three, so views can tell the project changed
  // (edit_generation()) without comparing projects.
  [[nodiscard]] Result<std::string> apply(const timeline::Command& command);
  [[nodiscard]] Status undo();
  [[nodiscard]] Status redo();
  [[nodiscard]] const timeline::History& history() const noexcept { return history_; }
  [[nodiscard]] std::uint64_t edit_generation() const noexcept { return edit_generation_; }
  [[nodiscard]] const timeline::Project& project() const noexcept { return history_.project(); }
  [[nodiscard]] const std::string& project_name() const noexcept { return project_name_; }
  void set_project_name(std::string name) { project_name_ = std::move(name); }
  // Saves the project's JSON into the archive under project_name().
  [[nodiscard]] Result<archive::ProjectInfo> save_project();
  // True when the project changed since the last save (or was never saved and is not empty).
  [[nodiscard]] bool unsaved_changes() const noexcept;

  // Clones of the keys of every recording added this session, for the preview worker.
  [[nodiscard]] std::map<std::string, render::SourceMedia> source_media() const;

 private:
  std::filesystem::path archive_dir_;
  std::optional<archive::Archive> archive_;
  crypto::SecretBytes passphrase_;
  timeline::History history_;
  std::string project_name_ = "studio-project";
  std::size_t saved_undo_depth_ = 0;
  std::uint64_t edit_generation_ = 0;
  std::map<std::string, render::SourceMedia> sources_;
};

}  // namespace clinvid::studio
