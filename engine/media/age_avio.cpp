#include "media/age_avio.hpp"

#include "media/ffmpeg_log.hpp"

#include <algorithm>
#include <cerrno>
#include <exception>
#include <limits>
#include <mutex>
#include <string>
#include <utility>

extern "C" {
#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavutil/error.h>
#include <libavutil/mem.h>
}

namespace clinvid::media {

// The AVIOContext's opaque: FFmpeg keeps no position of its own for custom I/O, so this is it.
struct AgeAvio::Cursor {
  const crypto::RandomAccessReader* reader = nullptr;
  std::uint64_t position = 0;
  mutable std::mutex error_mutex;  // first_error() may be asked from another thread
  std::optional<Error> first_error;

  void remember(Error error) {
    const std::lock_guard lock(error_mutex);
    if (!first_error) first_error = std::move(error);
  }
};

namespace {

int error_code_for(const Error& error) {
  return error.code == Errc::io ? AVERROR(EIO) : AVERROR_INVALIDDATA;
}

// FFmpeg's read_packet: fills up to `size` bytes; AVERROR_EOF at the end.
int read_packet(void* opaque, std::uint8_t* buffer, int size) noexcept {
  auto* cursor = static_cast<AgeAvio::Cursor*>(opaque);
  try {
    if (size <= 0) return 0;
    auto count = cursor->reader->read_at(
        cursor->position, std::span<std::uint8_t>(buffer, static_cast<std::size_t>(size)));
    if (!count) {
      cursor->remember(count.error());
      return error_code_for(count.error());
    }
    if (*count == 0) return AVERROR_EOF;
    cursor->position += *count;
    return static_cast<int>(*count);
  } catch (const std::exception& e) {
    cursor->remember(Error{Errc::internal, e.what()});
  } catch (...) {
    cursor->remember(Error{Errc::internal, "unknown exception in read_packet"});
  }
  return AVERROR(EIO);
}

// FFmpeg's seek: SEEK_SET/SEEK_CUR/SEEK_END or AVSEEK_SIZE, maybe with AVSEEK_FORCE.
std::int64_t seek(void* opaque, std::int64_t offset, int whence) noexcept {
  auto* cursor = static_cast<AgeAvio::Cursor*>(opaque);
  const std::uint64_t size = cursor->reader->size();
  if (size > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return AVERROR(EOVERFLOW);
  }
  const auto size_signed = static_cast<std::int64_t>(size);
  const int mode = whence & ~AVSEEK_FORCE;
  if (mode == AVSEEK_SIZE) return size_signed;
  std::int64_t base = 0;
  switch (mode) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = static_cast<std::int64_t>(cursor->position); break;
    case SEEK_END: base = size_signed; break;
    default: return AVERROR(EINVAL);
  }
  if ((offset > 0 && base > std::numeric_limits<std::int64_t>::max() - offset) ||
      base + offset < 0) {
    return AVERROR(EINVAL);
  }
  // Past the end is allowed, as for lseek(2); reads there return AVERROR_EOF.
  cursor->position = static_cast<std::uint64_t>(base + offset);
  return base + offset;
}

}  // namespace

std::string av_error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  if (av_strerror(code, text, sizeof text) < 0) return "FFmpeg error " + std::to_string(code);
  return std::string(text) + " (" + std::to_string(code) + ")";
}

void AvioContextDeleter::operator()(AVIOContext* context) const noexcept {
  if (context == nullptr) return;
  av_freep(&context->buffer);  // FFmpeg may have replaced the buffer we gave it
  avio_context_free(&context);
}

void AvFormatContextDeleter::operator()(AVFormatContext* context) const noexcept {
  avformat_close_input(&context);
}

AgeAvio::AgeAvio(std::unique_ptr<Cursor> cursor, AvioContextPtr context) noexcept
    : cursor_(std::move(cursor)), context_(std::move(context)) {}
