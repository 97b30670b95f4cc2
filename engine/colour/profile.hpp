// Calibration profiles: everything needed to standardise a camera's video and to audit how
// well it was done, stored with every recording that used it.
//
// JSON, schema "clinvid.calibration/1" (one loader per version; a new field that changes
// meaning is a new version, loaded beside the old one):
//   { "schema": "clinvid.calibration/1",
//     "camera_id": "theatre-2/cam-a", "created_utc": "2025-01-31T12:34:56Z",
//     "reference_set": "colorchecker24_after_nov2014",
//     "chart_frame_sha256": "<64 hex>",            // "" when built from patch values alone
//     "detection": { "method": "mcc", "confidence": 0.97, "mirrored": false,
//                    "corners": [[x, y] x4] },     // chart order, see chart.hpp
//     "linearisation": { "kind": "polynomial", "curve": "linear",
//                        "coefficients": [[c1, c2, c3, x_lo, black] x3] },
//     "white_balance": [r, g, b],
//     "model": { "kind": "root_polynomial2", "matrix": [[... term_count ...] x3] },
//     "output": "srgb",
//     "report": { "fit": { "delta_e00_mean", "delta_e00_max", "per_patch": [24] },
//                 "leave_one_out": { same } | null,
//                 "patches_used": [24 booleans] } }
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "colour/chart.hpp"
#include "colour/fit.hpp"
#include "colour/model.hpp"
#include "colour/reference.hpp"
#include "core/json.hpp"
#include "core/result.hpp"

namespace clinvid::colour {

inline constexpr std::string_view kCalibrationSchemaV1 = "clinvid.calibration/1";

struct CalibrationProfile {
  std::string camera_id;
  std::string created_utc;  // ISO 8601 UTC, "YYYY-MM-DDTHH:MM:SSZ"
  ReferenceSet reference = ReferenceSet::colorchecker24_after_2014;
  std::string chart_frame_sha256;  // lowercase hex of the chart frame (see calibrate.hpp)
  DetectionMethod detection_method = DetectionMethod::invalid;
  double detection_confidence = 0.0;
  bool mirrored = false;
  ChartCorners corners{};
  Correction correction;
  DeltaEStats fit;
  std::optional<DeltaEStats> leave_one_out;
  std::array<bool, kPatchCount> patches_used{};
};

[[nodiscard]] Json profile_to_json(const CalibrationProfile& profile);
// Reads any supported schema version. Errc::corrupt naming the JSON pointer of the first bad
// field; Errc::unsupported for an unknown "schema".
[[nodiscard]] Result<CalibrationProfile> profile_from_json(const Json& json);

[[nodiscard]] Status save_profile(const std::filesystem::path& path,
                                  const CalibrationProfile& profile);
[[nodiscard]] Result<CalibrationProfile> load_profile(const std::filesystem::path& path);

}  // namespace clinvid::colour
