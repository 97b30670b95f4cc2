// Cycle normalisation and session comparison; kinematics CSV; SVG and PNG plots.
#include <cmath>
#include <cstdlib>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/calibration.hpp"
#include "analysis/cycle.hpp"
#include "analysis/export.hpp"
#include "analysis/filter.hpp"
#include "analysis/measure.hpp"
#include "analysis/plot.hpp"
#include "analysis/synthetic_walker.hpp"
#include "media/image_codec.hpp"
#include "walker_fixture.hpp"

namespace clinvid::analysis {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(Cycles, NormalisedKneeCurveHasTheModelShape) {
  // Cycles of 30 frames at 30 fps; the truth knee angle cut at the truth heel strikes.
  auto walker = SyntheticWalker::make(testing::small_walker_spec(300));
  ASSERT_TRUE(walker);
  const WalkerTruth& truth = walker->truth();
  std::vector<double> knee;
  for (const auto& f : truth.frames) knee.push_back(f.near_deg.knee_flexion_deg);
  const auto strikes = heel_strikes(truth.events, walker->spec().near_side);
  ASSERT_GE(strikes.size(), 9U);
  auto cycles = normalise_cycles(knee, strikes);
  ASSERT_TRUE(cycles) << cycles.error().message();
  EXPECT_EQ(cycles->cycles.size(), strikes.size() - 1);
  EXPECT_EQ(cycles->mean.size(), static_cast<std::size_t>(kCyclePoints));
  // Against the continuous model from the phase of the (whole-frame) heel strike; what is
  // left is the linear interpolation between frames, 30 per cycle.
  const double cycles_per_frame = 120.0 / 120.0 / 30.0;
  const double hs_phase =
      walker->spec().cycle_phase_at_frame0 + static_cast<double>(strikes[0]) * cycles_per_frame;
  double worst = 0.0;
  for (int p = 0; p < kCyclePoints; ++p) {
    const double model = SyntheticWalker::angles_at_phase(hs_phase + p / 100.0).knee_flexion_deg;
    worst = std::max(worst, std::abs(cycles->mean[static_cast<std::size_t>(p)] - model));
  }
  std::printf("[ measured ] normalised knee curve vs model: max %.2f deg\n", worst);
  EXPECT_LT(worst, 1.5);
  // The shape: nearly straight at heel strike, loading peak, ~60 degrees in swing (~70 %).
  const auto peak = std::max_element(cycles->mean.begin(), cycles->mean.end());
  EXPECT_NEAR(*peak, 60.0, 2.0);
  EXPECT_NEAR(static_cast<double>(peak - cycles->mean.begin()), 71.0, 3.0);
  EXPECT_LT(cycles->mean[0], 8.0);
  // Every cycle starts at the same phase (30 frames per cycle): identical cycles, SD 0.
  EXPECT_LT(*std::max_element(cycles->sd.begin(), cycles->sd.end()), 1e-9);
}

TEST(Cycles, LinearInterpolationSkippingAndErrors) {
  // A ramp 0..30 over frames 10..40 normalises to 0..30 exactly; a NaN cycle is skipped.
  std::vector<double> curve(80);
  for (std::size_t i = 0; i < curve.size(); ++i) curve[i] = static_cast<double>(i % 30);
  curve[50] = kNaN;
  const std::vector<std::int64_t> strikes{0, 30, 60};
  std::vector<double> ramp(61);
  for (std::size_t i = 0; i < ramp.size(); ++i) ramp[i] = static_cast<double>(i);
  auto cycles = normalise_cycles(ramp, std::vector<std::int64_t>{10, 40});
  ASSERT_TRUE(cycles);
  EXPECT_DOUBLE_EQ(cycles->mean[0], 10.0);
  EXPECT_DOUBLE_EQ(cycles->mean[50], 25.0);
  EXPECT_DOUBLE_EQ(cycles->mean[100], 40.0);
  EXPECT_DOUBLE_EQ(cycles->sd[50], 0.0);
  auto skipped = normalise_cycles(curve, strikes);
  ASSERT_TRUE(skipped);
  EXPECT_EQ(skipped->cycles.size(), 1U);
  EXPECT_EQ(skipped->skipped, 1);

  auto backwards = normalise_cycles(ramp, std::vector<std::int64_t>{40, 10});
  ASSERT_FALSE(backwards);
  EXPECT_NE(backwards.error().detail.find("heel strike 1 at frame 10 does not follow frame 40"),
            std::string::npos);
  EXPECT_FALSE(normalise_cycles(ramp, std::vector<std::int64_t>{10, 61}));
  EXPECT_FALSE(normalise_cycles(ramp, std::vector<std::int64_t>{10}));
}

SessionCurve session(const std::string& label, double offset_deg) {
  SessionCurve s;
  s.label = label;
  for (int c = 0; c < 3; ++c) {
    std::vector<double> cycle;
    for (int p = 0; p < kCyclePoints; ++p) {
      cycle.push_back(offset_deg + 30.0 * std::sin(std::numbers::pi * p / 100.0) + c);
    }
    s.cycles.cycles.push_back(cycle);
  }
  for (int p = 0; p < kCyclePoints; ++p) {
    s.cycles.mean.push_back(offset_deg + 30.0 * std::sin(std::numbers::pi * p / 100.0) + 1.0);
    s.cycles.sd.push_back(1.0);
  }
  return s;
}

TEST(Cycles, ComparesTwoSessions) {
  const SessionCurve before = session("before", 0.0);
  const SessionCurve after = session("after", 5.0);
  auto diff = compare_sessions(before, after);
  ASSERT_TRUE(diff);
  EXPECT_NEAR(diff->rms_difference, 5.0, 1e-9);
  EXPECT_NEAR(diff->mean_difference[37], 5.0, 1e-9);
  SessionCurve empty;
  empty.label = "empty";
  auto refused = compare_sessions(before, empty);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("\"empty\""), std::string::npos);
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, sep)) out.push_back(field);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

