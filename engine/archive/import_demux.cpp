#include "archive/import_demux.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <span>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavutil/avstring.h>
#include <libavutil/mem.h>
}

#include "crypto/io.hpp"

namespace clinvid::archive::detail {

namespace {

int read_source(void* opaque, std::uint8_t* buffer, int size) noexcept {
  auto* cursor = static_cast<SourceCursor*>(opaque);
  if (size <= 0) return 0;
  auto count = crypto::pread_full(cursor->fd,
                                  std::span<std::uint8_t>(buffer, static_cast<std::size_t>(size)),
                                  cursor->position);
  if (!count) {
    if (!cursor->error) cursor->error = count.error();
    return AVERROR(EIO);
  }
  if (*count == 0) return AVERROR_EOF;
  cursor->position += *count;
  return static_cast<int>(*count);
}

std::int64_t seek_source(void* opaque, std::int64_t offset, int whence) noexcept {
  auto* cursor = static_cast<SourceCursor*>(opaque);
  return seek_in(cursor->size, cursor->position, offset, whence);
}

// Nested files (MOV data references, HLS/DASH segments, image sequences) are never opened.
int refuse_io_open(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) noexcept {
  return AVERROR(EPERM);
}

}  // namespace

std::int64_t seek_in(std::uint64_t size, std::uint64_t& position, std::int64_t offset, int whence) {
  const auto size_signed = static_cast<std::int64_t>(size);
  const int mode = whence & ~AVSEEK_FORCE;
  if (mode == AVSEEK_SIZE) return size_signed;
  std::int64_t base = 0;
  switch (mode) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = static_cast<std::int64_t>(position); break;
    case SEEK_END: base = size_signed; break;
    default: return AVERROR(EINVAL);
  }
  if ((offset > 0 && base > std::numeric_limits<std::int64_t>::max() - offset) ||
      base + offset < 0) {
    return AVERROR(EINVAL);
  }
  position = static_cast<std::uint64_t>(base + offset);
  return base + offset;
}

Error av_failure(int code, std::string_view what, const SourceCursor* cursor) {
  if (cursor != nullptr && cursor->error) {
    return Error{cursor->error->code, std::string(what) + ": " + cursor->error->detail};
  }
  const Errc errc =
      code == AVERROR_INVALIDDATA || code == AVERROR_EOF ? Errc::corrupt : Errc::media;
  std::string detail(what);
  if (errc == Errc::corrupt) detail += " (the file is damaged or truncated)";
  return Error{errc, detail + ": " + media::av_error_text(code)};
}

Result<Input> open_input(int fd) {
  Input input;
  input.cursor = std::make_unique<SourceCursor>();
  input.cursor->fd = fd;
  struct stat info {};
  if (::fstat(fd, &info) != 0) return fail(Errc::io, std::string("fstat: ") + std::strerror(errno));
  input.cursor->size = static_cast<std::uint64_t>(info.st_size);

  auto* buffer = static_cast<unsigned char*>(av_malloc(kIoBufferBytes));
  if (buffer == nullptr) return fail(Errc::media, "av_malloc failed");
  AVIOContext* avio = avio_alloc_context(buffer, static_cast<int>(kIoBufferBytes), 0,
                                         input.cursor.get(), read_source, nullptr, seek_source);
  if (avio == nullptr) {
    av_free(buffer);
    return fail(Errc::media, "avio_alloc_context failed");
  }
  input.avio.reset(avio);
  avio->seekable = AVIO_SEEKABLE_NORMAL;

  const AVInputFormat* detected = nullptr;
  if (const int rc = av_probe_input_buffer2(avio, &detected, "", nullptr, 0, 0); rc < 0) {
    if (input.cursor->error) return tl::unexpected(av_failure(rc, "read", input.cursor.get()));
    return fail(Errc::unsupported,
                "not a media type the importer takes (MP4/MOV, Matroska, WebM, JPEG, PNG)");
  }
  if (av_match_list(detected->name, kAllowedDemuxers, ',') <= 0) {
    const char* name = detected->long_name != nullptr ? detected->long_name : detected->name;
    return fail(Errc::unsupported, std::string("the file is ") + name +
                                       "; the importer takes MP4/MOV, Matroska, WebM, "
                                       "JPEG and PNG");
  }
  AVFormatContext* raw = avformat_alloc_context();
  if (raw == nullptr) return fail(Errc::media, "avformat_alloc_context failed");
  raw->pb = avio;
  raw->flags |= AVFMT_FLAG_CUSTOM_IO;
  raw->io_open = refuse_io_open;
  raw->format_whitelist = av_strdup(kAllowedDemuxers);
  raw->protocol_whitelist = av_strdup("none");
  // On failure avformat_open_input frees the context (not our AVIOContext).
  if (const int rc = avformat_open_input(&raw, "", detected, nullptr); rc < 0) {
    return tl::unexpected(av_failure(rc, "open", input.cursor.get()));
  }
  input.format.reset(raw);
  if (const int rc = avformat_find_stream_info(raw, nullptr); rc < 0) {
    return tl::unexpected(av_failure(rc, "read stream info", input.cursor.get()));
  }
  return input;
}

std::string codec_name(int codec_id) {
  const char* name = avcodec_get_name(static_cast<AVCodecID>(codec_id));
  return name != nullptr ? name : "unknown";
}

void PacketDeleter::operator()(AVPacket* packet) const noexcept {
  av_packet_free(&packet);
}

}  // namespace clinvid::archive::detail
