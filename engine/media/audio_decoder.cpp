#include "media/audio_decoder.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "media/av_ptr.hpp"
#include "media/stream_open.hpp"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/mathematics.h>
#include <libavutil/opt.h>
}

namespace clinvid::media {
namespace {

constexpr std::int64_t kMaxReadSeconds = 3600;
// A read this far past what is decoded seeks instead of decoding its way there.
constexpr std::int64_t kForwardWindowSeconds = 10;
// Timestamp jitter tolerated before a jump counts as a gap (filled with silence).
constexpr std::int64_t kGapToleranceDivisor = 200;  // 5 ms

}  // namespace

struct AudioDecoder::Impl {
  Impl(OpenedStream opened, int rate, int channel_count)
      : input(std::move(opened.input)),
        index(opened.index),
        codec(std::move(opened.codec)),
        sample_rate(rate),
        channels(channel_count) {}

  EncryptedInput input;
  int index;
  AvCodecContextPtr codec;
  int sample_rate;
  int channels;
  StreamInfo info;
  AvPacketPtr packet{av_packet_alloc()};
  AvFramePtr frame{av_frame_alloc()};
  SwrContextPtr swr;
  AVChannelLayout swr_in_layout{};
  int swr_in_rate = 0;
  int swr_in_format = -1;

  // Resampled audio already decoded: samples [buffer_start, buffer_start + buffered()).
  std::vector<float> buffer;
  std::int64_t buffer_start = 0;
  bool positioned = false;  // the buffer continues into what the codec produces next
  bool started = false;     // the first frame since the last seek has set buffer_start
  bool demux_done = false;
  bool ended = false;  // codec and resampler drained: nothing follows the buffer
  std::uint64_t seeks = 0;