TEST(Export, KinematicsCsvHeaderUnitsColumnsAndValues) {
  auto walker = SyntheticWalker::make(testing::small_walker_spec(60));
  ASSERT_TRUE(walker);
  const WalkerTruth& truth = walker->truth();
  auto calibration =
      Calibration::from_length(truth.calibration_a_px, truth.calibration_b_px, 1.0).value();
  KinematicsTable table;
  table.recording = "rec-123";
  table.frame_rate = walker->spec().frame_rate;
  table.calibration = calibration.describe();
  table.length_unit = std::string(calibration.unit());
  table.filter = LowPassSpec{6.0}.describe();
  for (int m = 0; m < kWalkerMarkerCount; ++m) {
    PointSeries series{std::string(to_string(static_cast<WalkerMarker>(m))), {}};
    for (const auto& f : truth.frames) {
      series.values.push_back(calibration.to_world(f.near_px[static_cast<std::size_t>(m)]));
    }
    table.points.push_back(std::move(series));
  }
  ScalarSeries knee{"knee_flexion", {}};
  for (const auto& f : truth.frames) knee.values.push_back(f.near_deg.knee_flexion_deg);
  knee.values[7] = kNaN;  // a lost frame
  table.measurements.push_back(knee);

  auto csv = kinematics_csv(table);
  ASSERT_TRUE(csv) << csv.error().message();
  std::istringstream in(*csv);
  std::string line;
  std::vector<std::string> comments;
  while (std::getline(in, line) && line.rfind("#", 0) == 0) comments.push_back(line);
  ASSERT_GE(comments.size(), 5U);
  EXPECT_EQ(comments[0], "# clinvid kinematics v1");
  EXPECT_EQ(comments[1], "# recording: rec-123");
  EXPECT_EQ(comments[2], "# frame_rate: 30/1 fps");
  EXPECT_EQ(comments[3].rfind("# calibration: scale 0.00555556 m/px", 0), 0U) << comments[3];
  EXPECT_EQ(comments[4], "# filter: " + LowPassSpec{6.0}.describe());
  EXPECT_NE(csv->find("# units: frame = index; time_s = s"), std::string::npos);
  const std::vector<std::string> header = split(line, ',');
  ASSERT_EQ(header.size(), 2U + 2U * kWalkerMarkerCount + 1U);
  EXPECT_EQ(header[0], "frame");
  EXPECT_EQ(header[1], "time_s");
  EXPECT_EQ(header[2], "hip_x_m");
  EXPECT_EQ(header[5], "knee_y_m");
  EXPECT_EQ(header.back(), "knee_flexion_deg");
  std::size_t rows = 0;
  while (std::getline(in, line)) {
    const std::vector<std::string> fields = split(line, ',');
    ASSERT_EQ(fields.size(), header.size()) << line;
    const auto f = static_cast<std::size_t>(std::stoll(fields[0]));
    EXPECT_EQ(f, rows);
    EXPECT_NEAR(std::stod(fields[1]), static_cast<double>(f) / 30.0, 1e-6);
    const Point2 knee_m = calibration.to_world(truth.frames[f].near_px[1]);
    EXPECT_NEAR(std::stod(fields[4]), knee_m.x, 1e-6);
    EXPECT_NEAR(std::stod(fields[5]), knee_m.y, 1e-6);
    if (f == 7) {
      EXPECT_TRUE(fields.back().empty());
    } else {
      EXPECT_NEAR(std::stod(fields.back()), truth.frames[f].near_deg.knee_flexion_deg, 1e-3);
    }
    ++rows;
  }
  EXPECT_EQ(rows, 60U);

  KinematicsTable bad = table;
  bad.measurements[0].name = "Knee Angle";
  EXPECT_NE(kinematics_csv(bad).error().detail.find("\"Knee Angle\" is not [a-z0-9_]+"),
            std::string::npos);
  bad = table;
  bad.measurements[0].values.pop_back();
  EXPECT_NE(kinematics_csv(bad).error().detail.find("has 59 frames, others 60"), std::string::npos);
  bad = table;
  bad.points[1].name = "hip";
  EXPECT_NE(kinematics_csv(bad).error().detail.find("\"hip\" repeats"), std::string::npos);
  bad = table;
  bad.calibration = "two\nlines";
  EXPECT_FALSE(kinematics_csv(bad));
}

