#include "media/decoder.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "media/av_ptr.hpp"
#include "media/frame_cache.hpp"
#include "media/stream_open.hpp"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

namespace clinvid::media {
namespace {

// How many times frame_at may seek further back when a seek lands after the target (an
// index of DTS with B-frames, a sparse or missing index) before it gives up.
constexpr int kMaxSeekRetries = 24;

bool is_full_range(const AVFrame& frame) {
  switch (frame.format) {
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_YUVJ440P:
    case AV_PIX_FMT_YUVJ411P: return true;
    default: return frame.color_range == AVCOL_RANGE_JPEG;
  }
}

// The non-deprecated twin of a yuvj format (swscale warns about the j ones; range is set
// explicitly instead).
AVPixelFormat without_j(AVPixelFormat format) {
  switch (format) {
    case AV_PIX_FMT_YUVJ420P: return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P: return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P: return AV_PIX_FMT_YUV444P;
    case AV_PIX_FMT_YUVJ440P: return AV_PIX_FMT_YUV440P;
    case AV_PIX_FMT_YUVJ411P: return AV_PIX_FMT_YUV411P;
    default: return format;
  }
}

}  // namespace

struct VideoDecoder::Impl {
  Impl(OpenedStream opened, FrameCache frame_cache)
      : input(std::move(opened.input)),
        index(opened.index),
        codec(std::move(opened.codec)),
        cache(std::move(frame_cache)) {}

  EncryptedInput input;
  int index;
  AvCodecContextPtr codec;
  FrameCache cache;
  StreamInfo info;
  std::optional<Time> stream_duration;
  std::optional<Time> stream_start;
  std::int64_t start_ticks = 0;             // where "the beginning" is for seeks
  std::int64_t default_duration_ticks = 1;  // one frame at the stated rate
  std::int64_t second_ticks = 1;            // one second in the timebase

  AvPacketPtr packet{av_packet_alloc()};
  AvFramePtr next{av_frame_alloc()};
  AvFramePtr pending{av_frame_alloc()};
  std::shared_ptr<Frame> last_output;  // recycled by to_i420 once no one else holds it
  SwsContextPtr sws;  // for sws_width × sws_height sws_format (sws_full_range) frames
  int sws_width = 0;
  int sws_height = 0;
  AVPixelFormat sws_format = AV_PIX_FMT_NONE;
  bool sws_full_range = false;

  // Where the codec stands: the frame it produced last (`pending`, not yet handed out because
  // its duration is only known once the next frame arrives), and whether the next frame it
  // produces is the stream's first (just opened or sought to the start).
  bool has_pending = false;
  bool pending_is_first = false;
  std::int64_t pending_pts = 0;
  bool next_is_first = true;
  bool demux_done = false;  // the demuxer hit the end; the codec is being drained
  bool codec_done = false;  // the codec is drained: `pending` is the stream's last frame

  std::uint64_t frames_decoded = 0;
  std::uint64_t seeks = 0;
  std::uint64_t cache_hits = 0;

  [[nodiscard]] Rational timebase() const { return info.timebase; }
  [[nodiscard]] Time at(std::int64_t ticks) const { return Time(ticks, info.timebase); }

  // Reads and decodes until the codec produces a frame into `next` (true) or is drained
  // (false).
  Result<bool> decode_next() {
    while (true) {
      const int received = avcodec_receive_frame(codec.get(), next.get());
      if (received >= 0) {
        ++frames_decoded;
        return true;
      }
      if (received == AVERROR_EOF) return false;
      if (received != AVERROR(EAGAIN)) {
        return tl::unexpected(ffmpeg_error(input, received, "decode video of " + where()));
      }
      if (demux_done) return false;  // cannot happen after a flush packet; be safe
      const int read = av_read_frame(input.format(), packet.get());
      if (read == AVERROR_EOF) {
        demux_done = true;
        if (const int rc = avcodec_send_packet(codec.get(), nullptr); rc < 0 && rc != AVERROR_EOF) {
          return tl::unexpected(ffmpeg_error(input, rc, "drain the video decoder of " + where()));
        }
        continue;
      }
      if (read < 0) {
        return tl::unexpected(ffmpeg_error(input, read, "read packets of " + where()));
      }
      if (packet->stream_index != index) {
        av_packet_unref(packet.get());
        continue;
      }
      const std::int64_t packet_pts = packet->pts;
      const int sent = avcodec_send_packet(codec.get(), packet.get());
      av_packet_unref(packet.get());
      if (sent < 0 && sent != AVERROR(EAGAIN)) {
        return tl::unexpected(ffmpeg_error(
            input, sent,
            "decode the video packet at pts " + std::to_string(packet_pts) + " of " + where()));
      }
    }
  }

