// Where media files live: <archive>/media/<id>.age and its sidecars <id>.<ext>.age, and their
// removal on erasure and abandonment.
#include "archive/archive_impl.hpp"

namespace clinvid::archive {

std::filesystem::path Archive::Impl::media_path(std::string_view recording_id) const {
  return dir / kMediaDir / (std::string(recording_id) + ".age");
}

void Archive::Impl::remove_media(std::string_view recording_id, std::error_code& ec) const {
  std::filesystem::remove(media_path(recording_id), ec);
  const std::string prefix = std::string(recording_id) + ".";
  std::error_code list_ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir / kMediaDir, list_ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(prefix) && name.ends_with(".age")) {
      std::error_code one;
      std::filesystem::remove(entry.path(), one);
      if (one && !ec) ec = one;
    }
  }
}

std::filesystem::path Archive::media_path(std::string_view recording_id) const {
  return impl_->media_path(recording_id);
}

std::filesystem::path Archive::sidecar_path(std::string_view recording_id,
                                            std::string_view ext) const {
  return impl_->dir / kMediaDir / (std::string(recording_id) + "." + std::string(ext) + ".age");
}

}  // namespace clinvid::archive
