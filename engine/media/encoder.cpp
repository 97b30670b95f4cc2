#include "media/encoder.hpp"

#include "media/ffmpeg_log.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "media/age_avio.hpp"
#include "media/av_ptr.hpp"
#include "media/mp4_output.hpp"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/hwcontext.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
}

namespace clinvid::media {
namespace {

struct OutputFormatDeleter {
  void operator()(AVFormatContext* context) const noexcept { avformat_free_context(context); }
};
using OutputFormatPtr = std::unique_ptr<AVFormatContext, OutputFormatDeleter>;

constexpr std::array<const char*, 10> kX264Presets = {
    "ultrafast", "superfast", "veryfast", "faster",   "fast",
    "medium",    "slow",      "slower",   "veryslow", "placebo"};
constexpr std::array<int, 13> kAacRates = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                           22050, 16000, 12000, 11025, 8000,  7350};

Status check(const EncodeSettings& s) {
  auto bad = [](std::string what) {
    return fail(Errc::invalid_argument, "export settings: " + what);
  };
  if (s.width < 16 || s.height < 16 || s.width > 8192 || s.height > 8192 || s.width % 2 != 0 ||
      s.height % 2 != 0) {
    return bad("size " + std::to_string(s.width) + "x" + std::to_string(s.height) +
               " must be even and within 16…8192");
  }
  if (s.frame_rate.num() > std::numeric_limits<int>::max() ||
      s.frame_rate.den() > std::numeric_limits<int>::max() ||
      s.frame_rate > Rational::make(1000, 1).value()) {
    return bad("frame rate " + s.frame_rate.to_string() + " out of range");
  }
  if (s.encoder == VideoEncoderKind::invalid) return bad("video encoder kind not set");
  if (std::find(kX264Presets.begin(), kX264Presets.end(), s.x264_preset) == kX264Presets.end()) {
    return bad("x264 preset '" + s.x264_preset + "' is not one of ultrafast … placebo");
  }
  if (s.crf < 0 || s.crf > 51) return bad("crf " + std::to_string(s.crf) + " outside 0…51");
  if (s.keyframe_interval_frames < 0) {
    return bad("keyframe interval " + std::to_string(s.keyframe_interval_frames) + " < 0");
  }
  if (s.threads < 0 || s.threads > 128) {
    return bad("threads " + std::to_string(s.threads) + " outside 0…128");
  }
  if (s.audio) {
    if (std::find(kAacRates.begin(), kAacRates.end(), s.audio_sample_rate) == kAacRates.end()) {
      return bad("audio sample rate " + std::to_string(s.audio_sample_rate) +
                 " Hz is not an AAC rate");
    }
    if (s.audio_channels < 1 || s.audio_channels > 8) {
      return bad("audio channels " + std::to_string(s.audio_channels) + " outside 1…8");
    }
    if (s.audio_bitrate_kbps < 8 || s.audio_bitrate_kbps > 1024) {
      return bad("audio bitrate " + std::to_string(s.audio_bitrate_kbps) +
                 " kbit/s outside 8…1024");
    }
  }
  return {};
}

const char* codec_name(VideoEncoderKind kind) {
  switch (kind) {
    case VideoEncoderKind::nvenc: return "h264_nvenc";
    case VideoEncoderKind::vaapi: return "h264_vaapi";
    default: return "libx264";
  }
}

// Whether a hardware kind can possibly open, checked quietly (FFmpeg logs loud errors when
// it tries and fails).
bool hardware_present(VideoEncoderKind kind) {
  if (kind == VideoEncoderKind::nvenc) {
    void* cuda = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (cuda == nullptr) return false;
    dlclose(cuda);
    return true;
  }
  if (kind == VideoEncoderKind::vaapi) {
    std::error_code ignored;
    return std::filesystem::exists("/dev/dri/renderD128", ignored);
  }
  return true;
}

struct OpenedVideo {
  AvCodecContextPtr codec;
  AvBufferPtr hw_device;
};

Result<OpenedVideo> open_video(const EncodeSettings& s, VideoEncoderKind kind) {
  const char* name = codec_name(kind);
  const AVCodec* codec = avcodec_find_encoder_by_name(name);
  if (codec == nullptr) return fail(Errc::unsupported, std::string("this FFmpeg has no ") + name);
  if (!hardware_present(kind)) {
    return fail(Errc::unsupported, std::string(name) + ": no such device on this machine");
  }
  OpenedVideo out;
  out.codec.reset(avcodec_alloc_context3(codec));
  if (!out.codec) return fail(Errc::media, "avcodec_alloc_context3 failed");
  AVCodecContext& c = *out.codec;
  c.width = static_cast<int>(s.width);
  c.height = static_cast<int>(s.height);
  c.framerate =
      av_make_q(static_cast<int>(s.frame_rate.num()), static_cast<int>(s.frame_rate.den()));
  c.time_base = av_inv_q(c.framerate);
  c.sample_aspect_ratio = av_make_q(1, 1);
  const std::int64_t two_seconds =
      (2 * s.frame_rate.num() + s.frame_rate.den() / 2) / s.frame_rate.den();
  c.gop_size = s.keyframe_interval_frames > 0
                   ? s.keyframe_interval_frames
                   : static_cast<int>(std::clamp<std::int64_t>(two_seconds, 1, 1000));
  c.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // MP4 keeps SPS/PPS in avcC
  c.thread_count = s.threads;
  c.color_range = AVCOL_RANGE_MPEG;
  c.pix_fmt = AV_PIX_FMT_YUV420P;
  if (kind == VideoEncoderKind::libx264) {
    c.thread_type = FF_THREAD_FRAME;
    av_opt_set(c.priv_data, "preset", s.x264_preset.c_str(), 0);
    av_opt_set_double(c.priv_data, "crf", s.crf, 0);
  } else if (kind == VideoEncoderKind::nvenc) {
    av_opt_set(c.priv_data, "preset", "p4", 0);
    av_opt_set(c.priv_data, "rc", "vbr", 0);
    av_opt_set_int(c.priv_data, "cq", s.crf, 0);
  } else {
    AVBufferRef* device = nullptr;
    if (const int rc = av_hwdevice_ctx_create(&device, AV_HWDEVICE_TYPE_VAAPI, nullptr, nullptr, 0);
        rc < 0) {
      return fail(Errc::unsupported, "VA-API device: " + av_error_text(rc));
    }
    out.hw_device.reset(device);
    AvBufferPtr frames(av_hwframe_ctx_alloc(device));
    if (!frames) return fail(Errc::media, "av_hwframe_ctx_alloc failed");
    auto* ctx = reinterpret_cast<AVHWFramesContext*>(frames->data);
    ctx->format = AV_PIX_FMT_VAAPI;
    ctx->sw_format = AV_PIX_FMT_NV12;
    ctx->width = c.width;
    ctx->height = c.height;
    ctx->initial_pool_size = 32;
    if (const int rc = av_hwframe_ctx_init(frames.get()); rc < 0) {
      return fail(Errc::unsupported, "VA-API frames: " + av_error_text(rc));
    }
    c.hw_frames_ctx = av_buffer_ref(frames.get());
    c.pix_fmt = AV_PIX_FMT_VAAPI;
    av_opt_set(c.priv_data, "rc_mode", "CQP", 0);
    c.global_quality = s.crf;
  }
  if (const int rc = avcodec_open2(out.codec.get(), codec, nullptr); rc < 0) {
    return fail(kind == VideoEncoderKind::libx264 ? Errc::media : Errc::unsupported,
                std::string("open ") + name + ": " + av_error_text(rc));
  }
  return out;
}

Result<OpenedVideo> open_video_any(const EncodeSettings& s) {
  if (s.encoder != VideoEncoderKind::automatic) return open_video(s, s.encoder);
  std::string reasons;
  for (const auto kind : {VideoEncoderKind::nvenc, VideoEncoderKind::vaapi}) {
    auto opened = open_video(s, kind);
    if (opened) return opened;
    reasons += opened.error().detail + "; ";
  }
  auto software = open_video(s, VideoEncoderKind::libx264);
  if (!software) return with_context(software.error(), "no H.264 encoder opened (" + reasons + ")");
  return software;
}

}  // namespace

