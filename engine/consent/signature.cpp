#include "consent/signature.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

namespace clinvid::consent {
namespace {

constexpr float kMinPenWidthPx = 0.5F;
constexpr float kMaxPenWidthPx = 32.0F;
constexpr std::size_t kStoredBlockMax = 65535;  // deflate's stored-block limit

struct Segment {
  SignaturePoint a;
  SignaturePoint b;
};

Status check_point(const SignaturePoint& p, std::size_t stroke, std::size_t index) {
  if (!std::isfinite(p.x_px) || !std::isfinite(p.y_px)) {
    return fail(Errc::invalid_argument, "signature stroke " + std::to_string(stroke) + " point " +
                                            std::to_string(index) + ": not a finite position");
  }
  if (!(p.pressure >= 0.0F && p.pressure <= 1.0F)) {
    return fail(Errc::invalid_argument, "signature stroke " + std::to_string(stroke) + " point " +
                                            std::to_string(index) + ": pressure outside 0..1");
  }
  return {};
}

// Distance from (x, y) to the segment, and where along it (0..1) the nearest point lies.
std::pair<float, float> distance_to(const Segment& s, float x, float y) {
  const float dx = s.b.x_px - s.a.x_px;
  const float dy = s.b.y_px - s.a.y_px;
  const float length2 = dx * dx + dy * dy;
  float t = 0.0F;
  if (length2 > 0.0F) {
    t = std::clamp(((x - s.a.x_px) * dx + (y - s.a.y_px) * dy) / length2, 0.0F, 1.0F);
  }
  const float nx = s.a.x_px + t * dx - x;
  const float ny = s.a.y_px + t * dy - y;
  return {std::sqrt(nx * nx + ny * ny), t};
}

// Coverage of each pixel centre by a round-capped line: 1 inside, a one-pixel ramp at the edge.
void draw_segment(SignatureImage& image, const Segment& s, float pen_width_px) {
  const float half_a = 0.5F * pen_width_px * (0.5F + 0.5F * s.a.pressure);
  const float half_b = 0.5F * pen_width_px * (0.5F + 0.5F * s.b.pressure);
  const float reach = std::max(half_a, half_b) + 1.0F;
  const auto w = static_cast<float>(image.width_px);
  const auto h = static_cast<float>(image.height_px);
  const int x0 = static_cast<int>(std::clamp(std::min(s.a.x_px, s.b.x_px) - reach, 0.0F, w));
  const int x1 = static_cast<int>(std::clamp(std::max(s.a.x_px, s.b.x_px) + reach, 0.0F, w));
  const int y0 = static_cast<int>(std::clamp(std::min(s.a.y_px, s.b.y_px) - reach, 0.0F, h));
  const int y1 = static_cast<int>(std::clamp(std::max(s.a.y_px, s.b.y_px) + reach, 0.0F, h));
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const auto [distance, t] =
          distance_to(s, static_cast<float>(x) + 0.5F, static_cast<float>(y) + 0.5F);
      const float half = half_a + (half_b - half_a) * t;
      const float coverage = std::clamp(half + 0.5F - distance, 0.0F, 1.0F);
      if (coverage <= 0.0F) continue;
      std::uint8_t& texel =
          image.grey[static_cast<std::size_t>(y) * image.width_px + static_cast<std::size_t>(x)];
      const auto ink = static_cast<std::uint8_t>(std::lround(255.0F * (1.0F - coverage)));
      texel = std::min(texel, ink);
    }
  }
}

std::uint32_t crc32(std::span<const std::uint8_t> bytes, std::uint32_t crc = 0) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1U) : c >> 1U;
      t[n] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (const std::uint8_t b : bytes) crc = table[(crc ^ b) & 0xFFU] ^ (crc >> 8U);
  return ~crc;
}

std::uint32_t adler32(std::span<const std::uint8_t> bytes) {
  constexpr std::uint32_t kMod = 65521;
  std::uint32_t a = 1;
  std::uint32_t b = 0;
  for (const std::uint8_t byte : bytes) {
    a = (a + byte) % kMod;
    b = (b + a) % kMod;
  }
  return (b << 16U) | a;
}

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

