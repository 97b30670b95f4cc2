#include "time_text.h"

#include <charconv>
#include <string>
#include <vector>

namespace clinvid::cli {
namespace {

Result<Time> bad(std::string_view text) {
  return fail(Errc::invalid_argument,
              "\"" + std::string(text) +
                  "\" is not a time: give seconds (12.5), a clock time (1:02.5 or 01:00:02.5) "
                  "or a fraction of seconds (1001/30000)");
}

bool digits_only(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "SS" or "SS.fff…" → ticks of 1/10^digits.
Result<Time> decimal_seconds(std::string_view text, std::string_view whole) {
  const auto dot = text.find('.');
  const std::string_view integer = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (!digits_only(integer) || (dot != std::string_view::npos && !digits_only(fraction)) ||
      fraction.size() > 9 || integer.size() > 12) {
    return bad(whole);
  }
  std::int64_t scale = 1;
  for (std::size_t i = 0; i < fraction.size(); ++i) scale *= 10;
  std::int64_t seconds = 0, part = 0;
  std::from_chars(integer.data(), integer.data() + integer.size(), seconds);
  if (!fraction.empty()) std::from_chars(fraction.data(), fraction.data() + fraction.size(), part);
  auto timebase = Rational::make(1, scale);
  if (!timebase) return bad(whole);
  return Time(seconds * scale + part, *timebase);
}

}  // namespace

Result<Time> parse_time_text(std::string_view text) {
  if (text.empty()) return bad(text);
  if (text.find('/') != std::string_view::npos) {
    const auto slash = text.find('/');
    const std::string_view num = text.substr(0, slash);
    if (!digits_only(num)) return bad(text);
    auto den = Rational::parse(std::string("1/") + std::string(text.substr(slash + 1)));
    if (!den) return bad(text);
    std::int64_t n = 0;
    std::from_chars(num.data(), num.data() + num.size(), n);
    return Time(n, *den);
  }
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (;;) {
    const auto colon = text.find(':', start);
    fields.push_back(text.substr(start, colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  if (fields.size() > 3) return bad(text);
  auto seconds = decimal_seconds(fields.back(), text);
  if (!seconds) return seconds;
  std::int64_t minutes = 0;
  for (std::size_t i = 0; i + 1 < fields.size(); ++i) {
    if (!digits_only(fields[i]) || fields[i].size() > 6) return bad(text);
    std::int64_t v = 0;
    std::from_chars(fields[i].data(), fields[i].data() + fields[i].size(), v);
    minutes = minutes * 60 + v;
  }
  if (fields.size() > 1 && seconds->seconds() >= 60) return bad(text);
  auto total = add(*seconds, Time(minutes * 60, Rational()));
  if (!total) return bad(text);
  return *total;
}

}  // namespace clinvid::cli
