#include "media/mp4_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <exception>
#include <limits>
#include <string>
#include <utility>

#include "crypto/io.hpp"
#include "crypto/reader.hpp"
#include "crypto/writer.hpp"
#include "media/age_avio.hpp"

extern "C" {
#include <libavformat/avio.h>
#include <libavutil/error.h>
#include <libavutil/mem.h>
}

namespace clinvid::media {
namespace {

constexpr std::size_t kMuxBufferBytes = 256 * 1024;

enum class Phase { invalid = 0, front, payload, trailer, done };

std::uint32_t load32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}
std::uint64_t load64(const std::uint8_t* p) {
  return (std::uint64_t{load32(p)} << 32) | load32(p + 4);
}
void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>(v >> shift));
  }
}
void put64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  put32(out, static_cast<std::uint32_t>(v >> 32));
  put32(out, static_cast<std::uint32_t>(v));
}

struct Box {
  std::array<char, 4> type{};
  std::size_t header_bytes = 0;
  std::span<const std::uint8_t> body;
  std::size_t total_bytes = 0;
  [[nodiscard]] bool is(const char* name) const { return std::memcmp(type.data(), name, 4) == 0; }
};

// The boxes at one level of `bytes`, or Errc::corrupt.
Result<std::vector<Box>> parse_boxes(std::span<const std::uint8_t> bytes, std::string_view where) {
  std::vector<Box> boxes;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < 8) {
      return fail(Errc::corrupt,
                  std::string(where) + ": truncated box header at byte " + std::to_string(pos));
    }
    Box box;
    std::memcpy(box.type.data(), bytes.data() + pos + 4, 4);
    std::uint64_t size = load32(bytes.data() + pos);
    box.header_bytes = 8;
    if (size == 1) {
      if (bytes.size() - pos < 16) return fail(Errc::corrupt, std::string(where) + ": short box");
      size = load64(bytes.data() + pos + 8);
      box.header_bytes = 16;
    } else if (size == 0) {
      size = bytes.size() - pos;
    }
    if (size < box.header_bytes || size > bytes.size() - pos) {
      return fail(Errc::corrupt, std::string(where) + ": box '" + std::string(box.type.data(), 4) +
                                     "' of " + std::to_string(size) + " bytes at byte " +
                                     std::to_string(pos) + " does not fit");
    }
    box.total_bytes = static_cast<std::size_t>(size);
    box.body = bytes.subspan(pos + box.header_bytes, box.total_bytes - box.header_bytes);
    boxes.push_back(box);
    pos += box.total_bytes;
  }
  return boxes;
}

void put_header(std::vector<std::uint8_t>& out, const std::array<char, 4>& type,
                std::size_t body_bytes, std::size_t original_header_bytes) {
  const std::uint64_t total8 = body_bytes + 8;
  if (original_header_bytes == 16 || total8 > std::numeric_limits<std::uint32_t>::max()) {
    put32(out, 1);
    out.insert(out.end(), type.begin(), type.end());
    put64(out, body_bytes + 16);
  } else {
    put32(out, static_cast<std::uint32_t>(total8));
    out.insert(out.end(), type.begin(), type.end());
  }
}

