#include "consent/date.hpp"

#include <charconv>

namespace clinvid::consent {
namespace {

bool parse_digits(std::string_view text, int& out) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

Result<Date> Date::make(int year, unsigned month, unsigned day) {
  const std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                        std::chrono::day(day)};
  if (year < 1900 || year > 9999 || !ymd.ok()) {
    return fail(Errc::invalid_argument, "no such date " + std::to_string(year) + "-" +
                                            std::to_string(month) + "-" + std::to_string(day));
  }
  return Date(ymd);
}

Result<Date> Date::parse(std::string_view iso) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-' || !parse_digits(iso.substr(0, 4), year) ||
      !parse_digits(iso.substr(5, 2), month) || !parse_digits(iso.substr(8, 2), day)) {
    return fail(Errc::invalid_argument,
                "expected a date as YYYY-MM-DD, got '" + std::string(iso) + "'");
  }
  return make(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::string Date::to_string() const {
  char buffer[16];
  const int y = year();
  const unsigned m = month();
  const unsigned d = day();
  buffer[0] = static_cast<char>('0' + (y / 1000) % 10);
  buffer[1] = static_cast<char>('0' + (y / 100) % 10);
  buffer[2] = static_cast<char>('0' + (y / 10) % 10);
  buffer[3] = static_cast<char>('0' + y % 10);
  buffer[4] = '-';
  buffer[5] = static_cast<char>('0' + m / 10);
  buffer[6] = static_cast<char>('0' + m % 10);
  buffer[7] = '-';
  buffer[8] = static_cast<char>('0' + d / 10);
  buffer[9] = static_cast<char>('0' + d % 10);
  return std::string(buffer, 10);
}

Date Date::plus_days(std::int64_t days) const noexcept {
  return Date(std::chrono::year_month_day(std::chrono::sys_days(ymd_) + std::chrono::days(days)));
}

Date Date::plus_years(int years) const noexcept {
  std::chrono::year_month_day next = ymd_ + std::chrono::years(years);
  if (!next.ok()) next = next.year() / next.month() / std::chrono::last;
  return Date(next);
}

int age_in_years(const Date& born, const Date& on) noexcept {
  int age = on.year() - born.year();
  const bool before_birthday =
      on.month() < born.month() || (on.month() == born.month() && on.day() < born.day());
  if (before_birthday) --age;
  return age;
}

Json to_json(const Date& date) {
  return date.to_string();
}

Result<Date> date_from_json(const Json& value, std::string_view where) {
  if (!value.is_string()) {
    return fail(Errc::corrupt, "at " + std::string(where) + ": expected a date string " +
                                   "\"YYYY-MM-DD\", got " + value.type_name());
  }
  auto date = Date::parse(value.get<std::string>());
  if (!date) return fail(Errc::corrupt, "at " + std::string(where) + ": " + date.error().detail);
  return date;
}

}  // namespace clinvid::consent
