// OverlayRasteriser's state, shared by overlay_text.cpp (FreeType) and overlay_shape.cpp.
#pragma once

#include <ft2build.h>
#include FT_FREETYPE_H

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

#include "render/overlay.hpp"

namespace clinvid::render {

struct FtLibraryDeleter {
  void operator()(FT_Library library) const noexcept { FT_Done_FreeType(library); }
};
struct FtFaceDeleter {
  void operator()(FT_Face face) const noexcept { FT_Done_Face(face); }
};
using FtLibraryPtr = std::unique_ptr<std::remove_pointer_t<FT_Library>, FtLibraryDeleter>;
using FtFacePtr = std::unique_ptr<std::remove_pointer_t<FT_Face>, FtFaceDeleter>;

namespace detail {

struct Glyph {
  int left_px = 0;  // bitmap origin relative to the pen, y up (FreeType's bitmap_top)
  int top_px = 0;
  std::uint32_t width_px = 0;
  std::uint32_t rows_px = 0;
  long advance_26_6 = 0;
  std::uint32_t index = 0;  // glyph index, for kerning
  std::vector<std::uint8_t> bitmap;
};

// A laid-out, rasterised text relative to its integer anchor.
struct TextRaster {
  CoverageMask mask;       // x_px/y_px and box relative to the anchor
  bool too_large = false;  // the ink would exceed kMaxTextMaskPixels: not rasterised
};

void union_mask(CoverageMask& into, const CoverageMask& other);

}  // namespace detail

struct OverlayRasteriser::Impl {
  FtLibraryPtr library;
  FtFacePtr face;
  std::string font_path;
  long size_26_6 = 0;  // the size the face is currently set to
  std::unordered_map<std::uint64_t, detail::Glyph> glyphs;
  // LRU of laid-out texts: most recent at the front.
  std::list<std::pair<std::string, detail::TextRaster>> text_lru;
  std::unordered_map<std::string, decltype(text_lru)::iterator> text_index;
  std::uint64_t text_hits = 0;

  Result<CoverageMask> text(const TextLayer& layer);
  const detail::Glyph* glyph(char32_t codepoint, long size_26_6);
  Status set_size(long size_26_6);
  detail::TextRaster layout(const TextLayer& layer);
};

}  // namespace clinvid::render
