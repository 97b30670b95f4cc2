#include <array>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "archive/import_exif.hpp"
#include "archive/import_image.hpp"

namespace clinvid::archive::detail {

namespace {

constexpr std::array<std::uint8_t, 8> kPngSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
constexpr std::uint32_t kMaxChunkBytes = 0x7FFFFFFF;  // PNG's own limit (2^31 - 1)

// Ancillary chunks that describe how to show the pixels and nothing about who or where:
// colour space and profile, gamma, transparency, background, pixel aspect, palette
// histograms, HDR signalling, and APNG animation control/frames.
constexpr std::array<std::string_view, 16> kKeptAncillary = {
    "iCCP", "gAMA", "cHRM", "sRGB", "sBIT", "cICP", "mDCv", "cLLi",
    "tRNS", "bKGD", "pHYs", "hIST", "sPLT", "acTL", "fcTL", "fdAT"};
// Kept colour chunks that stay valid when the image is re-encoded to bake an orientation.
constexpr std::array<std::string_view, 5> kColourChunks = {"iCCP", "gAMA", "cHRM", "sRGB", "cICP"};

std::uint32_t crc32(std::span<const std::uint8_t> bytes) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (const auto b : bytes) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::uint32_t be32(std::span<const std::uint8_t> bytes, std::size_t at) {
  return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) |
         (std::uint32_t{bytes[at + 2]} << 8) | std::uint32_t{bytes[at + 3]};
}

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& list, std::string_view type) {
  for (const auto entry : list) {
    if (entry == type) return true;
  }
  return false;
}

// "PNG text 'Author'" from a tEXt/zTXt/iTXt chunk's keyword (Latin-1, 1–79 bytes).
std::string describe_text_chunk(std::string_view type, std::span<const std::uint8_t> data) {
  std::string keyword;
  for (std::size_t i = 0; i < data.size() && i < 79 && data[i] != 0; ++i) {
    keyword += data[i] >= 0x20 && data[i] < 0x7F ? static_cast<char>(data[i]) : '?';
  }
  return "PNG " + std::string(type) + " '" + keyword + "'";
}

}  // namespace

Result<SanitisedImage> sanitise_png(std::span<const std::uint8_t> png) {
  if (png.size() < kPngSignature.size() ||
      std::memcmp(png.data(), kPngSignature.data(), kPngSignature.size()) != 0) {
    return fail(Errc::corrupt, "not a PNG file (bad signature)");
  }
  SanitisedImage result;
  result.codec = ImageCodec::png;
  std::vector<std::uint8_t> out(kPngSignature.begin(), kPngSignature.end());
  std::vector<std::uint8_t> colour_chunks;
  ExifSummary exif;
  bool animated = false;
  bool ended = false;
  std::size_t pos = kPngSignature.size();
  while (png.size() - pos >= 12) {
    const std::uint32_t length = be32(png, pos);
    if (length > kMaxChunkBytes || png.size() - pos - 12 < length) break;
    const auto chunk = png.subspan(pos, std::size_t{length} + 12);
    const auto type_and_data = chunk.subspan(4, std::size_t{length} + 4);
    const std::string type(reinterpret_cast<const char*>(chunk.data() + 4), 4);
    const auto data = chunk.subspan(8, length);
    for (const char c : type) {
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
        return fail(Errc::corrupt,
                    "PNG is damaged: invalid chunk type at byte " + std::to_string(pos));
      }
    }
    if (crc32(type_and_data) != be32(chunk, std::size_t{length} + 8)) {
      return fail(Errc::corrupt, "PNG is damaged: CRC mismatch in chunk " + type);
    }
    pos += chunk.size();
    const bool first = out.size() == kPngSignature.size();
    if (first && type != "IHDR") return fail(Errc::corrupt, "PNG does not start with IHDR");
    const bool critical = type[0] >= 'A' && type[0] <= 'Z';
    if (type == "IHDR") {
      if (!first || length != 13) return fail(Errc::corrupt, "PNG has a malformed IHDR chunk");
      const std::uint32_t width = be32(data, 0);
      const std::uint32_t height = be32(data, 4);
      if (width == 0 || height == 0 || width > kMaxChunkBytes || height > kMaxChunkBytes) {
        return fail(Errc::corrupt, "PNG has an invalid size");
      }
      if (std::uint64_t{width} * height > kMaxImagePixels) {
        return fail(Errc::out_of_range, "PNG of " + std::to_string(width) + "x" +
                                            std::to_string(height) + " is past the " +
                                            std::to_string(kMaxImagePixels / 1'000'000) +
                                            " MP import limit");
      }
      result.width = static_cast<int>(width);
      result.height = static_cast<int>(height);
    } else if (critical && type != "PLTE" && type != "IDAT" && type != "IEND") {
      return fail(Errc::unsupported, "PNG has an unknown critical chunk " + type);
    } else if (type == "tEXt" || type == "zTXt" || type == "iTXt") {
      add_unique(result.removed, describe_text_chunk(type, data));
      continue;
    } else if (type == "eXIf") {
      exif = read_exif(data);
      add_unique(result.removed, describe_exif(exif) + " (PNG eXIf)");
      continue;
    } else if (type == "tIME") {
      add_unique(result.removed, "PNG modification time (tIME)");
      continue;
    } else if (!critical && !listed(kKeptAncillary, type)) {
      add_unique(result.removed, "PNG chunk " + type);
      continue;
    }
    if (type == "acTL") animated = true;
    if (listed(kColourChunks, type))
      colour_chunks.insert(colour_chunks.end(), chunk.begin(), chunk.end());
    out.insert(out.end(), chunk.begin(), chunk.end());
    if (type == "IEND") {
      ended = true;
      break;
    }
  }
  if (!ended) return fail(Errc::corrupt, "PNG is truncated: it ends before its IEND chunk");
  if (const std::size_t trailing = png.size() - pos; trailing > 0) {
    add_unique(result.removed, std::to_string(trailing) + " bytes after the end of the image");
  }
  if (exif.orientation != 1 && !animated) {
    auto baked = bake_orientation(out, ImageCodec::png, exif.orientation, colour_chunks);
    if (!baked) return tl::unexpected(baked.error());
    out = std::move(*baked);
    if (exif.orientation >= 5) std::swap(result.width, result.height);
    result.removed.push_back("EXIF orientation " + std::to_string(exif.orientation) +
                             " baked into the pixels (re-encoded losslessly)");
  }
  if (auto decodes = check_decodes(out, result.width, result.height); !decodes) {
    return tl::unexpected(decodes.error());
  }
  result.bytes = std::move(out);
  return result;
}

}  // namespace clinvid::archive::detail
