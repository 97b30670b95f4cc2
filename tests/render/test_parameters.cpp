// The parameter table is what validation enforces: for every parameter, its minimum, maximum
// and default are accepted by the real checks and values just outside (and NaN) refused.
#include <cmath>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "render/parameters.hpp"
#include "render_test_util.hpp"

namespace clinvid::render::testing {
namespace {

// Whether a layer carrying `value` for parameter `id` passes the compositor's checks.
bool accepted(Compositor& compositor, ParameterId id, double value) {
  const auto v = static_cast<float>(value);
  Composition comp;
  comp.width = 64;
  comp.height = 64;
  TextLayer text;
  text.text = "Ab";
  ShapeLayer shape;
  shape.kind = ShapeKind::line;
  shape.points = {{4, 4}, {40, 30}};
  shape.label = "1 cm";
  RedactionLayer redaction;
  redaction.shape = RedactionShape::rectangle;
  redaction.region = {8, 8, 32, 32};
  redaction.clip = {0, 0, 64, 64};
  redaction.strength = v;
  switch (id) {
    case ParameterId::video_opacity:
      comp.layers.emplace_back(VideoLayer{0, {0, 0, 1, 1}, {0, 0, 64, 64}, v});
      break;
    case ParameterId::text_size: text.size_px = v; break;
    case ParameterId::text_max_width: text.max_width_px = v; break;
    case ParameterId::text_padding: text.padding_px = v; break;
    case ParameterId::shape_width: shape.width_px = v; break;
    case ParameterId::shape_label_size: shape.label_size_px = v; break;
    case ParameterId::redaction_blur_radius: redaction.mode = RedactionMode::blur; break;
    case ParameterId::redaction_pixelate_block: redaction.mode = RedactionMode::pixelate; break;
    case ParameterId::invalid: break;
  }
  if (comp.layers.empty()) {
    if (id == ParameterId::text_size || id == ParameterId::text_max_width ||
        id == ParameterId::text_padding) {
      comp.layers.emplace_back(text);
    } else if (id == ParameterId::shape_width || id == ParameterId::shape_label_size) {
      comp.layers.emplace_back(shape);
    } else {
      comp.layers.emplace_back(redaction);
    }
  }
  const Frame input = flat_i420(64, 64, {90, 90, 90, 255});
  const std::vector<ConstFrameView> inputs{input.view()};
  Frame out = blank_i420(64, 64);
  return compositor.compose(comp, inputs, out.view()).has_value();
}

TEST(Parameters, TheTableIsWhatValidationEnforces) {
  auto compositor = make_compositor(Backend::cpu, 64, 64);
  ASSERT_TRUE(compositor);
  std::set<std::string_view> keys;
  for (const ParameterSpec& p : parameter_table()) {
    SCOPED_TRACE(std::string(p.key));
    EXPECT_EQ(&parameter(p.id), &p);
    EXPECT_TRUE(keys.insert(p.key).second) << "duplicate key";
    EXPECT_FALSE(p.label.empty());
    EXPECT_NE(p.animation, Animation::invalid);
    EXPECT_LT(p.min, p.max);
    EXPECT_GE(p.default_value, p.min);
    EXPECT_LE(p.default_value, p.max);
    EXPECT_TRUE(check_parameter(p.id, p.default_value, "test"));
    EXPECT_FALSE(check_parameter(p.id, std::nan(""), "test"));
    EXPECT_FALSE(check_parameter(p.id, std::nextafter(p.max, 1e9), "test"));

    EXPECT_TRUE(accepted(*compositor, p.id, p.min));
    EXPECT_TRUE(accepted(*compositor, p.id, p.max));
    EXPECT_TRUE(accepted(*compositor, p.id, p.default_value));
    EXPECT_FALSE(accepted(*compositor, p.id, std::nan("")));
    if (p.id == ParameterId::video_opacity) {
      // Clamped, not refused: a computed cross-fade may overshoot by an ulp.
      EXPECT_TRUE(accepted(*compositor, p.id, p.max + 0.001));
    } else {
      EXPECT_FALSE(accepted(*compositor, p.id, p.min - 0.25));
      EXPECT_FALSE(accepted(*compositor, p.id, p.max + 0.25));
    }
  }
  EXPECT_EQ(parameter_table().size(), keys.size());
  const auto error = check_parameter(ParameterId::text_size, 2000, "layer 3 (text)").error();
  EXPECT_EQ(error.detail, "layer 3 (text): Text size (text.size_px) is 2000px, outside [1, 1024]");
}

}  // namespace
}  // namespace clinvid::render::testing
