#include "archive/import_media.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "archive/import_av.hpp"
#include "archive/import_image.hpp"
#include "archive/quality.hpp"
#include "core/log.hpp"
#include "crypto/io.hpp"
#include "crypto/reader.hpp"
#include "crypto/sha256.hpp"
#include "crypto/writer.hpp"

namespace clinvid::archive {

namespace {

// A still image is sanitised in memory; past this it is surely not a photograph.
constexpr std::uint64_t kMaxImageFileBytes = 256ull * 1024 * 1024;

enum class SourceType { invalid = 0, jpeg, png, audio_video };

bool has_prefix(std::span<const std::uint8_t> bytes, std::size_t at, std::string_view text) {
  return bytes.size() >= at + text.size() &&
         std::memcmp(bytes.data() + at, text.data(), text.size()) == 0;
}

// JPEG and PNG by signature; other picture formats are named and refused; everything else is
// left to the (whitelisted) demuxer.
Result<SourceType> sniff(std::span<const std::uint8_t> head) {
  // SOI alone: a JPEG damaged right after it is still reported as a damaged JPEG.
  if (has_prefix(head, 0, "\xFF\xD8")) return SourceType::jpeg;
  if (has_prefix(head, 0, "\x89PNG\r\n\x1A\n")) return SourceType::png;
  const char* other = nullptr;
  if (has_prefix(head, 0, "GIF87a") || has_prefix(head, 0, "GIF89a")) other = "GIF";
  if (has_prefix(head, 0, "BM")) other = "BMP";
  if (has_prefix(head, 0, std::string_view("II*\0", 4)) ||
      has_prefix(head, 0, std::string_view("MM\0*", 4))) {
    other = "TIFF (or camera raw)";
  }
  if (has_prefix(head, 0, "RIFF") && has_prefix(head, 8, "WEBP")) other = "WebP";
  if (has_prefix(head, 4, "ftyp")) {
    for (const char* brand : {"heic", "heix", "hevc", "mif1", "msf1", "avif", "avis"}) {
      if (has_prefix(head, 8, brand)) other = "HEIF/HEIC/AVIF";
    }
  }
  if (other != nullptr) {
    return fail(Errc::unsupported, std::string(other) +
                                       " images are not imported: export the picture as JPEG or "
                                       "PNG on the device, then import that");
  }
  return SourceType::audio_video;
}

using crypto::Sha256;

// The encrypted output: an age stream into `<out>.tmp`, renamed onto `out` by finish().
// Destroyed unfinished, the temporary file goes with it.
class EncryptedOutput {
 public:
  static Result<EncryptedOutput> create(std::span<const crypto::Recipient> recipients,
                                        const std::filesystem::path& out) {
    auto sink = crypto::AtomicFileSink::create(out);
    if (!sink) return with_context(sink.error(), "create " + out.string());
    auto encryptor = crypto::Encryptor::create(recipients, std::move(*sink));
    if (!encryptor) return tl::unexpected(encryptor.error());
    return EncryptedOutput(std::move(*encryptor));
  }

  Status write(std::span<const std::uint8_t> bytes) {
    hash_.update(bytes);
    bytes_ += bytes.size();
    return encryptor_.write(bytes);
  }
  Result<std::pair<std::uint64_t, std::array<std::uint8_t, 32>>> finish() {
    if (auto done = encryptor_.finish(); !done) return tl::unexpected(done.error());
    return std::make_pair(bytes_, hash_.finish());
  }

