#include "colour/calibrate.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <limits>
#include <optional>

#include <sodium.h>

namespace clinvid::colour {
namespace {

std::vector<FitOptions> candidates(const CalibrationOptions& o) {
  FitOptions base;
  base.reference = o.reference;
  base.model = o.model;
  base.polynomial_degree = o.polynomial_degree;
  base.validation = o.validation;
  auto with = [&](LinearisationKind kind, TransferCurve curve) {
    FitOptions f = base;
    f.linearisation = kind;
    f.curve = curve;
    return f;
  };
  const FitOptions polynomial = with(LinearisationKind::polynomial, TransferCurve::linear);
  const FitOptions power = with(LinearisationKind::power, TransferCurve::linear);
  const FitOptions exponential = with(LinearisationKind::exponential, TransferCurve::linear);
  const FitOptions srgb = with(LinearisationKind::standard, TransferCurve::srgb);
  const FitOptions bt709 = with(LinearisationKind::standard, TransferCurve::bt709);
  const FitOptions bt1886 = with(LinearisationKind::standard, TransferCurve::bt1886);
  switch (o.linearisation) {
    case LinearisationChoice::automatic:
      return {polynomial, power, exponential, srgb, bt709, bt1886};
    case LinearisationChoice::polynomial: return {polynomial};
    case LinearisationChoice::power: return {power};
    case LinearisationChoice::exponential: return {exponential};
    case LinearisationChoice::srgb: return {srgb};
    case LinearisationChoice::bt709: return {bt709};
    case LinearisationChoice::bt1886: return {bt1886};
    case LinearisationChoice::invalid: break;
  }
  return {};
}

double selection_score(const FitResult& r) {
  return r.leave_one_out ? r.leave_one_out->mean : r.fit.mean;
}

}  // namespace

std::string_view to_string(LinearisationChoice choice) noexcept {
  switch (choice) {
    case LinearisationChoice::automatic: return "automatic";
    case LinearisationChoice::polynomial: return "polynomial";
    case LinearisationChoice::power: return "power";
    case LinearisationChoice::exponential: return "exponential";
    case LinearisationChoice::srgb: return "srgb";
    case LinearisationChoice::bt709: return "bt709";
    case LinearisationChoice::bt1886: return "bt1886";
    case LinearisationChoice::invalid: break;
  }
  return "invalid";
}

std::array<bool, kPatchCount> usable_patches(const ChartDetection& chart,
                                             const CalibrationOptions& options) {
  std::array<bool, kPatchCount> usable{};
  for (std::size_t i = 0; i < kPatchCount; ++i) {
    const PatchSample& p = chart.patches[i];
    usable[i] = p.clipped_fraction <= options.max_clipped_fraction &&
                std::max({p.rgb[0], p.rgb[1], p.rgb[2]}) < options.max_signal;
  }
  return usable;
}

Result<CalibrationProfile> calibrate(const ChartDetection& chart,
                                     const CalibrationOptions& options) {
  const std::vector<FitOptions> fits = candidates(options);
  if (fits.empty()) return fail(Errc::invalid_argument, "no linearisation chosen");
  std::array<Vec3, kPatchCount> signal{};
  for (std::size_t i = 0; i < kPatchCount; ++i) signal[i] = chart.patches[i].rgb;
  const std::array<bool, kPatchCount> usable = usable_patches(chart, options);

  // Every candidate is fitted once; leave-one-out (24 refits) runs only for the two with the
  // lowest fit error, and decides between them: a curve that bends to the noise of six
  // neutrals fits well and validates badly.
  std::vector<std::pair<double, FitOptions>> ranked;
  std::optional<Error> first_error;
  for (FitOptions f : fits) {
    f.validation = Validation::none;
    auto r = fit_correction(signal, usable, f);
    if (!r) {
      if (!first_error) first_error = r.error();
      continue;
    }
    ranked.emplace_back(r->fit.mean, f);
  }
  std::sort(ranked.begin(), ranked.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  if (ranked.size() > 2) ranked.resize(2);
  std::optional<FitResult> best;
  for (auto& [score, f] : ranked) {
    f.validation = options.validation;
    auto r = fit_correction(signal, usable, f);
    if (!r) continue;
    if (!best || selection_score(*r) < selection_score(*best)) best = std::move(*r);
  }
  if (!best && !first_error) first_error = Error{Errc::invalid_argument, "no candidate fitted"};
  if (!best) return with_context(*first_error, "calibration");

  CalibrationProfile p;
  p.camera_id = options.camera_id;
  p.created_utc = options.created_utc.empty() ? utc_now_iso8601() : options.created_utc;
  p.reference = options.reference;
  p.detection_method = chart.method;
  p.detection_confidence = chart.confidence;
  p.mirrored = chart.mirrored;
  p.corners = chart.corners;
  p.correction = best->correction;
  p.fit = best->fit;
  p.leave_one_out = best->leave_one_out;
  p.patches_used = best->used;
  return p;
}

namespace {

// The profile of a chart found (or sampled) in `rgba`, stamped with the frame's hash.
Result<CalibrationProfile> calibrate_found(const ConstFrameView& rgba,
                                           const Result<ChartDetection>& chart,
                                           const CalibrationOptions& options) {
  if (!chart) return tl::unexpected(chart.error());
  auto hash = frame_sha256(rgba);
  if (!hash) return tl::unexpected(hash.error());
  auto profile = calibrate(*chart, options);
  if (profile) profile->chart_frame_sha256 = *hash;
  return profile;
}

}  // namespace

Result<CalibrationProfile> calibrate_frame(const ConstFrameView& rgba,
                                           const CalibrationOptions& options,
                                           const DetectOptions& detect) {
  return calibrate_found(rgba, detect_chart(rgba, detect), options);
}

Result<CalibrationProfile> calibrate_frame_at(const ConstFrameView& rgba,
                                              const ChartCorners& manual_corners,
                                              const CalibrationOptions& options) {
  return calibrate_found(rgba, sample_chart(rgba, manual_corners), options);
}

Result<std::string> frame_sha256(const ConstFrameView& frame) {
  if (auto ok = validate(frame); !ok) return tl::unexpected(ok.error());
  if (sodium_init() < 0) return fail(Errc::crypto, "libsodium failed to initialise");
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  const std::string header = std::string(to_string(frame.format)) + " " +
                             std::to_string(frame.width) + "x" + std::to_string(frame.height) +
                             "\n";
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(header.data()),
                            header.size());
  for (int plane = 0; plane < plane_count(frame.format); ++plane) {
    const auto i = static_cast<std::size_t>(plane);
    const PlaneExtent e = plane_extent(frame.format, frame.width, frame.height, plane);
    for (std::uint32_t row = 0; row < e.rows; ++row) {
      crypto_hash_sha256_update(&state, frame.planes[i] + row * frame.strides[i], e.row_bytes);
    }
  }
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_final(&state, digest.data());
  std::array<char, 2 * crypto_hash_sha256_BYTES + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data());
}

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::array<char, 32> text{};
  const std::size_t n = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(text.data(), n);
}

}  // namespace clinvid::colour
