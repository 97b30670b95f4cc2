// The engine side of clinvidcolor, free of GObject: the Vulkan device (when used), the
// colour::Standardiser, the loaded calibration profile and the choice of backend.
//
// Threading: start()/stop() run from GstBaseTransform's start/stop, everything else on the
// streaming thread; GstBaseTransform never runs them concurrently, so there is no lock here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "colour/profile.hpp"
#include "colour/standardiser.hpp"
#include "core/frame.hpp"
#include "core/result.hpp"
#include "gpu/context.hpp"

namespace clinvid::gst {

enum class BackendChoice {
  invalid = 0,
  automatic,  // see resolve_backend
  gpu,
  cpu,
};

// What `backend=auto` means: the GPU shaders, unless the Vulkan device is itself a CPU
// (Mesa's lavapipe), where the engine's CPU path is faster, or there is no device at all.
// `context` is null when no Vulkan device could be opened. The one place to change auto.
[[nodiscard]] colour::Standardiser::Backend resolve_backend(BackendChoice choice,
                                                            const gpu::Context* context) noexcept;

[[nodiscard]] const char* to_string(colour::Standardiser::Backend backend) noexcept;

class ColorProcessor {
 public:
  // Opens the process's Vulkan device (not for `cpu`) and creates the standardiser.
  // Errc::gpu / Errc::unsupported when `gpu` was asked for and there is no device.
  [[nodiscard]] Status start(BackendChoice choice);
  void stop() noexcept;
  [[nodiscard]] bool started() const noexcept { return standardiser_ != nullptr; }

  // Loads the profile at `path` and makes its correction current; an empty path drops the
  // profile. On failure the previous profile is dropped too, so a bad file never leaves a
  // stale correction running. The error names the file and the problem.
  [[nodiscard]] Status load_profile(const std::string& path);
  [[nodiscard]] bool has_profile() const noexcept { return profile_.has_value(); }

  [[nodiscard]] Status process(const ConstFrameView& src, const FrameView& dst,
                               const colour::StandardiseSettings& settings);

  [[nodiscard]] std::uint64_t last_gpu_ns() const noexcept;
  // Whether the last frame on the GPU backend was copied through staging memory on the CPU
  // (it, or the output buffer, was not in gpu::HostFrameMemory).
  [[nodiscard]] bool last_staged() const noexcept;
  // The Vulkan context when the GPU backend runs; null otherwise.
  [[nodiscard]] std::shared_ptr<gpu::Context> gpu_context() const;
  [[nodiscard]] colour::Standardiser::Backend backend() const noexcept;
  // Name of the Vulkan device; empty when none was opened (the cpu backend).
  [[nodiscard]] std::string device_name() const;
  [[nodiscard]] std::string device_reason() const;

 private:
  std::shared_ptr<gpu::Context> context_;
  std::unique_ptr<colour::Standardiser> standardiser_;
  std::optional<colour::CalibrationProfile> profile_;
};

}  // namespace clinvid::gst
