// Internal to engine/timeline: typed access to JSON object members with errors located by a
// "$.a.b[2].c" path (the form the project-file errors use).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "core/rational.hpp"
#include "core/result.hpp"
#include "render/composition.hpp"

namespace clinvid::timeline::detail {

// "V*N/D" (the form core/json writes) with a located error.
[[nodiscard]] Result<Time> parse_time_text(std::string_view text, std::string_view path);
[[nodiscard]] std::string colour_text(render::Rgba8 c);  // "#rrggbbaa"

class Fields {
 public:
  // corrupt unless `value` is an object.
  [[nodiscard]] static Result<Fields> of(const Json& value, std::string path);

  [[nodiscard]] std::string path(std::string_view key) const;
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] bool has(std::string_view key) const;

  [[nodiscard]] Result<std::string> string(std::string_view key) const;
  [[nodiscard]] Result<std::string> string_or(std::string_view key, std::string fallback) const;
  [[nodiscard]] Result<double> number(std::string_view key) const;
  [[nodiscard]] Result<double> number_or(std::string_view key, double fallback) const;
  [[nodiscard]] Result<std::int64_t> integer(std::string_view key) const;
  [[nodiscard]] Result<std::int64_t> integer_or(std::string_view key, std::int64_t fallback) const;
  [[nodiscard]] Result<Time> time(std::string_view key) const;
  [[nodiscard]] Result<std::optional<Time>> optional_time(std::string_view key) const;
  [[nodiscard]] Result<Rational> rational(std::string_view key) const;
  [[nodiscard]] Result<render::Rgba8> colour_or(std::string_view key, render::Rgba8 fallback) const;
  [[nodiscard]] Result<Fields> object(std::string_view key) const;
  // The member as an array; an empty array when absent.
  [[nodiscard]] Result<const Json*> array_or_empty(std::string_view key) const;

 private:
  Fields(const Json& value, std::string path) : value_(&value), path_(std::move(path)) {}
  Result<const Json*> member(std::string_view key) const;
  const Json* value_;
  std::string path_;
};

}  // namespace clinvid::timeline::detail
