#include "media/image_codec.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libswscale/swscale.h>
}

namespace clinvid::media {
namespace {

constexpr int kMaxSide = 32768;

struct CodecContextDeleter {
  void operator()(AVCodecContext* c) const noexcept { avcodec_free_context(&c); }
};
struct FrameDeleter {
  void operator()(AVFrame* f) const noexcept { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const noexcept { av_packet_free(&p); }
};
struct SwsDeleter {
  void operator()(SwsContext* s) const noexcept { sws_freeContext(s); }
};
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;

std::string av_message(int code) {
  std::array<char, AV_ERROR_MAX_STRING_SIZE> text{};
  av_strerror(code, text.data(), text.size());
  return text.data();
}

std::string_view name_of(ImageFormat format) {
  return format == ImageFormat::png ? "PNG" : "JPEG";
}

// The full-range ("J") YUV formats are deprecated in swscale: convert from the plain format
// with the range said explicitly.
AVPixelFormat unjpeg(AVPixelFormat format, bool& full_range) {
  full_range = true;
  switch (format) {
    case AV_PIX_FMT_YUVJ420P: return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P: return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P: return AV_PIX_FMT_YUV444P;
    case AV_PIX_FMT_YUVJ440P: return AV_PIX_FMT_YUV440P;
    case AV_PIX_FMT_YUVJ411P: return AV_PIX_FMT_YUV411P;
    default: full_range = false; return format;
  }
}

// Converts `src` (any format swscale reads) into `dst` (RGBA, or a YUV format for the JPEG
// encoder). BT.601 as JPEG/JFIF specify.
Status convert(const AVFrame& src, AVPixelFormat src_format, bool src_full, AVFrame& dst,
               AVPixelFormat dst_format, bool dst_full) {
  SwsPtr sws(sws_getContext(src.width, src.height, src_format, dst.width, dst.height, dst_format,
                            SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nullptr, nullptr,
                            nullptr));
  if (!sws) return fail(Errc::unsupported, "no conversion for this image's pixel format");
  const int* coefficients = sws_getCoefficients(SWS_CS_ITU601);
  sws_setColorspaceDetails(sws.get(), coefficients, src_full ? 1 : 0, coefficients,
                           dst_full ? 1 : 0, 0, 1 << 16, 1 << 16);
  sws_scale(sws.get(), src.data, src.linesize, 0, src.height, dst.data, dst.linesize);
  return {};
}

Result<FramePtr> decode_one(ImageFormat format, std::span<const std::uint8_t> bytes) {
  const AVCodec* codec =
      avcodec_find_decoder(format == ImageFormat::png ? AV_CODEC_ID_PNG : AV_CODEC_ID_MJPEG);
  if (codec == nullptr) return fail(Errc::unsupported, "this FFmpeg has no decoder for it");
  CodecContextPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) return fail(Errc::internal, "out of memory");
  ctx->thread_count = 1;
  // The failure comes back as a Result; FFmpeg's own words about it go to its debug level.
  ctx->log_level_offset = AV_LOG_DEBUG - AV_LOG_ERROR;
  // Damage is an error, not a picture with a grey tail.
  ctx->err_recognition = AV_EF_EXPLODE | AV_EF_CRCCHECK | AV_EF_BITSTREAM | AV_EF_BUFFER;
  if (const int rc = avcodec_open2(ctx.get(), codec, nullptr); rc < 0) {
    return fail(Errc::media, "cannot open the decoder: " + av_message(rc));
  }
  PacketPtr packet(av_packet_alloc());
  FramePtr frame(av_frame_alloc());
  if (!packet || !frame || av_new_packet(packet.get(), static_cast<int>(bytes.size())) < 0) {
    return fail(Errc::internal, "out of memory");
  }
  std::memcpy(packet->data, bytes.data(), bytes.size());  // av_new_packet pads it
  int rc = avcodec_send_packet(ctx.get(), packet.get());
  if (rc >= 0) rc = avcodec_send_packet(ctx.get(), nullptr);
  if (rc >= 0 || rc == AVERROR_EOF) rc = avcodec_receive_frame(ctx.get(), frame.get());
  if (rc < 0) {
    return fail(Errc::corrupt, std::string("not a readable ") + std::string(name_of(format)) +
                                   " image: " + av_message(rc));
  }
  if ((frame->decode_error_flags != 0) || (frame->flags & AV_FRAME_FLAG_CORRUPT) != 0) {
    return fail(Errc::corrupt, std::string("damaged ") + std::string(name_of(format)) + " image");
  }
  if (frame->width <= 0 || frame->height <= 0) {
    return fail(Errc::corrupt, "image has no pixels");
  }
  return frame;
}

}  // namespace

ImageFormat sniff_image(std::span<const std::uint8_t> bytes) noexcept {
  static constexpr std::array<std::uint8_t, 8> kPng = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (bytes.size() >= kPng.size() && std::equal(kPng.begin(), kPng.end(), bytes.begin())) {
    return ImageFormat::png;
  }
  if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) {
    return ImageFormat::jpeg;
  }
  return ImageFormat::invalid;
}

ImageFormat image_format_for(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".png") return ImageFormat::png;
  if (ext == ".jpg" || ext == ".jpeg") return ImageFormat::jpeg;
  return ImageFormat::invalid;
}

