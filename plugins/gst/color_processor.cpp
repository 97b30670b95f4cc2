#include "color_processor.h"

#include <utility>

namespace clinvid::gst {

colour::Standardiser::Backend resolve_backend(BackendChoice choice,
                                              const gpu::Context* context) noexcept {
  using Backend = colour::Standardiser::Backend;
  switch (choice) {
    case BackendChoice::gpu: return Backend::gpu;
    case BackendChoice::cpu: return Backend::cpu;
    case BackendChoice::automatic:
    case BackendChoice::invalid: break;
  }
  if (context == nullptr) return Backend::cpu;
  return context->info().type == VK_PHYSICAL_DEVICE_TYPE_CPU ? Backend::cpu : Backend::gpu;
}

const char* to_string(colour::Standardiser::Backend backend) noexcept {
  switch (backend) {
    case colour::Standardiser::Backend::gpu: return "gpu";
    case colour::Standardiser::Backend::cpu: return "cpu";
    case colour::Standardiser::Backend::invalid: break;
  }
  return "none";
}

Status ColorProcessor::start(BackendChoice choice) {
  stop();
  std::shared_ptr<gpu::Context> context;
  if (choice != BackendChoice::cpu) {
    auto shared = gpu::Context::shared();
    if (shared) {
      context = std::move(*shared);
    } else if (choice == BackendChoice::gpu) {
      return with_context(shared.error(), "backend=gpu needs a Vulkan device");
    }
  }
  const colour::Standardiser::Backend backend = resolve_backend(choice, context.get());
  auto standardiser = colour::Standardiser::create(backend, context);
  if (!standardiser) return tl::unexpected(standardiser.error());
  context_ = std::move(context);
  standardiser_ = std::move(*standardiser);
  if (profile_) {
    if (auto s = standardiser_->set_correction(profile_->correction); !s) return s;
  }
  return {};
}

void ColorProcessor::stop() noexcept {
  standardiser_.reset();
  context_.reset();
}

Status ColorProcessor::load_profile(const std::string& path) {
  profile_.reset();
  if (path.empty()) return {};
  auto profile = colour::load_profile(path);
  if (!profile) return with_context(profile.error(), "calibration profile " + path);
  if (standardiser_) {
    if (auto s = standardiser_->set_correction(profile->correction); !s) {
      return with_context(s.error(), "calibration profile " + path);
    }
  }
  profile_ = std::move(*profile);
  return {};
}

Status ColorProcessor::process(const ConstFrameView& src, const FrameView& dst,
                               const colour::StandardiseSettings& settings) {
  if (!standardiser_) return fail(Errc::internal, "the standardiser is not running");
  return standardiser_->process(src, dst, settings);
}

std::uint64_t ColorProcessor::last_gpu_ns() const noexcept {
  return standardiser_ ? standardiser_->last_gpu_ns() : 0;
}

bool ColorProcessor::last_staged() const noexcept {
  return standardiser_ && standardiser_->last_staged();
}

std::shared_ptr<gpu::Context> ColorProcessor::gpu_context() const {
  return backend() == colour::Standardiser::Backend::gpu ? context_ : nullptr;
}

colour::Standardiser::Backend ColorProcessor::backend() const noexcept {
  return standardiser_ ? standardiser_->backend() : colour::Standardiser::Backend::invalid;
}

std::string ColorProcessor::device_name() const {
  return context_ ? context_->info().name : std::string();
}

std::string ColorProcessor::device_reason() const {
  return context_ ? context_->choice().reason : std::string();
}

}  // namespace clinvid::gst
