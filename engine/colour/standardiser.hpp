// Standardising whole video frames: decode -> linearise -> white balance -> model or 3D LUT
// -> encode, in one pass per frame, on the GPU (shaders/standardise.comp) or on the CPU.
//
// Formats, in and out, any pair: NV12, I420, YUY2 (BT.601/BT.709, limited/full range, as
// StandardiseSettings says), RGBA, BGRA. Sizes must match; odd sizes are fine.
//
// Conventions (identical in the shader, the CPU reference standardise_frame_cpu() and, within
// the bound below, the fast CPU backend); they extend gpu/yuv.hpp's:
//  1. decode   A YUV input becomes float RGB on the 8-bit scale: rgb8 = to_rgb * (yuv - offset)
//              (gpu::yuv_coefficients), chroma sited at the centre of its 2x2 (4:2:0) or 2x1
//              (YUY2) block and upsampled bilinearly with edge clamp, horizontal taps first.
//              rgb8 is clamped to 0..255 but NOT rounded: no 8-bit RGB step in between.
//              RGBA/BGRA inputs give their code values. Alpha is the input's, else 255.
//  2. correct  passthrough: rgb8 unchanged (format conversion only).
//              standardise: v = rgb8 / 255; o = standardise_pixel(params, v) (model path) or
//              Lut3d::lookup(v) (LUT path, the correction's 33^3 bake); rgb8' = o * 255.
//              difference:  o as standardise, then the false colour of dE (below).
//  3. encode   RGBA/BGRA: round half up (floor(x + 0.5)), clamp 0..255, alpha as above.
//              YUV: Y = to_yuv row 0 . rgb8' + offset per pixel; Cb/Cr from the mean of the
//              block's rgb8' (2x2 for 4:2:0, 2x1 for YUY2; pixels inside the frame only),
//              then round half up and clamp. Row padding bytes are written as 0 on the GPU.
//
// Difference view (for the calibration UI): dE = CIE76 distance between the L*a*b* of the
// uncorrected input v and of the corrected output o, both read as sRGB-encoded values (sRGB
// decode, IEC 61966-2-1 matrix, L*a*b* relative to D65, no adaptation). t = clamp(dE /
// kDifferenceFullScaleDeltaE, 0, 1) picks a colour on a 5-stop ramp, linear between stops:
//   t = 0 blue (0,0,1), 0.25 cyan (0,1,1), 0.5 green (0,1,0), 0.75 yellow (1,1,0), 1 red.
// So below ~2 dE (not noticeable) the view is blue, 5 cyan, 10 green, 15 yellow, >= 20 red.
//
// Accuracy: GPU and the CPU reference agree within 1 LSB per channel/sample (tested). The
// fast CPU backend tabulates the per-channel curves (linearisation with the white balance
// folded in, 4096 entries; sRGB encode, 4096 entries on a square-root scale) and is within
// kFastCpuMaxLsb of the reference (tested).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include "colour/model.hpp"
#include "colour/standardise.hpp"
#include "core/frame.hpp"
#include "core/result.hpp"
#include "gpu/context.hpp"
#include "gpu/yuv.hpp"

namespace clinvid::colour {

enum class StandardiseMode { invalid = 0, passthrough, standardise, difference };
// Apply the fitted model per pixel, or its baked 33^3 LUT (trilinear).
enum class CorrectionPath { invalid = 0, model, lut };

struct StandardiseSettings {
  StandardiseMode mode = StandardiseMode::standardise;
  CorrectionPath path = CorrectionPath::model;
  gpu::YuvParams input_yuv;   // how a YUV input is decoded (ignored for RGBA/BGRA)
  gpu::YuvParams output_yuv;  // how a YUV output is encoded (ignored for RGBA/BGRA)
};

inline constexpr float kDifferenceFullScaleDeltaE = 20.0F;
inline constexpr int kFastCpuMaxLsb = 2;

// The correction in the forms the backends consume: flattened, and baked into a 33^3 LUT.
struct PreparedCorrection {
  Correction source;
  StandardiseParams params;
  Lut3d lut;
};
[[nodiscard]] Result<PreparedCorrection> prepare_correction(const Correction& correction);

// CPU reference of shaders/standardise.comp over whole frames (slow, exact conventions).
// `correction` may be null for passthrough. Errors as Standardiser::process.
[[nodiscard]] Status standardise_frame_cpu(const ConstFrameView& src, const FrameView& dst,
                                           const StandardiseSettings& settings,
                                           const PreparedCorrection* correction);

// Linear sRGB -> XYZ / white(D65), row-major: the difference view's route to L*a*b*.
[[nodiscard]] const std::array<float, 9>& difference_xyz_matrix() noexcept;

// Applies a calibration to frames. Not thread-safe: one Standardiser per streaming thread
// (the GPU backend owns one descriptor set and one command buffer; the CPU backend's scratch
// is per object). The GPU backend shares the process's device through `context`.
class Standardiser {
 public:
  enum class Backend { invalid = 0, gpu, cpu };

  // gpu: Vulkan compute on `context` (must be non-null). cpu: the fast CPU path (tables,
  // vectorised loops, std::thread over row bands on every core); `context` is ignored.
  [[nodiscard]] static Result<std::unique_ptr<Standardiser>> create(
      Backend backend, std::shared_ptr<gpu::Context> context);

  virtual ~Standardiser();
  Standardiser(const Standardiser&) = delete;
  Standardiser& operator=(const Standardiser&) = delete;
  Standardiser(Standardiser&&) = delete;
  Standardiser& operator=(Standardiser&&) = delete;

  // From CalibrationProfile::correction. Bakes the LUT (a few ms) and flattens the model.
  [[nodiscard]] Status set_correction(const Correction& correction);
  // Converts/corrects `src` into `dst` (same size, any supported formats). Blocks until the
  // result is in `dst`. Errc::invalid_argument: no correction set for standardise/difference,
  // sizes differ, an invalid mode/path/YUV parameter; Errc::unsupported: a pixel format.
  [[nodiscard]] Status process(const ConstFrameView& src, const FrameView& dst,
                               const StandardiseSettings& settings);
  // Device time of the last process() on the GPU backend; 0 on the CPU or without timestamps.
  [[nodiscard]] std::uint64_t last_gpu_ns() const noexcept { return last_gpu_ns_; }
  [[nodiscard]] Backend backend() const noexcept { return backend_; }
  // Whether the last process() on the GPU backend copied the frame through staging memory
  // on the CPU (in or out); false when both frames lay in gpu::HostFrameMemory and the
  // device read and wrote them in place. Always false on the CPU backend.
  [[nodiscard]] bool last_staged() const noexcept { return last_staged_; }

 protected:
  explicit Standardiser(Backend backend) noexcept : backend_(backend) {}
  // Called after the common checks; `correction_` is set when the mode needs it.
  [[nodiscard]] virtual Status run(const ConstFrameView& src, const FrameView& dst,
                                   const StandardiseSettings& settings) = 0;
  [[nodiscard]] virtual Status correction_changed() { return {}; }

  std::optional<PreparedCorrection> correction_;
  std::uint64_t last_gpu_ns_ = 0;
  bool last_staged_ = false;

 private:
  Backend backend_ = Backend::invalid;
};

// Checks shared by every backend and the reference.
[[nodiscard]] Status check_standardise_args(const ConstFrameView& src, const FrameView& dst,
                                            const StandardiseSettings& settings,
                                            bool have_correction);

}  // namespace clinvid::colour
