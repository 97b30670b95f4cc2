// Pad probes and callbacks that count, time and draw a stream's data, and the preview slot's
// appsink callback. Internal to engine/capture. Each takes the stream by reference; the stream
// must outlive the bin's streaming (the session stops the pipeline before freeing streams).
#pragma once

#include "capture/stream.hpp"
#include "core/result.hpp"

namespace clinvid::capture {

// Counters (frames in and out of the encoder queue, bytes to the sink), the first timestamp and
// gaps in timestamps; for test cameras the renderer (and fail-after); for cameras the preview.
[[nodiscard]] Status install_probes(StreamRuntime& stream);

// Copies the newest preview sample out as packed I420.
[[nodiscard]] std::optional<PreviewFrame> copy_preview(const StreamRuntime& stream,
                                                       std::uint64_t after_sequence);

}  // namespace clinvid::capture