  [[nodiscard]] std::string where() const {
    return "stream " + std::to_string(index) + " (" + info.codec + ")";
  }

  [[nodiscard]] std::int64_t pts_of(const AVFrame& frame) const {
    if (frame.best_effort_timestamp != AV_NOPTS_VALUE) return frame.best_effort_timestamp;
    if (frame.pts != AV_NOPTS_VALUE) return frame.pts;
    return has_pending ? pending_pts + default_duration_ticks : start_ticks;
  }

  [[nodiscard]] std::int64_t stated_duration(const AVFrame& frame) const {
#if LIBAVUTIL_VERSION_INT >= AV_VERSION_INT(57, 30, 100)
    const std::int64_t stated = frame.duration;
#else
    const std::int64_t stated = frame.pkt_duration;
#endif
    return stated > 0 ? stated : default_duration_ticks;
  }

  Result<std::shared_ptr<const Frame>> to_i420(const AVFrame& src) {
    const auto width = static_cast<std::uint32_t>(src.width);
    const auto height = static_cast<std::uint32_t>(src.height);
    // The previous output is reused when nobody holds it any more (no cache, and the caller
    // let it go): sequential export then allocates (and zero-fills) no frame per frame.
    std::shared_ptr<Frame> frame;
    if (last_output && last_output.use_count() == 1 && last_output->width() == width &&
        last_output->height() == height) {
      // Pairs with the release in the last other owner's decrement (possibly on another
      // thread), so its reads of the pixels happen before these writes.
      std::atomic_thread_fence(std::memory_order_acquire);
      frame = std::move(last_output);
    } else {
      auto allocated = Frame::allocate(PixelFormat::i420, width, height);
      if (!allocated) return tl::unexpected(allocated.error());
      frame = std::make_shared<Frame>(std::move(*allocated));
    }
    last_output = frame;
    const FrameView dst = frame->view();
    const bool full_range = is_full_range(src);
    if (src.format == AV_PIX_FMT_YUV420P && !full_range) {
      for (int plane = 0; plane < 3; ++plane) {
        const PlaneExtent extent = plane_extent(PixelFormat::i420, width, height, plane);
        for (std::uint32_t row = 0; row < extent.rows; ++row) {
          std::memcpy(dst.planes[static_cast<std::size_t>(plane)] +
                          row * dst.strides[static_cast<std::size_t>(plane)],
                      src.data[plane] + static_cast<std::ptrdiff_t>(row) * src.linesize[plane],
                      extent.row_bytes);
        }
      }
      return std::shared_ptr<const Frame>(std::move(frame));
    }
    const AVPixelFormat format = without_j(static_cast<AVPixelFormat>(src.format));
    if (!sws || sws_width != src.width || sws_height != src.height || sws_format != format ||
        sws_full_range != full_range) {
      // Ranges are set before sws_init_context: set afterwards, an unscaled same-format
      // path chosen at init would ignore them.
      sws.reset(sws_alloc_context());
      int rc = sws ? 0 : AVERROR(ENOMEM);
      if (rc >= 0) rc = av_opt_set_int(sws.get(), "srcw", src.width, 0);
      if (rc >= 0) rc = av_opt_set_int(sws.get(), "srch", src.height, 0);
      if (rc >= 0) rc = av_opt_set_int(sws.get(), "src_format", format, 0);
      if (rc >= 0) rc = av_opt_set_int(sws.get(), "src_range", full_range ? 1 : 0, 0);
      if (rc >= 0) rc = av_opt_set_int(sws.get(), "dstw", src.width, 0);
      if (rc >= 0) rc = av_opt_set_int(sws.get(), "dsth", src.height, 0);
      if (rc >= 0) rc = av_opt_set_int(sws.get(), "dst_format", AV_PIX_FMT_YUV420P, 0);
      if (rc >= 0) rc = av_opt_set_int(sws.get(), "dst_range", 0, 0);
      if (rc >= 0) rc = av_opt_set_int(sws.get(), "sws_flags", SWS_BICUBIC | SWS_ACCURATE_RND, 0);
      if (rc >= 0) rc = sws_init_context(sws.get(), nullptr, nullptr);
      if (rc < 0) {
        sws.reset();
        const char* name = av_get_pix_fmt_name(format);
        return fail(Errc::unsupported,
                    "swscale cannot convert " + std::string(name != nullptr ? name : "?") + " " +
                        std::to_string(src.width) + "x" + std::to_string(src.height) +
                        " to yuv420p: " + av_error_text(rc));
      }
      sws_width = src.width;
      sws_height = src.height;
      sws_format = format;
      sws_full_range = full_range;
    }
    std::uint8_t* const planes[4] = {dst.planes[0], dst.planes[1], dst.planes[2], nullptr};
    const int strides[4] = {static_cast<int>(dst.strides[0]), static_cast<int>(dst.strides[1]),
                            static_cast<int>(dst.strides[2]), 0};
    const int rows = sws_scale(sws.get(), src.data, src.linesize, 0, src.height, planes, strides);
    if (rows != src.height) {
      return fail(Errc::media, "swscale produced " + std::to_string(rows) + " of " +
                                   std::to_string(src.height) + " rows");
    }
    return std::shared_ptr<const Frame>(std::move(frame));
  }

