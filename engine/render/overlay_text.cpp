// OverlayRasteriser: FreeType set-up, glyph cache, text layout and the LRU of laid-out texts.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "render/overlay_internal.hpp"
#include "render/parameters.hpp"

namespace clinvid::render {

namespace {

constexpr std::size_t kTextCacheEntries = 128;
constexpr std::size_t kGlyphCacheEntries = 4096;

struct PlacedGlyph {
  const detail::Glyph* glyph = nullptr;
  int x_px = 0;  // bitmap top-left, relative to the anchor
  int y_px = 0;
};

// Decodes UTF-8; a malformed sequence becomes U+FFFD and decoding resumes at the next byte.
std::u32string decode_utf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    int extra = 0;
    char32_t cp = 0;
    if (b0 < 0x80) {
      cp = b0;
    } else if ((b0 & 0xE0) == 0xC0) {
      extra = 1;
      cp = b0 & 0x1Fu;
    } else if ((b0 & 0xF0) == 0xE0) {
      extra = 2;
      cp = b0 & 0x0Fu;
    } else if ((b0 & 0xF8) == 0xF0) {
      extra = 3;
      cp = b0 & 0x07u;
    } else {
      out.push_back(U'\uFFFD');
      ++i;
      continue;
    }
    bool ok = i + static_cast<std::size_t>(extra) < text.size();
    for (int k = 1; ok && k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((b & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (b & 0x3Fu);
    }
    static constexpr char32_t kMin[4] = {0, 0x80, 0x800, 0x10000};
    if (!ok || cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      out.push_back(U'\uFFFD');
      ++i;
      continue;
    }
    out.push_back(cp);
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

int round_26_6(long v) noexcept {
  return static_cast<int>(v >= 0 ? (v + 32) / 64 : -((-v + 32) / 64));
}

bool finite_all(std::initializer_list<float> values) noexcept {
  return std::all_of(values.begin(), values.end(),
                     [](float v) { return std::isfinite(v) && std::fabs(v) <= kMaxCoordinatePx; });
}

}  // namespace

std::uint8_t CoverageMask::at(int x, int y) const noexcept {
  const long dx = static_cast<long>(x) - x_px;
  const long dy = static_cast<long>(y) - y_px;
  if (dx < 0 || dy < 0 || dx >= static_cast<long>(width_px) || dy >= static_cast<long>(height_px)) {
    return 0;
  }
  return coverage[static_cast<std::size_t>(dy) * width_px + static_cast<std::size_t>(dx)];
}

Status validate_text(const TextLayer& layer) {
  if (!finite_all(
          {layer.anchor.x, layer.anchor.y, layer.size_px, layer.max_width_px, layer.padding_px})) {
    return fail(Errc::invalid_argument,
                "text layer: anchor, size_px, max_width_px and padding_px must be finite "
                "and within +-1e6 px");
  }
  if (layer.align == TextAlign::invalid || static_cast<int>(layer.align) > 3) {
    return fail(Errc::invalid_argument, "text layer: align is not set (left, centre or right)");
  }
  for (auto [id, value] : {std::pair{ParameterId::text_size, layer.size_px},
                           std::pair{ParameterId::text_max_width, layer.max_width_px},
                           std::pair{ParameterId::text_padding, layer.padding_px}}) {
    if (auto s = check_parameter(id, static_cast<double>(value), "text layer"); !s) return s;
  }
  if (layer.text.size() > kMaxTextBytes) {
    return fail(Errc::invalid_argument, "text layer: text is longer than 64 KiB");
  }
  return {};
}

Result<OverlayRasteriser> OverlayRasteriser::create(std::string font_path) {
  if (font_path.empty()) font_path = kDefaultFontPath;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(font_path, ec)) {
    return fail(Errc::not_found, "overlay font '" + font_path + "' does not exist");
  }
  auto impl = std::make_unique<Impl>();
  FT_Library library = nullptr;
  if (const FT_Error e = FT_Init_FreeType(&library); e != 0) {
    return fail(Errc::internal, "FreeType initialisation failed (error " + std::to_string(e) + ")");
  }
  impl->library.reset(library);
  FT_Face face = nullptr;
  if (const FT_Error e = FT_New_Face(library, font_path.c_str(), 0, &face); e != 0) {
    return fail(Errc::unsupported, "overlay font '" + font_path +
                                       "' is not a font FreeType can read (error " +
                                       std::to_string(e) + ")");
  }
  impl->face.reset(face);
  if (!FT_IS_SCALABLE(face)) {
    return fail(Errc::unsupported, "overlay font '" + font_path + "' is not scalable");
  }
  impl->font_path = std::move(font_path);
  return OverlayRasteriser(std::move(impl));
}

OverlayRasteriser::OverlayRasteriser(std::unique_ptr<Impl> impl) noexcept
    : impl_(std::move(impl)) {}
OverlayRasteriser::OverlayRasteriser(OverlayRasteriser&&) noexcept = default;
OverlayRasteriser& OverlayRasteriser::operator=(OverlayRasteriser&&) noexcept = default;
OverlayRasteriser::~OverlayRasteriser() = default;

Result<CoverageMask> OverlayRasteriser::text(const TextLayer& layer) {
  return impl_->text(layer);
}

std::size_t OverlayRasteriser::cached_text_count() const noexcept {
  return impl_->text_lru.size();
}
std::uint64_t OverlayRasteriser::text_cache_hits() const noexcept {
  return impl_->text_hits;
}

Status OverlayRasteriser::Impl::set_size(long size) {
  if (size == size_26_6) return {};
  if (const FT_Error e = FT_Set_Char_Size(face.get(), 0, size, 72, 72); e != 0) {
    return fail(Errc::unsupported, "font '" + font_path + "': cannot set size " +
                                       std::to_string(static_cast<double>(size) / 64.0) +
                                       " px (error " + std::to_string(e) + ")");
  }
  size_26_6 = size;
  return {};
}

const detail::Glyph* OverlayRasteriser::Impl::glyph(char32_t codepoint, long size) {
  const std::uint64_t key = (static_cast<std::uint64_t>(size) << 32) | codepoint;
  if (auto it = glyphs.find(key); it != glyphs.end()) return &it->second;
  if (glyphs.size() >= kGlyphCacheEntries) glyphs.clear();
  FT_Face f = face.get();
  const FT_UInt index = FT_Get_Char_Index(f, codepoint);
  detail::Glyph g;
  g.index = index;
  if (FT_Load_Glyph(f, index, FT_LOAD_RENDER | FT_LOAD_TARGET_NORMAL) == 0 &&
      f->glyph->bitmap.pixel_mode == FT_PIXEL_MODE_GRAY) {
    const FT_Bitmap& bm = f->glyph->bitmap;
    g.left_px = f->glyph->bitmap_left;
    g.top_px = f->glyph->bitmap_top;
    g.width_px = bm.width;
    g.rows_px = bm.rows;
    g.advance_26_6 = f->glyph->advance.x;
    g.bitmap.resize(std::size_t{bm.width} * bm.rows);
    const int pitch = bm.pitch;
    for (std::uint32_t r = 0; r < bm.rows; ++r) {
      const unsigned char* row =
          pitch >= 0 ? bm.buffer + static_cast<std::ptrdiff_t>(r) * pitch
                     : bm.buffer + static_cast<std::ptrdiff_t>(bm.rows - 1 - r) * -pitch;
      if (bm.width > 0) std::memcpy(g.bitmap.data() + std::size_t{r} * bm.width, row, bm.width);
    }
  }
  return &glyphs.emplace(key, std::move(g)).first->second;
}

detail::TextRaster OverlayRasteriser::Impl::layout(const TextLayer& layer) {
  detail::TextRaster out;
  const long size = std::lround(static_cast<double>(layer.size_px) * 64.0);
  if (layer.text.empty() || !set_size(size)) return out;
  FT_Face f = face.get();
  const bool kerning = FT_HAS_KERNING(f);
  const int ascender_px = round_26_6(f->size->metrics.ascender);
  const int line_h_px = std::max(1, round_26_6(f->size->metrics.height));
  const long max_w_26_6 =
      layer.max_width_px > 0 ? std::lround(static_cast<double>(layer.max_width_px) * 64.0) : 0;

  auto kern = [&](const detail::Glyph* prev, const detail::Glyph* cur) -> long {
    if (!kerning || prev == nullptr) return 0;
    FT_Vector k{};
    if (FT_Get_Kerning(f, prev->index, cur->index, FT_KERNING_DEFAULT, &k) != 0) return 0;
    return k.x;
  };
  // Pen positions (26.6) of each glyph of a line, and the line's advance width.
  auto measure = [&](const std::u32string& line, std::vector<long>* pens) -> long {
    long pen = 0;
    const detail::Glyph* prev = nullptr;
    for (char32_t c : line) {
      const detail::Glyph* g = glyph(c, size);
      pen += kern(prev, g);
      if (pens != nullptr) pens->push_back(pen);
      pen += g->advance_26_6;
      prev = g;
    }
    return pen;
  };

  // Break into lines.
  std::vector<std::u32string> lines;
  const std::u32string text = decode_utf8(layer.text);
  std::u32string line;
  long line_w = 0;
  const detail::Glyph* prev = nullptr;
  bool after_wrap = false;  // spaces at a wrap point are dropped
  auto trim_end = [](std::u32string& s) {
    while (!s.empty() && s.back() == U' ') s.pop_back();
  };
  for (char32_t c : text) {
    if (c == U'\n') {
      trim_end(line);
      lines.push_back(std::move(line));
      line.clear();
      line_w = 0;
      prev = nullptr;
      after_wrap = false;
      continue;
    }
    if (c == U'\r') continue;
    if (after_wrap && c == U' ') continue;
    after_wrap = false;
    const detail::Glyph* g = glyph(c, size);
    const long next_w = line_w + kern(prev, g) + g->advance_26_6;
    if (max_w_26_6 > 0 && c != U' ' && next_w > max_w_26_6 && !line.empty()) {
      const std::size_t space = line.find_last_of(U' ');
      std::u32string rest;
      if (space != std::u32string::npos && line.find_first_not_of(U' ') < space) {
        rest = line.substr(space + 1);
        line.resize(space);
      }
      trim_end(line);
      lines.push_back(std::move(line));
      line = std::move(rest);
      after_wrap = false;
      line_w = measure(line, nullptr);
      prev = line.empty() ? nullptr : glyph(line.back(), size);
      line.push_back(c);
      line_w += kern(prev, g) + g->advance_26_6;
      prev = g;
      continue;
    }
    if (max_w_26_6 > 0 && c == U' ' && next_w > max_w_26_6) {
      trim_end(line);
      if (!line.empty()) lines.push_back(std::move(line));
      line.clear();
      line_w = 0;
      prev = nullptr;
      after_wrap = true;
      continue;
    }
    line.push_back(c);
    line_w = next_w;
    prev = g;
  }
  trim_end(line);
  lines.push_back(std::move(line));

  // Place glyphs relative to the anchor.
  std::vector<PlacedGlyph> placed;
  int box_x0 = 0, box_x1 = 0;
  bool have_box = false;
  int ink_x0 = 0, ink_y0 = 0, ink_x1 = 0, ink_y1 = 0;
  bool have_ink = false;
  for (std::size_t li = 0; li < lines.size(); ++li) {
    std::vector<long> pens;
    const int width_px = round_26_6(measure(lines[li], &pens));
    int line_x = 0;
    if (layer.align == TextAlign::centre) line_x = -(width_px / 2);
    if (layer.align == TextAlign::right) line_x = -width_px;
    if (!have_box) {
      box_x0 = line_x;
      box_x1 = line_x + width_px;
      have_box = true;
    } else {
      box_x0 = std::min(box_x0, line_x);
      box_x1 = std::max(box_x1, line_x + width_px);
    }
    const int baseline = static_cast<int>(li) * line_h_px + ascender_px;
    for (std::size_t k = 0; k < lines[li].size(); ++k) {
      const detail::Glyph* g = glyph(lines[li][k], size);
      if (g->width_px == 0 || g->rows_px == 0) continue;
      PlacedGlyph p{g, line_x + round_26_6(pens[k]) + g->left_px, baseline - g->top_px};
      const int x1 = p.x_px + static_cast<int>(g->width_px);
      const int y1 = p.y_px + static_cast<int>(g->rows_px);
      if (!have_ink) {
        ink_x0 = p.x_px, ink_y0 = p.y_px, ink_x1 = x1, ink_y1 = y1;
        have_ink = true;
      } else {
        ink_x0 = std::min(ink_x0, p.x_px), ink_y0 = std::min(ink_y0, p.y_px);
        ink_x1 = std::max(ink_x1, x1), ink_y1 = std::max(ink_y1, y1);
      }
      placed.push_back(p);
    }
  }
  CoverageMask& m = out.mask;
  m.line_count = static_cast<std::uint32_t>(lines.size());
  m.box = {static_cast<float>(box_x0), 0.0F, static_cast<float>(box_x1 - box_x0),
           static_cast<float>(line_h_px * static_cast<int>(lines.size()))};
  if (!have_ink) return out;
  if (static_cast<std::uint64_t>(ink_x1 - ink_x0) * static_cast<std::uint64_t>(ink_y1 - ink_y0) >
      kMaxTextMaskPixels) {
    out.too_large = true;
    return out;
  }
  m.x_px = ink_x0;
  m.y_px = ink_y0;
  m.width_px = static_cast<std::uint32_t>(ink_x1 - ink_x0);
  m.height_px = static_cast<std::uint32_t>(ink_y1 - ink_y0);
  m.coverage.assign(std::size_t{m.width_px} * m.height_px, 0);
  for (const PlacedGlyph& p : placed) {
    const auto ox = static_cast<std::size_t>(p.x_px - ink_x0);
    const auto oy = static_cast<std::size_t>(p.y_px - ink_y0);
    for (std::uint32_t r = 0; r < p.glyph->rows_px; ++r) {
      std::uint8_t* dst = m.coverage.data() + (oy + r) * m.width_px + ox;
      const std::uint8_t* src = p.glyph->bitmap.data() + std::size_t{r} * p.glyph->width_px;
      for (std::uint32_t c = 0; c < p.glyph->width_px; ++c) dst[c] = std::max(dst[c], src[c]);
    }
  }
  return out;
}

Result<CoverageMask> OverlayRasteriser::Impl::text(const TextLayer& layer) {
  if (auto s = validate_text(layer); !s) return tl::unexpected(s.error());
  const int ax = static_cast<int>(std::floor(layer.anchor.x + 0.5F));
  const int ay = static_cast<int>(std::floor(layer.anchor.y + 0.5F));
  CoverageMask result;
  if (layer.text.empty()) return result;
  if (auto s = set_size(std::lround(static_cast<double>(layer.size_px) * 64.0)); !s) {
    return tl::unexpected(s.error());
  }
  std::string key = layer.text;
  key.push_back('\x1f');
  for (std::uint32_t bits : {std::bit_cast<std::uint32_t>(layer.size_px),
                             std::bit_cast<std::uint32_t>(layer.max_width_px),
                             static_cast<std::uint32_t>(layer.align)}) {
    key.append(reinterpret_cast<const char*>(&bits), sizeof bits);  // NOLINT
  }
  const detail::TextRaster* raster = nullptr;
  if (auto it = text_index.find(key); it != text_index.end()) {
    text_lru.splice(text_lru.begin(), text_lru, it->second);
    ++text_hits;
    raster = &it->second->second;
  } else {
    text_lru.emplace_front(key, layout(layer));
    text_index.emplace(std::move(key), text_lru.begin());
    if (text_lru.size() > kTextCacheEntries) {
      text_index.erase(text_lru.back().first);
      text_lru.pop_back();
    }
    raster = &text_lru.front().second;
  }
  if (raster->too_large) {
    return fail(Errc::invalid_argument,
                "text layer: the laid-out text would cover more than 8192 x 4096 px; wrap it "
                "(max_width_px) or make it smaller");
  }
  result = raster->mask;
  result.x_px += ax;
  result.y_px += ay;
  result.box.x += static_cast<float>(ax);
  result.box.y += static_cast<float>(ay);
  return result;
}

}  // namespace clinvid::render
