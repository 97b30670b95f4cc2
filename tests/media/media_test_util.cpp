#include "media_test_util.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "crypto/writer.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/pixdesc.h>
}

namespace clinvid::media::test {

namespace fs = std::filesystem;

std::string run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("popen " + command);
  std::string out;
  std::array<char, 4096> buffer{};
  while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) {
    out.append(buffer.data(), n);
  }
  const int status = pclose(pipe.release());
  if (status != 0) throw std::runtime_error(command + " exited with " + std::to_string(status));
  return out;
}

TempDir::TempDir() {
  char pattern[] = "/tmp/clinvid-media-edit-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::uint64_t hash_y(const ConstFrameView& frame) {
  std::uint64_t h = 1469598103934665603ULL;
  for (std::uint32_t y = 0; y < frame.height; ++y) {
    const std::uint8_t* row = frame.planes[0] + y * frame.strides[0];
    for (std::uint32_t x = 0; x < frame.width; ++x) h = (h ^ row[x]) * 1099511628211ULL;
  }
  return h;
}

std::vector<ReferenceFrame> decode_reference(const fs::path& plain) {
  AVFormatContext* format = nullptr;
  if (avformat_open_input(&format, plain.c_str(), nullptr, nullptr) < 0) {
    throw std::runtime_error("cannot open " + plain.string());
  }
  std::unique_ptr<AVFormatContext, void (*)(AVFormatContext*)> owner(
      format, [](AVFormatContext* f) { avformat_close_input(&f); });
  avformat_find_stream_info(format, nullptr);
  const int index = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0) throw std::runtime_error("no video stream in " + plain.string());
  const AVCodecParameters* par = format->streams[index]->codecpar;
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  std::unique_ptr<AVCodecContext, void (*)(AVCodecContext*)> decoder(
      avcodec_alloc_context3(codec), [](AVCodecContext* c) { avcodec_free_context(&c); });
  avcodec_parameters_to_context(decoder.get(), par);
  decoder->pkt_timebase = format->streams[index]->time_base;
  if (avcodec_open2(decoder.get(), codec, nullptr) < 0) throw std::runtime_error("decoder");
  std::unique_ptr<AVPacket, void (*)(AVPacket*)> packet(av_packet_alloc(),
                                                        [](AVPacket* p) { av_packet_free(&p); });
  std::unique_ptr<AVFrame, void (*)(AVFrame*)> frame(av_frame_alloc(),
                                                     [](AVFrame* f) { av_frame_free(&f); });
  std::vector<ReferenceFrame> frames;
  auto receive = [&] {
    while (avcodec_receive_frame(decoder.get(), frame.get()) >= 0) {
      ReferenceFrame ref;
      ref.pts = frame->best_effort_timestamp;
      ref.width = frame->width;
      ref.height = frame->height;
      const AVPixFmtDescriptor* desc =
          av_pix_fmt_desc_get(static_cast<AVPixelFormat>(frame->format));
      const int bytes = desc->comp[0].depth > 8 ? 2 : 1;
      ref.y.resize(static_cast<std::size_t>(frame->width) *
                   static_cast<std::size_t>(frame->height));
      for (int y = 0; y < frame->height; ++y) {
        const std::uint8_t* row =
            frame->data[0] + static_cast<std::ptrdiff_t>(y) * frame->linesize[0];
        for (int x = 0; x < frame->width; ++x) {
          // 10-bit: keep the top 8 bits, what a conversion to 8-bit gives within ±1.
          const int value = bytes == 2 ? (row[2 * x] | (row[2 * x + 1] << 8)) >> 2 : row[x];
          ref.y[static_cast<std::size_t>(y) * static_cast<std::size_t>(frame->width) +
                static_cast<std::size_t>(x)] = static_cast<std::uint8_t>(value);
        }
      }
      ConstFrameView view;
      view.format = PixelFormat::i420;
      view.width = static_cast<std::uint32_t>(ref.width);
      view.height = static_cast<std::uint32_t>(ref.height);
      view.planes[0] = ref.y.data();
      view.strides[0] = static_cast<std::size_t>(ref.width);
      ref.y_hash = hash_y(view);
      frames.push_back(std::move(ref));
      av_frame_unref(frame.get());
    }
  };
  while (av_read_frame(format, packet.get()) >= 0) {
    if (packet->stream_index == index) avcodec_send_packet(decoder.get(), packet.get());
    av_packet_unref(packet.get());
    receive();
  }
  avcodec_send_packet(decoder.get(), nullptr);
  receive();
  return frames;
}

fs::path encrypt_and_remove(const fs::path& plain, const crypto::X25519Identity& identity) {
  const fs::path encrypted = plain.string() + ".age";
  const Status done = crypto::encrypt_file(plain, encrypted, recipients_of(identity));
  if (!done) throw std::runtime_error(done.error().message());
  fs::remove(plain);
  return encrypted;
}

std::vector<crypto::Identity> identities_of(const crypto::X25519Identity& identity) {
  std::vector<crypto::Identity> out;
  out.emplace_back(identity.clone());
  return out;
}

std::vector<crypto::Recipient> recipients_of(const crypto::X25519Identity& identity) {
  std::vector<crypto::Recipient> out;
  out.emplace_back(identity.recipient());
  return out;
}

}  // namespace clinvid::media::test
