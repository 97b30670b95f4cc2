#include "core/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace clinvid {
namespace {

LogLevel initial_level() {
  const char* env = std::getenv("CLINVID_LOG");
  if (env == nullptr) return LogLevel::warn;
  const LogLevel parsed = parse_log_level(env);
  return parsed == LogLevel::invalid ? LogLevel::warn : parsed;
}

std::atomic<LogLevel>& level_storage() {
  static std::atomic<LogLevel> level{initial_level()};
  return level;
}

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::error: return "error";
    case LogLevel::warn: return "warn";
    case LogLevel::info: return "info";
    case LogLevel::debug: return "debug";
    case LogLevel::trace: return "trace";
    case LogLevel::invalid: break;
  }
  return "?";
}

}  // namespace

void set_log_level(LogLevel level) noexcept {
  level_storage().store(level);
}
LogLevel log_level() noexcept {
  return level_storage().load();
}

bool log_enabled(LogLevel level) noexcept {
  return level != LogLevel::invalid && static_cast<int>(level) <= static_cast<int>(log_level());
}

LogLevel parse_log_level(std::string_view name) noexcept {
  if (name == "error") return LogLevel::error;
  if (name == "warn" || name == "warning") return LogLevel::warn;
  if (name == "info") return LogLevel::info;
  if (name == "debug") return LogLevel::debug;
  if (name == "trace") return LogLevel::trace;
  return LogLevel::invalid;
}

void log_line(LogLevel level, std::string_view module, std::string_view text) {
  static std::mutex mutex;
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
  const std::string line = fmt::format("[{:>10}.{:03}] {:<5} {}: {}\n", ms / 1000, ms % 1000,
                                       level_name(level), module, text);
  const std::lock_guard lock(mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace clinvid
