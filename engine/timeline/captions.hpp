// Timed captions in WebVTT and SubRip (SRT). Times are rational milliseconds (Time over 1/1000).
// Parsing tolerates a UTF-8 BOM, CRLF line ends, VTT cue identifiers, NOTE/STYLE/REGION blocks
// and cue settings (ignored: placement is the caption track's); errors name the line number.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/rational.hpp"
#include "core/result.hpp"
#include "timeline/model.hpp"

namespace clinvid::timeline {

struct Cue {
  Time start;        // ms
  Time end;          // ms, after start
  std::string text;  // lines joined by '\n'
};

// VTT timestamps: [hh:]mm:ss.ttt. corrupt, "line 7: ..." on malformed input.
[[nodiscard]] Result<std::vector<Cue>> parse_webvtt(std::string_view text);
// SRT timestamps: hh:mm:ss,ttt.
[[nodiscard]] Result<std::vector<Cue>> parse_srt(std::string_view text);
// Times are rounded to the nearest millisecond (the formats' resolution).
[[nodiscard]] std::string write_webvtt(const std::vector<Cue>& cues);
[[nodiscard]] std::string write_srt(const std::vector<Cue>& cues);

// Cues as caption-track text items (ids left empty: add_texts assigns them).
[[nodiscard]] std::vector<TextItem> cues_to_text_items(const std::vector<Cue>& cues);

}  // namespace clinvid::timeline