 private:
  explicit EncryptedOutput(crypto::Encryptor encryptor) : encryptor_(std::move(encryptor)) {}
  crypto::Encryptor encryptor_;
  Sha256 hash_;
  std::uint64_t bytes_ = 0;
};

Result<crypto::UniqueFd> open_source(const std::filesystem::path& source, struct stat& info) {
  // O_NONBLOCK: opening a FIFO must not hang waiting for a writer (it is refused below).
  crypto::UniqueFd fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd.valid()) {
    const int error = errno;
    return fail(error == ENOENT ? Errc::not_found : Errc::io,
                "cannot read " + source.string() + ": " + std::strerror(error));
  }
  if (::fstat(fd.get(), &info) != 0) {
    return fail(Errc::io, "stat " + source.string() + ": " + std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) {
    return fail(Errc::invalid_argument, source.string() + " is not a regular file");
  }
  if (info.st_size == 0) return fail(Errc::corrupt, source.string() + " is empty");
  return fd;
}

Status check_destination(const std::filesystem::path& out) {
  std::error_code error;
  for (const auto& path : {out, std::filesystem::path(out.string() + ".tmp")}) {
    if (std::filesystem::symlink_status(path, error).type() !=
        std::filesystem::file_type::not_found) {
      return fail(Errc::invalid_argument,
                  path.string() + " already exists; an import never overwrites a file");
    }
  }
  return {};
}

Result<ImportedMedia> import_image(int fd, std::uint64_t size, detail::ImageCodec codec,
                                   std::span<const crypto::Recipient> recipients,
                                   const std::filesystem::path& out, const ImportOptions& options) {
  if (size > kMaxImageFileBytes) {
    return fail(Errc::out_of_range,
                "image file of " + std::to_string(size) + " bytes is past the import limit");
  }
  std::vector<std::uint8_t> original(static_cast<std::size_t>(size));
  auto read = crypto::pread_full(fd, original, 0);
  if (!read) return tl::unexpected(read.error());
  original.resize(*read);
  auto sanitised = codec == detail::ImageCodec::jpeg ? detail::sanitise_jpeg(original)
                                                     : detail::sanitise_png(original);
  if (!sanitised) return tl::unexpected(sanitised.error());

  ImportedMedia media;
  media.kind = MediaKind::image;
  media.container = codec == detail::ImageCodec::jpeg ? "jpeg" : "png";
  media.codec = codec == detail::ImageCodec::jpeg ? "mjpeg" : "png";
  media.width = sanitised->width;
  media.height = sanitised->height;
  media.metadata_removed = std::move(sanitised->removed);
  if (options.quality_checks) {
    auto measures = measure_encoded_image(sanitised->bytes);
    if (!measures) return tl::unexpected(measures.error());
    media.quality = quality_findings(*measures, QualitySubject::image);
  }
  auto output = EncryptedOutput::create(recipients, out);
  if (!output) return tl::unexpected(output.error());
  if (auto written = output->write(sanitised->bytes); !written) {
    return tl::unexpected(written.error());
  }
  auto finished = output->finish();
  if (!finished) return tl::unexpected(finished.error());
  media.plaintext_bytes = finished->first;
  media.sha256 = finished->second;
  return media;
}

Result<ImportedMedia> import_audio_video(int fd, std::span<const crypto::Recipient> recipients,
                                         const std::filesystem::path& out,
                                         const ImportOptions& options) {
  ImportedMedia media;
  if (options.quality_checks) {
    auto samples = detail::sample_video_quality(fd);
    if (!samples) return tl::unexpected(samples.error());
    if (!samples->empty()) {
      media.quality = quality_findings(median_measures(*samples), QualitySubject::video);
    }
  }
  auto output = EncryptedOutput::create(recipients, out);
  if (!output) return tl::unexpected(output.error());
  const detail::SinkFn sink = [&output](std::span<const std::uint8_t> bytes) {
    return output->write(bytes);
  };
  auto remuxed = detail::remux_sanitised(fd, sink);
  if (!remuxed) return tl::unexpected(remuxed.error());
  auto finished = output->finish();
  if (!finished) return tl::unexpected(finished.error());
  media.kind = remuxed->kind;
  media.container = remuxed->container;
  media.codec = remuxed->codec;
  media.width = remuxed->width;
  media.height = remuxed->height;
  media.duration_s = remuxed->duration_s;
  media.metadata_removed = std::move(remuxed->removed);
  media.plaintext_bytes = finished->first;
  media.sha256 = finished->second;
  return media;
}

}  // namespace

Result<ImportedMedia> import_media(const std::filesystem::path& source,
                                   std::span<const crypto::Recipient> recipients,
                                   const std::filesystem::path& out, const ImportOptions& options) {
  try {
    if (recipients.empty()) return fail(Errc::invalid_argument, "import: no recipients");
    if (auto free = check_destination(out); !free) return tl::unexpected(free.error());
    struct stat info {};
    auto fd = open_source(source, info);
    if (!fd) return with_context(fd.error(), "import");
    std::array<std::uint8_t, 64> head{};
    auto head_bytes = crypto::pread_full(fd->get(), head, 0);
    if (!head_bytes) return with_context(head_bytes.error(), "import " + source.string());
    auto type = sniff(std::span<const std::uint8_t>(head.data(), *head_bytes));
    if (!type) return with_context(type.error(), "import " + source.string());

    Result<ImportedMedia> imported;
    switch (*type) {
      case SourceType::jpeg:
      case SourceType::png:
        imported = import_image(
            fd->get(), static_cast<std::uint64_t>(info.st_size),
            *type == SourceType::jpeg ? detail::ImageCodec::jpeg : detail::ImageCodec::png,
            recipients, out, options);
        break;
      case SourceType::audio_video:
        imported = import_audio_video(fd->get(), recipients, out, options);
        break;
      case SourceType::invalid: return fail(Errc::internal, "import: unclassified source");
    }
    if (!imported) return with_context(imported.error(), "import " + source.string());
    return imported;
  } catch (const std::exception& e) {
    return fail(Errc::internal, std::string("import: ") + e.what());
  }
}

Result<void> verify_import(const std::filesystem::path& encrypted,
                           std::span<const crypto::Identity> identities,
                           const ImportedMedia& expected) {
  if (expected.kind == MediaKind::invalid) {
    return fail(Errc::invalid_argument, "verify: the expected import record is empty");
  }
  auto source = crypto::FdSource::open(encrypted);
  if (!source) return with_context(source.error(), "verify " + encrypted.string());
  auto decryptor = crypto::Decryptor::open(std::move(*source), identities);
  if (!decryptor) return with_context(decryptor.error(), "verify " + encrypted.string());
  Sha256 hash;
  std::uint64_t bytes = 0;
  while (true) {
    auto chunk = decryptor->next_chunk();
    if (!chunk) return with_context(chunk.error(), "verify " + encrypted.string());
    if (chunk->empty()) break;
    hash.update(*chunk);
    bytes += chunk->size();
  }
  if (bytes != expected.plaintext_bytes) {
    return fail(Errc::corrupt, "verify " + encrypted.string() + ": it holds " +
                                   std::to_string(bytes) + " bytes, the import wrote " +
                                   std::to_string(expected.plaintext_bytes));
  }
  const auto digest = hash.finish();
  if (sodium_memcmp(digest.data(), expected.sha256.data(), digest.size()) != 0) {
    return fail(Errc::corrupt,
                "verify " + encrypted.string() + ": SHA-256 differs from the imported media");
  }
  return {};
}

Result<void> delete_original_after_verify(const std::filesystem::path& source,
                                          const std::filesystem::path& encrypted,
                                          std::span<const crypto::Identity> identities,
                                          const ImportedMedia& expected) {
  std::error_code error;
  if (std::filesystem::equivalent(source, encrypted, error)) {
    return fail(Errc::invalid_argument, "the original and the encrypted copy are the same file");
  }
  if (auto verified = verify_import(encrypted, identities, expected); !verified) {
    return with_context(verified.error(), "original kept");
  }
  if (!std::filesystem::remove(source, error)) {
    if (error) return fail(Errc::io, "remove " + source.string() + ": " + error.message());
    return fail(Errc::not_found, "remove " + source.string() + ": no such file");
  }
  log(LogLevel::info, "archive", "removed the original {} after verifying {}", source.string(),
      encrypted.string());
  return {};
}

}  // namespace clinvid::archive
