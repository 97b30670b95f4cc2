#include "archive/import_exif.hpp"

#include <cstddef>
#include <optional>
#include <vector>

namespace clinvid::archive::detail {

namespace {

constexpr int kMaxIfds = 8;                 // IFD0, IFD1, Exif, GPS, Interop, and some slack
constexpr std::uint16_t kMaxEntries = 512;  // per IFD; real files have well under 100

class TiffReader {
 public:
  explicit TiffReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  bool init() {
    if (bytes_.size() < 8) return false;
    if (bytes_[0] == 'I' && bytes_[1] == 'I') {
      little_ = true;
    } else if (bytes_[0] == 'M' && bytes_[1] == 'M') {
      little_ = false;
    } else {
      return false;
    }
    return u16(2) == std::optional<std::uint16_t>(42);
  }

  [[nodiscard]] std::optional<std::uint16_t> u16(std::size_t at) const {
    if (at > bytes_.size() || bytes_.size() - at < 2) return std::nullopt;
    const auto a = bytes_[at];
    const auto b = bytes_[at + 1];
    return static_cast<std::uint16_t>(little_ ? (a | (b << 8)) : ((a << 8) | b));
  }

  [[nodiscard]] std::optional<std::uint32_t> u32(std::size_t at) const {
    const auto lo = u16(little_ ? at : at + 2);
    const auto hi = u16(little_ ? at + 2 : at);
    if (!lo || !hi) return std::nullopt;
    return (static_cast<std::uint32_t>(*hi) << 16) | *lo;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  bool little_ = true;
};

enum class IfdKind { ifd0, ifd1, exif, gps, interop };

}  // namespace

ExifSummary read_exif(std::span<const std::uint8_t> tiff) {
  ExifSummary summary;
  TiffReader reader(tiff);
  if (!reader.init()) return summary;
  const auto first = reader.u32(4);
  if (!first) return summary;

  struct Pending {
    std::uint32_t offset;
    IfdKind kind;
  };
  std::vector<Pending> queue{{*first, IfdKind::ifd0}};
  std::vector<std::uint32_t> seen;
  int visited = 0;
  while (!queue.empty() && visited < kMaxIfds) {
    const Pending ifd = queue.back();
    queue.pop_back();
    bool repeated = false;
    for (const auto offset : seen) repeated = repeated || offset == ifd.offset;
    if (repeated || ifd.offset < 8) continue;  // loops and pointers into the header
    seen.push_back(ifd.offset);
    ++visited;
    const auto count = reader.u16(ifd.offset);
    if (!count) continue;
    if (ifd.kind == IfdKind::ifd0) summary.parsed = true;
    if (ifd.kind == IfdKind::gps && *count > 0) summary.gps = true;
    if (ifd.kind == IfdKind::ifd1 && *count > 0) summary.thumbnail = true;
    const std::uint16_t entries = *count < kMaxEntries ? *count : kMaxEntries;
    for (std::uint16_t i = 0; i < entries; ++i) {
      const std::size_t entry = std::size_t{ifd.offset} + 2 + 12 * std::size_t{i};
      const auto tag = reader.u16(entry);
      const auto type = reader.u16(entry + 2);
      const auto value32 = reader.u32(entry + 8);
      if (!tag || !type || !value32) break;
      switch (*tag) {
        case 0x0112:  // Orientation, SHORT
          if (ifd.kind == IfdKind::ifd0 && *type == 3) {
            const auto value = reader.u16(entry + 8);
            if (value && *value >= 1 && *value <= 8) summary.orientation = *value;
          }
          break;
        case 0x010F:
        case 0x0110:
        case 0xA433:
        case 0xA434:  // Make, Model, LensMake/Model
          summary.camera = true;
          break;
        case 0x0132:
        case 0x9003:
        case 0x9004:  // DateTime, DateTimeOriginal/Digitized
          summary.date_time = true;
          break;
        case 0xA431:
        case 0xA435:  // BodySerialNumber, LensSerialNumber
          summary.serial = true;
          break;
        case 0x013B:
        case 0x8298:
        case 0xA430:
        case 0x9286:  // Artist, Copyright, Owner, Comment
          summary.person = true;
          break;
        case 0x927C:  // MakerNote: vendor data, often serial numbers and more
          summary.maker_note = true;
          break;
        case 0x8769:  // Exif IFD pointer
          queue.push_back({*value32, IfdKind::exif});
          break;
        case 0x8825:  // GPS IFD pointer: present at all is enough to report it
          summary.gps = true;
          queue.push_back({*value32, IfdKind::gps});
          break;
        case 0xA005:  // Interoperability IFD pointer
          queue.push_back({*value32, IfdKind::interop});
          break;
        default: break;
      }
    }
    if (ifd.kind == IfdKind::ifd0) {
      const auto next = reader.u32(std::size_t{ifd.offset} + 2 + 12 * std::size_t{*count});
      if (next && *next != 0) queue.push_back({*next, IfdKind::ifd1});
    }
  }
  return summary;
}

std::string describe_exif(const ExifSummary& summary) {
  std::string parts;
  auto add = [&](bool present, const char* text) {
    if (!present) return;
    if (!parts.empty()) parts += ", ";
    parts += text;
  };
  add(summary.gps, "GPS location");
  add(summary.camera, "camera make/model");
  add(summary.serial, "serial numbers");
  add(summary.date_time, "date/time");
  add(summary.person, "names/comments");
  add(summary.maker_note, "maker note");
  add(summary.thumbnail, "thumbnail");
  if (summary.orientation != 1) add(true, "orientation");
  if (!summary.parsed) add(true, "unreadable block");
  return parts.empty() ? "EXIF" : "EXIF (" + parts + ")";
}

}  // namespace clinvid::archive::detail
