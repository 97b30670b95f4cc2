// A calendar date (proleptic Gregorian, no time of day, no time zone): the unit of consent
// forms, withdrawals, expiry, ages and retention. Consent is decided per day: a form signed
// on a date is in force from that date; one withdrawn on a date stops use from that date.
//
// In JSON a Date is the ISO 8601 string "YYYY-MM-DD" (nothing else is accepted).
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "core/result.hpp"

namespace clinvid::consent {

class Date {
 public:
  Date() = default;  // 1970-01-01: a placeholder, never a meaningful consent date
  // Errc::invalid_argument for a day that does not exist (2023-02-29) or a year outside
  // 1900..9999 (consent records are modern; this catches two-digit-year slips).
  [[nodiscard]] static Result<Date> make(int year, unsigned month, unsigned day);
  [[nodiscard]] static Result<Date> parse(std::string_view iso);

  [[nodiscard]] int year() const noexcept { return static_cast<int>(ymd_.year()); }
  [[nodiscard]] unsigned month() const noexcept { return static_cast<unsigned>(ymd_.month()); }
  [[nodiscard]] unsigned day() const noexcept { return static_cast<unsigned>(ymd_.day()); }
  [[nodiscard]] std::string to_string() const;  // "YYYY-MM-DD"

  [[nodiscard]] Date plus_days(std::int64_t days) const noexcept;
  // The same day `years` later; 29 February becomes 28 February in a common year.
  [[nodiscard]] Date plus_years(int years) const noexcept;

  friend std::strong_ordering operator<=>(const Date& a, const Date& b) noexcept {
    return std::chrono::sys_days(a.ymd_) <=> std::chrono::sys_days(b.ymd_);
  }
  friend bool operator==(const Date& a, const Date& b) noexcept = default;

 private:
  explicit Date(std::chrono::year_month_day ymd) : ymd_(ymd) {}
  std::chrono::year_month_day ymd_{std::chrono::year(1970), std::chrono::January,
                                   std::chrono::day(1)};
};

// Completed years between `born` and `on` (a birthday counts on the day itself; someone
// born on 29 February turns a year older on 1 March in a common year). Negative when `on`
// is before `born`.
[[nodiscard]] int age_in_years(const Date& born, const Date& on) noexcept;

[[nodiscard]] Json to_json(const Date& date);
// Errc::corrupt "at <where>: ..." unless `value` is a valid "YYYY-MM-DD" string.
[[nodiscard]] Result<Date> date_from_json(const Json& value, std::string_view where);

}  // namespace clinvid::consent
