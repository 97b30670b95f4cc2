// Rational time (DESIGN invariant 7): every timestamp that crosses a module is an int64
// count of ticks over a rational timebase, never floating seconds.
//
// Arithmetic is exact. Where a result cannot be represented (it overflows int64, or a
// rescale would need rounding the caller did not allow) the operation returns
// Errc::out_of_range instead of wrapping or silently rounding.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace clinvid {

// A strictly positive fraction in lowest terms: timebases, frame rates, speed factors.
class Rational {
 public:
  constexpr Rational() = default;  // 1/1
  // Reduces; rejects a zero or negative denominator and a non-positive numerator.
  [[nodiscard]] static Result<Rational> make(std::int64_t num, std::int64_t den);
  // Parses "30000/1001", "25" or "1/90000".
  [[nodiscard]] static Result<Rational> parse(std::string_view text);

  [[nodiscard]] constexpr std::int64_t num() const noexcept { return num_; }
  [[nodiscard]] constexpr std::int64_t den() const noexcept { return den_; }
  [[nodiscard]] Rational inverse() const noexcept;
  [[nodiscard]] std::string to_string() const;      // "num/den"
  [[nodiscard]] double to_double() const noexcept;  // display only

  friend std::strong_ordering operator<=>(const Rational& a, const Rational& b) noexcept;
  friend bool operator==(const Rational& a, const Rational& b) noexcept = default;

 private:
  constexpr Rational(std::int64_t num, std::int64_t den) : num_(num), den_(den) {}
  std::int64_t num_ = 1;
  std::int64_t den_ = 1;
};

// How a rescale that does not divide evenly is resolved.
enum class Rounding {
  invalid = 0,
  toward_zero,
  down,          // towards negative infinity
  up,            // towards positive infinity
  nearest,       // ties away from zero
  nearest_even,  // ties to even (banker's)
  exact,         // refuse with out_of_range unless the result is exact
};

// value × timebase seconds. A point on a timeline or a duration; negative values allowed.
class Time {
 public:
  constexpr Time() = default;  // 0 × 1/1
  constexpr Time(std::int64_t value, Rational timebase) : value_(value), timebase_(timebase) {}

  // Frame n at `rate` frames per second: n ticks of 1/rate.
  [[nodiscard]] static Time frames(std::int64_t n, Rational rate) { return {n, rate.inverse()}; }
  [[nodiscard]] static Time nanoseconds(std::int64_t ns);

  [[nodiscard]] constexpr std::int64_t value() const noexcept { return value_; }
  [[nodiscard]] constexpr Rational timebase() const noexcept { return timebase_; }

  // The same instant in ticks of `timebase`.
  [[nodiscard]] Result<Time> rescale(Rational timebase, Rounding rounding) const;
  // Ticks of `timebase`, for handing to GStreamer (ns) or FFmpeg (stream timebase).
  [[nodiscard]] Result<std::int64_t> in(Rational timebase, Rounding rounding) const;
  // This duration scaled by `factor` (a speed change), rounded in this timebase.
  [[nodiscard]] Result<Time> scaled(Rational factor, Rounding rounding) const;

  [[nodiscard]] std::string to_string() const;    // "value*num/den"
  [[nodiscard]] double seconds() const noexcept;  // display only

  // Exact sum/difference, in the coarsest timebase both operands divide.
  friend Result<Time> add(const Time& a, const Time& b);
  friend Result<Time> subtract(const Time& a, const Time& b);
  // Exact comparison of instants regardless of timebase (1/2 == 2/4).
  friend std::strong_ordering operator<=>(const Time& a, const Time& b) noexcept;
  friend bool operator==(const Time& a, const Time& b) noexcept {
    return (a <=> b) == std::strong_ordering::equal;
  }

 private:
  std::int64_t value_ = 0;
  Rational timebase_{};
};

// The common timebase in which both a and b are whole numbers of ticks:
// gcd(a, b) = gcd(a.num, b.num) / lcm(a.den, b.den).
[[nodiscard]] Result<Rational> common_timebase(Rational a, Rational b);

inline const Rational kNanosecondTimebase = Rational::make(1, 1'000'000'000).value();

}  // namespace clinvid
