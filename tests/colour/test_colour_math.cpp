// Colour maths against published data: the 34 CIEDE2000 pairs of Sharma et al. (2005), the
// sRGB renderings in the reference files, and round trips of every transfer curve.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "colour/ciede2000.hpp"
#include "colour/colour_math.hpp"
#include "colour/reference.hpp"

namespace clinvid::colour {
namespace {

const std::string kData = CLINVID_SHARED_DATA;

std::vector<std::vector<double>> read_numeric_csv(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::vector<std::vector<double>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] < '0' || line[0] > '9') continue;
    std::vector<double> row;
    std::istringstream fields(line);
    std::string f;
    while (std::getline(fields, f, ',')) row.push_back(std::stod(f));
    rows.push_back(row);
  }
  return rows;
}

TEST(Ciede2000, ReproducesAllSharmaPairsToFourDecimals) {
  const auto rows = read_numeric_csv(kData + "/ciede2000_sharma.csv");
  ASSERT_EQ(rows.size(), 34U);
  for (const auto& r : rows) {
    const Vec3 lab1 = {r[1], r[2], r[3]};
    const Vec3 lab2 = {r[4], r[5], r[6]};
    EXPECT_NEAR(delta_e00(lab1, lab2), r[7], 0.5e-4) << "pair " << r[0];
    EXPECT_NEAR(delta_e00(lab2, lab1), r[7], 0.5e-4) << "pair " << r[0] << " swapped";
  }
}

TEST(Ciede2000, ZeroForIdenticalColours) {
  EXPECT_EQ(delta_e00({50, 10, -10}, {50, 10, -10}), 0.0);
  EXPECT_EQ(delta_e00({50, 0, 0}, {50, 0, 0}), 0.0);
}

TEST(TransferCurves, RoundTripEveryCurve) {
  for (const TransferCurve c :
       {TransferCurve::linear, TransferCurve::srgb, TransferCurve::bt709, TransferCurve::bt1886}) {
    for (int i = -20; i <= 140; ++i) {
      const double x = i / 120.0;
      EXPECT_NEAR(decode(c, encode(c, x)), x, 1e-12) << to_string(c) << " " << x;
      const float xf = static_cast<float>(x);
      EXPECT_NEAR(decode(c, encode(c, xf)), xf, 2e-6F) << to_string(c) << " float " << x;
    }
    auto parsed = parse_transfer_curve(to_string(c));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, c);
  }
  EXPECT_FALSE(parse_transfer_curve("gamma").has_value());
}

TEST(TransferCurves, KnownValues) {
  EXPECT_NEAR(srgb_decode(0.5), 0.214041, 1e-6);
  EXPECT_NEAR(srgb_encode(0.0031308), 0.04045, 1e-6);
  EXPECT_NEAR(bt709_encode(0.018), 0.081, 1e-3);
  EXPECT_NEAR(bt709_encode(1.0), 1.0, 1e-12);
  EXPECT_NEAR(bt1886_decode(0.5), std::pow(0.5, 2.4), 1e-12);
  // Continuity at the breakpoints.
  EXPECT_NEAR(srgb_decode(0.04045 - 1e-9), srgb_decode(0.04045 + 1e-9), 1e-7);
}

TEST(ColourSpaces, LabRoundTripAndWhite) {
  const Vec3 lab = {62.0, -21.0, 33.0};
  const Vec3 back = xyz_to_lab(lab_to_xyz(lab, kWhiteD50), kWhiteD50);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_NEAR(back[i], lab[i], 1e-10);
  // Linear sRGB white adapts to the D50 white exactly (Bradford maps white to white).
  const Vec3 white = linear_srgb_to_lab_d50({1.0, 1.0, 1.0});
  EXPECT_NEAR(white[0], 100.0, 1e-9);
  EXPECT_NEAR(white[1], 0.0, 1e-9);
  EXPECT_NEAR(white[2], 0.0, 1e-9);
  EXPECT_NEAR(lightness_to_luminance(50.0), 0.184187, 1e-6);
}

TEST(Reference, BuiltinTablesMatchSharedCsvAndItsSrgbColumns) {
  for (const auto& [file, set] :
       {std::pair{"/colorchecker_reference.csv", ReferenceSet::colorchecker24_after_2014},
        std::pair{"/colorchecker_reference_pre2014.csv",
                  ReferenceSet::colorchecker24_before_2014}}) {
    auto loaded = load_reference_csv(kData + file, set);
    ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
    const ChartReference& builtin = builtin_reference(set);
    for (std::size_t i = 0; i < kPatchCount; ++i) {
      EXPECT_EQ(loaded->patches[i].name, builtin.patches[i].name);
      EXPECT_EQ(loaded->patches[i].lab_d50, builtin.patches[i].lab_d50) << file << " " << i;
      EXPECT_EQ(loaded->patches[i].srgb8, builtin.patches[i].srgb8) << file << " " << i;
      // Our Lab -> sRGB route is the one the files describe: identical at 8 bits.
      const auto srgb = lab_d50_to_srgb8(builtin.patches[i].lab_d50);
      for (std::size_t c = 0; c < 3; ++c) {
        EXPECT_NEAR(srgb[c], builtin.patches[i].srgb8[c], 0) << file << " patch " << i + 1;
      }
    }
  }
  EXPECT_EQ(builtin_reference(ReferenceSet::colorchecker24_after_2014).patches[0].name,
            "dark skin");
  EXPECT_EQ(builtin_reference(ReferenceSet::colorchecker24_after_2014).patches[23].name,
            "black 2 (1.5 D)");
}

TEST(Reference, LoaderErrors) {
  auto missing = load_reference_csv("/nonexistent.csv", ReferenceSet::colorchecker24_after_2014);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_EQ(parse_reference_set(to_string(ReferenceSet::colorchecker24_before_2014)).value(),
            ReferenceSet::colorchecker24_before_2014);
  EXPECT_FALSE(parse_reference_set("macbeth").has_value());
}

}  // namespace
}  // namespace clinvid::colour
