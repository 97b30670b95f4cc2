#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "timeline/captions.hpp"

namespace clinvid::timeline {
namespace {

using test::ms;
using test::ok;

TEST(Captions, ParsesWebVttWithAndWithoutHours) {
  const std::string vtt =
      "\xEF\xBB\xBFWEBVTT - gait study\r\n"
      "Kind: captions\r\n"
      "\r\n"
      "NOTE reviewed by the consent lead\r\n"
      "\r\n"
      "intro\r\n"
      "00:01.000 --> 00:04.250 align:start position:10%\r\n"
      "Left heel strike\r\n"
      "<i>mid-stance</i>\r\n"
      "\r\n"
      "01:02:03.004 --> 01:02:05.000\r\n"
      "Toe off\r\n";
  const auto cues = ok(parse_webvtt(vtt));
  ASSERT_EQ(cues.size(), 2U);
  EXPECT_EQ(cues[0].start, ms(1000));
  EXPECT_EQ(cues[0].end, ms(4250));
  EXPECT_EQ(cues[0].text, "Left heel strike\n<i>mid-stance</i>");
  EXPECT_EQ(cues[1].start, ms(3723004));
  EXPECT_EQ(cues[1].end, ms(3725000));
  EXPECT_EQ(cues[1].text, "Toe off");
}

TEST(Captions, ParsesSrt) {
  const std::string srt =
      "1\n00:00:01,000 --> 00:00:02,500\nFirst line\nsecond line\n\n"
      "2\n00:10:00,040 --> 00:10:01,000\nNext\n";
  const auto cues = ok(parse_srt(srt));
  ASSERT_EQ(cues.size(), 2U);
  EXPECT_EQ(cues[0].start, ms(1000));
  EXPECT_EQ(cues[0].end, ms(2500));
  EXPECT_EQ(cues[0].text, "First line\nsecond line");
  EXPECT_EQ(cues[1].start, ms(600040));
}

TEST(Captions, WriteThenParseRoundTripsBothFormats) {
  const std::vector<Cue> cues{{ms(0), ms(1500), "One"},
                              {ms(3600000 + 61001), ms(3600000 + 62000), "Two\nlines"}};
  const std::string vtt = write_webvtt(cues);
  EXPECT_EQ(vtt,
            "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nOne\n\n"
            "01:01:01.001 --> 01:01:02.000\nTwo\nlines\n");
  const std::string srt = write_srt(cues);
  EXPECT_EQ(srt,
            "1\n00:00:00,000 --> 00:00:01,500\nOne\n\n"
            "2\n01:01:01,001 --> 01:01:02,000\nTwo\nlines\n");
  for (const auto& parsed : {ok(parse_webvtt(vtt)), ok(parse_srt(srt))}) {
    ASSERT_EQ(parsed.size(), 2U);
    EXPECT_EQ(parsed[1].start, cues[1].start);
    EXPECT_EQ(parsed[1].end, cues[1].end);
    EXPECT_EQ(parsed[1].text, cues[1].text);
  }
  // Rational times are written to the nearest millisecond: frame 1 at 30000/1001 is 33.367 ms.
  const std::vector<Cue> frames{
      {Time(1001, test::rate(1, 30000)), Time(2002, test::rate(1, 30000)), "x"}};
  EXPECT_NE(write_srt(frames).find("00:00:00,033 --> 00:00:00,067"), std::string::npos);
}

void expect_corrupt(const Result<std::vector<Cue>>& r, const std::string& text) {
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::corrupt);
  EXPECT_NE(r.error().detail.find(text), std::string::npos) << r.error().detail;
}

TEST(Captions, MalformedInputNamesTheLine) {
  expect_corrupt(parse_webvtt("WEBVT\n"), "line 1: a WebVTT file starts with 'WEBVTT'");
  expect_corrupt(parse_webvtt("WEBVTTX\n"), "line 1");
  expect_corrupt(parse_webvtt("WEBVTT\n\n00:01.000 -> 00:02.000\nx\n"), "line 3");
  expect_corrupt(parse_webvtt("WEBVTT\n\n00:01.000 --> 00:02,000\nx\n"),
                 "line 3: malformed timestamp '00:02,000'");
  expect_corrupt(parse_webvtt("WEBVTT\n\n00:61.000 --> 00:62.000\nx\n"), "line 3");
  expect_corrupt(parse_webvtt("WEBVTT\n\n00:05.000 --> 00:02.000\nx\n"),
                 "line 3: cue ends at 2000 ms, not after its start 5000 ms");
  expect_corrupt(parse_srt("1\n00:00:01.000 --> 00:00:02,000\nx\n"),
                 "line 2: malformed timestamp '00:00:01.000'");
  expect_corrupt(parse_srt("1\n00:01,000 --> 00:00:02,000\nx\n"), "line 2");  // hours required
  expect_corrupt(parse_srt("one\n00:00:01,000 --> 00:00:02,000\nx\n"),
                 "line 1: expected a cue number, got 'one'");
  expect_corrupt(parse_srt("1\n00:00:01,000 --> 00:00:02,000\nx\n\n2\n"),
                 "line 5: cue number without a timing line");
  EXPECT_TRUE(ok(parse_srt("")).empty());
  EXPECT_TRUE(ok(parse_webvtt("WEBVTT\n")).empty());
}

TEST(Captions, CuesBecomeCaptionItems) {
  const std::vector<Cue> cues{{ms(500), ms(2000), "Hello"}, {ms(2000), ms(2100), ""}};
  const auto items = cues_to_text_items(cues);
  ASSERT_EQ(items.size(), 1U);  // the empty cue shows nothing
  EXPECT_EQ(items[0].start, ms(500));
  EXPECT_EQ(items[0].duration, ms(1500));
  EXPECT_EQ(items[0].position, TextPosition::caption);
}

}  // namespace
}  // namespace clinvid::timeline
