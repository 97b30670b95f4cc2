// Times typed on the command line, read exactly (DESIGN invariant 7): "12", "12.04" (decimal
// seconds, up to nanoseconds), "1:02.5" or "01:00:02.500" (clock form), "1001/30000" (a rational
// number of seconds).
#pragma once

#include <string_view>

#include "core/rational.hpp"
#include "core/result.hpp"

namespace clinvid::cli {

// Errc::invalid_argument saying what was expected. Negative times are refused.
[[nodiscard]] Result<Time> parse_time_text(std::string_view text);

}  // namespace clinvid::cli
