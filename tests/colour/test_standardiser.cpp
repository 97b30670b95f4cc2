// Standardiser: shaders/standardise.comp (on lavapipe here) against the CPU reference
// standardise_frame_cpu() within 1 LSB, the fast CPU backend within kFastCpuMaxLsb, over
// formats, matrices, ranges, odd sizes, modes and correction paths; and the errors.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "colour/calibrate.hpp"
#include "colour/standardiser.hpp"
#include "gpu/host_frame.hpp"
#include "synthetic_cases.hpp"

namespace clinvid::colour::testing {
namespace {

using gpu::YuvMatrix;
using gpu::YuvParams;
using gpu::YuvRange;
using Backend = Standardiser::Backend;

constexpr std::array kFormats = {PixelFormat::nv12, PixelFormat::i420, PixelFormat::yuy2,
                                 PixelFormat::rgba, PixelFormat::bgra};

// A correction with every stage doing something: polynomial linearisation with a black
// offset, white balance, root-polynomial model.
Correction hand_built_correction() {
  Correction c;
  c.linearisation.kind = LinearisationKind::polynomial;
  c.linearisation.coefficients = {
      {{2.2, 0.05, 0.004, -4.0, 0.02}, {2.1, 0.03, 0.0, -3.5, 0.01}, {2.3, -0.02, 0.0, -4.5, 0.0}}};
  c.white_balance = {1.3, 1.0, 0.8};
  c.model.kind = ModelKind::root_polynomial;
  c.model.m = {{{1.25, -0.15, -0.05, 0.04, -0.06, 0.02},
                {-0.1, 1.2, -0.08, -0.03, 0.05, 0.0},
                {0.02, -0.2, 1.3, 0.0, -0.04, 0.05}}};
  return c;
}

// A correction fitted by the calibration to a synthetic camera (matrix model, power curve).
const Correction& calibrated_correction() {
  static const Correction c = [] {
    const RenderedCase& rc = rendered(synthetic_cases(1)[2]);
    CalibrationOptions o;
    o.model = ModelKind::matrix;
    o.linearisation = LinearisationChoice::power;
    o.validation = Validation::none;
    o.created_utc = "2025-01-01T00:00:00Z";
    return calibrate_frame(rc.frame.view(), o).value().correction;
  }();
  return c;
}

Frame random_frame(PixelFormat format, std::uint32_t w, std::uint32_t h, std::uint32_t seed) {
  Frame f = Frame::allocate(format, w, h).value();
  std::mt19937 rng(seed);
  for (auto& b : f.bytes()) b = static_cast<std::uint8_t>(rng());
  return f;
}

// Largest per-byte difference over the meaningful bytes of every plane.
int max_difference(const ConstFrameView& a, const ConstFrameView& b) {
  int worst = 0;
  for (int p = 0; p < plane_count(a.format); ++p) {
    const auto i = static_cast<std::size_t>(p);
    const PlaneExtent e = plane_extent(a.format, a.width, a.height, p);
    for (std::uint32_t y = 0; y < e.rows; ++y) {
      for (std::size_t x = 0; x < e.row_bytes; ++x) {
        worst = std::max(worst, std::abs(int{a.planes[i][y * a.strides[i] + x]} -
                                         int{b.planes[i][y * b.strides[i] + x]}));
      }
    }
  }
  return worst;
}

struct Case {
  PixelFormat in;
  PixelFormat out;
  std::uint32_t width;
  std::uint32_t height;
  StandardiseSettings settings;
};

std::string describe(const Case& c) {
  return std::string(to_string(c.in)) + "->" + std::string(to_string(c.out)) + " " +
         std::to_string(c.width) + "x" + std::to_string(c.height) + " mode " +
         std::to_string(static_cast<int>(c.settings.mode)) + " path " +
         std::to_string(static_cast<int>(c.settings.path)) + " in " +
         std::string(gpu::to_string(c.settings.input_yuv.matrix)) + "/" +
         std::string(gpu::to_string(c.settings.input_yuv.range)) + " out " +
         std::string(gpu::to_string(c.settings.output_yuv.matrix)) + "/" +
         std::string(gpu::to_string(c.settings.output_yuv.range));
}

std::vector<Case> cases() {
  std::vector<Case> out;
  const StandardiseSettings base{StandardiseMode::standardise,
                                 CorrectionPath::model,
                                 {YuvMatrix::bt709, YuvRange::limited},
                                 {YuvMatrix::bt601, YuvRange::full}};
  // Every format pair at odd sizes.
  for (auto in : kFormats) {
    for (auto out_format : kFormats) {
      for (auto [w, h] : {std::pair{385U, 289U}, std::pair{17U, 9U}, std::pair{1U, 1U}}) {
        out.push_back({in, out_format, w, h, base});
      }
    }
  }
  // Every mode and path on a spread of pairs.
  const std::vector<std::pair<PixelFormat, PixelFormat>> pairs = {
      {PixelFormat::nv12, PixelFormat::nv12},
      {PixelFormat::i420, PixelFormat::rgba},
      {PixelFormat::yuy2, PixelFormat::bgra},
      {PixelFormat::rgba, PixelFormat::i420},
      {PixelFormat::bgra, PixelFormat::yuy2}};
  for (auto mode :
       {StandardiseMode::passthrough, StandardiseMode::standardise, StandardiseMode::difference}) {
    for (auto path : {CorrectionPath::model, CorrectionPath::lut}) {
      for (const auto& [in, out_format] : pairs) {
        for (auto [w, h] : {std::pair{67U, 33U}, std::pair{3U, 5U}, std::pair{2U, 2U}}) {
          StandardiseSettings s = base;
          s.mode = mode;
          s.path = path;
          out.push_back({in, out_format, w, h, s});
        }
      }
    }
  }
  // Every matrix and range on each side.
  for (auto mi : {YuvMatrix::bt601, YuvMatrix::bt709}) {
    for (auto ri : {YuvRange::limited, YuvRange::full}) {
      for (auto mo : {YuvMatrix::bt601, YuvMatrix::bt709}) {
        for (auto ro : {YuvRange::limited, YuvRange::full}) {
          StandardiseSettings s = base;
          s.input_yuv = {mi, ri};
          s.output_yuv = {mo, ro};
          out.push_back({PixelFormat::nv12, PixelFormat::yuy2, 33, 17, s});
          s.path = CorrectionPath::lut;
          out.push_back({PixelFormat::yuy2, PixelFormat::i420, 19, 7, s});
        }
      }
    }
  }
  return out;
}

// Runs every case through `backend` and the reference; returns the worst difference.
void compare_all(Standardiser& standardiser, const PreparedCorrection& prepared, int bound) {
  std::uint32_t seed = 1;
  for (const Case& c : cases()) {
    const Frame src = random_frame(c.in, c.width, c.height, seed++);
    Frame want = Frame::allocate(c.out, c.width, c.height).value();
    Frame got = Frame::allocate(c.out, c.width, c.height).value();
    ASSERT_TRUE(standardise_frame_cpu(src.view(), want.view(), c.settings, &prepared))
        << describe(c);
    const auto status = standardiser.process(src.view(), got.view(), c.settings);
    ASSERT_TRUE(status) << describe(c) << ": " << status.error().message();
    const int diff = max_difference(std::as_const(want).view(), std::as_const(got).view());
    EXPECT_LE(diff, bound) << describe(c);
  }
}

class StandardiserBackends : public ::testing::TestWithParam<Backend> {
 protected:
  std::unique_ptr<Standardiser> make() {
    std::shared_ptr<gpu::Context> ctx;
    if (GetParam() == Backend::gpu) {
      auto shared = gpu::Context::shared();
      EXPECT_TRUE(shared) << shared.error().message();
      if (!shared) return nullptr;
      ctx = *shared;
    }
    auto s = Standardiser::create(GetParam(), ctx);
    EXPECT_TRUE(s) << s.error().message();
    return s ? std::move(*s) : nullptr;
  }
  [[nodiscard]] int bound() const { return GetParam() == Backend::gpu ? 1 : kFastCpuMaxLsb; }
};

TEST_P(StandardiserBackends, MatchesTheReferenceOnEveryFormatModeAndPath) {
  auto s = make();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->backend(), GetParam());
  const Correction correction = hand_built_correction();
  ASSERT_TRUE(s->set_correction(correction));
  const PreparedCorrection prepared = prepare_correction(correction).value();
  compare_all(*s, prepared, bound());
}

TEST_P(StandardiserBackends, MatchesTheReferenceWithACalibratedProfile) {
  auto s = make();
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->set_correction(calibrated_correction()));
  const PreparedCorrection prepared = prepare_correction(calibrated_correction()).value();
  for (auto path : {CorrectionPath::model, CorrectionPath::lut}) {
    for (auto [in, out] : {std::pair{PixelFormat::nv12, PixelFormat::nv12},
                           std::pair{PixelFormat::rgba, PixelFormat::rgba}}) {
      const Frame src = random_frame(in, 385, 289, 11);
      Frame want = Frame::allocate(out, 385, 289).value();
      Frame got = Frame::allocate(out, 385, 289).value();
      StandardiseSettings settings;
      settings.path = path;
      ASSERT_TRUE(standardise_frame_cpu(src.view(), want.view(), settings, &prepared));
      ASSERT_TRUE(s->process(src.view(), got.view(), settings));
      EXPECT_LE(max_difference(std::as_const(want).view(), std::as_const(got).view()), bound());
    }
  }
}