  // Hands out `pending` with `duration_ticks`, caching it.
  Result<DecodedFrame> settle_pending(std::int64_t duration_ticks, bool is_last) {
    auto converted = to_i420(*pending);
    if (!converted) return tl::unexpected(converted.error());
    cache.insert(
        CachedFrame{pending_pts, duration_ticks, pending_is_first, is_last, *converted, {}, 0});
    return DecodedFrame{at(pending_pts), at(duration_ticks), std::move(*converted)};
  }

  Status seek(std::int64_t target_ticks) {
    const bool to_start = target_ticks <= start_ticks;
    const std::int64_t ts = to_start ? start_ticks : target_ticks;
    int rc = av_seek_frame(input.format(), index, ts, AVSEEK_FLAG_BACKWARD);
    if (rc < 0 && to_start) {
      rc = avformat_seek_file(input.format(), -1, std::numeric_limits<std::int64_t>::min(), 0, 0,
                              AVSEEK_FLAG_BYTE);
    }
    if (rc < 0) {
      return tl::unexpected(ffmpeg_error(
          input, rc,
          "seek " + where() + " to " + at(ts).to_string() + " (ticks " + std::to_string(ts) + ")"));
    }
    ++seeks;
    avcodec_flush_buffers(codec.get());
    has_pending = false;
    next_is_first = to_start;
    demux_done = false;
    codec_done = false;
    return {};
  }

  // Whether decoding on from where the codec stands reaches `target` no later than a seek:
  // the keyframe a seek would land on is not after the current position.
  [[nodiscard]] bool forward_is_cheaper(std::int64_t target) const {
    const bool positioned = has_pending || next_is_first;
    if (!positioned) return false;
    const std::int64_t current = has_pending ? pending_pts : start_ticks;
    if (target < current) return false;
    // The index can be trusted only where it has entries beyond the target's keyframe: a
    // Matroska index holds one entry until the first seek loads the cues, which would make a
    // target ten minutes ahead look one keyframe away.
    AVStream* st = input.format()->streams[index];
    const int entries = avformat_index_get_entries_count(st);
    if (entries > 0) {
      const AVIndexEntry* keyframe =
          avformat_index_get_entry_from_timestamp(st, target, AVSEEK_FLAG_BACKWARD);
      const AVIndexEntry* last = avformat_index_get_entry(st, entries - 1);
      if (keyframe != nullptr && keyframe != last) return keyframe->timestamp <= current;
    }
    return target - current <= second_ticks;  // no index: a second of decoding is cheap
  }

