#include "archive/import_av.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavutil/dict.h>
#include <libavutil/mathematics.h>
#include <libavutil/mem.h>
}

#include "archive/import_demux.hpp"
#include "archive/import_image.hpp"

namespace clinvid::archive::detail {

namespace {

bool is_indexed(const AVFormatContext& input) {
  return std::string_view(input.iformat->name).find("mp4") != std::string_view::npos;
}

bool is_attached_picture(const AVStream* stream) {
  return (stream->disposition & AV_DISPOSITION_ATTACHED_PIC) != 0;
}

bool keep_stream(const AVStream* stream) {
  const auto type = stream->codecpar->codec_type;
  return (type == AVMEDIA_TYPE_VIDEO && !is_attached_picture(stream)) || type == AVMEDIA_TYPE_AUDIO;
}

// The tags a user would call metadata, for metadata_removed. File-structure keys the demuxer
// reports as tags (MP4 brands, Matroska's per-track DURATION) are rewritten by the muxer, not
// removed, so they are not listed.
std::string dictionary_keys(const AVDictionary* dictionary) {
  static constexpr std::array<std::string_view, 4> kStructural = {"major_brand", "minor_version",
                                                                  "compatible_brands", "DURATION"};
  std::string keys;
  const AVDictionaryEntry* entry = nullptr;
  while ((entry = av_dict_get(dictionary, "", entry, AV_DICT_IGNORE_SUFFIX)) != nullptr) {
    if (std::find(kStructural.begin(), kStructural.end(), entry->key) != kStructural.end()) {
      continue;
    }
    if (!keys.empty()) keys += ", ";
    keys += entry->key;
  }
  return keys;
}

// ---- writing the output --------------------------------------------------------------------

// The output AVIOContext's opaque: see import_av.hpp for the two passes.
struct HeadWriter {
  enum class Pass { invalid = 0, capture, stream };
  Pass pass = Pass::invalid;
  std::vector<std::uint8_t> head;                         // this pass's view of the head
  const std::vector<std::uint8_t>* final_head = nullptr;  // stream pass: the capture's head
  const SinkFn* sink = nullptr;                           // stream pass
  bool head_sent = false;
  std::uint64_t position = 0;
  std::uint64_t size = 0;
  std::optional<Error> error;

  Status write(std::span<const std::uint8_t> bytes) {
    std::uint64_t at = position;
    std::size_t done = 0;
    if (at < kRemuxHeadBytes) {
      const std::size_t in_head =
          std::min<std::size_t>(bytes.size(), kRemuxHeadBytes - static_cast<std::size_t>(at));
      if (head.size() < at + in_head) head.resize(static_cast<std::size_t>(at) + in_head);
      std::copy_n(bytes.begin(), in_head, head.begin() + static_cast<std::ptrdiff_t>(at));
      done = in_head;
      at += in_head;
    }
    if (done < bytes.size()) {
      // Past the head only appending is possible: those bytes may already be in the sink.
      if (at != std::max<std::uint64_t>(size, kRemuxHeadBytes)) {
        return fail(Errc::internal, "the muxer rewrote output past the first " +
                                        std::to_string(kRemuxHeadBytes) + " bytes");
      }
      if (pass == Pass::stream) {
        if (!head_sent) {
          if (final_head->size() != kRemuxHeadBytes) {
            return fail(Errc::internal, "the two remux passes disagree on the output size");
          }
          if (auto sent = (*sink)(*final_head); !sent) return sent;
          head_sent = true;
        }
        if (auto sent = (*sink)(bytes.subspan(done)); !sent) return sent;
      }
      at += bytes.size() - done;
    }
    position = at;
    size = std::max(size, position);
    return {};
  }

