// Small helpers shared by the CLI tests: splitting output into lines and finding them.
#pragma once

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace clinvid::test {

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Index of the first line that starts with `prefix` and contains every one of `parts`;
// lines.size() when none does.
inline std::size_t find_line(const std::vector<std::string>& lines, std::string_view prefix,
                             const std::vector<std::string_view>& parts) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].starts_with(prefix)) continue;
    bool all = true;
    for (std::string_view part : parts) all = all && lines[i].find(part) != std::string::npos;
    if (all) return i;
  }
  return lines.size();
}

}  // namespace clinvid::test