  // Keeps `pending` in the cache unconverted (a new reference to the codec's picture).
  void cache_unconverted(std::int64_t duration_ticks) {
    AVFrame* copy = av_frame_clone(pending.get());
    if (copy == nullptr) return;  // out of memory: simply not cached
    std::size_t bytes = 0;
    for (const AVBufferRef* buffer : copy->buf) {
      if (buffer != nullptr) bytes += buffer->size;
    }
    std::shared_ptr<const void> decoded(copy, [](const void* frame) {
      auto* owned = static_cast<AVFrame*>(const_cast<void*>(frame));
      av_frame_free(&owned);
    });
    cache.insert(CachedFrame{pending_pts, duration_ticks, pending_is_first, false, nullptr,
                             std::move(decoded), bytes});
  }

  Result<DecodedFrame> frame_at(std::int64_t target) {
    if (auto hit = cache.find(target)) {
      ++cache_hits;
      if (!hit->frame) {
        auto converted = to_i420(*static_cast<const AVFrame*>(hit->decoded.get()));
        if (!converted) return tl::unexpected(converted.error());
        hit->frame = std::move(*converted);
        hit->decoded.reset();
        hit->decoded_bytes = 0;
        cache.insert(*hit);
      }
      return DecodedFrame{at(hit->pts_ticks), at(hit->duration_ticks), hit->frame};
    }
    if (codec_done && has_pending && (target >= pending_pts || pending_is_first)) {
      return settle_pending(stated_duration(*pending), true);
    }
    std::int64_t backoff = 0;
    bool positioned = forward_is_cheaper(target);
    for (int attempt = 0; attempt <= kMaxSeekRetries; ++attempt) {
      bool from_start = positioned && !has_pending;
      if (!positioned) {
        const std::int64_t seek_to = target > std::numeric_limits<std::int64_t>::min() + backoff
                                         ? target - backoff
                                         : std::numeric_limits<std::int64_t>::min();
        if (auto sought = seek(seek_to); !sought) return tl::unexpected(sought.error());
        from_start = next_is_first;
      }
      positioned = false;
      auto found = decode_forward_to(target);
      if (!found) return tl::unexpected(found.error());
      if (*found) return std::move(**found);
      if (from_start) break;  // decoding began at the start; nothing earlier exists
      backoff = backoff == 0 ? second_ticks : backoff * 2;
    }
    return fail(Errc::media, "no frame at or before " + at(target).to_string() + " in " + where() +
                                 " (seeking back did not reach it)");
  }

