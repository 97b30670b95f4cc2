#include "timeline/json_fields.hpp"

#include <charconv>

#include <fmt/format.h>

namespace clinvid::timeline::detail {
namespace {

std::string type_name(const Json& v) {
  return v.type_name();
}

Status wrong_type(const std::string& path, std::string_view expected, const Json& got) {
  return fail(Errc::corrupt,
              path + ": expected " + std::string(expected) + ", got " + type_name(got));
}

bool hex_byte(std::string_view s, std::uint8_t& out) {
  unsigned v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc() || ptr != s.data() + s.size()) return false;
  out = static_cast<std::uint8_t>(v);
  return true;
}

}  // namespace

Result<Time> parse_time_text(std::string_view text, std::string_view path) {
  auto malformed = [&] {
    return fail(Errc::corrupt, std::string(path) + ": malformed time '" + std::string(text) +
                                   "' (expected V*N/D, e.g. 1001*1/30000)");
  };
  const auto star = text.find('*');
  if (star == std::string_view::npos || star == 0) return malformed();
  std::int64_t ticks = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + star, ticks);
  if (ec != std::errc() || ptr != text.data() + star) return malformed();
  auto tb = Rational::parse(text.substr(star + 1));
  if (!tb) return malformed();
  return Time(ticks, *tb);
}

std::string colour_text(render::Rgba8 c) {
  return fmt::format("#{:02x}{:02x}{:02x}{:02x}", c.r, c.g, c.b, c.a);
}

Result<Fields> Fields::of(const Json& value, std::string path) {
  if (!value.is_object()) {
    return fail(Errc::corrupt, path + ": expected an object, got " + type_name(value));
  }
  return Fields(value, std::move(path));
}

std::string Fields::path(std::string_view key) const {
  return path_ + "." + std::string(key);
}

bool Fields::has(std::string_view key) const {
  return value_->contains(key);
}

Result<const Json*> Fields::member(std::string_view key) const {
  const auto it = value_->find(key);
  if (it == value_->end()) return fail(Errc::corrupt, path(key) + ": required field is missing");
  return &*it;
}

Result<std::string> Fields::string(std::string_view key) const {
  auto m = member(key);
  if (!m) return tl::unexpected(m.error());
  if (!(*m)->is_string()) return tl::unexpected(wrong_type(path(key), "a string", **m).error());
  return (*m)->get<std::string>();
}

Result<std::string> Fields::string_or(std::string_view key, std::string fallback) const {
  if (!has(key)) return fallback;
  return string(key);
}

Result<double> Fields::number(std::string_view key) const {
  auto m = member(key);
  if (!m) return tl::unexpected(m.error());
  if (!(*m)->is_number()) return tl::unexpected(wrong_type(path(key), "a number", **m).error());
  return (*m)->get<double>();
}

Result<double> Fields::number_or(std::string_view key, double fallback) const {
  if (!has(key)) return fallback;
  return number(key);
}

Result<std::int64_t> Fields::integer(std::string_view key) const {
  auto m = member(key);
  if (!m) return tl::unexpected(m.error());
  if (!(*m)->is_number_integer()) {
    return tl::unexpected(wrong_type(path(key), "an integer", **m).error());
  }
  if ((*m)->is_number_unsigned() &&
      (*m)->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    return fail(Errc::corrupt, path(key) + ": integer too large");
  }
  return (*m)->get<std::int64_t>();
}

Result<std::int64_t> Fields::integer_or(std::string_view key, std::int64_t fallback) const {
  if (!has(key)) return fallback;
  return integer(key);
}

Result<Time> Fields::time(std::string_view key) const {
  auto s = string(key);
  if (!s) return tl::unexpected(s.error());
  return parse_time_text(*s, path(key));
}

Result<std::optional<Time>> Fields::optional_time(std::string_view key) const {
  if (!has(key)) return std::optional<Time>();
  auto t = time(key);
  if (!t) return tl::unexpected(t.error());
  return std::optional<Time>(*t);
}

Result<Rational> Fields::rational(std::string_view key) const {
  auto s = string(key);
  if (!s) return tl::unexpected(s.error());
  auto r = Rational::parse(*s);
  if (!r) {
    return fail(Errc::corrupt, path(key) + ": malformed rational '" + *s +
                                   "' (expected N or N/D with positive integers, e.g. 30000/1001)");
  }
  return r;
}

Result<render::Rgba8> Fields::colour_or(std::string_view key, render::Rgba8 fallback) const {
  if (!has(key)) return fallback;
  auto s = string(key);
  if (!s) return tl::unexpected(s.error());
  render::Rgba8 c;
  const std::string_view v = *s;
  if (v.size() != 9 || v[0] != '#' || !hex_byte(v.substr(1, 2), c.r) ||
      !hex_byte(v.substr(3, 2), c.g) || !hex_byte(v.substr(5, 2), c.b) ||
      !hex_byte(v.substr(7, 2), c.a)) {
    return fail(Errc::corrupt, path(key) + ": malformed colour '" + *s + "' (expected #rrggbbaa)");
  }
  return c;
}

Result<Fields> Fields::object(std::string_view key) const {
  auto m = member(key);
  if (!m) return tl::unexpected(m.error());
  return of(**m, path(key));
}

Result<const Json*> Fields::array_or_empty(std::string_view key) const {
  static const Json kEmpty = Json::array();
  if (!has(key)) return &kEmpty;
  auto m = member(key);
  if (!m) return m;
  if (!(*m)->is_array()) {
    return tl::unexpected(wrong_type(path(key), "an array", **m).error());
  }
  return m;
}

}  // namespace clinvid::timeline::detail
