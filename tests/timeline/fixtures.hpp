// Projects built by code for the timeline tests.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "timeline/commands.hpp"
#include "timeline/model.hpp"

namespace clinvid::timeline::test {

inline const std::string kRecA = "0f8c2d4e-1b3a-4c5d-8e9f-a0b1c2d3e4f5";
inline const std::string kRecB = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d";

inline Rational rate(std::int64_t num, std::int64_t den = 1) {
  return Rational::make(num, den).value();
}

// Seconds as an exact Time (ms precision is enough for fixtures).
inline Time ms(std::int64_t v) {
  return Time(v, rate(1, 1000));
}
inline Time sec(std::int64_t v) {
  return Time(v, Rational());
}

// A 1920x1080 source clip of `recording`, [in, out) seconds, at `start` seconds.
inline Clip clip(const std::string& recording, std::int64_t in_s, std::int64_t out_s,
                 std::int64_t start_s) {
  Clip c;
  c.source = {recording, 0};
  c.source_width_px = 1920;
  c.source_height_px = 1080;
  c.source_in = sec(in_s);
  c.source_out = sec(out_s);
  c.start = sec(start_s);
  return c;
}

// A 1920x1080 project at 30 fps with one video track "t1".
inline Project project_30fps() {
  Project p;
  p.format.frame_rate = rate(30);
  p.metadata.title = "Gait before and after";
  p.metadata.author = "Dr A. Example";
  p.metadata.consent_reference = "CR-2026-0042";
  Track t;
  t.id = p.new_id("t");
  t.kind = TrackKind::video;
  p.tracks.push_back(t);
  return p;
}

template <class T>
T ok(Result<T> r) {
  EXPECT_TRUE(r.has_value()) << (r ? std::string() : r.error().message());
  if (!r) throw std::runtime_error(r.error().message());
  return std::move(*r);
}

}  // namespace clinvid::timeline::test
