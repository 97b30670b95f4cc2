#include "media/probe.hpp"

#include <string>
#include <utility>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
}

namespace clinvid::media {
namespace {

StreamKind kind_of(AVMediaType type) {
  switch (type) {
    case AVMEDIA_TYPE_VIDEO: return StreamKind::video;
    case AVMEDIA_TYPE_AUDIO: return StreamKind::audio;
    case AVMEDIA_TYPE_SUBTITLE: return StreamKind::subtitle;
    case AVMEDIA_TYPE_DATA: return StreamKind::data;
    default: return StreamKind::other;
  }
}

// FFmpeg marks an unknown rational with 0/0 or 0/1; Rational refuses those.
std::optional<Rational> rational_of(AVRational r) {
  if (r.num <= 0 || r.den <= 0) return std::nullopt;
  auto made = Rational::make(r.num, r.den);
  if (!made) return std::nullopt;
  return *made;
}

Result<StreamInfo> stream_info(const AVStream& stream) {
  StreamInfo info;
  info.index = stream.index;
  const AVCodecParameters& par = *stream.codecpar;
  info.kind = kind_of(par.codec_type);
  info.codec = avcodec_get_name(par.codec_id);
  auto timebase = rational_of(stream.time_base);
  if (!timebase) {
    return fail(Errc::media, "stream " + std::to_string(stream.index) + " has no timebase");
  }
  info.timebase = *timebase;
  if (info.kind == StreamKind::video) {
    info.width = par.width;
    info.height = par.height;
    info.frame_rate = rational_of(stream.r_frame_rate);
  }
  if (stream.duration != AV_NOPTS_VALUE && stream.duration >= 0) {
    info.duration = Time(stream.duration, info.timebase);
  }
  return info;
}

}  // namespace

Result<MediaInfo> probe(const EncryptedInput& input) {
  const AVFormatContext& format = *input.format();
  MediaInfo info;
  info.format_name = format.iformat != nullptr ? format.iformat->name : "";
  info.size_bytes = input.reader().size();
  if (format.duration != AV_NOPTS_VALUE && format.duration >= 0) {
    info.duration = Time(format.duration, Rational::make(1, AV_TIME_BASE).value());
  }
  for (unsigned i = 0; i < format.nb_streams; ++i) {
    auto stream = stream_info(*format.streams[i]);
    if (!stream) return tl::unexpected(stream.error());
    info.streams.push_back(std::move(*stream));
  }
  return info;
}

Result<MediaInfo> probe(const std::filesystem::path& path,
                        std::span<const crypto::Identity> identities) {
  auto input = open_encrypted_input(path, identities);
  if (!input) return tl::unexpected(input.error());
  return probe(*input);
}

}  // namespace clinvid::media