TEST_P(StandardiserBackends, RefusesBadCallsClearly) {
  auto s = make();
  ASSERT_TRUE(s);
  Frame a = random_frame(PixelFormat::nv12, 16, 8, 3);
  Frame b = Frame::allocate(PixelFormat::rgba, 16, 8).value();
  StandardiseSettings settings;
  for (auto mode : {StandardiseMode::standardise, StandardiseMode::difference}) {
    settings.mode = mode;
    auto r = s->process(a.view(), b.view(), settings);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_NE(r.error().message().find("no correction"), std::string::npos) << r.error().message();
  }
  settings.mode = StandardiseMode::passthrough;
  EXPECT_TRUE(s->process(a.view(), b.view(), settings));
  ASSERT_TRUE(s->set_correction(hand_built_correction()));
  settings.mode = StandardiseMode::standardise;
  Frame small = Frame::allocate(PixelFormat::rgba, 8, 8).value();
  auto r = s->process(a.view(), small.view(), settings);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_NE(r.error().message().find("differ in size"), std::string::npos);
  FrameView unknown = b.view();
  unknown.format = PixelFormat::invalid;
  r = s->process(a.view(), unknown, settings);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unsupported);
  settings.mode = StandardiseMode::invalid;
  EXPECT_EQ(s->process(a.view(), b.view(), settings).error().code, Errc::invalid_argument);
  settings.mode = StandardiseMode::standardise;
  settings.input_yuv.matrix = YuvMatrix::invalid;
  EXPECT_EQ(s->process(a.view(), b.view(), settings).error().code, Errc::invalid_argument);
  Correction bad = hand_built_correction();
  bad.model.kind = ModelKind::invalid;
  EXPECT_EQ(s->set_correction(bad).error().code, Errc::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Backends, StandardiserBackends,
                         ::testing::Values(Backend::gpu, Backend::cpu), [](const auto& param_info) {
                           return std::string(param_info.param == Backend::gpu ? "gpu" : "cpu");
                         });

