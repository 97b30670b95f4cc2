// Process-wide logging to stderr. Thread-safe; a line is never interleaved with another.
// The threshold comes from CLINVID_LOG (error, warn, info, debug, trace; default warn) and
// may be changed at run time with set_log_level().
#pragma once

#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace clinvid {

enum class LogLevel { invalid = 0, error, warn, info, debug, trace };

void set_log_level(LogLevel level) noexcept;
[[nodiscard]] LogLevel log_level() noexcept;
[[nodiscard]] bool log_enabled(LogLevel level) noexcept;
// Parses "error" … "trace"; returns LogLevel::invalid for anything else.
[[nodiscard]] LogLevel parse_log_level(std::string_view name) noexcept;

void log_line(LogLevel level, std::string_view module, std::string_view text);

template <class... Args>
void log(LogLevel level, std::string_view module, fmt::format_string<Args...> format,
         Args&&... args) {
  if (log_enabled(level)) log_line(level, module, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace clinvid
