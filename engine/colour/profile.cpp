#include "colour/profile.hpp"

#include <cctype>
#include <vector>

namespace clinvid::colour {
namespace {

std::string sub(std::string_view where, std::string_view key) {
  return std::string(where) + "/" + std::string(key);
}

tl::unexpected<Error> corrupt(std::string_view where, std::string_view what) {
  return fail(Errc::corrupt,
              "at " + std::string(where.empty() ? "/" : where) + ": " + std::string(what));
}

// A JSON array of exactly n numbers.
Result<std::vector<double>> numbers(const Json& v, std::size_t n, std::string_view where) {
  if (!v.is_array() || v.size() != n) {
    return corrupt(where, "expected an array of " + std::to_string(n) + " numbers");
  }
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i) {
    if (!v[i].is_number()) {
      return corrupt(sub(where, std::to_string(i)),
                     std::string("expected number, got ") + v[i].type_name());
    }
    out.push_back(v[i].get<double>());
  }
  return out;
}

Result<const Json*> member(const Json& object, std::string_view key, std::string_view where) {
  auto got = json_get<Json>(object, key, where);
  if (!got) return tl::unexpected(got.error());
  return &object.at(std::string(key));
}

Json stats_to_json(const DeltaEStats& s) {
  return {{"delta_e00_mean", s.mean},
          {"delta_e00_max", s.max},
          {"per_patch", Json(std::vector<double>(s.per_patch.begin(), s.per_patch.end()))}};
}

Result<DeltaEStats> stats_from_json(const Json& j, std::string_view where) {
  DeltaEStats s;
  auto mean = json_get<double>(j, "delta_e00_mean", where);
  if (!mean) return tl::unexpected(mean.error());
  auto max = json_get<double>(j, "delta_e00_max", where);
  if (!max) return tl::unexpected(max.error());
  auto per = member(j, "per_patch", where);
  if (!per) return tl::unexpected(per.error());
  auto values = numbers(**per, kPatchCount, sub(where, "per_patch"));
  if (!values) return tl::unexpected(values.error());
  s.mean = *mean;
  s.max = *max;
  std::copy(values->begin(), values->end(), s.per_patch.begin());
  return s;
}

bool is_iso8601_utc(const std::string& t) {
  // YYYY-MM-DDTHH:MM:SSZ
  if (t.size() != 20) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    const bool ok = i == 4 || i == 7     ? c == '-'
                    : i == 10            ? c == 'T'
                    : i == 13 || i == 16 ? c == ':'
                    : i == 19            ? c == 'Z'
                                         : std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (!ok) return false;
  }
  return true;
}

