#include <gtest/gtest.h>

#include "core/log.hpp"
#include "core/result.hpp"

namespace clinvid {
namespace {

Result<int> half(int v) {
  if (v % 2 != 0) return fail(Errc::invalid_argument, std::to_string(v) + " is odd");
  return v / 2;
}

TEST(Result, CarriesValueOrError) {
  EXPECT_EQ(half(8).value(), 4);
  const auto odd = half(3);
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().code, Errc::invalid_argument);
  EXPECT_EQ(odd.error().message(), "invalid argument: 3 is odd");
  const auto chained = half(8).and_then(half).and_then(half);
  EXPECT_EQ(chained.value(), 1);
  EXPECT_FALSE(half(6).and_then(half));
}

TEST(Result, ContextKeepsTheClass) {
  const Status wrapped = with_context(Error{Errc::io, "disk"}, "write frame");
  EXPECT_EQ(wrapped.error().code, Errc::io);
  EXPECT_EQ(wrapped.error().detail, "write frame: disk");
}

TEST(Result, EveryCodeHasAName) {
  for (int c = 0; c <= static_cast<int>(Errc::internal); ++c) {
    EXPECT_NE(to_string(static_cast<Errc>(c)), "unknown error") << c;
  }
}

TEST(Log, LevelsFilter) {
  const LogLevel before = log_level();
  set_log_level(LogLevel::warn);
  EXPECT_TRUE(log_enabled(LogLevel::error));
  EXPECT_TRUE(log_enabled(LogLevel::warn));
  EXPECT_FALSE(log_enabled(LogLevel::info));
  EXPECT_FALSE(log_enabled(LogLevel::invalid));
  EXPECT_EQ(parse_log_level("debug"), LogLevel::debug);
  EXPECT_EQ(parse_log_level("loud"), LogLevel::invalid);

  testing::internal::CaptureStderr();
  log(LogLevel::error, "test", "value {} of {}", 3, "frames");
  log(LogLevel::debug, "test", "hidden {}", 1);
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_NE(out.find("error test: value 3 of frames"), std::string::npos) << out;
  EXPECT_EQ(out.find("hidden"), std::string::npos);
  set_log_level(before);
}

}  // namespace
}  // namespace clinvid