Result<Frame> decode_image(std::span<const std::uint8_t> bytes) {
  const ImageFormat format = sniff_image(bytes);
  if (format == ImageFormat::invalid) return fail(Errc::unsupported, "not a PNG or JPEG image");
  auto decoded = decode_one(format, bytes);
  if (!decoded) return tl::unexpected(decoded.error());
  const AVFrame& src = **decoded;
  if (src.width > kMaxSide || src.height > kMaxSide) {
    return fail(Errc::out_of_range, "image larger than 32768 pixels a side");
  }
  auto out = Frame::allocate(PixelFormat::rgba, static_cast<std::uint32_t>(src.width),
                             static_cast<std::uint32_t>(src.height));
  if (!out) return tl::unexpected(out.error());
  FrameView view = out->view();
  FramePtr dst(av_frame_alloc());
  if (!dst) return fail(Errc::internal, "out of memory");
  dst->width = src.width;
  dst->height = src.height;
  dst->data[0] = view.planes[0];
  dst->linesize[0] = static_cast<int>(view.strides[0]);
  bool full = false;
  const AVPixelFormat src_format = unjpeg(static_cast<AVPixelFormat>(src.format), full);
  full = full || src.color_range == AVCOL_RANGE_JPEG || format == ImageFormat::png;
  if (auto ok = convert(src, src_format, full, *dst, AV_PIX_FMT_RGBA, true); !ok) {
    return tl::unexpected(ok.error());
  }
  // Opaque: alpha as stored is dropped.
  for (std::uint32_t y = 0; y < view.height; ++y) {
    std::uint8_t* row = view.planes[0] + y * view.strides[0];
    for (std::uint32_t x = 0; x < view.width; ++x) row[4 * x + 3] = 255;
  }
  return std::move(*out);
}

Result<Frame> read_image(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return fail(Errc::not_found, path.string() + ": no such file");
  }
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (in.bad()) return fail(Errc::io, path.string() + ": cannot read");
  auto frame = decode_image(bytes);
  if (!frame)
    return tl::unexpected(Error{frame.error().code, path.string() + ": " + frame.error().detail});
  return frame;
}

Result<std::vector<std::uint8_t>> encode_image(const ConstFrameView& rgba, ImageFormat format,
                                               int jpeg_quality) {
  if (rgba.format != PixelFormat::rgba || rgba.width == 0 || rgba.height == 0) {
    return fail(Errc::invalid_argument, "encode_image takes a non-empty RGBA frame");
  }
  if (rgba.width > kMaxSide || rgba.height > kMaxSide) {
    return fail(Errc::out_of_range, "image larger than 32768 pixels a side");
  }
  if (format == ImageFormat::invalid) return fail(Errc::invalid_argument, "no image format given");
  if (jpeg_quality < 1 || jpeg_quality > 100) {
    return fail(Errc::invalid_argument, "JPEG quality is 1..100");
  }
  const bool png = format == ImageFormat::png;
  const AVCodec* codec = avcodec_find_encoder(png ? AV_CODEC_ID_PNG : AV_CODEC_ID_MJPEG);
  if (codec == nullptr) return fail(Errc::unsupported, "this FFmpeg has no encoder for it");
  CodecContextPtr ctx(avcodec_alloc_context3(codec));
  FramePtr frame(av_frame_alloc());
  PacketPtr packet(av_packet_alloc());
  if (!ctx || !frame || !packet) return fail(Errc::internal, "out of memory");
  const int w = static_cast<int>(rgba.width);
  const int h = static_cast<int>(rgba.height);
  // PNG: RGB, lossless. JPEG: 4:4:4 full-range BT.601 (no chroma subsampling: clinical stills
  // keep their colour detail), quantiser from the libjpeg-style quality.
  const AVPixelFormat coded = png ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_YUVJ444P;
  ctx->width = w;
  ctx->height = h;
  ctx->pix_fmt = coded;
  ctx->time_base = AVRational{1, 25};
  ctx->thread_count = 1;
  if (!png) {
    const int qscale = std::clamp(1 + (100 - jpeg_quality) * 30 / 99, 1, 31);
    ctx->flags |= AV_CODEC_FLAG_QSCALE;
    ctx->global_quality = FF_QP2LAMBDA * qscale;
    ctx->color_range = AVCOL_RANGE_JPEG;
    ctx->sample_aspect_ratio = AVRational{1, 1};  // square pixels; also makes it write JFIF APP0
  }
  ctx->flags |= AV_CODEC_FLAG_BITEXACT;  // no "Lavc…" comment naming the encoder
  if (const int rc = avcodec_open2(ctx.get(), codec, nullptr); rc < 0) {
    return fail(Errc::media, "cannot open the encoder: " + av_message(rc));
  }
  frame->width = w;
  frame->height = h;
  frame->format = coded;
  if (av_frame_get_buffer(frame.get(), 0) < 0) return fail(Errc::internal, "out of memory");
  FramePtr src(av_frame_alloc());
  if (!src) return fail(Errc::internal, "out of memory");
  src->width = w;
  src->height = h;
  src->data[0] = const_cast<std::uint8_t*>(rgba.planes[0]);  // read only
  src->linesize[0] = static_cast<int>(rgba.strides[0]);
  bool full = false;
  const AVPixelFormat sws_dst = unjpeg(coded, full);
  if (auto ok = convert(*src, AV_PIX_FMT_RGBA, true, *frame, sws_dst, true); !ok) {
    return tl::unexpected(ok.error());
  }
  if (!png) frame->quality = ctx->global_quality;
  std::vector<std::uint8_t> out;
  int rc = avcodec_send_frame(ctx.get(), frame.get());
  if (rc >= 0) rc = avcodec_send_frame(ctx.get(), nullptr);
  while (rc >= 0) {
    rc = avcodec_receive_packet(ctx.get(), packet.get());
    if (rc < 0) break;
    out.insert(out.end(), packet->data, packet->data + packet->size);
    av_packet_unref(packet.get());
  }
  if (rc != AVERROR_EOF || out.empty()) {
    return fail(Errc::media, std::string("cannot encode ") + std::string(name_of(format)) + ": " +
                                 av_message(rc));
  }
  return out;
}

}  // namespace clinvid::media
