#include "media/ffmpeg_log.hpp"

#include <mutex>

#include "core/log.hpp"

extern "C" {
#include <libavutil/log.h>
}

namespace clinvid::media {

void follow_clinvid_log_level() noexcept {
  static std::once_flag once;
  std::call_once(once, [] {
    int level = AV_LOG_ERROR;
    if (log_enabled(LogLevel::debug)) {
      level = AV_LOG_VERBOSE;
    } else if (log_enabled(LogLevel::info)) {
      level = AV_LOG_WARNING;
    }
    av_log_set_level(level);
  });
}

}  // namespace clinvid::media