struct Mp4Encoder::Impl {
  enum class State { invalid = 0, open, finished, failed, cancelled };

  EncodeSettings settings;
  std::optional<EncryptedMp4Output> output;  // declared before `format`: freed after it
  OutputFormatPtr format;
  AvCodecContextPtr video;
  AvBufferPtr hw_device;
  AvCodecContextPtr audio;
  AVStream* video_stream = nullptr;
  AVStream* audio_stream = nullptr;
  AvPacketPtr packet{av_packet_alloc()};
  AvFramePtr video_frame{av_frame_alloc()};
  AvFramePtr audio_frame{av_frame_alloc()};
  std::vector<std::vector<float>> audio_fifo;  // per channel, from audio_fifo_start on
  std::size_t audio_fifo_start = 0;
  std::int64_t audio_samples_sent = 0;
  std::int64_t last_index = -1;
  std::int64_t frames = 0;
  State state = State::invalid;
  std::optional<Error> error;
  std::string encoder_name;

  ~Impl() { abandon(); }
  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void abandon() noexcept {
    format.reset();
    video.reset();
    audio.reset();
    hw_device.reset();
    output.reset();  // its AtomicFileSink removes path.tmp; the payload temporary is unlinked
  }

  Status usable() const {
    switch (state) {
      case State::open: return {};
      case State::cancelled: return fail(Errc::cancelled, "export was cancelled");
      case State::finished: return fail(Errc::invalid_argument, "export already finished");
      default: return tl::unexpected(error.value_or(Error{Errc::internal, "export failed"}));
    }
  }

