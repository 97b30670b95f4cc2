// Frames and measurements shared by the render tests.
#pragma once

#include <cstdint>
#include <optional>

#include "core/frame.hpp"
#include "render/compositor.hpp"

namespace clinvid::render::testing {

// Y', Cb, Cr of an RGB colour as the compositor converts it (BT.709 limited, round half up),
// computed here independently from the published BT.709 equations.
struct YuvRef {
  int y = 0, cb = 0, cr = 0;
};
YuvRef bt709_limited(Rgba8 colour);

Frame flat_i420(std::uint32_t width, std::uint32_t height, Rgba8 colour);
// Uniform noise in every plane.
Frame noise_i420(std::uint32_t width, std::uint32_t height, std::uint32_t seed);
// Black/white luma checkerboard of `cell_px` cells, neutral chroma.
Frame checker_i420(std::uint32_t width, std::uint32_t height, int cell_px);
Frame blank_i420(std::uint32_t width, std::uint32_t height);

int sample(const Frame& f, int plane, int x, int y);

struct Diff {
  double mean = 0;
  int max = 0;
  std::size_t count = 0;  // samples compared
};
Diff diff(const Frame& a, const Frame& b);

// Luma statistics over [x0, x1) x [y0, y1).
double luma_stddev(const Frame& f, int x0, int y0, int x1, int y1);
// Variance of the 4-neighbour Laplacian of luma over the rectangle's interior.
double laplacian_variance(const Frame& f, int x0, int y0, int x1, int y1);
// Whether every sample of every plane outside the luma rectangle [x0, x1) x [y0, y1) (chroma:
// outside its half) is identical in a and b.
bool identical_outside(const Frame& a, const Frame& b, int x0, int y0, int x1, int y1);

// A compositor of `backend`, or nullopt when it cannot run here (Vulkan without a device).
std::optional<Compositor> make_compositor(Backend backend, std::uint32_t width,
                                          std::uint32_t height);
// Composes and returns the frame (fails the test on error).
Frame compose(Compositor& c, const Composition& comp, std::span<const ConstFrameView> inputs);

}  // namespace clinvid::render::testing