Status rewrite(std::span<const std::uint8_t> bytes, std::uint64_t shift, bool to_co64,
               std::vector<std::uint8_t>& out) {
  auto boxes = parse_boxes(bytes, "moov");
  if (!boxes) return tl::unexpected(boxes.error());
  for (const Box& box : *boxes) {
    if (box.is("moov") || box.is("trak") || box.is("mdia") || box.is("minf") || box.is("stbl")) {
      std::vector<std::uint8_t> children;
      if (auto done = rewrite(box.body, shift, to_co64, children); !done) return done;
      put_header(out, box.type, children.size(), box.header_bytes);
      out.insert(out.end(), children.begin(), children.end());
    } else if (box.is("stco") || box.is("co64")) {
      const bool wide = box.is("co64");
      const std::size_t entry_bytes = wide ? 8 : 4;
      if (box.body.size() < 8) return fail(Errc::corrupt, "moov: short chunk offset box");
      const std::uint32_t count = load32(box.body.data() + 4);
      if ((box.body.size() - 8) / entry_bytes < count) {
        return fail(Errc::corrupt, "moov: chunk offset box claims " + std::to_string(count) +
                                       " entries in " + std::to_string(box.body.size()) + " bytes");
      }
      const bool out_wide = wide || to_co64;
      std::vector<std::uint8_t> body(box.body.begin(), box.body.begin() + 8);
      for (std::uint32_t i = 0; i < count; ++i) {
        const std::uint8_t* entry = box.body.data() + 8 + std::size_t{i} * entry_bytes;
        const std::uint64_t offset = wide ? load64(entry) : load32(entry);
        if (offset > std::numeric_limits<std::uint64_t>::max() - shift) {
          return fail(Errc::out_of_range, "moov: chunk offset overflows 64 bits");
        }
        const std::uint64_t moved = offset + shift;
        if (out_wide) {
          put64(body, moved);
        } else if (moved > std::numeric_limits<std::uint32_t>::max()) {
          return fail(Errc::out_of_range,
                      "moov: chunk offset " + std::to_string(moved) + " needs co64");
        } else {
          put32(body, static_cast<std::uint32_t>(moved));
        }
      }
      const std::array<char, 4> type = out_wide ? std::array<char, 4>{'c', 'o', '6', '4'}
                                                : std::array<char, 4>{'s', 't', 'c', 'o'};
      put_header(out, type, body.size(), box.header_bytes);
      out.insert(out.end(), body.begin(), body.end());
    } else {
      const std::uint8_t* start = box.body.data() - box.header_bytes;
      out.insert(out.end(), start, start + box.total_bytes);
    }
  }
  return {};
}

std::string errno_text(int error) {
  return std::strerror(error);
}

// An unlinked read-write file in `dir`: nothing of it outlives the process.
Result<crypto::UniqueFd> anonymous_file(const std::filesystem::path& dir) {
#ifdef O_TMPFILE
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return crypto::UniqueFd(fd);
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
    return fail(Errc::io, "create a temporary file in " + dir.string() + ": " + errno_text(errno));
  }
#endif
  std::string pattern = (dir / ".clinvid-export-XXXXXX").string();
  const int made = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (made < 0) {
    return fail(Errc::io, "create a temporary file in " + dir.string() + ": " + errno_text(errno));
  }
  ::unlink(pattern.c_str());
  return crypto::UniqueFd(made);
}

}  // namespace

struct EncryptedMp4Output::State {
  crypto::X25519Identity payload_identity = crypto::X25519Identity::generate();
  crypto::UniqueFd payload_fd;
  std::optional<crypto::Encryptor> payload;  // into payload_fd
  std::optional<crypto::Encryptor> final;    // into path.tmp

  AvioContextPtr avio;
  Phase phase = Phase::front;
  std::uint64_t position = 0;
  std::vector<std::uint8_t> front;
  std::uint64_t front_end = 0;
  std::uint64_t payload_end = 0;
  std::vector<std::uint8_t> tail;
  std::uint64_t tail_start = 0;
  std::optional<Error> error;

  void remember(Error e) {
    if (!error) error = std::move(e);
  }

  [[nodiscard]] std::uint64_t size() const {
    return std::max<std::uint64_t>({front.size(), payload_end, tail_start + tail.size()});
  }

  static void patch(std::vector<std::uint8_t>& region, std::uint64_t at,
                    std::span<const std::uint8_t> bytes) {
    const auto offset = static_cast<std::size_t>(at);
    if (region.size() < offset + bytes.size()) region.resize(offset + bytes.size(), 0);
    std::copy(bytes.begin(), bytes.end(), region.begin() + static_cast<std::ptrdiff_t>(offset));
  }

  Status write(std::span<const std::uint8_t> bytes) {
    const std::uint64_t end = position + bytes.size();
    if (phase == Phase::front) {
      patch(front, position, bytes);
    } else if (end <= front_end) {
      patch(front, position, bytes);
    } else if (phase == Phase::payload && position == payload_end) {
      if (auto written = payload->write(bytes); !written) return written;
      payload_end = end;
    } else if (phase == Phase::trailer && position >= tail_start) {
      patch(tail, position - tail_start, bytes);
    } else {
      return fail(Errc::internal, "the mp4 muxer wrote " + std::to_string(bytes.size()) +
                                      " bytes at " + std::to_string(position) +
                                      ", outside the front region [0, " +
                                      std::to_string(front_end) + ") and not at the streamed end " +
                                      std::to_string(payload_end));
    }
    position = end;
    return {};
  }
};

