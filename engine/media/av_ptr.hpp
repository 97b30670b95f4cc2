// Owner types for the FFmpeg handles the decoders and the encoder hold (DESIGN convention 3:
// one owner type per C handle). Private to engine/media: include only from .cpp files, after
// the FFmpeg headers.
#pragma once

#include <memory>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

namespace clinvid::media {

struct AvCodecContextDeleter {
  void operator()(AVCodecContext* context) const noexcept { avcodec_free_context(&context); }
};
struct AvFrameDeleter {
  void operator()(AVFrame* frame) const noexcept { av_frame_free(&frame); }
};
struct AvPacketDeleter {
  void operator()(AVPacket* packet) const noexcept { av_packet_free(&packet); }
};
struct SwsContextDeleter {
  void operator()(SwsContext* context) const noexcept { sws_freeContext(context); }
};
struct SwrContextDeleter {
  void operator()(SwrContext* context) const noexcept { swr_free(&context); }
};
struct AvBufferDeleter {
  void operator()(AVBufferRef* buffer) const noexcept { av_buffer_unref(&buffer); }
};

using AvCodecContextPtr = std::unique_ptr<AVCodecContext, AvCodecContextDeleter>;
using AvFramePtr = std::unique_ptr<AVFrame, AvFrameDeleter>;
using AvPacketPtr = std::unique_ptr<AVPacket, AvPacketDeleter>;
using SwsContextPtr = std::unique_ptr<SwsContext, SwsContextDeleter>;
using SwrContextPtr = std::unique_ptr<SwrContext, SwrContextDeleter>;
using AvBufferPtr = std::unique_ptr<AVBufferRef, AvBufferDeleter>;

}  // namespace clinvid::media