  // Records the first error and removes everything written: a failed export leaves nothing.
  Status failed(Error e) {
    if (state == State::open) {
      error = e;
      state = State::failed;
      abandon();
    }
    return tl::unexpected(std::move(e));
  }

  Error mux_error(int code, std::string_view what) const {
    if (output) {
      if (auto e = output->first_error()) {
        e->detail = std::string(what) + ": " + e->detail;
        return *e;
      }
    }
    return Error{Errc::media, std::string(what) + ": " + av_error_text(code)};
  }

  Status drain(AVCodecContext& codec, AVStream& stream) {
    while (true) {
      const int rc = avcodec_receive_packet(&codec, packet.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return {};
      if (rc < 0) {
        return fail(Errc::media,
                    std::string("encode with ") + codec.codec->name + ": " + av_error_text(rc));
      }
      av_packet_rescale_ts(packet.get(), codec.time_base, stream.time_base);
      packet->stream_index = stream.index;
      if (const int w = av_interleaved_write_frame(format.get(), packet.get()); w < 0) {
        return tl::unexpected(mux_error(w, "write a packet to the mp4"));
      }
    }
  }

  Status send(AVCodecContext& codec, AVStream& stream, const AVFrame* frame) {
    const int rc = avcodec_send_frame(&codec, frame);
    if (rc < 0 && rc != AVERROR_EOF) {
      return fail(Errc::media,
                  std::string("send a frame to ") + codec.codec->name + ": " + av_error_text(rc));
    }
    return drain(codec, stream);
  }

  Status copy_into_frame(const ConstFrameView& src) {
    if (const int rc = av_frame_make_writable(video_frame.get()); rc < 0) {
      return fail(Errc::media, "video frame buffer: " + av_error_text(rc));
    }
    AVFrame& f = *video_frame;
    const int w = f.width;
    const int h = f.height;
    av_image_copy_plane(f.data[0], f.linesize[0], src.planes[0], static_cast<int>(src.strides[0]),
                        w, h);
    if (f.format == AV_PIX_FMT_NV12) {  // VA-API upload format: interleave Cb/Cr
      for (int y = 0; y < h / 2; ++y) {
        std::uint8_t* row = f.data[1] + static_cast<std::ptrdiff_t>(y) * f.linesize[1];
        const std::uint8_t* cb = src.planes[1] + static_cast<std::size_t>(y) * src.strides[1];
        const std::uint8_t* cr = src.planes[2] + static_cast<std::size_t>(y) * src.strides[2];
        for (int x = 0; x < w / 2; ++x) {
          row[2 * x] = cb[x];
          row[2 * x + 1] = cr[x];
        }
      }
    } else {
      for (int plane = 1; plane < 3; ++plane) {
        av_image_copy_plane(
            f.data[plane], f.linesize[plane], src.planes[static_cast<std::size_t>(plane)],
            static_cast<int>(src.strides[static_cast<std::size_t>(plane)]), w / 2, h / 2);
      }
    }
    return {};
  }

  Status add_video(const ConstFrameView& view, std::int64_t index) {
    if (auto ok = usable(); !ok) return ok;
    if (auto valid = validate(view); !valid) return with_context(valid.error(), "add_video");
    if (view.format != PixelFormat::i420 || view.width != settings.width ||
        view.height != settings.height) {
      return fail(Errc::invalid_argument,
                  "add_video: expected i420 " + std::to_string(settings.width) + "x" +
                      std::to_string(settings.height) + ", got " +
                      std::string(to_string(view.format)) + " " + std::to_string(view.width) + "x" +
                      std::to_string(view.height));
    }
    if (index <= last_index) {
      return fail(Errc::invalid_argument, "add_video: frame index " + std::to_string(index) +
                                              " does not follow " + std::to_string(last_index));
    }
    if (encoder_name == "libx264") return send_wrapped(view, index);
    if (auto copied = copy_into_frame(view); !copied) return copied;
    video_frame->pts = index;
    const AVFrame* to_send = video_frame.get();
    AvFramePtr uploaded;
    if (video->hw_frames_ctx != nullptr) {
      uploaded.reset(av_frame_alloc());
      if (!uploaded) return failed(Error{Errc::media, "av_frame_alloc failed"});
      int rc = av_hwframe_get_buffer(video->hw_frames_ctx, uploaded.get(), 0);
      if (rc >= 0) rc = av_hwframe_transfer_data(uploaded.get(), video_frame.get(), 0);
      if (rc < 0) return failed(Error{Errc::media, "upload to VA-API: " + av_error_text(rc)});
      uploaded->pts = index;
      to_send = uploaded.get();
    }
    if (auto sent = send(*video, *video_stream, to_send); !sent) return failed(sent.error());
    last_index = index;
    ++frames;
    return {};
  }

  // libx264 copies the picture into its own frame inside x264_encoder_encode, which FFmpeg
  // calls before avcodec_send_frame returns (the packet slot is always drained first), so the
  // caller's planes are handed over without a copy of ours: one copy per frame in all. The
  // planes are wrapped in a read-only buffer that frees nothing; if the encoder were ever to
  // keep a reference past the call, that is detected and the export fails rather than let it
  // read memory the caller may free.
  Status send_wrapped(const ConstFrameView& view, std::int64_t index) {
    AvFramePtr wrapped(av_frame_alloc());
    if (!wrapped) return failed(Error{Errc::media, "av_frame_alloc failed"});
    wrapped->format = AV_PIX_FMT_YUV420P;
    wrapped->width = video->width;
    wrapped->height = video->height;
    wrapped->color_range = AVCOL_RANGE_MPEG;
    wrapped->pts = index;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast): read-only buffer, never written
    auto* base = const_cast<std::uint8_t*>(view.planes[0]);
    wrapped->buf[0] = av_buffer_create(
        base, 1, [](void*, std::uint8_t*) {}, nullptr, AV_BUFFER_FLAG_READONLY);
    if (wrapped->buf[0] == nullptr) return failed(Error{Errc::media, "av_buffer_create failed"});
    for (std::size_t plane = 0; plane < 3; ++plane) {
      wrapped->data[plane] = const_cast<std::uint8_t*>(view.planes[plane]);
      wrapped->linesize[plane] = static_cast<int>(view.strides[plane]);
    }
    if (auto sent = send(*video, *video_stream, wrapped.get()); !sent) return failed(sent.error());
    if (av_buffer_get_ref_count(wrapped->buf[0]) != 1) {
      return failed(Error{Errc::internal, "libx264 kept a reference to a caller's frame"});
    }
    last_index = index;
    ++frames;
    return {};
  }

