#include "studio_model.hpp"

#include <utility>

#include <fmt/format.h>

#include "timeline/model.hpp"
#include "timeline/project_file.hpp"

namespace clinvid::studio {

std::string_view to_string(ViewId view) noexcept {
  switch (view) {
    case ViewId::capture: return "capture";
    case ViewId::library: return "library";
    case ViewId::editor: return "editor";
    case ViewId::review: return "review";
    case ViewId::export_film: return "export";
    case ViewId::consent: return "consent";
    case ViewId::settings: return "settings";
    case ViewId::invalid: break;
  }
  return "invalid";
}

Result<ViewId> parse_view(std::string_view name) {
  for (ViewId view : kAllViews) {
    if (to_string(view) == name) return view;
  }
  return fail(Errc::invalid_argument,
              fmt::format("unknown view `{}` (capture, library, editor, review, export, consent, "
                          "settings)",
                          name));
}

StudioModel::StudioModel(std::filesystem::path archive_dir)
    : archive_dir_(std::move(archive_dir)) {}

Result<archive::Archive> StudioModel::open_unlocked(const std::filesystem::path& dir,
                                                    std::string_view user,
                                                    const crypto::SecretBytes& passphrase) {
  if (user.empty()) return fail(Errc::invalid_argument, "sign-in: the user name is empty");
  std::error_code ec;
  if (!std::filesystem::exists(dir / archive::kCatalogueFile, ec)) {
    return fail(
        Errc::not_found,
        fmt::format("no archive at {} (create one with `clinvid archive init`)", dir.string()));
  }
  auto opened = archive::Archive::open(dir);
  if (!opened) return with_context(opened.error(), "opening the archive " + dir.string());
  if (auto unlocked = opened->unlock(user, passphrase); !unlocked) {
    return with_context(unlocked.error(), fmt::format("signing in as `{}`", user));
  }
  return std::move(*opened);
}

Status StudioModel::sign_in(std::string_view user, crypto::SecretBytes passphrase) {
  auto opened = open_unlocked(archive_dir_, user, passphrase);
  if (!opened) return tl::unexpected(opened.error());
  return adopt(std::move(*opened), std::move(passphrase));
}

Status StudioModel::adopt(archive::Archive archive, crypto::SecretBytes passphrase) {
  if (signed_in()) return fail(Errc::invalid_argument, "sign out before opening another archive");
  if (!archive.unlocked()) return fail(Errc::invalid_argument, "the archive is not unlocked");
  archive_dir_ = archive.dir();
  archive_.emplace(std::move(archive));
  passphrase_ = std::move(passphrase);
  return {};
}

crypto::SecretBytes StudioModel::passphrase_copy() const {
  return crypto::SecretBytes::copy_of(std::span(passphrase_.data(), passphrase_.size()));
}

bool StudioModel::passphrase_matches(std::string_view passphrase) const {
  if (!signed_in()) return false;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(passphrase.data());
  return passphrase_.equals(std::span(bytes, passphrase.size()));
}

void StudioModel::sign_out() {
  archive_.reset();
  passphrase_ = crypto::SecretBytes();
  history_ = timeline::History();
  saved_undo_depth_ = 0;
  ++edit_generation_;
  sources_.clear();
}

std::string StudioModel::view_unavailable_reason(ViewId view) const {
  if (view == ViewId::capture) return {};
  if (!signed_in()) return "sign in first";
  if (user().role == consent::Role::auditor) {
    return "auditors read the audit trail, never the media";
  }
  if (view == ViewId::export_film && user().role == consent::Role::assistant_practitioner) {
    return "assistant practitioners do not make films";
  }
  return {};
}

Result<std::vector<archive::RecordingInfo>> StudioModel::search(const archive::SearchQuery& query) {
  if (!signed_in()) return fail(Errc::permission_denied, "search: sign in first");
  return archive_->search(query);
}

Result<std::string> StudioModel::add_to_timeline(const archive::RecordingInfo& recording) {
  if (!signed_in()) return fail(Errc::permission_denied, "add to timeline: sign in first");
  const std::string what = fmt::format("adding recording {} to the timeline", recording.id);
  if (recording.width <= 0 || recording.height <= 0) {
    return fail(Errc::invalid_argument,
                what + ": the catalogue has no frame size for it (not a video?)");
  }
  auto whole = Rational::parse(recording.duration);
  if (recording.duration.empty() || !whole || whole->num() <= 0) {
    return fail(Errc::invalid_argument, what + ": the recording's duration is not catalogued");
  }

  archive::GateRequest request;
  request.operation = consent::Operation::view;
  request.purpose = project().metadata.purpose;
  request.recording_id = recording.id;
  request.detail = "studio preview";
  auto decision = archive_->authorize(request);
  if (!decision) return with_context(decision.error(), what);
  if (decision->effect != consent::Effect::allow) {
    return fail(Errc::permission_denied, fmt::format("{}: viewing for {} is {} by rule {}: {}",
                                                     what, consent::to_string(request.purpose),
                                                     consent::to_string(decision->effect),
                                                     decision->rule_id, decision->reason));
  }
  if (!sources_.contains(recording.id)) {
    auto identity = archive_->recording_identity(recording.id);
    if (!identity) return with_context(identity.error(), what);
    sources_.emplace(recording.id,
                     render::SourceMedia{archive_->media_path(recording.id), std::move(*identity)});
  }

  timeline::History::Group group(history_, "Add " + recording.id.substr(0, 8));
  const timeline::Project& now = history_.project();
  if (now.tracks.empty()) {
    timeline::OutputFormat format = now.format;
    // 4:2:0 films are even-sized.
    format.width_px = static_cast<std::uint32_t>(recording.width) & ~1U;
    format.height_px = static_cast<std::uint32_t>(recording.height) & ~1U;
    if (auto set = history_.apply(timeline::set_format(format)); !set) {
      group.rollback();
      return with_context(set.error(), what);
    }
  }
  std::string track_id;
  for (const timeline::Track& track : history_.project().tracks) {
    if (track.kind == timeline::TrackKind::video) {
      track_id = track.id;
      break;
    }
  }
  if (track_id.empty()) {
    auto made = history_.apply(timeline::add_track(timeline::TrackKind::video, "Video 1"));
    if (!made) {
      group.rollback();
      return with_context(made.error(), what);
    }
    track_id = *made;
  }
  Time end;
  for (const timeline::Clip& clip : timeline::find_track(history_.project(), track_id)->clips) {
    auto clip_end = timeline::clip_end(clip);
    if (clip_end && *clip_end > end) end = *clip_end;
  }
  timeline::Clip clip;
  clip.source = {recording.id, 0};  // imports keep the video stream first
  clip.source_width_px = static_cast<std::uint32_t>(recording.width);
  clip.source_height_px = static_cast<std::uint32_t>(recording.height);
  clip.source_in = Time();
  clip.source_out = Time(whole->num(), Rational::make(1, whole->den()).value());
  clip.start = end;
  clip.speed = Rational();
  auto id = history_.apply(timeline::add_clip(track_id, std::move(clip)));
  if (!id) {
    group.rollback();
    return with_context(id.error(), what);
  }
  ++edit_generation_;
  return *id;
}

Result<std::string> StudioModel::apply(const timeline::Command& command) {
  auto applied = history_.apply(command);
  if (applied) ++edit_generation_;
  return applied;
}

Status StudioModel::undo() {
  auto done = history_.undo();
  if (done) ++edit_generation_;
  return done;
}

Status StudioModel::redo() {
  auto done = history_.redo();
  if (done) ++edit_generation_;
  return done;
}

Result<archive::ProjectInfo> StudioModel::save_project() {
  if (!signed_in()) return fail(Errc::permission_denied, "save: sign in first");
  auto saved = archive_->save_project(project_name_, timeline::save_project(project()));
  if (!saved) return with_context(saved.error(), "saving project `" + project_name_ + "`");
  saved_undo_depth_ = history_.undo_depth();
  return saved;
}

bool StudioModel::unsaved_changes() const noexcept {
  return history_.undo_depth() != saved_undo_depth_;
}

std::map<std::string, render::SourceMedia> StudioModel::source_media() const {
  std::map<std::string, render::SourceMedia> out;
  for (const auto& [id, media] : sources_) {
    out.emplace(id, render::SourceMedia{media.path, media.identity.clone()});
  }
  return out;
}

}  // namespace clinvid::studio
