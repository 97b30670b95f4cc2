// Reference colours of the X-Rite ColorChecker Classic 24 (CIE L*a*b* D50, 2 degree
// observer, plus the sRGB 8-bit rendering of each). Two formulations exist: charts made
// after November 2014 and the older GretagMacbeth 2005 data; a calibration must use the one
// that matches the physical chart, so the profile records which.
//
// Patch order is row-major from "dark skin" (index 0, top-left with the neutral row at the
// bottom) to "black 2" (index 23). The built-in tables are transcriptions of
// shared/data/colorchecker_reference*.csv (a test checks they agree).
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>

#include "colour/colour_math.hpp"
#include "core/result.hpp"

namespace clinvid::colour {

inline constexpr std::size_t kPatchCount = 24;
inline constexpr std::size_t kChartColumns = 6;
inline constexpr std::size_t kChartRows = 4;
// The neutral row, white (index 18) to black (index 23).
inline constexpr std::size_t kFirstNeutral = 18;
inline constexpr std::size_t kNeutralCount = 6;

enum class ReferenceSet {
  invalid = 0,
  colorchecker24_after_2014,   // "colorchecker24_after_nov2014"
  colorchecker24_before_2014,  // "colorchecker24_before_nov2014"
};

[[nodiscard]] std::string_view to_string(ReferenceSet set) noexcept;
[[nodiscard]] Result<ReferenceSet> parse_reference_set(std::string_view name);

struct ReferencePatch {
  std::string name;
  Vec3 lab_d50{};
  std::array<int, 3> srgb8{};
};

struct ChartReference {
  ReferenceSet set = ReferenceSet::invalid;
  std::array<ReferencePatch, kPatchCount> patches{};

  // Each patch's L*a*b* D50, in patch order.
  [[nodiscard]] std::array<Vec3, kPatchCount> lab() const;
};

// The built-in table of `set` (a valid set; `invalid` gives the after-2014 table).
[[nodiscard]] const ChartReference& builtin_reference(ReferenceSet set) noexcept;

// Reads a reference CSV in the shared/data format: '#' comment lines, a header naming at
// least the columns patch,name,L,a,b,sRGB_R,sRGB_G,sRGB_B (any order), then 24 rows.
// Errc::not_found when the file is missing, Errc::corrupt naming the line otherwise.
[[nodiscard]] Result<ChartReference> load_reference_csv(const std::filesystem::path& path,
                                                        ReferenceSet set);

}  // namespace clinvid::colour