  Status emit_audio(std::size_t samples) {
    AVFrame& f = *audio_frame;
    if (const int rc = av_frame_make_writable(&f); rc < 0) {
      return fail(Errc::media, "audio frame buffer: " + av_error_text(rc));
    }
    f.nb_samples = static_cast<int>(samples);
    for (std::size_t ch = 0; ch < audio_fifo.size(); ++ch) {
      std::memcpy(f.extended_data[ch], audio_fifo[ch].data() + audio_fifo_start,
                  samples * sizeof(float));
    }
    audio_fifo_start += samples;
    f.pts = audio_samples_sent;
    audio_samples_sent += static_cast<std::int64_t>(samples);
    return send(*audio, *audio_stream, &f);
  }

  Status add_audio(std::span<const float> interleaved) {
    if (auto ok = usable(); !ok) return ok;
    if (!audio) return fail(Errc::invalid_argument, "add_audio: the export has no audio track");
    const auto channels = audio_fifo.size();
    if (interleaved.size() % channels != 0) {
      return fail(Errc::invalid_argument, "add_audio: " + std::to_string(interleaved.size()) +
                                              " samples is not a multiple of " +
                                              std::to_string(channels) + " channels");
    }
    for (std::size_t i = 0; i < interleaved.size(); i += channels) {
      for (std::size_t ch = 0; ch < channels; ++ch) audio_fifo[ch].push_back(interleaved[i + ch]);
    }
    const auto frame_size = static_cast<std::size_t>(audio->frame_size);
    while (audio_fifo[0].size() - audio_fifo_start >= frame_size) {
      if (auto sent = emit_audio(frame_size); !sent) return failed(sent.error());
    }
    if (audio_fifo_start >= frame_size * 16) {  // compact now and then, not on every frame
      for (auto& channel : audio_fifo) {
        channel.erase(channel.begin(),
                      channel.begin() + static_cast<std::ptrdiff_t>(audio_fifo_start));
      }
      audio_fifo_start = 0;
    }
    return {};
  }

