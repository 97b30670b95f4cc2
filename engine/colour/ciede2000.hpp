// CIEDE2000 colour difference (CIE 142-2001), implemented after Sharma, Wu & Dalal (2005),
// "The CIEDE2000 color-difference formula: implementation notes", including their hue
// conventions: hue of an achromatic colour is 0, and the mean hue of a pair whose hues are
// 180 degrees apart is taken as their sum (wrapped), which makes the function symmetric.
#pragma once

#include "colour/colour_math.hpp"

namespace clinvid::colour {

struct Ciede2000Weights {
  double k_l = 1.0;
  double k_c = 1.0;
  double k_h = 1.0;
};

// Difference between two L*a*b* colours (same white). Symmetric, >= 0, 0 iff equal.
[[nodiscard]] double delta_e00(const Vec3& lab1, const Vec3& lab2,
                               const Ciede2000Weights& weights = {}) noexcept;

}  // namespace clinvid::colour
