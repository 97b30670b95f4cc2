#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "core/rational.hpp"

namespace clinvid {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

Rational R(std::int64_t n, std::int64_t d) {
  return Rational::make(n, d).value();
}

TEST(Rational, ReducesAndRejectsNonPositive) {
  EXPECT_EQ(R(30, 2), R(15, 1));
  EXPECT_EQ(R(60000, 2002).num(), 30000);
  EXPECT_EQ(R(60000, 2002).den(), 1001);
  EXPECT_FALSE(Rational::make(1, 0));
  EXPECT_FALSE(Rational::make(0, 1));
  EXPECT_FALSE(Rational::make(-1, 25));
  EXPECT_EQ(Rational::make(1, 0).error().code, Errc::invalid_argument);
}

TEST(Rational, ParsesAndPrints) {
  EXPECT_EQ(Rational::parse("30000/1001").value(), R(30000, 1001));
  EXPECT_EQ(Rational::parse("25").value(), R(25, 1));
  EXPECT_EQ(R(1, 90000).to_string(), "1/90000");
  for (const char* bad : {"", "/", "1/", "/2", "a/b", "1/2/3", "1.5", " 1/2", "-3/4", "1/0"}) {
    EXPECT_FALSE(Rational::parse(bad)) << bad;
  }
}

TEST(Rational, OrdersExactly) {
  EXPECT_LT(R(1, 3), R(1, 2));
  EXPECT_GT(R(30000, 1001), R(29, 1));
  EXPECT_LT(R(30000, 1001), R(30, 1));
  EXPECT_LT(R(kMax - 1, kMax), R(kMax, kMax - 1));
}

TEST(Time, ComparesAcrossTimebases) {
  EXPECT_EQ(Time(1, R(1, 2)), Time(2, R(1, 4)));
  EXPECT_EQ(Time(90000, R(1, 90000)), Time(1'000'000'000, kNanosecondTimebase));
  EXPECT_LT(Time(1001, R(1, 30000)), Time(1, R(1, 29)));
  EXPECT_GT(Time(-1, R(1, 3)), Time(-1, R(1, 2)));
  // Products far past int64 still compare exactly.
  EXPECT_LT(Time(kMax, R(kMax - 1, kMax)), Time(kMax, R(kMax, kMax - 1)));
  EXPECT_EQ(Time(kMin, R(1, 1)), Time(kMin, R(1, 1)));
  EXPECT_LT(Time(kMin, R(kMax, 1)), Time(kMin, R(1, 1)));
}

TEST(Time, RescalesWithEachRounding) {
  const Time t(1, R(1, 3));  // 1/3 s
  EXPECT_EQ(t.in(R(1, 10), Rounding::down).value(), 3);
  EXPECT_EQ(t.in(R(1, 10), Rounding::up).value(), 4);
  EXPECT_EQ(t.in(R(1, 10), Rounding::nearest).value(), 3);
  EXPECT_EQ(t.in(R(1, 10), Rounding::toward_zero).value(), 3);
  EXPECT_EQ(t.in(R(1, 10), Rounding::exact).error().code, Errc::out_of_range);
  EXPECT_FALSE(t.in(R(1, 10), Rounding::invalid));

  const Time neg(-1, R(1, 3));
  EXPECT_EQ(neg.in(R(1, 10), Rounding::down).value(), -4);
  EXPECT_EQ(neg.in(R(1, 10), Rounding::up).value(), -3);
  EXPECT_EQ(neg.in(R(1, 10), Rounding::toward_zero).value(), -3);

  // Ties: 1/4 s in tenths is 2.5.
  const Time tie(1, R(1, 4));
  EXPECT_EQ(tie.in(R(1, 10), Rounding::nearest).value(), 3);
  EXPECT_EQ(tie.in(R(1, 10), Rounding::nearest_even).value(), 2);
  EXPECT_EQ(Time(-1, R(1, 4)).in(R(1, 10), Rounding::nearest).value(), -3);
  EXPECT_EQ(Time(3, R(1, 4)).in(R(1, 10), Rounding::nearest_even).value(), 8);  // 7.5 -> 8
}

TEST(Time, NtscFramesToNanosecondsAndBack) {
  const Rational ntsc = R(30000, 1001);
  for (std::int64_t frame : {0LL, 1LL, 29LL, 30LL, 1798LL, 107892LL, 1'000'000'000LL}) {
    const Time t = Time::frames(frame, ntsc);
    const std::int64_t ns = t.in(kNanosecondTimebase, Rounding::nearest).value();
    // Round-tripping through ns lands on the same frame (ns resolution << frame period).
    EXPECT_EQ(Time::nanoseconds(ns).in(ntsc.inverse(), Rounding::nearest).value(), frame);
  }
  EXPECT_EQ(Time::frames(30000, ntsc).in(R(1, 1), Rounding::exact).value(), 1001);
}

TEST(Time, DetectsOverflowAtTheEdges) {
  EXPECT_EQ(Time(kMax, R(1, 1)).in(R(1, 2), Rounding::exact).error().code, Errc::out_of_range);
  EXPECT_EQ(Time(kMin, R(1, 1)).in(R(1, 2), Rounding::exact).error().code, Errc::out_of_range);
  EXPECT_EQ(Time(kMax, R(1, 1)).in(R(1, 1), Rounding::exact).value(), kMax);
  EXPECT_EQ(Time(kMin, R(1, 1)).in(R(1, 1), Rounding::exact).value(), kMin);
  EXPECT_EQ(Time(kMax, R(1, 2)).in(R(1, 1), Rounding::down).value(), kMax / 2);
  // kMax·kMax overflows even 128 bits of intermediate.
  EXPECT_EQ(Time(kMax, R(kMax, 1)).in(R(1, kMax), Rounding::nearest).error().code,
            Errc::out_of_range);
  EXPECT_EQ(add(Time(kMax, R(1, 1)), Time(1, R(1, 1))).error().code, Errc::out_of_range);
  EXPECT_EQ(subtract(Time(kMin, R(1, 1)), Time(1, R(1, 1))).error().code, Errc::out_of_range);
  EXPECT_EQ(add(Time(kMax - 1, R(1, 1)), Time(1, R(1, 1))).value().value(), kMax);
  // Timebases whose common timebase cannot be represented.
  EXPECT_FALSE(add(Time(1, R(1, kMax)), Time(1, R(1, kMax - 1))));
}

TEST(Time, AddsExactlyInTheCommonTimebase) {
  const auto sum = add(Time(1, R(1, 25)), Time(1, R(1001, 30000))).value();
  // 1/25 s is 1200 ticks of 1/30000, 1001/30000 is 1001 of them.
  EXPECT_EQ(sum.timebase(), R(1, 30000));
  EXPECT_EQ(sum.value(), 1200 + 1001);
  EXPECT_EQ(sum, Time(11005, R(1, 150000)));
  const auto diff = subtract(Time(1, R(1, 2)), Time(1, R(1, 3))).value();
  EXPECT_EQ(diff, Time(1, R(1, 6)));
  EXPECT_EQ(common_timebase(R(2, 3), R(4, 9)).value(), R(2, 9));
}

TEST(Time, ScalesForSpeedChanges) {
  const Time ten_frames = Time::frames(10, R(25, 1));
  EXPECT_EQ(ten_frames.scaled(R(1, 4), Rounding::nearest).value().value(), 3);  // 2.5 -> 3
  EXPECT_EQ(ten_frames.scaled(R(4, 1), Rounding::exact).value().value(), 40);
  EXPECT_EQ(Time(kMax, R(1, 1)).scaled(R(2, 1), Rounding::exact).error().code, Errc::out_of_range);
}

}  // namespace
}  // namespace clinvid