namespace {

#if LIBAVFORMAT_VERSION_MAJOR >= 61
int write_packet(void* opaque, const std::uint8_t* buffer, int size) noexcept {
#else
int write_packet(void* opaque, std::uint8_t* buffer, int size) noexcept {
#endif
  auto* state = static_cast<EncryptedMp4Output::State*>(opaque);
  try {
    if (size <= 0) return 0;
    auto written = state->write({buffer, static_cast<std::size_t>(size)});
    if (written) return size;
    state->remember(written.error());
  } catch (const std::exception& e) {
    state->remember(Error{Errc::internal, e.what()});
  } catch (...) {
    state->remember(Error{Errc::internal, "unknown exception in write_packet"});
  }
  return AVERROR(EIO);
}

std::int64_t seek(void* opaque, std::int64_t offset, int whence) noexcept {
  auto* state = static_cast<EncryptedMp4Output::State*>(opaque);
  const auto size = static_cast<std::int64_t>(state->size());
  std::int64_t base = 0;
  switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE: return size;
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = static_cast<std::int64_t>(state->position); break;
    case SEEK_END: base = size; break;
    default: return AVERROR(EINVAL);
  }
  if (offset > std::numeric_limits<std::int64_t>::max() - base || base + offset < 0) {
    return AVERROR(EINVAL);
  }
  state->position = static_cast<std::uint64_t>(base + offset);
  return base + offset;
}

}  // namespace

EncryptedMp4Output::EncryptedMp4Output(std::unique_ptr<State> state) noexcept
    : state_(std::move(state)) {}
EncryptedMp4Output::~EncryptedMp4Output() = default;
EncryptedMp4Output::EncryptedMp4Output(EncryptedMp4Output&&) noexcept = default;
EncryptedMp4Output& EncryptedMp4Output::operator=(EncryptedMp4Output&&) noexcept = default;

Result<EncryptedMp4Output> EncryptedMp4Output::create(
    const std::filesystem::path& path, std::span<const crypto::Recipient> recipients) {
  if (recipients.empty())
    return fail(Errc::invalid_argument, "export " + path.string() + ": no recipients");
  auto state = std::make_unique<State>();
  auto sink = crypto::AtomicFileSink::create(path);
  if (!sink) return with_context(sink.error(), "export " + path.string());
  auto final = crypto::Encryptor::create(recipients, std::move(*sink));
  if (!final) return with_context(final.error(), "export " + path.string());
  state->final.emplace(std::move(*final));

  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  auto fd = anonymous_file(dir);
  if (!fd) return tl::unexpected(fd.error());
  state->payload_fd = std::move(*fd);
  const int copy = ::dup(state->payload_fd.get());
  if (copy < 0) return fail(Errc::io, "dup the export temporary: " + errno_text(errno));
  std::vector<crypto::Recipient> ephemeral;
  ephemeral.emplace_back(state->payload_identity.recipient());
  auto payload = crypto::Encryptor::create(
      ephemeral,
      std::make_unique<crypto::FdSink>(crypto::UniqueFd(copy), crypto::FileDurability::none));
  if (!payload) return with_context(payload.error(), "export temporary in " + dir.string());
  state->payload.emplace(std::move(*payload));

  auto* buffer = static_cast<unsigned char*>(av_malloc(kMuxBufferBytes));
  if (buffer == nullptr) return fail(Errc::media, "av_malloc of the mux buffer failed");
  AVIOContext* context = avio_alloc_context(buffer, static_cast<int>(kMuxBufferBytes), 1,
                                            state.get(), nullptr, write_packet, seek);
  if (context == nullptr) {
    av_free(buffer);
    return fail(Errc::media, "avio_alloc_context for writing failed");
  }
  context->seekable = AVIO_SEEKABLE_NORMAL;
  state->avio.reset(context);
  return EncryptedMp4Output(std::move(state));
}

AVIOContext* EncryptedMp4Output::avio() const noexcept {
  return state_->avio.get();
}

std::optional<Error> EncryptedMp4Output::first_error() const {
  return state_->error;
}
std::uint64_t EncryptedMp4Output::payload_bytes() const noexcept {
  return state_->payload_end - state_->front_end;
}

Status EncryptedMp4Output::begin_payload() {
  State& s = *state_;
  avio_flush(s.avio.get());
  if (s.error) return tl::unexpected(*s.error);
  if (s.phase != Phase::front) return fail(Errc::internal, "mp4 output: payload begun twice");
  s.front_end = s.front.size();
  s.payload_end = s.front_end;
  if (s.position != s.front_end) {
    return fail(Errc::internal, "mp4 output: the header did not end at the end of the file");
  }
  s.phase = Phase::payload;
  return {};
}