// A frame laid out in gpu::HostFrameMemory as a GStreamer buffer might be: `lead` bytes in,
// each row padded by 8 bytes beyond a multiple of 4.
struct HostFrame {
  std::unique_ptr<gpu::HostFrameMemory> memory;
  FrameView view;
};

HostFrame host_frame(const std::shared_ptr<gpu::Context>& ctx, PixelFormat format, std::uint32_t w,
                     std::uint32_t h, std::size_t lead) {
  HostFrame f;
  f.view.format = format;
  f.view.width = w;
  f.view.height = h;
  std::array<std::size_t, 3> offsets{};
  std::size_t size = lead;
  for (int p = 0; p < plane_count(format); ++p) {
    const auto i = static_cast<std::size_t>(p);
    const PlaneExtent e = plane_extent(format, w, h, p);
    f.view.strides[i] = (e.row_bytes + 3) / 4 * 4 + 8;
    offsets[i] = size;
    size += f.view.strides[i] * e.rows;
  }
  auto memory = gpu::HostFrameMemory::create(ctx, size + 64);
  EXPECT_TRUE(memory) << memory.error().message();
  if (!memory) return f;
  f.memory = std::move(*memory);
  for (int p = 0; p < plane_count(format); ++p) {
    const auto i = static_cast<std::size_t>(p);
    f.view.planes[i] = reinterpret_cast<std::uint8_t*>(f.memory->data()) + offsets[i];
  }
  return f;
}

void copy_frame(const ConstFrameView& from, const FrameView& to) {
  for (int p = 0; p < plane_count(from.format); ++p) {
    const auto i = static_cast<std::size_t>(p);
    const PlaneExtent e = plane_extent(from.format, from.width, from.height, p);
    for (std::uint32_t y = 0; y < e.rows; ++y) {
      std::copy_n(from.planes[i] + y * from.strides[i], e.row_bytes,
                  to.planes[i] + y * to.strides[i]);
    }
  }
}

// Frames in host frame memory are read and written in place by the device (no staging copy
// on the CPU), with the same result as ordinary frames, whatever their offsets and strides;
// one side in ordinary memory is staged and still right.
class StandardiserGpu : public ::testing::TestWithParam<bool> {};

