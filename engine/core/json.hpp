// JSON helpers on nlohmann::json: parsing that reports where a document is broken, and
// typed field access that reports which field was wrong, by JSON pointer. Used by project
// files, calibration profiles, manifests and policy files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/rational.hpp"
#include "core/result.hpp"

namespace clinvid {

using Json = nlohmann::json;

// Errc::corrupt with the byte offset of the first problem.
[[nodiscard]] Result<Json> parse_json(std::string_view text);
[[nodiscard]] Result<Json> read_json_file(const std::filesystem::path& path);
// Writes to a temporary beside `path`, fsyncs, then renames over it, so a crash leaves
// either the old file or the new one. For configuration only: patient data is encrypted.
[[nodiscard]] Status write_json_file_atomic(const std::filesystem::path& path, const Json& value);

// The member `key` of `object` as T. `where` is the JSON pointer of `object`, used in the
// error ("at /tracks/2/speed: expected number").
template <class T>
[[nodiscard]] Result<T> json_get(const Json& object, std::string_view key, std::string_view where);

// The same, but `fallback` when the member is absent (a present member of the wrong type
// is still an error).
template <class T>
[[nodiscard]] Result<T> json_get_or(const Json& object, std::string_view key,
                                    std::string_view where, T fallback);

// Rational and Time travel as strings: "30000/1001" and "1001*1/30000".
[[nodiscard]] Json to_json(const Rational& r);
[[nodiscard]] Json to_json(const Time& t);
[[nodiscard]] Result<Rational> rational_from_json(const Json& value, std::string_view where);
[[nodiscard]] Result<Time> time_from_json(const Json& value, std::string_view where);

namespace detail {
std::string json_type_error(std::string_view where, std::string_view key, std::string_view expected,
                            const Json& got);
template <class T>
constexpr std::string_view json_type_name() {
  if constexpr (std::is_same_v<T, bool>)
    return "boolean";
  else if constexpr (std::is_integral_v<T>)
    return "integer";
  else if constexpr (std::is_floating_point_v<T>)
    return "number";
  else if constexpr (std::is_same_v<T, std::string>)
    return "string";
  else if constexpr (std::is_same_v<T, Json>)
    return "value";
  else
    return "value of the right shape";
}
template <class T>
bool json_is(const Json& v) {
  if constexpr (std::is_same_v<T, bool>)
    return v.is_boolean();
  else if constexpr (std::is_unsigned_v<T>)
    return v.is_number_unsigned();
  else if constexpr (std::is_integral_v<T>)
    return v.is_number_integer();
  else if constexpr (std::is_floating_point_v<T>)
    return v.is_number();
  else if constexpr (std::is_same_v<T, std::string>)
    return v.is_string();
  else
    return true;
}
}  // namespace detail

template <class T>
Result<T> json_get(const Json& object, std::string_view key, std::string_view where) {
  if (!object.is_object()) {
    return fail(Errc::corrupt,
                "at " + std::string(where.empty() ? "/" : where) + ": expected an object");
  }
  const auto it = object.find(key);
  if (it == object.end()) {
    return fail(Errc::corrupt, "at " + std::string(where) + "/" + std::string(key) +
                                   ": required field is missing");
  }
  if (!detail::json_is<T>(*it)) {
    return fail(Errc::corrupt,
                detail::json_type_error(where, key, detail::json_type_name<T>(), *it));
  }
  try {
    return it->template get<T>();
  } catch (const nlohmann::json::exception& e) {
    return fail(Errc::corrupt,
                "at " + std::string(where) + "/" + std::string(key) + ": " + e.what());
  }
}

template <class T>
Result<T> json_get_or(const Json& object, std::string_view key, std::string_view where,
                      T fallback) {
  if (object.is_object() && !object.contains(key)) return fallback;
  return json_get<T>(object, key, where);
}

}  // namespace clinvid
