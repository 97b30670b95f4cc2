#include "timeline/captions.hpp"

#include <charconv>

#include <fmt/format.h>

namespace clinvid::timeline {
namespace {

const Rational kMs = Rational::make(1, 1000).value();

struct Line {
  std::string_view text;
  int number = 0;  // 1-based
};

std::vector<Line> split_lines(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<Line> lines;
  int number = 1;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    auto end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(begin, end - begin);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back({line, number++});
    if (end == text.size()) break;
    begin = end + 1;
  }
  return lines;
}

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t") == std::string_view::npos;
}

bool number(std::string_view s, std::int64_t& out, std::size_t digits_min, std::size_t digits_max) {
  if (s.size() < digits_min || s.size() > digits_max) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && out >= 0;
}

// [hh:]mm:ss<sep>ttt, hours required unless `hours_optional`.
Result<Time> timestamp(std::string_view s, char separator, bool hours_optional, int line) {
  auto bad = [&] {
    return fail(Errc::corrupt,
                fmt::format("line {}: malformed timestamp '{}' (expected {})", line, s,
                            separator == ',' ? "hh:mm:ss,ttt" : "[hh:]mm:ss.ttt"));
  };
  const auto sep = s.rfind(separator);
  if (sep == std::string_view::npos) return bad();
  std::int64_t ms = 0, sec = 0, min = 0, hours = 0;
  if (!number(s.substr(sep + 1), ms, 3, 3)) return bad();
  std::string_view hms = s.substr(0, sep);
  const auto c2 = hms.rfind(':');
  if (c2 == std::string_view::npos || !number(hms.substr(c2 + 1), sec, 2, 2)) return bad();
  hms = hms.substr(0, c2);
  const auto c1 = hms.rfind(':');
  if (c1 == std::string_view::npos) {
    if (!hours_optional || !number(hms, min, 2, 2)) return bad();
  } else {
    if (!number(hms.substr(c1 + 1), min, 2, 2) || !number(hms.substr(0, c1), hours, 1, 6)) {
      return bad();
    }
  }
  if (min > 59 || sec > 59) return bad();
  return Time(((hours * 60 + min) * 60 + sec) * 1000 + ms, kMs);
}

// "start --> end [settings]"
Result<Cue> timing(std::string_view s, char separator, bool hours_optional, int line) {
  const auto arrow = s.find("-->");
  if (arrow == std::string_view::npos) {
    return fail(Errc::corrupt,
                fmt::format("line {}: expected a cue timing 'start --> end', got '{}'", line, s));
  }
  auto trim = [](std::string_view v) {
    const auto b = v.find_first_not_of(" \t");
    if (b == std::string_view::npos) return std::string_view();
    const auto e = v.find_last_not_of(" \t");
    return v.substr(b, e - b + 1);
  };
  const std::string_view start_text = trim(s.substr(0, arrow));
  std::string_view rest = trim(s.substr(arrow + 3));
  const auto space = rest.find_first_of(" \t");
  const std::string_view end_text = rest.substr(0, space);  // the rest: cue settings, ignored
  auto start = timestamp(start_text, separator, hours_optional, line);
  if (!start) return tl::unexpected(start.error());
  auto end = timestamp(end_text, separator, hours_optional, line);
  if (!end) return tl::unexpected(end.error());
  if (!(*start < *end)) {
    return fail(Errc::corrupt, fmt::format("line {}: cue ends at {} ms, not after its start {} ms",
                                           line, end->value(), start->value()));
  }
  return Cue{*start, *end, {}};
}

// Reads cue text lines until a blank line; returns the index after them.
std::size_t read_text(const std::vector<Line>& lines, std::size_t i, Cue& cue) {
  for (; i < lines.size() && !blank(lines[i].text); ++i) {
    if (!cue.text.empty()) cue.text += '\n';
    cue.text += lines[i].text;
  }
  return i;
}