TEST_P(StandardiserGpu, ReadsAndWritesHostFrameMemoryInPlace) {
  auto ctx = gpu::Context::shared();
  ASSERT_TRUE(ctx) << ctx.error().message();
  // true: a discrete GPU's path, copying between host frame memory and its own memory.
  if (GetParam()) ::setenv("CLINVID_VK_DEVICE_COPIES", "1", 1);
  auto created = Standardiser::create(Backend::gpu, *ctx);
  ::unsetenv("CLINVID_VK_DEVICE_COPIES");
  ASSERT_TRUE(created) << created.error().message();
  auto s = std::move(*created);
  ASSERT_TRUE(s->set_correction(hand_built_correction()));
  StandardiseSettings settings{StandardiseMode::standardise,
                               CorrectionPath::model,
                               {YuvMatrix::bt709, YuvRange::limited},
                               {YuvMatrix::bt709, YuvRange::limited}};
  std::uint32_t seed = 100;
  for (auto [in, out] : {std::pair{PixelFormat::i420, PixelFormat::i420},
                         std::pair{PixelFormat::nv12, PixelFormat::rgba},
                         std::pair{PixelFormat::yuy2, PixelFormat::nv12}}) {
    for (auto [w, h] : {std::pair{640U, 360U}, std::pair{385U, 289U}, std::pair{3U, 5U}}) {
      SCOPED_TRACE(std::string(to_string(in)) + "->" + std::string(to_string(out)) + " " +
                   std::to_string(w) + "x" + std::to_string(h));
      const Frame src = random_frame(in, w, h, seed++);
      Frame want = Frame::allocate(out, w, h).value();
      ASSERT_TRUE(s->process(src.view(), want.view(), settings));
      EXPECT_TRUE(s->last_staged());

      HostFrame host_src = host_frame(*ctx, in, w, h, 256);
      HostFrame host_dst = host_frame(*ctx, out, w, h, 64);
      ASSERT_TRUE(host_src.memory && host_dst.memory);
      copy_frame(src.view(), host_src.view);
      ASSERT_TRUE(s->process(host_src.view.as_const(), host_dst.view, settings));
      EXPECT_FALSE(s->last_staged());
      EXPECT_EQ(max_difference(std::as_const(want).view(), host_dst.view.as_const()), 0);

      Frame mixed = Frame::allocate(out, w, h).value();
      ASSERT_TRUE(s->process(host_src.view.as_const(), mixed.view(), settings));
      EXPECT_TRUE(s->last_staged());
      EXPECT_EQ(max_difference(std::as_const(want).view(), std::as_const(mixed).view()), 0);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Paths, StandardiserGpu, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? std::string("device_copies")
                                              : std::string("in_place");
                         });

TEST(Standardiser, GpuNeedsAContextAndABackend) {
  EXPECT_EQ(Standardiser::create(Backend::gpu, nullptr).error().code, Errc::invalid_argument);
  EXPECT_EQ(Standardiser::create(Backend::invalid, nullptr).error().code, Errc::invalid_argument);
}

// The reference itself: passthrough of RGBA is a copy, and RGBA -> NV12 passthrough is
// gpu::rgba_to_yuv_cpu; the difference view of the identity correction is blue.
TEST(StandardiseReference, AgreesWithTheYuvConventions) {
  const Frame src = random_frame(PixelFormat::rgba, 37, 21, 4);
  StandardiseSettings settings;
  settings.mode = StandardiseMode::passthrough;
  Frame copy = Frame::allocate(PixelFormat::rgba, 37, 21).value();
  ASSERT_TRUE(standardise_frame_cpu(src.view(), copy.view(), settings, nullptr));
  EXPECT_EQ(copy.bytes(), src.bytes());
  Frame nv = Frame::allocate(PixelFormat::nv12, 37, 21).value();
  Frame nv_ref = Frame::allocate(PixelFormat::nv12, 37, 21).value();
  ASSERT_TRUE(standardise_frame_cpu(src.view(), nv.view(), settings, nullptr));
  ASSERT_TRUE(gpu::rgba_to_yuv_cpu(src.view(), nv_ref.view(), settings.output_yuv));
  EXPECT_EQ(nv.bytes(), nv_ref.bytes());

  Correction identity;
  identity.linearisation = standard_linearisation(TransferCurve::srgb);
  identity.model = ColourModel::identity(ModelKind::matrix);
  const PreparedCorrection prepared = prepare_correction(identity).value();
  settings.mode = StandardiseMode::difference;
  Frame diff = Frame::allocate(PixelFormat::rgba, 37, 21).value();
  ASSERT_TRUE(standardise_frame_cpu(src.view(), diff.view(), settings, &prepared));
  const ConstFrameView d = std::as_const(diff).view();
  for (std::uint32_t y = 0; y < d.height; ++y) {
    for (std::uint32_t x = 0; x < d.width; ++x) {
      const std::uint8_t* p = d.planes[0] + y * d.strides[0] + 4 * x;
      EXPECT_LE(p[0], 1);
      EXPECT_LE(p[1], 12);  // dE < 0.25 from float round trips
      EXPECT_GE(p[2], 254);
    }
  }
}

}  // namespace
}  // namespace clinvid::colour::testing
