// FFmpeg's own log (libx264's statistics, demuxer chatter) follows clinvid's log level, so an
// export does not print encoder internals on a user's terminal: errors only by default,
// everything with CLINVID_LOG=debug. Called by every entry point that opens FFmpeg contexts.
#pragma once

namespace clinvid::media {

// Idempotent and thread-safe; the level is set once per process.
void follow_clinvid_log_level() noexcept;

}  // namespace clinvid::media
