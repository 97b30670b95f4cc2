// The checks behind `clinvid doctor`: one small function per thing the suite needs, listed
// in a table so later features add a row rather than a branch. A check never throws and
// never changes the machine; it says what it found and, when something is missing, how to
// fix it (a Debian package or a command).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace clinvid::cli {

enum class CheckStatus {
  invalid = 0,
  ok,
  warn,  // works, but something optional is missing or something is running low
  fail,  // part of the suite will not work until fixed; doctor exits 1
};

// "ok", "warn", "FAIL": the text column. JSON uses lower case names ("fail").
[[nodiscard]] std::string_view to_display(CheckStatus status) noexcept;
[[nodiscard]] std::string_view to_json_name(CheckStatus status) noexcept;

struct CheckResult {
  CheckStatus status = CheckStatus::invalid;
  std::string detail;  // what was found, one line
  std::string fix;     // how to fix it; empty when status is ok
};

struct Check {
  std::string name;      // short and stable, e.g. "x264enc", "ffmpeg libx264", "age"
  std::string category;  // "gstreamer", "ffmpeg", "vulkan", "tools", "disk", "studio"
  std::function<CheckResult()> run;
};

// Every check, in the order doctor prints them.
[[nodiscard]] std::vector<Check> doctor_checks();

}  // namespace clinvid::cli
