#include <algorithm>
#include <cstddef>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "archive/import_exif.hpp"
#include "archive/import_image.hpp"
#include "core/frame.hpp"
#include "media/image_codec.hpp"

namespace clinvid::archive::detail {

namespace {

constexpr std::uint8_t kSoi = 0xD8;
constexpr std::uint8_t kEoi = 0xD9;
constexpr std::uint8_t kSos = 0xDA;
constexpr std::uint8_t kApp0 = 0xE0;
constexpr std::uint8_t kApp1 = 0xE1;
constexpr std::uint8_t kApp2 = 0xE2;
constexpr std::uint8_t kApp13 = 0xED;
constexpr std::uint8_t kApp14 = 0xEE;
constexpr std::uint8_t kApp15 = 0xEF;
constexpr std::uint8_t kCom = 0xFE;
constexpr std::size_t kJfifHeaderBytes = 14;  // "JFIF\0", version, units, densities, 0×0 thumb

bool starts_with(std::span<const std::uint8_t> bytes, std::string_view prefix) {
  return bytes.size() >= prefix.size() &&
         std::memcmp(bytes.data(), prefix.data(), prefix.size()) == 0;
}

bool is_sof(std::uint8_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

// The printable start of an unknown APPn payload, to name it in metadata_removed.
std::string identifier_of(std::span<const std::uint8_t> payload) {
  std::string id;
  for (std::size_t i = 0; i < payload.size() && i < 24; ++i) {
    const auto c = static_cast<char>(payload[i]);
    if (payload[i] == 0 || payload[i] < 0x20 || payload[i] > 0x7E) break;
    id += c;
  }
  return id;
}

std::uint16_t be16(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

struct JpegScan {
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> icc_segments;  // whole APP2 ICC_PROFILE segments, for re-insertion
  std::vector<std::string> removed;
  ExifSummary exif;
  bool have_exif = false;
  int width = 0;
  int height = 0;
  int components = 0;
  bool have_sos = false;
};

void append(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

// Decides one marker segment (marker + length + payload): appended to the output or named in
// `removed`.
Status handle_segment(JpegScan& scan, std::uint8_t marker, std::span<const std::uint8_t> segment) {
  const auto payload = segment.subspan(4);
  const auto name_app = [&](int n) { return "APP" + std::to_string(n); };
  if (marker == kApp0) {
    if (starts_with(payload, std::string_view("JFIF\0", 5)) &&
        payload.size() >= kJfifHeaderBytes - 2) {
      // Keep the JFIF header but not its optional thumbnail, a copy of the picture that would
      // escape any later redaction.
      std::vector<std::uint8_t> jfif(segment.begin(), segment.begin() + 4 + 12);
      jfif.push_back(0);
      jfif.push_back(0);
      jfif[2] = 0;
      jfif[3] = static_cast<std::uint8_t>(2 + kJfifHeaderBytes);
      if (payload.size() > kJfifHeaderBytes) add_unique(scan.removed, "JFIF thumbnail");
      append(scan.out, jfif);
    } else {
      const auto id = identifier_of(payload);
      add_unique(scan.removed, id == "JFXX" ? "JFIF extension thumbnail (APP0)"
                                            : "APP0 segment" + (id.empty() ? "" : " '" + id + "'"));
    }
    return {};
  }
  if (marker == kApp1) {
    if (starts_with(payload, std::string_view("Exif\0\0", 6))) {
      const auto summary = read_exif(payload.subspan(6));
      if (!scan.have_exif) {
        scan.exif = summary;
        scan.have_exif = true;
      }
      add_unique(scan.removed, describe_exif(summary));
    } else if (starts_with(payload, "http://ns.adobe.com/xap/1.0/") ||
               starts_with(payload, "http://ns.adobe.com/xmp/extension/")) {
      add_unique(scan.removed, "XMP (APP1)");
    } else {
      const auto id = identifier_of(payload);
      add_unique(scan.removed, "APP1 segment" + (id.empty() ? "" : " '" + id + "'"));
    }
    return {};
  }
  if (marker == kApp2 && starts_with(payload, std::string_view("ICC_PROFILE\0", 12))) {
    append(scan.out, segment);
    append(scan.icc_segments, segment);
    return {};
  }
  if (marker == kApp14 && starts_with(payload, "Adobe")) {
    // Twelve bytes of colour-transform flags a decoder needs for CMYK/YCCK pictures; nothing
    // about the patient, the place or the device.
    append(scan.out, segment);
    return {};
  }
  if (marker >= kApp0 && marker <= kApp15) {
    const int n = marker - kApp0;
    const auto id = identifier_of(payload);
    std::string text;
    if (marker == kApp2 && id == "MPF") {
      text = "MPF multi-picture index (APP2)";
    } else if (marker == kApp13) {
      text = "IPTC/Photoshop (APP13)";
    } else {
      text = name_app(n) + " segment" + (id.empty() ? "" : " '" + id + "'");
    }
    add_unique(scan.removed, text);
    return {};
  }
  if (marker == kCom) {
    add_unique(scan.removed, "JPEG comment (COM)");
    return {};
  }
  if (is_sof(marker)) {
    if (payload.size() < 6) return fail(Errc::corrupt, "JPEG frame header is too short");
    if (scan.width == 0) {
      scan.height = be16(payload, 1);
      scan.width = be16(payload, 3);
      scan.components = payload[5];
    }
  }
  append(scan.out, segment);
  return {};
}

// Entropy-coded data after an SOS header runs to the next marker that is not a stuffed 0xFF00
// or a restart marker. Returns the offset of that marker's 0xFF, or size() if there is none.
std::size_t end_of_scan(std::span<const std::uint8_t> bytes, std::size_t from) {
  std::size_t i = from;
  while (i + 1 < bytes.size()) {
    if (bytes[i] != 0xFF) {
      ++i;
      continue;
    }
    const std::uint8_t next = bytes[i + 1];
    if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
      i += 2;
    } else if (next == 0xFF) {
      ++i;  // fill byte before a marker
    } else {
      return i;
    }
  }
  return bytes.size();
}

}  // namespace

void add_unique(std::vector<std::string>& list, std::string text) {
  if (std::find(list.begin(), list.end(), text) == list.end()) list.push_back(std::move(text));
}

Result<SanitisedImage> sanitise_jpeg(std::span<const std::uint8_t> jpeg) {
  if (jpeg.size() < 4 || jpeg[0] != 0xFF || jpeg[1] != kSoi) {
    return fail(Errc::corrupt, "not a JPEG file (no start-of-image marker)");
  }
  JpegScan scan;
  scan.out = {0xFF, kSoi};
  std::size_t pos = 2;
  bool ended = false;
  while (pos < jpeg.size()) {
    if (jpeg[pos] != 0xFF) {
      return fail(Errc::corrupt,
                  "JPEG is damaged: expected a marker at byte " + std::to_string(pos));
    }
    while (pos < jpeg.size() && jpeg[pos] == 0xFF) ++pos;  // fill bytes
    if (pos >= jpeg.size()) break;
    const std::uint8_t marker = jpeg[pos++];
    if (marker == kEoi) {
      scan.out.push_back(0xFF);
      scan.out.push_back(kEoi);
      ended = true;
      break;
    }
    if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
      scan.out.push_back(0xFF);
      scan.out.push_back(marker);
      continue;
    }
    if (marker == 0x00 || marker == kSoi) {
      return fail(Errc::corrupt, "JPEG is damaged: stray marker at byte " + std::to_string(pos));
    }
    if (jpeg.size() - pos < 2) break;
    const std::size_t length = be16(jpeg, pos);
    if (length < 2 || jpeg.size() - pos < length) break;
    const auto segment = jpeg.subspan(pos - 2, length + 2);
    if (auto handled = handle_segment(scan, marker, segment); !handled)
      return tl::unexpected(handled.error());
    pos += length;
    if (marker == kSos) {
      scan.have_sos = true;
      const std::size_t end = end_of_scan(jpeg, pos);
      append(scan.out, jpeg.subspan(pos, end - pos));
      pos = end;
    }
  }
  if (!ended)
    return fail(Errc::corrupt, "JPEG is truncated: it ends before its end-of-image marker");
  if (!scan.have_sos || scan.width == 0 || scan.height == 0) {
    return fail(Errc::corrupt, "JPEG has no frame header or image data");
  }
  if (static_cast<std::uint64_t>(scan.width) * static_cast<std::uint64_t>(scan.height) >
      kMaxImagePixels) {
    return fail(Errc::out_of_range, "JPEG of " + std::to_string(scan.width) + "x" +
                                        std::to_string(scan.height) + " is past the " +
                                        std::to_string(kMaxImagePixels / 1'000'000) +
                                        " MP import limit");
  }
  if (const std::size_t trailing = jpeg.size() - std::min(jpeg.size(), pos); trailing > 0) {
    // Phones append motion-photo videos, depth maps and second pictures after the image.
    add_unique(scan.removed, std::to_string(trailing) + " bytes after the end of the image");
  }

  SanitisedImage result;
  result.codec = ImageCodec::jpeg;
  result.width = scan.width;
  result.height = scan.height;
  if (scan.have_exif && scan.exif.orientation != 1) {
    const bool keep_icc = scan.components == 1 || scan.components == 3;
    auto baked = bake_orientation(scan.out, ImageCodec::jpeg, scan.exif.orientation,
                                  keep_icc ? std::span<const std::uint8_t>(scan.icc_segments)
                                           : std::span<const std::uint8_t>());
    if (!baked) return tl::unexpected(baked.error());
    scan.out = std::move(*baked);
    if (scan.exif.orientation >= 5) std::swap(result.width, result.height);
    scan.removed.push_back("EXIF orientation " + std::to_string(scan.exif.orientation) +
                           " baked into the pixels (re-encoded at JPEG quality " +
                           std::to_string(kBakedJpegQuality) + ")");
    if (!keep_icc && !scan.icc_segments.empty()) {
      scan.removed.push_back("ICC profile (the CMYK picture was converted to RGB to rotate it)");
    }
  }
  if (auto decodes = check_decodes(scan.out, result.width, result.height); !decodes) {
    return tl::unexpected(decodes.error());
  }
  result.bytes = std::move(scan.out);
  result.removed = std::move(scan.removed);
  return result;
}

Result<std::vector<std::uint8_t>> bake_orientation(std::span<const std::uint8_t> encoded,
                                                   ImageCodec codec, int orientation,
                                                   std::span<const std::uint8_t> keep_segments) {
  try {
    // Decoded as 8-bit RGBA (media/image_codec, which never applies an orientation itself):
    // a picture that must be turned is re-encoded as 8-bit RGB (JPEG 4:4:4 or PNG).
    auto decoded = media::decode_image(encoded);
    if (!decoded)
      return fail(Errc::corrupt, "the image does not decode: " + decoded.error().detail);
    const FrameView pixels = decoded->view();
    const cv::Mat image(static_cast<int>(pixels.height), static_cast<int>(pixels.width), CV_8UC4,
                        pixels.planes[0], pixels.strides[0]);
    // The eight EXIF orientations as transpose/flip, the same mapping OpenCV's loader uses.
    cv::Mat turned;
    switch (orientation) {
      case 2: cv::flip(image, turned, 1); break;
      case 3: cv::flip(image, turned, -1); break;
      case 4: cv::flip(image, turned, 0); break;
      case 5: cv::transpose(image, turned); break;
      case 6:
      case 7:
      case 8: {
        cv::Mat transposed;
        cv::transpose(image, transposed);
        cv::flip(transposed, turned, orientation == 6 ? 1 : orientation == 7 ? -1 : 0);
        break;
      }
      default: return fail(Errc::invalid_argument, "orientation " + std::to_string(orientation));
    }
    const ConstFrameView turned_view{PixelFormat::rgba,
                                     static_cast<std::uint32_t>(turned.cols),
                                     static_cast<std::uint32_t>(turned.rows),
                                     {turned.data, nullptr, nullptr},
                                     {turned.step[0], 0, 0}};
    auto encoded_turned = media::encode_image(
        turned_view, codec == ImageCodec::jpeg ? media::ImageFormat::jpeg : media::ImageFormat::png,
        kBakedJpegQuality);
    if (!encoded_turned || encoded_turned->size() < 8) {
      return fail(Errc::media, "re-encoding the rotated image failed");
    }
    std::vector<std::uint8_t> out = std::move(*encoded_turned);
    if (keep_segments.empty()) return out;
    // After the JFIF APP0 (JPEG) or the IHDR chunk (PNG): where the standards place them.
    std::size_t at = 0;
    if (codec == ImageCodec::jpeg) {
      at = 2;
      if (out[2] == 0xFF && out[3] == kApp0) at = 4 + be16(out, 4);
    } else {
      at = 8 + 12 + 13;  // signature, IHDR (length, type, 13 data bytes, CRC)
    }
    if (at > out.size()) return fail(Errc::internal, "unexpected encoder output layout");
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), keep_segments.begin(),
               keep_segments.end());
    return out;
  } catch (const std::exception& e) {
    return fail(Errc::corrupt, std::string("rotating the image: ") + e.what());
  }
}

Status check_decodes(std::span<const std::uint8_t> encoded, int width, int height) {
  auto image = media::decode_image(encoded);
  if (!image) return fail(Errc::corrupt, "the image does not decode: " + image.error().detail);
  if (static_cast<int>(image->width()) != width || static_cast<int>(image->height()) != height) {
    return fail(Errc::corrupt, "the image decodes to " + std::to_string(image->width()) + "x" +
                                   std::to_string(image->height()) + ", its header says " +
                                   std::to_string(width) + "x" + std::to_string(height));
  }
  return {};
}

}  // namespace clinvid::archive::detail