  // Decodes from the current position. The frame, or nullopt when the first frame decoded
  // after a seek is already later than `target` (the caller seeks further back).
  Result<std::optional<DecodedFrame>> decode_forward_to(std::int64_t target) {
    while (true) {
      auto got = decode_next();
      if (!got) return tl::unexpected(got.error());
      if (!*got) {
        codec_done = true;
        if (!has_pending) {
          if (next_is_first) {
            return fail(Errc::media, "no video frame could be decoded from " + where());
          }
          return std::optional<DecodedFrame>();
        }
        if (target < pending_pts && !pending_is_first) return std::optional<DecodedFrame>();
        auto last = settle_pending(stated_duration(*pending), true);
        if (!last) return tl::unexpected(last.error());
        return std::optional<DecodedFrame>(std::move(*last));
      }
      const std::int64_t pts = pts_of(*next);
      if (!has_pending) {
        if (!next_is_first && pts > target) {
          av_frame_unref(next.get());
          return std::optional<DecodedFrame>();
        }
        std::swap(pending, next);
        av_frame_unref(next.get());
        has_pending = true;
        pending_pts = pts;
        pending_is_first = next_is_first;
        next_is_first = false;
        continue;
      }
      if (pts <= pending_pts) {  // out-of-order or duplicate timestamp: not a new frame
        av_frame_unref(next.get());
        continue;
      }
      const bool answer = target < pts && (target >= pending_pts || pending_is_first);
      if (!answer && cache.capacity_bytes() > 0) cache_unconverted(pts - pending_pts);
      if (answer) {
        auto settled = settle_pending(pts - pending_pts, false);
        if (!settled) return tl::unexpected(settled.error());
        std::swap(pending, next);
        av_frame_unref(next.get());
        pending_pts = pts;
        pending_is_first = false;
        return std::optional<DecodedFrame>(std::move(*settled));
      }
      std::swap(pending, next);
      av_frame_unref(next.get());
      pending_pts = pts;
      pending_is_first = false;
    }
  }
};

VideoDecoder::VideoDecoder(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
VideoDecoder::~VideoDecoder() = default;
VideoDecoder::VideoDecoder(VideoDecoder&&) noexcept = default;
VideoDecoder& VideoDecoder::operator=(VideoDecoder&&) noexcept = default;

Result<VideoDecoder> VideoDecoder::open(const std::filesystem::path& age_file,
                                        std::span<const crypto::Identity> identities, int stream,
                                        DecoderOptions options) {
  auto opened = open_stream(age_file, identities, AVMEDIA_TYPE_VIDEO, stream, options.threads);
  if (!opened) return tl::unexpected(opened.error());
  auto media = probe(opened->input);
  if (!media) return tl::unexpected(media.error());
  auto impl = std::make_unique<Impl>(std::move(*opened), FrameCache(options.cache_bytes));
  if (!impl->packet || !impl->next || !impl->pending) {
    return fail(Errc::media, "av_packet_alloc/av_frame_alloc failed");
  }
  impl->info = media->streams.at(static_cast<std::size_t>(impl->index));
  if (impl->info.width <= 0 || impl->info.height <= 0) {
    return fail(Errc::media,
                "video " + impl->where() + " of " + age_file.string() + " has no frame size");
  }
  impl->stream_duration = impl->info.duration ? impl->info.duration : media->duration;
  const AVStream* st = impl->input.format()->streams[impl->index];
  if (st->start_time != AV_NOPTS_VALUE) {
    impl->start_ticks = st->start_time;
    impl->stream_start = impl->at(st->start_time);
  }
  const Rational tb = impl->info.timebase;
  const Rational rate = impl->info.frame_rate.value_or(Rational::make(25, 1).value());
  // ticks per frame = (1/rate) / tb = tb.den / (rate.num * tb.num / rate.den)
  const auto frame_ticks = Time::frames(1, rate).in(tb, Rounding::nearest);
  impl->default_duration_ticks = frame_ticks ? std::max<std::int64_t>(1, *frame_ticks) : 1;
  const auto second = Time(1, Rational()).in(tb, Rounding::nearest);
  impl->second_ticks = second ? std::max<std::int64_t>(1, *second) : 1;
  return VideoDecoder(std::move(impl));
}

const StreamInfo& VideoDecoder::stream() const {
  return impl_->info;
}
std::optional<Time> VideoDecoder::duration() const {
  return impl_->stream_duration;
}
std::optional<Time> VideoDecoder::start_time() const {
  return impl_->stream_start;
}

Result<DecodedFrame> VideoDecoder::frame_at(Time t) {
  // Nearest, not down: containers store rounded timestamps (Matroska: 1 ms), so frame n of
  // 30000/1001 may be stored half a tick after n × 1001/30000 s.
  auto ticks = t.in(impl_->timebase(), Rounding::nearest);
  std::int64_t target = 0;
  if (ticks) {
    target = *ticks;
  } else {  // beyond int64 ticks: clamp to the far past or future
    target = t.value() < 0 ? std::numeric_limits<std::int64_t>::min() / 2
                           : std::numeric_limits<std::int64_t>::max() / 2;
  }
  auto found = impl_->frame_at(target);
  if (!found) {
    // Where the codec stands is unknown after a failure: the next call seeks afresh.
    impl_->has_pending = false;
    impl_->next_is_first = false;
    impl_->codec_done = false;
  }
  return found;
}

std::uint64_t VideoDecoder::frames_decoded() const noexcept {
  return impl_->frames_decoded;
}
std::uint64_t VideoDecoder::seeks() const noexcept {
  return impl_->seeks;
}
std::uint64_t VideoDecoder::cache_hits() const noexcept {
  return impl_->cache_hits;
}

}  // namespace clinvid::media
