#include "media/stream_open.hpp"

#include <string>
#include <utility>

namespace clinvid::media {

Error ffmpeg_error(const EncryptedInput& input, int code, std::string_view what) {
  if (auto error = input.first_read_error()) {
    error->detail = std::string(what) + ": " + error->detail;
    return *error;
  }
  return Error{Errc::media, std::string(what) + ": " + av_error_text(code)};
}

Result<OpenedStream> open_stream(const std::filesystem::path& path,
                                 std::span<const crypto::Identity> identities, AVMediaType type,
                                 int stream, int threads) {
  const char* kind = av_get_media_type_string(type);
  const std::string where = path.string();
  if (threads < 0) {
    return fail(Errc::invalid_argument, "decoder threads " + std::to_string(threads) + " < 0");
  }
  auto input = open_encrypted_input(path, identities);
  if (!input) return tl::unexpected(input.error());
  AVFormatContext* format = input->format();
  int index = stream;
  if (stream < 0) {
    index = av_find_best_stream(format, type, -1, -1, nullptr, 0);
    if (index < 0) {
      return fail(Errc::not_found, "no " + std::string(kind) + " stream in " + where);
    }
  } else if (static_cast<unsigned>(stream) >= format->nb_streams ||
             format->streams[stream]->codecpar->codec_type != type) {
    return fail(Errc::invalid_argument, "stream " + std::to_string(stream) + " of " + where +
                                            " is not a " + kind + " stream (" +
                                            std::to_string(format->nb_streams) + " streams)");
  }
  const AVStream* st = format->streams[index];
  const AVCodec* decoder = avcodec_find_decoder(st->codecpar->codec_id);
  if (decoder == nullptr) {
    return fail(Errc::unsupported, "no FFmpeg decoder for " +
                                       std::string(avcodec_get_name(st->codecpar->codec_id)) +
                                       " (stream " + std::to_string(index) + " of " + where + ")");
  }
  AvCodecContextPtr codec(avcodec_alloc_context3(decoder));
  if (!codec) return fail(Errc::media, "avcodec_alloc_context3 failed");
  if (const int rc = avcodec_parameters_to_context(codec.get(), st->codecpar); rc < 0) {
    return fail(Errc::media, "codec parameters of stream " + std::to_string(index) + " of " +
                                 where + ": " + av_error_text(rc));
  }
  codec->pkt_timebase = st->time_base;
  codec->thread_count = threads;
  codec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
  if (const int rc = avcodec_open2(codec.get(), decoder, nullptr); rc < 0) {
    return fail(Errc::media, "open the " + std::string(decoder->name) + " decoder for " + where +
                                 ": " + av_error_text(rc));
  }
  return OpenedStream{std::move(*input), index, std::move(codec)};
}

}  // namespace clinvid::media