void put_chunk(std::vector<std::uint8_t>& out, const char (&type)[5],
               std::span<const std::uint8_t> data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  const std::size_t type_at = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data.begin(), data.end());
  put_u32(out, crc32(std::span(out).subspan(type_at, 4 + data.size())));
}

// A zlib stream of stored (uncompressed) deflate blocks.
std::vector<std::uint8_t> zlib_stored(std::span<const std::uint8_t> raw) {
  std::vector<std::uint8_t> out = {0x78, 0x01};
  std::size_t at = 0;
  do {
    const std::size_t n = std::min(kStoredBlockMax, raw.size() - at);
    const bool last = at + n == raw.size();
    out.push_back(last ? 1 : 0);
    out.push_back(static_cast<std::uint8_t>(n & 0xFFU));
    out.push_back(static_cast<std::uint8_t>(n >> 8U));
    out.push_back(static_cast<std::uint8_t>(~n & 0xFFU));
    out.push_back(static_cast<std::uint8_t>((~n >> 8U) & 0xFFU));
    out.insert(out.end(), raw.begin() + static_cast<std::ptrdiff_t>(at),
               raw.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
  } while (at < raw.size());
  put_u32(out, adler32(raw));
  return out;
}

}  // namespace

Result<SignatureImage> rasterise_signature(std::span<const SignatureStroke> strokes,
                                           std::uint32_t width_px, std::uint32_t height_px,
                                           float pen_width_px) {
  if (width_px == 0 || height_px == 0 || width_px > kMaxSignatureSidePx ||
      height_px > kMaxSignatureSidePx) {
    return fail(Errc::invalid_argument, "the signature pad must be 1 to " +
                                            std::to_string(kMaxSignatureSidePx) +
                                            " pixels on each side");
  }
  if (!(pen_width_px >= kMinPenWidthPx && pen_width_px <= kMaxPenWidthPx)) {
    return fail(Errc::invalid_argument, "the pen width must be 0.5 to 32 pixels");
  }
  SignatureImage image{width_px, height_px,
                       std::vector<std::uint8_t>(std::size_t{width_px} * height_px, 255)};
  for (std::size_t s = 0; s < strokes.size(); ++s) {
    const auto& points = strokes[s].points;
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (auto ok = check_point(points[i], s, i); !ok) return tl::unexpected(ok.error());
      // A single point is a dot: a segment of zero length.
      const SignaturePoint& from = i == 0 ? points[0] : points[i - 1];
      if (i == 0 && points.size() > 1) continue;
      draw_segment(image, Segment{from, points[i]}, pen_width_px);
    }
  }
  if (ink_pixels(image) < kMinSignatureInkPx) {
    return fail(Errc::invalid_argument,
                "the signature is empty: ask the person to sign inside the box");
  }
  return image;
}

std::size_t ink_pixels(const SignatureImage& image) noexcept {
  return static_cast<std::size_t>(
      std::count_if(image.grey.begin(), image.grey.end(), [](std::uint8_t v) { return v < 128; }));
}

std::vector<std::uint8_t> encode_png(const SignatureImage& image) {
  std::vector<std::uint8_t> raw;
  raw.reserve((std::size_t{image.width_px} + 1) * image.height_px);
  for (std::uint32_t y = 0; y < image.height_px; ++y) {
    raw.push_back(0);  // filter: none
    const auto row =
        image.grey.begin() + static_cast<std::ptrdiff_t>(std::size_t{y} * image.width_px);
    raw.insert(raw.end(), row, row + image.width_px);
  }
  std::vector<std::uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<std::uint8_t> header;
  put_u32(header, image.width_px);
  put_u32(header, image.height_px);
  header.insert(header.end(), {8, 0, 0, 0, 0});  // 8-bit grey, deflate, no filter, no interlace
  put_chunk(out, "IHDR", header);
  put_chunk(out, "IDAT", zlib_stored(raw));
  put_chunk(out, "IEND", {});
  return out;
}

}  // namespace clinvid::consent