  ~Impl() { av_channel_layout_uninit(&swr_in_layout); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  [[nodiscard]] std::int64_t buffered() const {
    return static_cast<std::int64_t>(buffer.size()) / channels;
  }
  [[nodiscard]] std::int64_t buffer_end() const { return buffer_start + buffered(); }
  [[nodiscard]] std::string where() const {
    return "audio stream " + std::to_string(index) + " (" + info.codec + ")";
  }

  Status ensure_resampler(const AVFrame& in) {
    if (swr && in.sample_rate == swr_in_rate && in.format == swr_in_format &&
        av_channel_layout_compare(&in.ch_layout, &swr_in_layout) == 0) {
      return {};
    }
    AVChannelLayout out_layout{};
    av_channel_layout_default(&out_layout, channels);
    SwrContext* raw = nullptr;
    // FFmpeg 5.1 declares the input layout non-const; swresample only reads it.
    int rc =
        swr_alloc_set_opts2(&raw, &out_layout, AV_SAMPLE_FMT_FLT, sample_rate,
                            const_cast<AVChannelLayout*>(&in.ch_layout),
                            static_cast<AVSampleFormat>(in.format), in.sample_rate, 0, nullptr);
    av_channel_layout_uninit(&out_layout);
    SwrContextPtr made(raw);
    if (rc >= 0) rc = swr_init(made.get());
    if (rc < 0) {
      return fail(Errc::media, "swresample " + std::to_string(in.sample_rate) + " Hz, " +
                                   std::to_string(in.ch_layout.nb_channels) + " ch to " +
                                   std::to_string(sample_rate) + " Hz, " +
                                   std::to_string(channels) + " ch: " + av_error_text(rc));
    }
    if (swr) {  // a mid-stream format change: keep what the old one still holds
      if (auto drained = drain_resampler(); !drained) return drained;
    }
    swr = std::move(made);
    av_channel_layout_uninit(&swr_in_layout);
    av_channel_layout_copy(&swr_in_layout, &in.ch_layout);
    swr_in_rate = in.sample_rate;
    swr_in_format = in.format;
    return {};
  }

  Status convert(const std::uint8_t* const* data, int samples) {
    const int capacity = swr_get_out_samples(swr.get(), samples);
    if (capacity < 0) return fail(Errc::media, "swr_get_out_samples: " + av_error_text(capacity));
    const std::size_t old_size = buffer.size();
    buffer.resize(old_size +
                  static_cast<std::size_t>(capacity) * static_cast<std::size_t>(channels));
    auto* out = reinterpret_cast<std::uint8_t*>(buffer.data() + old_size);
    // swr_convert's input is `const uint8_t**` in FFmpeg 5.1; it only reads through it.
    const int produced =
        swr_convert(swr.get(), &out, capacity, const_cast<const std::uint8_t**>(data), samples);
    if (produced < 0) {
      buffer.resize(old_size);
      return fail(Errc::media, "swr_convert: " + av_error_text(produced));
    }
    buffer.resize(old_size +
                  static_cast<std::size_t>(produced) * static_cast<std::size_t>(channels));
    return {};
  }

  Status drain_resampler() {
    if (!swr) return {};
    return convert(nullptr, 0);
  }

  Status append(const AVFrame& in) {
    if (auto made = ensure_resampler(in); !made) return made;
    if (in.pts != AV_NOPTS_VALUE) {
      const std::int64_t at = av_rescale_q_rnd(
          in.pts,
          av_make_q(static_cast<int>(info.timebase.num()), static_cast<int>(info.timebase.den())),
          av_make_q(1, sample_rate), AV_ROUND_NEAR_INF);
      if (!started) {
        buffer.clear();
        buffer_start = at;
      } else if (at - buffer_end() > sample_rate / kGapToleranceDivisor) {
        buffer.resize(buffer.size() + static_cast<std::size_t>(at - buffer_end()) *
                                          static_cast<std::size_t>(channels),
                      0.0F);
      }
    }
    started = true;
    return convert(in.extended_data, in.nb_samples);
  }

  // Decodes one more frame into the buffer; false when the stream is over.
  Result<bool> decode_more() {
    while (true) {
      const int received = avcodec_receive_frame(codec.get(), frame.get());
      if (received >= 0) {
        auto appended = append(*frame);
        av_frame_unref(frame.get());
        if (!appended) return tl::unexpected(appended.error());
        return true;
      }
      if (received == AVERROR_EOF) {
        if (auto drained = drain_resampler(); !drained) return tl::unexpected(drained.error());
        ended = true;
        return false;
      }
      if (received != AVERROR(EAGAIN)) {
        return tl::unexpected(ffmpeg_error(input, received, "decode " + where()));
      }
      const int read = av_read_frame(input.format(), packet.get());
      if (read == AVERROR_EOF || (read < 0 && demux_done)) {
        demux_done = true;
        avcodec_send_packet(codec.get(), nullptr);
        continue;
      }
      if (read < 0) return tl::unexpected(ffmpeg_error(input, read, "read packets of " + where()));
      if (packet->stream_index != index) {
        av_packet_unref(packet.get());
        continue;
      }
      const int sent = avcodec_send_packet(codec.get(), packet.get());
      av_packet_unref(packet.get());
      if (sent < 0 && sent != AVERROR(EAGAIN)) {
        return tl::unexpected(ffmpeg_error(input, sent, "decode a packet of " + where()));
      }
    }
  }

  Status seek(std::int64_t sample) {
    const AVRational tb =
        av_make_q(static_cast<int>(info.timebase.num()), static_cast<int>(info.timebase.den()));
    const std::int64_t ts = av_rescale_q_rnd(sample, av_make_q(1, sample_rate), tb, AV_ROUND_DOWN);
    int rc = av_seek_frame(input.format(), index, ts, AVSEEK_FLAG_BACKWARD);
    if (rc < 0) {  // before the first indexed packet: from the start
      rc = avformat_seek_file(input.format(), -1, std::numeric_limits<std::int64_t>::min(), 0, 0,
                              AVSEEK_FLAG_BYTE);
    }
    if (rc < 0) {
      return tl::unexpected(
          ffmpeg_error(input, rc, "seek " + where() + " to sample " + std::to_string(sample)));
    }
    ++seeks;
    avcodec_flush_buffers(codec.get());
    swr.reset();
    buffer.clear();
    started = false;
    demux_done = false;
    ended = false;
    positioned = true;
    return {};
  }

  Result<std::vector<float>> read(std::int64_t first, std::int64_t count) {
    std::vector<float> out(static_cast<std::size_t>(count) * static_cast<std::size_t>(channels),
                           0.0F);
    if (count == 0) return out;
    const std::int64_t end = first + count;
    const bool continues = positioned && first >= buffer_start &&
                           first <= buffer_end() + kForwardWindowSeconds * sample_rate;
    if (!continues) {
      // A little early, so the codec's pre-roll and a seek to the packet before are covered.
      if (auto sought = seek(first - sample_rate / 10); !sought) {
        return tl::unexpected(sought.error());
      }
    }
    while (!ended && (!started || buffer_end() < end)) {
      auto more = decode_more();
      if (!more) return tl::unexpected(more.error());
    }
    const std::int64_t from = std::max(first, buffer_start);
    const std::int64_t to = std::min(end, buffer_end());
    if (from < to) {
      const auto ch = static_cast<std::size_t>(channels);
      std::copy(
          buffer.begin() +
              static_cast<std::ptrdiff_t>(static_cast<std::size_t>(from - buffer_start) * ch),
          buffer.begin() +
              static_cast<std::ptrdiff_t>(static_cast<std::size_t>(to - buffer_start) * ch),
          out.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(from - first) * ch));
    }
    // Keep only what a following read can still ask for without seeking.
    const std::int64_t keep_from = std::clamp(end, buffer_start, buffer_end());
    buffer.erase(buffer.begin(),
                 buffer.begin() + static_cast<std::ptrdiff_t>(
                                      static_cast<std::size_t>(keep_from - buffer_start) *
                                      static_cast<std::size_t>(channels)));
    buffer_start = keep_from;
    return out;
  }
};

AudioDecoder::AudioDecoder(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
AudioDecoder::~AudioDecoder() = default;
AudioDecoder::AudioDecoder(AudioDecoder&&) noexcept = default;
AudioDecoder& AudioDecoder::operator=(AudioDecoder&&) noexcept = default;

Result<AudioDecoder> AudioDecoder::open(const std::filesystem::path& age_file,
                                        std::span<const crypto::Identity> identities, int stream,
                                        int sample_rate, int channels) {
  if (sample_rate < 8000 || sample_rate > 384000) {
    return fail(Errc::invalid_argument,
                "audio sample rate " + std::to_string(sample_rate) + " Hz outside 8000…384000");
  }
  if (channels < 1 || channels > 8) {
    return fail(Errc::invalid_argument,
                "audio channel count " + std::to_string(channels) + " outside 1…8");
  }
  auto opened = open_stream(age_file, identities, AVMEDIA_TYPE_AUDIO, stream, 1);
  if (!opened) return tl::unexpected(opened.error());
  auto media = probe(opened->input);
  if (!media) return tl::unexpected(media.error());
  auto impl = std::make_unique<Impl>(std::move(*opened), sample_rate, channels);
  if (!impl->packet || !impl->frame) return fail(Errc::media, "av_packet/frame_alloc failed");
  impl->info = media->streams.at(static_cast<std::size_t>(impl->index));
  if (impl->info.timebase.num() > std::numeric_limits<int>::max() ||
      impl->info.timebase.den() > std::numeric_limits<int>::max()) {
    return fail(Errc::media, "timebase of " + impl->where() + " out of range");
  }
  impl->positioned = true;  // freshly opened: decoding starts at the beginning
  return AudioDecoder(std::move(impl));
}

const StreamInfo& AudioDecoder::stream() const {
  return impl_->info;
}
int AudioDecoder::sample_rate() const noexcept {
  return impl_->sample_rate;
}
int AudioDecoder::channels() const noexcept {
  return impl_->channels;
}
std::uint64_t AudioDecoder::seeks() const noexcept {
  return impl_->seeks;
}

Result<std::vector<float>> AudioDecoder::read(Time start, Time duration) {
  const Rational sample_tb = Rational::make(1, impl_->sample_rate).value();
  if (duration < Time()) {
    return fail(Errc::invalid_argument, "audio read of negative duration " + duration.to_string());
  }
  if (duration > Time(kMaxReadSeconds, Rational())) {
    return fail(Errc::out_of_range, "audio read of " + duration.to_string() + " s is over the " +
                                        std::to_string(kMaxReadSeconds) + " s limit of one read");
  }
  auto first = start.in(sample_tb, Rounding::nearest);
  if (!first) return with_context(first.error(), "audio read start");
  auto count = duration.in(sample_tb, Rounding::nearest);
  if (!count) return with_context(count.error(), "audio read duration");
  return impl_->read(*first, *count);
}

}  // namespace clinvid::media