Status EncryptedMp4Output::begin_trailer() {
  State& s = *state_;
  avio_flush(s.avio.get());
  if (s.error) return tl::unexpected(*s.error);
  if (s.phase != Phase::payload) return fail(Errc::internal, "mp4 output: trailer out of order");
  s.tail_start = s.payload_end;
  s.phase = Phase::trailer;
  return {};
}

Status EncryptedMp4Output::finish() {
  State& s = *state_;
  avio_flush(s.avio.get());
  if (s.error) return tl::unexpected(*s.error);
  if (s.phase != Phase::trailer) return fail(Errc::internal, "mp4 output: finish out of order");
  s.phase = Phase::done;

  if (s.front.size() < 8 || std::memcmp(s.front.data() + 4, "ftyp", 4) != 0) {
    return fail(Errc::internal, "mp4 output: the file does not start with ftyp");
  }
  const std::size_t ftyp_bytes = load32(s.front.data());
  if (ftyp_bytes < 8 || ftyp_bytes > s.front.size()) {
    return fail(Errc::internal, "mp4 output: ftyp of " + std::to_string(ftyp_bytes) + " bytes");
  }
  auto tail_boxes = parse_boxes(s.tail, "mp4 trailer");
  if (!tail_boxes) return tl::unexpected(tail_boxes.error());
  const auto moov = std::find_if(tail_boxes->begin(), tail_boxes->end(),
                                 [](const Box& box) { return box.is("moov"); });
  if (moov == tail_boxes->end()) return fail(Errc::internal, "mp4 output: no moov in the trailer");
  const std::span<const std::uint8_t> moov_bytes(moov->body.data() - moov->header_bytes,
                                                 moov->total_bytes);
  auto moved = shift_chunk_offsets(moov_bytes, moov_bytes.size(), false);
  if (!moved && moved.error().code == Errc::out_of_range) {
    auto sized = shift_chunk_offsets(moov_bytes, 0, true);
    if (!sized) return tl::unexpected(sized.error());
    moved = shift_chunk_offsets(moov_bytes, sized->size(), true);
  }
  if (!moved) return tl::unexpected(moved.error());

  if (auto done = s.payload->finish(); !done) return with_context(done.error(), "export temporary");
  s.payload.reset();
  crypto::Encryptor& out = *s.final;
  const std::span<const std::uint8_t> front(s.front);
  if (auto w = out.write(front.first(ftyp_bytes)); !w) return w;
  if (auto w = out.write(*moved); !w) return w;
  if (auto w = out.write(front.subspan(ftyp_bytes)); !w) return w;
  std::vector<crypto::Identity> identity;
  identity.emplace_back(s.payload_identity.clone());
  auto reader =
      crypto::Decryptor::open(std::make_unique<crypto::PreadSource>(s.payload_fd.get(), 0),
                              identity, crypto::ArmorInput::binary);
  if (!reader) return with_context(reader.error(), "read back the export temporary");
  std::uint64_t copied = 0;
  while (true) {
    auto chunk = reader->next_chunk();
    if (!chunk) return with_context(chunk.error(), "read back the export temporary");
    if (chunk->empty()) break;
    if (auto w = out.write(*chunk); !w) return w;
    copied += chunk->size();
  }
  if (copied != s.payload_end - s.front_end) {
    return fail(Errc::internal, "mp4 output: read back " + std::to_string(copied) +
                                    " payload bytes of " +
                                    std::to_string(s.payload_end - s.front_end));
  }
  for (auto it = tail_boxes->begin(); it != tail_boxes->end(); ++it) {
    if (it == moov) continue;
    if (auto w = out.write({it->body.data() - it->header_bytes, it->total_bytes}); !w) return w;
  }
  auto finished = out.finish();
  s.final.reset();
  s.payload_fd = crypto::UniqueFd();
  return finished;
}

Result<std::vector<std::uint8_t>> shift_chunk_offsets(std::span<const std::uint8_t> moov,
                                                      std::uint64_t shift_bytes, bool to_co64) {
  std::vector<std::uint8_t> out;
  out.reserve(moov.size());
  if (auto done = rewrite(moov, shift_bytes, to_co64, out); !done) {
    return tl::unexpected(done.error());
  }
  return out;
}

}  // namespace clinvid::media