bool is_sha256_hex(const std::string& h) {
  if (h.empty()) return true;
  if (h.size() != 64) return false;
  for (const char c : h) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

// Reads a string member and parses it with `parse`; the error names the member.
template <class T, class Parse>
Result<T> enum_member(const Json& object, std::string_view key, std::string_view where,
                      Parse parse) {
  auto text = json_get<std::string>(object, key, where);
  if (!text) return tl::unexpected(text.error());
  auto value = parse(*text);
  if (!value) return corrupt(sub(where, key), value.error().detail);
  return *value;
}

#define PROFILE_TRY(var, expr) \
  auto var = (expr);           \
  if (!var) return tl::unexpected(std::move(var).error())

Result<DetectionMethod> parse_method(std::string_view name) {
  for (const DetectionMethod m :
       {DetectionMethod::mcc, DetectionMethod::grid, DetectionMethod::manual}) {
    if (name == to_string(m)) return m;
  }
  return fail(Errc::invalid_argument, "unknown detection method \"" + std::string(name) + "\"");
}

Result<CalibrationProfile> load_v1(const Json& j) {
  CalibrationProfile p;
  PROFILE_TRY(camera, json_get<std::string>(j, "camera_id", ""));
  PROFILE_TRY(created, json_get<std::string>(j, "created_utc", ""));
  if (!is_iso8601_utc(*created)) {
    return corrupt("/created_utc", "expected an ISO 8601 UTC time YYYY-MM-DDTHH:MM:SSZ");
  }
  PROFILE_TRY(reference, enum_member<ReferenceSet>(j, "reference_set", "", parse_reference_set));
  PROFILE_TRY(hash, json_get<std::string>(j, "chart_frame_sha256", ""));
  if (!is_sha256_hex(*hash)) {
    return corrupt("/chart_frame_sha256", "expected 64 lowercase hex digits or \"\"");
  }
  p.camera_id = *camera;
  p.created_utc = *created;
  p.reference = *reference;
  p.chart_frame_sha256 = *hash;

  PROFILE_TRY(det, member(j, "detection", ""));
  PROFILE_TRY(method, enum_member<DetectionMethod>(**det, "method", "/detection", parse_method));
  PROFILE_TRY(confidence, json_get<double>(**det, "confidence", "/detection"));
  PROFILE_TRY(mirrored, json_get<bool>(**det, "mirrored", "/detection"));
  PROFILE_TRY(corners, member(**det, "corners", "/detection"));
  if (!(*corners)->is_array() || (*corners)->size() != 4) {
    return corrupt("/detection/corners", "expected 4 corners");
  }
  for (std::size_t k = 0; k < 4; ++k) {
    PROFILE_TRY(xy, numbers((**corners)[k], 2, "/detection/corners/" + std::to_string(k)));
    p.corners[k] = {(*xy)[0], (*xy)[1]};
  }
  p.detection_method = *method;
  p.detection_confidence = *confidence;
  p.mirrored = *mirrored;

  PROFILE_TRY(lin, member(j, "linearisation", ""));
  PROFILE_TRY(kind, enum_member<LinearisationKind>(**lin, "kind", "/linearisation",
                                                   parse_linearisation_kind));
  PROFILE_TRY(curve,
              enum_member<TransferCurve>(**lin, "curve", "/linearisation", parse_transfer_curve));
  PROFILE_TRY(coeffs, member(**lin, "coefficients", "/linearisation"));
  if (!(*coeffs)->is_array() || (*coeffs)->size() != 3) {
    return corrupt("/linearisation/coefficients", "expected 3 rows (R, G, B)");
  }
  p.correction.linearisation.kind = *kind;
  p.correction.linearisation.curve = *curve;
  for (std::size_t c = 0; c < 3; ++c) {
    PROFILE_TRY(row, numbers((**coeffs)[c], 5, "/linearisation/coefficients/" + std::to_string(c)));
    std::copy(row->begin(), row->end(), p.correction.linearisation.coefficients[c].begin());
  }

  PROFILE_TRY(wb_json, member(j, "white_balance", ""));
  PROFILE_TRY(wb, numbers(**wb_json, 3, "/white_balance"));
  std::copy(wb->begin(), wb->end(), p.correction.white_balance.begin());

  PROFILE_TRY(model, member(j, "model", ""));
  PROFILE_TRY(model_kind, enum_member<ModelKind>(**model, "kind", "/model", parse_model_kind));
  PROFILE_TRY(matrix, member(**model, "matrix", "/model"));
  if (!(*matrix)->is_array() || (*matrix)->size() != 3) {
    return corrupt("/model/matrix", "expected 3 rows (R, G, B)");
  }
  p.correction.model.kind = *model_kind;
  const std::size_t terms = term_count(*model_kind);
  for (std::size_t r = 0; r < 3; ++r) {
    PROFILE_TRY(row, numbers((**matrix)[r], terms, "/model/matrix/" + std::to_string(r)));
    p.correction.model.m[r] = {};
    std::copy(row->begin(), row->end(), p.correction.model.m[r].begin());
  }
  PROFILE_TRY(output, json_get<std::string>(j, "output", ""));
  if (*output != "srgb") return corrupt("/output", "only \"srgb\" output is defined");

  PROFILE_TRY(report, member(j, "report", ""));
  PROFILE_TRY(fit_json, member(**report, "fit", "/report"));
  PROFILE_TRY(fit, stats_from_json(**fit_json, "/report/fit"));
  p.fit = *fit;
  PROFILE_TRY(loo_json, member(**report, "leave_one_out", "/report"));
  if (!(*loo_json)->is_null()) {
    PROFILE_TRY(loo, stats_from_json(**loo_json, "/report/leave_one_out"));
    p.leave_one_out = *loo;
  }
  PROFILE_TRY(used, member(**report, "patches_used", "/report"));
  if (!(*used)->is_array() || (*used)->size() != kPatchCount) {
    return corrupt("/report/patches_used", "expected 24 booleans");
  }
  for (std::size_t i = 0; i < kPatchCount; ++i) {
    if (!(**used)[i].is_boolean()) {
      return corrupt("/report/patches_used/" + std::to_string(i), "expected boolean");
    }
    p.patches_used[i] = (**used)[i].get<bool>();
  }
  return p;
}

#undef PROFILE_TRY

}  // namespace