AgeAvio::~AgeAvio() = default;
AgeAvio::AgeAvio(AgeAvio&&) noexcept = default;
AgeAvio& AgeAvio::operator=(AgeAvio&&) noexcept = default;

Result<AgeAvio> AgeAvio::create(const crypto::RandomAccessReader& reader,
                                std::size_t buffer_bytes) {
  if (buffer_bytes == 0 ||
      buffer_bytes > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return fail(Errc::invalid_argument, "AVIO buffer size " + std::to_string(buffer_bytes));
  }
  auto cursor = std::make_unique<Cursor>();
  cursor->reader = &reader;
  auto* buffer = static_cast<unsigned char*>(av_malloc(buffer_bytes));
  if (buffer == nullptr) return fail(Errc::media, "av_malloc of the AVIO buffer failed");
  AVIOContext* context = avio_alloc_context(buffer, static_cast<int>(buffer_bytes), 0, cursor.get(),
                                            read_packet, nullptr, seek);
  if (context == nullptr) {
    av_free(buffer);
    return fail(Errc::media, "avio_alloc_context failed");
  }
  context->seekable = AVIO_SEEKABLE_NORMAL;
  return AgeAvio(std::move(cursor), AvioContextPtr(context));
}

std::optional<Error> AgeAvio::first_error() const {
  const std::lock_guard lock(cursor_->error_mutex);
  return cursor_->first_error;
}

EncryptedInput::EncryptedInput(std::unique_ptr<crypto::RandomAccessReader> reader, AgeAvio avio,
                               AvFormatContextPtr format) noexcept
    : reader_(std::move(reader)), avio_(std::move(avio)), format_(std::move(format)) {}
EncryptedInput::~EncryptedInput() = default;
EncryptedInput::EncryptedInput(EncryptedInput&&) noexcept = default;
EncryptedInput& EncryptedInput::operator=(EncryptedInput&& other) noexcept {
  if (this != &other) {
    format_.reset();  // before the AVIO and reader it reads from
    format_ = std::move(other.format_);
    avio_ = std::move(other.avio_);
    reader_ = std::move(other.reader_);
  }
  return *this;
}

namespace {

// The reader's own error when a read failed under FFmpeg, else FFmpeg's.
Error demux_error(const AgeAvio& avio, int code, std::string_view what) {
  if (auto error = avio.first_error()) {
    error->detail = std::string(what) + ": " + error->detail;
    return *error;
  }
  return Error{Errc::media, std::string(what) + ": " + av_error_text(code)};
}

}  // namespace

Result<EncryptedInput> open_encrypted_input(const std::filesystem::path& path,
                                            std::span<const crypto::Identity> identities) {
  follow_clinvid_log_level();
  auto opened = crypto::RandomAccessReader::open(path, identities);
  if (!opened) return with_context(opened.error(), "open " + path.string());
  auto reader = std::make_unique<crypto::RandomAccessReader>(std::move(*opened));
  auto avio = AgeAvio::create(*reader);
  if (!avio) return tl::unexpected(avio.error());

  AVFormatContext* raw = avformat_alloc_context();
  if (raw == nullptr) return fail(Errc::media, "avformat_alloc_context failed");
  raw->pb = avio->get();
  raw->flags |= AVFMT_FLAG_CUSTOM_IO;
  // On failure avformat_open_input frees the context (but not our custom AVIOContext).
  if (const int rc = avformat_open_input(&raw, path.string().c_str(), nullptr, nullptr); rc < 0) {
    return tl::unexpected(demux_error(*avio, rc, "demux " + path.string()));
  }
  AvFormatContextPtr format(raw);
  if (const int rc = avformat_find_stream_info(format.get(), nullptr); rc < 0) {
    return tl::unexpected(demux_error(*avio, rc, "stream info of " + path.string()));
  }
  return EncryptedInput(std::move(reader), std::move(*avio), std::move(format));
}

}  // namespace clinvid::media
