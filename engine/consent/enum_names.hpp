// Internal to engine/consent: one table per enum gives its stable JSON spelling, so
// to_string, parse and "expected one of" messages never disagree. Not installed; not for
// other modules.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace clinvid::consent::detail {

template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

template <class E, std::size_t N>
std::string_view name_of(const EnumName<E> (&table)[N], E value) noexcept {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "invalid";
}

template <class E, std::size_t N>
std::string expected_names(const EnumName<E> (&table)[N]) {
  std::string out;
  for (const auto& entry : table) {
    if (!out.empty()) out += ", ";
    out += entry.name;
  }
  return out;
}

// Errc::invalid_argument naming `what` and every accepted spelling.
template <class E, std::size_t N>
Result<E> parse_name(const EnumName<E> (&table)[N], std::string_view text, std::string_view what) {
  for (const auto& entry : table) {
    if (entry.name == text) return entry.value;
  }
  return fail(Errc::invalid_argument, "unknown " + std::string(what) + " '" + std::string(text) +
                                          "' (expected one of: " + expected_names(table) + ")");
}

}  // namespace clinvid::consent::detail
