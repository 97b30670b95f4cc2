#include "capture/finalise.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavutil/mem.h>
}

#include "crypto/io.hpp"
#include "crypto/writer.hpp"
#include "media/age_avio.hpp"

namespace clinvid::capture {
namespace {

// A seekable file in memory, for FFmpeg to read from or write into.
struct MemoryFile {
  std::vector<std::uint8_t> data;
  std::size_t position = 0;
};

int memory_read(void* opaque, std::uint8_t* buffer, int size) noexcept {
  auto* file = static_cast<MemoryFile*>(opaque);
  if (file->position >= file->data.size()) return AVERROR_EOF;
  const std::size_t n =
      std::min(static_cast<std::size_t>(size), file->data.size() - file->position);
  std::memcpy(buffer, file->data.data() + file->position, n);
  file->position += n;
  return static_cast<int>(n);
}

// FFmpeg 5.1 declares write_packet with a non-const buffer.
int memory_write(void* opaque, std::uint8_t* buffer, int size) noexcept {
  auto* file = static_cast<MemoryFile*>(opaque);
  try {
    const auto n = static_cast<std::size_t>(size);
    if (file->position + n > file->data.size()) file->data.resize(file->position + n);
    std::memcpy(file->data.data() + file->position, buffer, n);
    file->position += n;
    return size;
  } catch (...) {
    return AVERROR(ENOMEM);
  }
}

std::int64_t memory_seek(void* opaque, std::int64_t offset, int whence) noexcept {
  auto* file = static_cast<MemoryFile*>(opaque);
  const auto size = static_cast<std::int64_t>(file->data.size());
  std::int64_t base = 0;
  switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE: return size;
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = static_cast<std::int64_t>(file->position); break;
    case SEEK_END: base = size; break;
    default: return AVERROR(EINVAL);
  }
  if (base + offset < 0) return AVERROR(EINVAL);
  file->position = static_cast<std::size_t>(base + offset);
  return base + offset;
}

Result<media::AvioContextPtr> memory_avio(MemoryFile& file, bool writable) {
  constexpr int kBufferBytes = 64 * 1024;
  auto* buffer = static_cast<unsigned char*>(av_malloc(kBufferBytes));
  if (buffer == nullptr) return fail(Errc::media, "av_malloc failed");
  AVIOContext* context = avio_alloc_context(buffer, kBufferBytes, writable ? 1 : 0, &file,
                                            writable ? nullptr : memory_read,
                                            writable ? memory_write : nullptr, memory_seek);
  if (context == nullptr) {
    av_free(buffer);
    return fail(Errc::media, "avio_alloc_context failed");
  }
  return media::AvioContextPtr(context);
}

struct OutputDeleter {
  void operator()(AVFormatContext* context) const noexcept { avformat_free_context(context); }
};
struct PacketDeleter {
  void operator()(AVPacket* packet) const noexcept { av_packet_free(&packet); }
};

struct RemuxCounts {
  std::uint64_t packets = 0;
  std::uint64_t video_frames = 0;
  std::int64_t first_video_ns = -1;
  std::int64_t end_video_ns = -1;
};

Result<RemuxCounts> remux(MemoryFile& input, MemoryFile& output) {
  auto in_avio = memory_avio(input, false);
  if (!in_avio) return tl::unexpected(in_avio.error());
  AVFormatContext* raw_in = avformat_alloc_context();
  if (raw_in == nullptr) return fail(Errc::media, "avformat_alloc_context failed");
  raw_in->pb = in_avio->get();
  raw_in->flags |= AVFMT_FLAG_CUSTOM_IO;
  const AVInputFormat* matroska = av_find_input_format("matroska");
  if (const int rc = avformat_open_input(&raw_in, nullptr, matroska, nullptr); rc < 0) {
    return fail(Errc::media,
                "the recovered data is not media FFmpeg reads: " + media::av_error_text(rc));
  }
  const media::AvFormatContextPtr in(raw_in);
  if (const int rc = avformat_find_stream_info(in.get(), nullptr); rc < 0) {
    return fail(Errc::media, "no stream information: " + media::av_error_text(rc));
  }
  auto out_avio = memory_avio(output, true);
  if (!out_avio) return tl::unexpected(out_avio.error());
  AVFormatContext* raw_out = nullptr;
  if (avformat_alloc_output_context2(&raw_out, nullptr, "matroska", nullptr) < 0) {
    return fail(Errc::media, "no Matroska muxer");
  }
  const std::unique_ptr<AVFormatContext, OutputDeleter> out(raw_out);
  out->pb = out_avio->get();
  out->flags |= AVFMT_FLAG_CUSTOM_IO;
  std::vector<int> mapping(in->nb_streams, -1);
  for (unsigned i = 0; i < in->nb_streams; ++i) {
    const AVCodecParameters* par = in->streams[i]->codecpar;
    if (par->codec_type != AVMEDIA_TYPE_VIDEO && par->codec_type != AVMEDIA_TYPE_AUDIO) continue;
    AVStream* stream = avformat_new_stream(out.get(), nullptr);
    if (stream == nullptr || avcodec_parameters_copy(stream->codecpar, par) < 0) {
      return fail(Errc::media, "cannot copy stream parameters");
    }
    stream->codecpar->codec_tag = 0;
    stream->time_base = in->streams[i]->time_base;
    stream->avg_frame_rate = in->streams[i]->avg_frame_rate;
    stream->r_frame_rate = in->streams[i]->r_frame_rate;
    mapping[i] = stream->index;
  }
  if (out->nb_streams == 0) return fail(Errc::media, "no audio or video stream to recover");
  if (const int rc = avformat_write_header(out.get(), nullptr); rc < 0) {
    return fail(Errc::media, "cannot start the Matroska file: " + media::av_error_text(rc));
  }
  RemuxCounts counts;
  const std::unique_ptr<AVPacket, PacketDeleter> packet(av_packet_alloc());
  // The tail of a killed recording ends inside a block: the demuxer reports an error there,
  // which is where the recoverable data ends.
  while (av_read_frame(in.get(), packet.get()) >= 0) {
    const auto index = static_cast<std::size_t>(packet->stream_index);
    if (index >= mapping.size() || mapping[index] < 0) {
      av_packet_unref(packet.get());
      continue;
    }
    const AVStream* in_stream = in->streams[index];
    AVStream* out_stream = out->streams[mapping[index]];
    if (in_stream->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && packet->pts != AV_NOPTS_VALUE) {
      ++counts.video_frames;
      const AVRational ns{1, 1'000'000'000};
      const std::int64_t pts = av_rescale_q(packet->pts, in_stream->time_base, ns);
      const std::int64_t end = pts + av_rescale_q(packet->duration, in_stream->time_base, ns);
      if (counts.first_video_ns < 0 || pts < counts.first_video_ns) counts.first_video_ns = pts;
      counts.end_video_ns = std::max(counts.end_video_ns, end);
    }
    packet->stream_index = out_stream->index;
    av_packet_rescale_ts(packet.get(), in_stream->time_base, out_stream->time_base);
    packet->pos = -1;
    if (const int rc = av_interleaved_write_frame(out.get(), packet.get()); rc < 0) {
      av_packet_unref(packet.get());
      return fail(Errc::media, "remux failed: " + media::av_error_text(rc));
    }
    ++counts.packets;
  }
  if (const int rc = av_write_trailer(out.get()); rc < 0) {
    return fail(Errc::media, "cannot finish the Matroska file: " + media::av_error_text(rc));
  }
  avio_flush(out->pb);
  return counts;
}

}  // namespace

Result<FinaliseReport> recover_recording(const std::filesystem::path& in,
                                         std::span<const crypto::Identity> identities,
                                         std::span<const crypto::Recipient> recipients,
                                         const std::filesystem::path& out) {
  if (recipients.empty()) return fail(Errc::invalid_argument, "no recipients to re-encrypt to");
  auto source = crypto::FdSource::open(in);
  if (!source) return tl::unexpected(source.error());
  MemoryFile plaintext;
  // Recordings are Matroska: anything else is refused at its first bytes (before it is all
  // held in memory), so that callers can recover it as plain bytes instead.
  constexpr std::uint8_t kEbmlMagic[] = {0x1A, 0x45, 0xDF, 0xA3};
  crypto::CallbackSink sink(
      [&plaintext, &kEbmlMagic](std::span<const std::uint8_t> bytes) -> Status {
        const std::size_t before = plaintext.data.size();
        plaintext.data.insert(plaintext.data.end(), bytes.begin(), bytes.end());
        if (before < sizeof kEbmlMagic && plaintext.data.size() >= sizeof kEbmlMagic &&
            !std::equal(std::begin(kEbmlMagic), std::end(kEbmlMagic), plaintext.data.begin())) {
          return fail(Errc::media, "not a Matroska recording");
        }
        return {};
      });
  auto age = crypto::recover(**source, identities, sink);
  if (!age) {
    std::fill(plaintext.data.begin(), plaintext.data.end(), std::uint8_t{0});
    return tl::unexpected(age.error());
  }
  if (plaintext.data.size() < sizeof kEbmlMagic) {
    return fail(Errc::media, "too short to be a Matroska recording");
  }
  if (age->chunks_recovered == 0) {
    return fail(Errc::corrupt, "payload failure: no chunk authenticated");
  }
  MemoryFile remuxed;
  auto counts = remux(plaintext, remuxed);
  // Plaintext in memory is wiped as soon as it is no longer needed.
  std::fill(plaintext.data.begin(), plaintext.data.end(), std::uint8_t{0});
  if (!counts) return tl::unexpected(counts.error());
  if (counts->video_frames == 0 && counts->packets == 0) {
    return fail(Errc::corrupt, "no complete media packet in what was recovered");
  }
  auto file = crypto::AtomicFileSink::create(out);
  if (!file) return tl::unexpected(file.error());
  auto encryptor = crypto::Encryptor::create(recipients, std::move(*file));
  if (!encryptor) return tl::unexpected(encryptor.error());
  Status written = encryptor->write(remuxed.data);
  std::fill(remuxed.data.begin(), remuxed.data.end(), std::uint8_t{0});
  if (written) written = encryptor->finish();
  if (!written) return with_context(written.error(), "write " + out.string());
  FinaliseReport report;
  report.age = *age;
  report.packets = counts->packets;
  report.video_frames = counts->video_frames;
  if (counts->first_video_ns >= 0) {
    report.start = Time::nanoseconds(counts->first_video_ns);
    report.duration = Time::nanoseconds(counts->end_video_ns - counts->first_video_ns);
  }
  return report;
}

}  // namespace clinvid::capture
