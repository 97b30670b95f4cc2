#include <algorithm>
#include <exception>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/mathematics.h>
#include <libswscale/swscale.h>
}

#include "archive/import_av.hpp"
#include "archive/import_demux.hpp"

namespace clinvid::archive::detail {

namespace {

struct CodecContextDeleter {
  void operator()(AVCodecContext* context) const noexcept { avcodec_free_context(&context); }
};
struct FrameDeleter {
  void operator()(AVFrame* frame) const noexcept { av_frame_free(&frame); }
};
struct SwsDeleter {
  void operator()(SwsContext* context) const noexcept { sws_freeContext(context); }
};

// The frame in grey, scaled down to the quality working size, full range.
Result<QualityMeasures> measure_frame(const AVFrame& frame) {
  const int long_side = std::max(frame.width, frame.height);
  const double scale = long_side > kQualityWorkingLongSidePx
                           ? static_cast<double>(kQualityWorkingLongSidePx) / long_side
                           : 1.0;
  const int width = std::max(1, static_cast<int>(frame.width * scale));
  const int height = std::max(1, static_cast<int>(frame.height * scale));
  std::unique_ptr<SwsContext, SwsDeleter> sws(
      sws_getContext(frame.width, frame.height, static_cast<AVPixelFormat>(frame.format), width,
                     height, AV_PIX_FMT_GRAY8, SWS_AREA, nullptr, nullptr, nullptr));
  if (!sws) return fail(Errc::media, "no conversion from this pixel format to grey");
  const int* coefficients = sws_getCoefficients(SWS_CS_DEFAULT);
  const int source_full =
      frame.color_range == AVCOL_RANGE_JPEG || frame.format == AV_PIX_FMT_YUVJ420P ||
      frame.format == AV_PIX_FMT_YUVJ422P || frame.format == AV_PIX_FMT_YUVJ444P;
  sws_setColorspaceDetails(sws.get(), coefficients, source_full, coefficients, 1, 0, 1 << 16,
                           1 << 16);
  std::vector<std::uint8_t> grey(static_cast<std::size_t>(width) *
                                 static_cast<std::size_t>(height));
  std::uint8_t* planes[4] = {grey.data(), nullptr, nullptr, nullptr};
  int strides[4] = {width, 0, 0, 0};
  if (sws_scale(sws.get(), frame.data, frame.linesize, 0, frame.height, planes, strides) <= 0) {
    return fail(Errc::media, "converting a frame to grey failed");
  }
  return measure_quality(GreyView{grey.data(), width, height, width});
}

}  // namespace

Result<std::vector<QualityMeasures>> sample_video_quality(int fd) {
  try {
    auto input = open_input(fd);
    if (!input) return tl::unexpected(input.error());
    AVFormatContext* in = input->format.get();
    const AVCodec* decoder = nullptr;
    const int index = av_find_best_stream(in, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
    std::vector<QualityMeasures> samples;
    if (index < 0 || decoder == nullptr) return samples;
    const AVStream* stream = in->streams[index];
    std::unique_ptr<AVCodecContext, CodecContextDeleter> codec(avcodec_alloc_context3(decoder));
    if (!codec || avcodec_parameters_to_context(codec.get(), stream->codecpar) < 0) {
      return fail(Errc::media,
                  "cannot set up the " + codec_name(stream->codecpar->codec_id) + " decoder");
    }
    codec->thread_count = 1;
    if (const int rc = avcodec_open2(codec.get(), decoder, nullptr); rc < 0) {
      return tl::unexpected(av_failure(rc, "open the video decoder"));
    }
    PacketPtr packet(av_packet_alloc());
    std::unique_ptr<AVFrame, FrameDeleter> frame(av_frame_alloc());
    if (!packet || !frame) return fail(Errc::media, "allocation failed");

    const std::int64_t start = stream->start_time != AV_NOPTS_VALUE ? stream->start_time : 0;
    std::int64_t duration = stream->duration;
    if (duration <= 0 && in->duration > 0) {
      duration = av_rescale_q(in->duration, AVRational{1, AV_TIME_BASE}, stream->time_base);
    }
    for (int k = 0; k < kQualitySampleFrames; ++k) {
      // Evenly inside the clip, away from the first and last moments (camera being raised
      // or lowered).
      const std::int64_t target =
          start + (duration > 0 ? av_rescale(duration, k + 1, kQualitySampleFrames + 1) : 0);
      if (k > 0 && duration <= 0) break;
      if (av_seek_frame(in, index, target, AVSEEK_FLAG_BACKWARD) < 0) continue;
      avcodec_flush_buffers(codec.get());
      bool got = false;
      // Bounded: a damaged stream that never yields a frame must not loop over the file.
      for (int packets = 0; packets < 600 && !got; ++packets) {
        const int rc = av_read_frame(in, packet.get());
        if (rc < 0) {
          avcodec_send_packet(codec.get(), nullptr);
        } else if (packet->stream_index != index) {
          av_packet_unref(packet.get());
          continue;
        } else {
          avcodec_send_packet(codec.get(), packet.get());
          av_packet_unref(packet.get());
        }
        while (!got && avcodec_receive_frame(codec.get(), frame.get()) == 0) {
          // The first frame at or after the target (decoding from the keyframe before it).
          if (rc >= 0 && frame->best_effort_timestamp != AV_NOPTS_VALUE &&
              frame->best_effort_timestamp < target) {
            av_frame_unref(frame.get());
            continue;
          }
          auto measures = measure_frame(*frame);
          av_frame_unref(frame.get());
          if (measures) samples.push_back(*measures);
          got = true;
        }
        if (rc < 0) break;
      }
    }
    return samples;
  } catch (const std::exception& e) {
    return fail(Errc::internal, std::string("quality sampling: ") + e.what());
  }
}

}  // namespace clinvid::archive::detail