std::string stamp(const Time& t, char separator) {
  const std::int64_t total = std::max<std::int64_t>(0, t.in(kMs, Rounding::nearest).value_or(0));
  return fmt::format("{:02}:{:02}:{:02}{}{:03}", total / 3'600'000, total / 60'000 % 60,
                     total / 1000 % 60, separator, total % 1000);
}

}  // namespace

Result<std::vector<Cue>> parse_webvtt(std::string_view text) {
  const auto lines = split_lines(text);
  if (lines.empty() || !lines[0].text.starts_with("WEBVTT") ||
      (lines[0].text.size() > 6 && lines[0].text[6] != ' ' && lines[0].text[6] != '\t')) {
    return fail(Errc::corrupt, "line 1: a WebVTT file starts with 'WEBVTT'");
  }
  std::vector<Cue> cues;
  std::size_t i = 1;
  while (i < lines.size() && !blank(lines[i].text)) ++i;  // header lines
  while (i < lines.size()) {
    if (blank(lines[i].text)) {
      ++i;
      continue;
    }
    const std::string_view first = lines[i].text;
    if (first.starts_with("NOTE") || first.starts_with("STYLE") || first.starts_with("REGION")) {
      while (i < lines.size() && !blank(lines[i].text)) ++i;
      continue;
    }
    // An optional cue identifier precedes the timing line.
    if (first.find("-->") == std::string_view::npos) {
      if (i + 1 >= lines.size() || lines[i + 1].text.find("-->") == std::string_view::npos) {
        return fail(Errc::corrupt,
                    fmt::format("line {}: expected a cue timing 'start --> end' (or a cue "
                                "identifier followed by one), got '{}'",
                                lines[i].number, first));
      }
      ++i;
    }
    auto cue = timing(lines[i].text, '.', true, lines[i].number);
    if (!cue) return tl::unexpected(cue.error());
    i = read_text(lines, i + 1, *cue);
    cues.push_back(std::move(*cue));
  }
  return cues;
}

Result<std::vector<Cue>> parse_srt(std::string_view text) {
  const auto lines = split_lines(text);
  std::vector<Cue> cues;
  std::size_t i = 0;
  while (i < lines.size()) {
    if (blank(lines[i].text)) {
      ++i;
      continue;
    }
    std::int64_t index = 0;
    if (!number(lines[i].text, index, 1, 9)) {
      return fail(Errc::corrupt, fmt::format("line {}: expected a cue number, got '{}'",
                                             lines[i].number, lines[i].text));
    }
    if (++i >= lines.size() || blank(lines[i].text)) {
      return fail(Errc::corrupt,
                  fmt::format("line {}: cue number without a timing line", lines[i - 1].number));
    }
    auto cue = timing(lines[i].text, ',', false, lines[i].number);
    if (!cue) return tl::unexpected(cue.error());
    i = read_text(lines, i + 1, *cue);
    cues.push_back(std::move(*cue));
  }
  return cues;
}

std::string write_webvtt(const std::vector<Cue>& cues) {
  std::string out = "WEBVTT\n";
  for (const auto& c : cues) {
    out += fmt::format("\n{} --> {}\n{}\n", stamp(c.start, '.'), stamp(c.end, '.'), c.text);
  }
  return out;
}

std::string write_srt(const std::vector<Cue>& cues) {
  std::string out;
  for (std::size_t i = 0; i < cues.size(); ++i) {
    if (i > 0) out += '\n';
    out += fmt::format("{}\n{} --> {}\n{}\n", i + 1, stamp(cues[i].start, ','),
                       stamp(cues[i].end, ','), cues[i].text);
  }
  return out;
}

std::vector<TextItem> cues_to_text_items(const std::vector<Cue>& cues) {
  std::vector<TextItem> items;
  for (const auto& c : cues) {
    if (c.text.empty()) continue;  // an empty cue shows nothing
    TextItem x;
    x.text = c.text;
    x.start = c.start;
    x.duration = subtract(c.end, c.start).value_or(Time(1, kMs));
    x.position = TextPosition::caption;
    x.backdrop = TextBackdrop::box;
    x.size = 0.045;
    items.push_back(std::move(x));
  }
  return items;
}

}  // namespace clinvid::timeline