Json profile_to_json(const CalibrationProfile& p) {
  Json corners = Json::array();
  for (const Point2& c : p.corners) corners.push_back({c.x, c.y});
  Json coefficients = Json::array();
  for (const auto& row : p.correction.linearisation.coefficients) {
    coefficients.push_back(std::vector<double>(row.begin(), row.end()));
  }
  Json matrix = Json::array();
  const std::size_t terms = term_count(p.correction.model.kind);
  for (const auto& row : p.correction.model.m) {
    matrix.push_back(std::vector<double>(row.begin(), row.begin() + static_cast<long>(terms)));
  }
  Json used = Json::array();
  for (const bool u : p.patches_used) used.push_back(u);
  return {
      {"schema", kCalibrationSchemaV1},
      {"camera_id", p.camera_id},
      {"created_utc", p.created_utc},
      {"reference_set", to_string(p.reference)},
      {"chart_frame_sha256", p.chart_frame_sha256},
      {"detection",
       {{"method", to_string(p.detection_method)},
        {"confidence", p.detection_confidence},
        {"mirrored", p.mirrored},
        {"corners", corners}}},
      {"linearisation",
       {{"kind", to_string(p.correction.linearisation.kind)},
        {"curve", to_string(p.correction.linearisation.curve)},
        {"coefficients", coefficients}}},
      {"white_balance",
       std::vector<double>(p.correction.white_balance.begin(), p.correction.white_balance.end())},
      {"model", {{"kind", to_string(p.correction.model.kind)}, {"matrix", matrix}}},
      {"output", "srgb"},
      {"report",
       {{"fit", stats_to_json(p.fit)},
        {"leave_one_out", p.leave_one_out ? stats_to_json(*p.leave_one_out) : Json(nullptr)},
        {"patches_used", used}}},
  };
}

Result<CalibrationProfile> profile_from_json(const Json& json) {
  auto schema = json_get<std::string>(json, "schema", "");
  if (!schema) return tl::unexpected(schema.error());
  if (*schema == kCalibrationSchemaV1) return load_v1(json);
  return fail(Errc::unsupported, "at /schema: unknown calibration profile schema \"" + *schema +
                                     "\" (this build reads " + std::string(kCalibrationSchemaV1) +
                                     ")");
}

Status save_profile(const std::filesystem::path& path, const CalibrationProfile& profile) {
  return write_json_file_atomic(path, profile_to_json(profile));
}

Result<CalibrationProfile> load_profile(const std::filesystem::path& path) {
  auto json = read_json_file(path);
  if (!json) return tl::unexpected(json.error());
  auto profile = profile_from_json(*json);
  if (!profile) return with_context(profile.error(), path.string());
  return profile;
}

}  // namespace clinvid::colour