  Status finish_all() {
    if (audio) {
      const std::size_t left = audio_fifo[0].size() - audio_fifo_start;
      if (left > 0) {
        if (auto sent = emit_audio(left); !sent) return sent;
      }
      if (auto sent = send(*audio, *audio_stream, nullptr); !sent) return sent;
    }
    if (auto sent = send(*video, *video_stream, nullptr); !sent) return sent;
    if (const int rc = av_interleaved_write_frame(format.get(), nullptr); rc < 0) {
      return tl::unexpected(mux_error(rc, "flush the mp4 interleaving queue"));
    }
    if (auto begun = output->begin_trailer(); !begun) return begun;
    if (const int rc = av_write_trailer(format.get()); rc < 0) {
      return tl::unexpected(mux_error(rc, "write the mp4 trailer"));
    }
    return output->finish();
  }

  Status finish() {
    if (auto ok = usable(); !ok) return ok;
    if (auto done = finish_all(); !done) return failed(done.error());
    state = State::finished;
    format.reset();
    output.reset();
    return {};
  }
};

Mp4Encoder::Mp4Encoder(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Mp4Encoder::~Mp4Encoder() = default;
Mp4Encoder::Mp4Encoder(Mp4Encoder&&) noexcept = default;
Mp4Encoder& Mp4Encoder::operator=(Mp4Encoder&&) noexcept = default;

Result<Mp4Encoder> Mp4Encoder::create(const EncodeSettings& settings,
                                      const std::filesystem::path& path,
                                      std::span<const crypto::Recipient> recipients) {
  follow_clinvid_log_level();
  if (auto valid = check(settings); !valid) return tl::unexpected(valid.error());
  auto impl = std::make_unique<Impl>();
  impl->settings = settings;
  if (!impl->packet || !impl->video_frame || !impl->audio_frame) {
    return fail(Errc::media, "av_packet_alloc/av_frame_alloc failed");
  }
  auto video = open_video_any(settings);
  if (!video) return tl::unexpected(video.error());
  impl->video = std::move(video->codec);
  impl->encoder_name = impl->video->codec->name;
  impl->hw_device = std::move(video->hw_device);

  AVFrame& vf = *impl->video_frame;
  vf.format = impl->video->hw_frames_ctx != nullptr ? AV_PIX_FMT_NV12 : AV_PIX_FMT_YUV420P;
  vf.width = impl->video->width;
  vf.height = impl->video->height;
  if (const int rc = av_frame_get_buffer(&vf, 0); rc < 0) {
    return fail(Errc::media, "video frame buffer: " + av_error_text(rc));
  }

  if (settings.audio) {
    const AVCodec* aac = avcodec_find_encoder_by_name("aac");
    if (aac == nullptr) return fail(Errc::unsupported, "this FFmpeg has no aac encoder");
    impl->audio.reset(avcodec_alloc_context3(aac));
    if (!impl->audio) return fail(Errc::media, "avcodec_alloc_context3 failed");
    AVCodecContext& a = *impl->audio;
    a.sample_fmt = AV_SAMPLE_FMT_FLTP;
    a.sample_rate = settings.audio_sample_rate;
    av_channel_layout_default(&a.ch_layout, settings.audio_channels);
    a.bit_rate = std::int64_t{settings.audio_bitrate_kbps} * 1000;
    a.time_base = av_make_q(1, settings.audio_sample_rate);
    a.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (const int rc = avcodec_open2(&a, aac, nullptr); rc < 0) {
      return fail(Errc::unsupported, "open the aac encoder for " +
                                         std::to_string(settings.audio_channels) + " channels at " +
                                         std::to_string(settings.audio_sample_rate) +
                                         " Hz: " + av_error_text(rc));
    }
    AVFrame& af = *impl->audio_frame;
    af.format = AV_SAMPLE_FMT_FLTP;
    af.sample_rate = a.sample_rate;
    af.nb_samples = a.frame_size;
    av_channel_layout_copy(&af.ch_layout, &a.ch_layout);
    if (const int rc = av_frame_get_buffer(&af, 0); rc < 0) {
      return fail(Errc::media, "audio frame buffer: " + av_error_text(rc));
    }
    impl->audio_fifo.resize(static_cast<std::size_t>(settings.audio_channels));
  }

  auto output = EncryptedMp4Output::create(path, recipients);
  if (!output) return tl::unexpected(output.error());
  impl->output.emplace(std::move(*output));

  AVFormatContext* raw = nullptr;
  if (const int rc = avformat_alloc_output_context2(&raw, nullptr, "mp4", nullptr); rc < 0) {
    return fail(Errc::media, "mp4 muxer: " + av_error_text(rc));
  }
  impl->format.reset(raw);
  raw->pb = impl->output->avio();
  raw->flags |= AVFMT_FLAG_CUSTOM_IO;
  if (!settings.title.empty()) av_dict_set(&raw->metadata, "title", settings.title.c_str(), 0);

  impl->video_stream = avformat_new_stream(raw, nullptr);
  if (impl->video_stream == nullptr) return fail(Errc::media, "avformat_new_stream failed");
  impl->video_stream->time_base = impl->video->time_base;
  impl->video_stream->avg_frame_rate = impl->video->framerate;
  if (const int rc =
          avcodec_parameters_from_context(impl->video_stream->codecpar, impl->video.get());
      rc < 0) {
    return fail(Errc::media, "video stream parameters: " + av_error_text(rc));
  }
  if (impl->audio) {
    impl->audio_stream = avformat_new_stream(raw, nullptr);
    if (impl->audio_stream == nullptr) return fail(Errc::media, "avformat_new_stream failed");
    impl->audio_stream->time_base = impl->audio->time_base;
    if (const int rc =
            avcodec_parameters_from_context(impl->audio_stream->codecpar, impl->audio.get());
        rc < 0) {
      return fail(Errc::media, "audio stream parameters: " + av_error_text(rc));
    }
  }
  if (const int rc = avformat_write_header(raw, nullptr); rc < 0) {
    return tl::unexpected(impl->mux_error(rc, "write the mp4 header"));
  }
  if (auto begun = impl->output->begin_payload(); !begun) return tl::unexpected(begun.error());
  impl->state = Impl::State::open;
  return Mp4Encoder(std::move(impl));
}

Status Mp4Encoder::add_video(const ConstFrameView& i420, std::int64_t frame_index) {
  return impl_->add_video(i420, frame_index);
}
Status Mp4Encoder::add_audio(std::span<const float> interleaved) {
  return impl_->add_audio(interleaved);
}
Status Mp4Encoder::finish() {
  return impl_->finish();
}

void Mp4Encoder::cancel() noexcept {
  if (impl_->state == Impl::State::open || impl_->state == Impl::State::failed) {
    impl_->abandon();
    impl_->state = Impl::State::cancelled;
  }
}

std::string_view Mp4Encoder::encoder_name() const noexcept {
  return impl_->encoder_name;
}
std::int64_t Mp4Encoder::frames_written() const noexcept {
  return impl_->frames;
}

}  // namespace clinvid::media