  // After the trailer: a short output was never sent, and both passes must agree.
  Status finish() {
    if (pass != Pass::stream) return {};
    if (*final_head != head) {
      return fail(Errc::internal, "the two remux passes produced different output");
    }
    if (!head_sent) return (*sink)(head);
    return {};
  }
};

int write_output(void* opaque, std::uint8_t* buffer, int size) noexcept {
  auto* writer = static_cast<HeadWriter*>(opaque);
  try {
    if (writer->error) return AVERROR(EIO);
    if (size <= 0) return 0;
    auto written =
        writer->write(std::span<const std::uint8_t>(buffer, static_cast<std::size_t>(size)));
    if (!written) {
      writer->error = written.error();
      return AVERROR(EIO);
    }
    return size;
  } catch (const std::exception& e) {
    writer->error = Error{Errc::internal, e.what()};
  } catch (...) {
    writer->error = Error{Errc::internal, "unknown exception writing the remux output"};
  }
  return AVERROR(EIO);
}

std::int64_t seek_output(void* opaque, std::int64_t offset, int whence) noexcept {
  auto* writer = static_cast<HeadWriter*>(opaque);
  return seek_in(writer->size, writer->position, offset, whence);
}

struct OutputFormatDeleter {
  void operator()(AVFormatContext* context) const noexcept { avformat_free_context(context); }
};
using OutputFormatPtr = std::unique_ptr<AVFormatContext, OutputFormatDeleter>;

const char* choose_muxer(const AVFormatContext& input, const std::vector<int>& kept) {
  const std::string demuxer = input.iformat->name;
  auto all_fit = [&](const char* muxer) {
    const AVOutputFormat* format = av_guess_format(muxer, nullptr, nullptr);
    if (format == nullptr) return false;
    for (const int index : kept) {
      if (avformat_query_codec(format, input.streams[index]->codecpar->codec_id,
                               FF_COMPLIANCE_NORMAL) != 1) {
        return false;
      }
    }
    return true;
  };
  if (demuxer.find("mp4") != std::string::npos) return all_fit("mp4") ? "mp4" : "matroska";
  return all_fit("webm") ? "webm" : "matroska";
}

struct Plan {
  std::vector<int> kept;  // input stream indices, in output order
  const char* muxer = nullptr;
};

// Matroska and WebM have no sample index: a copy cut short still demuxes to its end. The
// duration the container (or each stream) declares gives it away. Files that declare none
// (live streams) cannot be checked this way.
Status check_complete(const AVFormatContext& in, const Plan& plan, std::int64_t media_end_us) {
  if (in.duration <= 0 || in.duration_estimation_method == AVFMT_DURATION_FROM_BITRATE) return {};
  const AVRational microseconds{1, AV_TIME_BASE};
  const std::int64_t format_start = in.start_time != AV_NOPTS_VALUE ? in.start_time : 0;
  std::int64_t declared_end_us = 0;
  for (const int index : plan.kept) {
    const AVStream* stream = in.streams[index];
    std::int64_t end = format_start + in.duration;
    if (stream->duration > 0) {
      const std::int64_t start = stream->start_time != AV_NOPTS_VALUE ? stream->start_time : 0;
      end = av_rescale_q(start + stream->duration, stream->time_base, microseconds);
    }
    declared_end_us = std::max(declared_end_us, end);
  }
  // A quarter second and 1 %: container durations are rounded, and audio may end early.
  const std::int64_t tolerance_us = AV_TIME_BASE / 4 + in.duration / 100;
  if (media_end_us < declared_end_us - tolerance_us) {
    return fail(Errc::corrupt,
                "the file is truncated: it declares " +
                    std::to_string(static_cast<double>(declared_end_us) / AV_TIME_BASE) +
                    " s, its media ends at " +
                    std::to_string(static_cast<double>(media_end_us) / AV_TIME_BASE) + " s");
  }
  return {};
}

// One remux pass from a freshly opened input into `writer`.
Status run_pass(int fd, const Plan& plan, HeadWriter& writer) {
  auto input = open_input(fd);
  if (!input) return tl::unexpected(input.error());
  AVFormatContext* in = input->format.get();

  AVFormatContext* raw = nullptr;
  if (const int rc = avformat_alloc_output_context2(&raw, nullptr, plan.muxer, nullptr); rc < 0) {
    return tl::unexpected(av_failure(rc, "create the output"));
  }
  OutputFormatPtr out(raw);
  auto* buffer = static_cast<unsigned char*>(av_malloc(kIoBufferBytes));
  if (buffer == nullptr) return fail(Errc::media, "av_malloc failed");
  media::AvioContextPtr avio(avio_alloc_context(buffer, static_cast<int>(kIoBufferBytes), 1,
                                                &writer, nullptr, write_output, seek_output));
  if (!avio) {
    av_free(buffer);
    return fail(Errc::media, "avio_alloc_context failed");
  }
  avio->seekable = AVIO_SEEKABLE_NORMAL;
  out->pb = avio.get();
  out->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_BITEXACT;  // no clock time, no random ids

  std::vector<int> mapping(in->nb_streams, -1);
  for (const int index : plan.kept) {
    const AVStream* source = in->streams[index];
    AVStream* stream = avformat_new_stream(out.get(), nullptr);
    if (stream == nullptr) return fail(Errc::media, "avformat_new_stream failed");
    if (avcodec_parameters_copy(stream->codecpar, source->codecpar) < 0) {
      return fail(Errc::media, "avcodec_parameters_copy failed");
    }
    // Keep the source's codec tag (hvc1 vs hev1 matters to Apple players) where the output
    // container knows it for this codec; otherwise let the muxer choose.
    unsigned int tag = 0;
    const auto* tags = out->oformat->codec_tag;
    if (!(tags == nullptr ||
          av_codec_get_id(tags, source->codecpar->codec_tag) == source->codecpar->codec_id ||
          av_codec_get_tag2(tags, source->codecpar->codec_id, &tag) == 0)) {
      stream->codecpar->codec_tag = 0;
    }
    stream->time_base = source->time_base;
    stream->avg_frame_rate = source->avg_frame_rate;
    stream->r_frame_rate = source->r_frame_rate;
    stream->sample_aspect_ratio = source->sample_aspect_ratio;
    stream->disposition = source->disposition & AV_DISPOSITION_DEFAULT;
    // Presentation side data (display rotation matrix, HDR mastering, stereo layout) is kept:
    // it says how to show the picture, not who or where.
    for (int i = 0; i < source->nb_side_data; ++i) {
      const AVPacketSideData& side = source->side_data[i];
      std::uint8_t* copy = av_stream_new_side_data(stream, side.type, side.size);
      if (copy == nullptr) return fail(Errc::media, "av_stream_new_side_data failed");
      std::memcpy(copy, side.data, side.size);
    }
    mapping[static_cast<std::size_t>(index)] = stream->index;
  }

  // Matroska's optional CRC-32 elements add nothing under age's authenticated encryption and
  // cost a table-driven CRC over every byte, twice (both passes): most of an import's time.
  AVDictionary* muxer_options = nullptr;
  av_dict_set(&muxer_options, "write_crc32", "0", 0);
  const int header_rc = avformat_write_header(out.get(), &muxer_options);
  av_dict_free(&muxer_options);  // an option the muxer does not know (MP4) is simply left over
  if (const int rc = header_rc; rc < 0) {
    if (writer.error) return tl::unexpected(*writer.error);
    return tl::unexpected(av_failure(rc, "write the output header"));
  }
  PacketPtr packet(av_packet_alloc());
  if (!packet) return fail(Errc::media, "av_packet_alloc failed");
  std::uint64_t packets = 0;
  std::vector<std::int64_t> packets_per_stream(mapping.size(), 0);
  std::int64_t media_end_us = std::numeric_limits<std::int64_t>::min();
  Status result;
  while (true) {
    const int rc = av_read_frame(in, packet.get());
    if (rc == AVERROR_EOF) break;
    if (rc < 0) {
      result = tl::unexpected(av_failure(rc, "read", input->cursor.get()));
      break;
    }
    const auto source_index = static_cast<std::size_t>(packet->stream_index);
    // A stream that appeared after the header (Matroska allows it) is not in the plan.
    const int target = source_index < mapping.size() ? mapping[source_index] : -1;
    if (target < 0) {
      av_packet_unref(packet.get());
      continue;
    }
    if ((packet->flags & AV_PKT_FLAG_CORRUPT) != 0) {
      result = fail(Errc::corrupt, "the file is damaged or truncated: a packet of stream " +
                                       std::to_string(packet->stream_index) + " is incomplete");
      break;
    }
    if (packet->pts != AV_NOPTS_VALUE) {
      const std::int64_t end = packet->pts + std::max<std::int64_t>(packet->duration, 0);
      media_end_us = std::max(media_end_us, av_rescale_q(end, in->streams[source_index]->time_base,
                                                         AVRational{1, AV_TIME_BASE}));
    }
    av_packet_rescale_ts(packet.get(), in->streams[packet->stream_index]->time_base,
                         out->streams[target]->time_base);
    packet->stream_index = target;
    packet->pos = -1;
    if (const int wrc = av_interleaved_write_frame(out.get(), packet.get()); wrc < 0) {
      result = tl::unexpected(writer.error ? *writer.error : av_failure(wrc, "write a packet"));
      break;
    }
    ++packets;
    ++packets_per_stream[source_index];
  }
  if (result && packets == 0) result = fail(Errc::corrupt, "the file holds no media data");
  if (result) result = check_complete(*in, plan, media_end_us);
  // An MP4/MOV index lists every sample: fewer read means the data was cut off (a copy
  // interrupted after the index was written first), which the demuxer reports as a plain end.
  if (result && is_indexed(*in)) {
    for (const int index : plan.kept) {
      const AVStream* stream = in->streams[index];
      const auto read = packets_per_stream[static_cast<std::size_t>(index)];
      if (stream->nb_frames > 0 && read < stream->nb_frames) {
        result = fail(Errc::corrupt, "the file is truncated: " + std::to_string(read) + " of " +
                                         std::to_string(stream->nb_frames) + " samples of stream " +
                                         std::to_string(index) + " are there");
        break;
      }
    }
  }
  // The trailer also frees the muxer's private state, so it runs on failure too.
  const int trailer = av_write_trailer(out.get());
  if (!result) return result;
  if (trailer < 0) {
    return tl::unexpected(writer.error ? *writer.error : av_failure(trailer, "finish the output"));
  }
  avio_flush(avio.get());
  if (writer.error) return tl::unexpected(*writer.error);
  return writer.finish();
}

// What to keep, which muxer, and what the result will say (the input is closed on return, so
// that each pass reads the file afresh).
Result<std::pair<Plan, RemuxResult>> plan_remux(int fd) {
  auto input = open_input(fd);
  if (!input) return tl::unexpected(input.error());
  const AVFormatContext* in = input->format.get();
  RemuxResult result;
  Plan plan;
  if (const auto keys = dictionary_keys(in->metadata); !keys.empty()) {
    result.removed.push_back("format tags: " + keys);
  }
  if (in->nb_chapters > 0) result.removed.push_back(std::to_string(in->nb_chapters) + " chapters");
  for (unsigned i = 0; i < in->nb_streams; ++i) {
    const AVStream* stream = in->streams[i];
    const auto type = stream->codecpar->codec_type;
    const char* type_name = av_get_media_type_string(type);
    const std::string kind = type_name != nullptr ? type_name : "unknown";
    const std::string codec = codec_name(stream->codecpar->codec_id);
    if (!keep_stream(stream)) {
      result.removed.push_back(is_attached_picture(stream) ? "cover picture (" + codec + ")"
                                                           : kind + " stream (" + codec + ")");
      continue;
    }
    plan.kept.push_back(static_cast<int>(i));
    if (const auto keys = dictionary_keys(stream->metadata); !keys.empty()) {
      add_unique(result.removed, kind + " stream tags: " + keys);
    }
    if (type == AVMEDIA_TYPE_VIDEO && result.kind != MediaKind::video) {
      result.kind = MediaKind::video;
      result.codec = codec;
      result.width = stream->codecpar->width;
      result.height = stream->codecpar->height;
    } else if (type == AVMEDIA_TYPE_AUDIO && result.kind == MediaKind::invalid) {
      result.kind = MediaKind::audio;
      result.codec = codec;
    }
  }
  if (plan.kept.empty()) return fail(Errc::unsupported, "the file has no video or audio stream");
  plan.muxer = choose_muxer(*in, plan.kept);
  result.container = plan.muxer;
  if (in->duration > 0) {
    if (auto duration = Rational::make(in->duration, AV_TIME_BASE)) result.duration_s = *duration;
  }
  return std::make_pair(std::move(plan), std::move(result));
}

}  // namespace

Result<RemuxResult> remux_sanitised(int fd, const SinkFn& sink) {
  try {
    auto planned = plan_remux(fd);
    if (!planned) return tl::unexpected(planned.error());
    auto& [plan, result] = *planned;
    HeadWriter capture;
    capture.pass = HeadWriter::Pass::capture;
    if (auto pass = run_pass(fd, plan, capture); !pass) return tl::unexpected(pass.error());
    HeadWriter stream;
    stream.pass = HeadWriter::Pass::stream;
    stream.final_head = &capture.head;
    stream.sink = &sink;
    if (auto pass = run_pass(fd, plan, stream); !pass) return tl::unexpected(pass.error());
    if (stream.size != capture.size) {
      return fail(Errc::internal, "the two remux passes produced different sizes");
    }
    result.output_bytes = stream.size;
    return std::move(result);
  } catch (const std::exception& e) {
    return fail(Errc::internal, std::string("remux: ") + e.what());
  }
}

}  // namespace clinvid::archive::detail
