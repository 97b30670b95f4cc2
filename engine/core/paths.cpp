#include "core/paths.hpp"

#include <cstdlib>
#include <string>
#include <system_error>

#include <pwd.h>
#include <unistd.h>

namespace clinvid::paths {
namespace fs = std::filesystem;
namespace {

fs::path home() {
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') return h;
  if (const passwd* pw = getpwuid(getuid()); pw != nullptr && pw->pw_dir != nullptr) {
    return pw->pw_dir;
  }
  return fs::temp_directory_path();
}

// The spec says a relative path in an XDG variable is invalid and must be ignored.
fs::path xdg(const char* variable, const fs::path& fallback) {
  if (const char* v = std::getenv(variable); v != nullptr && *v == '/') return v;
  return fallback;
}

}  // namespace

fs::path data_home() {
  return xdg("XDG_DATA_HOME", home() / ".local" / "share");
}
fs::path config_home() {
  return xdg("XDG_CONFIG_HOME", home() / ".config");
}
fs::path cache_home() {
  return xdg("XDG_CACHE_HOME", home() / ".cache");
}

fs::path runtime_dir() {
  return xdg("XDG_RUNTIME_DIR",
             fs::temp_directory_path() / ("clinvid-runtime-" + std::to_string(getuid())));
}

fs::path default_archive() {
  if (const char* a = std::getenv("CLINVID_ARCHIVE"); a != nullptr && *a != '\0') return a;
  return data_home() / "clinvid" / "archive";
}

fs::path config_dir() {
  return config_home() / "clinvid";
}

Status ensure_directory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return fail(ec == std::errc::no_space_on_device ? Errc::no_space : Errc::io,
                "create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return fail(Errc::io, "chmod 0700 " + dir.string() + ": " + ec.message());
  return {};
}

}  // namespace clinvid::paths