// Minimal XML well-formedness: balanced, properly nested elements, quoted attributes, and
// no bare '&' or '<' in text. Returns the element names in document order.
std::vector<std::string> parse_xml(const std::string& xml, std::string& error) {
  std::vector<std::string> stack;
  std::vector<std::string> names;
  std::size_t i = 0;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      const std::size_t end = xml.find(';', i);
      const std::string entity = xml.substr(i, end == std::string::npos ? 0 : end - i + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;") {
        error = "bare & at " + std::to_string(i);
        return {};
      }
    }
    if (xml[i] != '<') {
      ++i;
      continue;
    }
    const std::size_t end = xml.find('>', i);
    if (end == std::string::npos) {
      error = "unterminated tag";
      return {};
    }
    const std::string tag = xml.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag.empty()) {
      error = "empty tag";
      return {};
    }
    if (tag[0] == '?') continue;
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0 || tag.find('<') != std::string::npos) {
      error = "bad attributes in <" + tag + ">";
      return {};
    }
    if (tag[0] == '/') {
      if (stack.empty() || stack.back() != tag.substr(1)) {
        error = "mismatched </" + tag.substr(1) + ">";
        return {};
      }
      stack.pop_back();
      continue;
    }
    const std::string name = tag.substr(0, tag.find_first_of(" /"));
    names.push_back(name);
    if (tag.back() != '/') stack.push_back(name);
  }
  if (!stack.empty()) error = "unclosed <" + stack.back() + ">";
  return names;
}

TEST(Plot, SvgIsWellFormedWithCurvesBandsAxesAndLegend) {
  const std::vector<SessionCurve> sessions{session("before", 0.0), session("after", 5.0)};
  PlotSpec spec = cycle_plot(sessions, "Knee flexion <right> & left", "knee flexion (deg)");
  auto svg = render_svg(spec);
  ASSERT_TRUE(svg) << svg.error().message();
  std::string error;
  const auto names = parse_xml(*svg, error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names[0], "svg");
  EXPECT_EQ(std::count(names.begin(), names.end(), "polyline"), 2);
  EXPECT_EQ(std::count(names.begin(), names.end(), "path"), 2);
  EXPECT_GE(std::count(names.begin(), names.end(), "line"), 10);
  EXPECT_NE(svg->find("Knee flexion &lt;right&gt; &amp; left"), std::string::npos);
  EXPECT_NE(svg->find(">gait cycle (%)</text>"), std::string::npos);
  EXPECT_NE(svg->find("before (n=3, mean +- SD)"), std::string::npos);
  EXPECT_NE(svg->find("stroke=\"#1f77b4\""), std::string::npos);  // before: blue
  EXPECT_NE(svg->find("stroke=\"#e66101\""), std::string::npos);  // after: orange
  EXPECT_NE(svg->find(">100</text>"), std::string::npos);         // x axis ends at 100 %

  PlotSpec bad = spec;
  bad.series[0].y.pop_back();
  EXPECT_EQ(render_svg(bad).error().code, Errc::invalid_argument);
  bad = spec;
  bad.series.clear();
  EXPECT_FALSE(render_svg(bad));
  bad = spec;
  bad.width_px = 100;
  EXPECT_FALSE(render_svg(bad));
}

TEST(Plot, PngDecodesToTheExpectedSizeWithBothCurves) {
  const std::vector<SessionCurve> sessions{session("before", 0.0), session("after", 5.0)};
  PlotSpec spec = cycle_plot(sessions, "Knee", "deg");
  spec.width_px = 640;
  spec.height_px = 400;
  auto png = render_png(spec);
  ASSERT_TRUE(png) << png.error().message();
  auto decoded = media::decode_image(*png);
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(decoded->width(), 640U);
  EXPECT_EQ(decoded->height(), 400U);
  const ConstFrameView v = std::as_const(*decoded).view();
  const auto pixel = [&](std::uint32_t x, std::uint32_t y) {
    const std::uint8_t* p = v.planes[0] + y * v.strides[0] + x * 4;
    return Rgb{p[0], p[1], p[2]};
  };
  int blue = 0;
  int orange = 0;
  int band = 0;
  for (std::uint32_t y = 0; y < v.height; ++y) {
    for (std::uint32_t x = 0; x < v.width; ++x) {
      const Rgb c = pixel(x, y);
      const auto near = [&](Rgb t, int tol) {
        return std::abs(c.r - t.r) <= tol && std::abs(c.g - t.g) <= tol &&
               std::abs(c.b - t.b) <= tol;
      };
      blue += near(kPlotBlue, 4) ? 1 : 0;
      orange += near(kPlotOrange, 4) ? 1 : 0;
      // 25 % of blue over white.
      band += near({199, 221, 236}, 6) ? 1 : 0;
    }
  }
  EXPECT_GT(blue, 300);
  EXPECT_GT(orange, 300);
  EXPECT_GT(band, 1000);
  const Rgb corner = pixel(2, v.height - 3);
  EXPECT_EQ(corner.r, 255);
  EXPECT_EQ(corner.g, 255);
  EXPECT_EQ(corner.b, 255);
}

}  // namespace
}  // namespace clinvid::analysis
