// Internal to engine/consent: strict reading of JSON objects for consent records and policy
// files. Every error is Errc::corrupt and starts "at <JSON pointer>:" (RFC 6901), like
// core/json.hpp's json_get. Unknown members are errors: a misspelt field in a policy must
// not be silently ignored.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consent/date.hpp"
#include "core/json.hpp"
#include "core/result.hpp"

namespace clinvid::consent::detail {

// `where` + "/" + `key`, escaping '~' and '/' in the key.
std::string pointer(std::string_view where, std::string_view key);
std::string pointer(std::string_view where, std::size_t index);
tl::unexpected<Error> corrupt_at(std::string_view where, std::string_view what);

Status require_object(const Json& value, std::string_view where);
// Fails on the first member whose name is not in `known`, naming it.
Status check_fields(const Json& object, std::string_view where,
                    std::initializer_list<std::string_view> known);

Result<std::string> get_string(const Json& object, std::string_view key, std::string_view where);
Result<std::string> get_string_or(const Json& object, std::string_view key, std::string_view where);
Result<Date> get_date(const Json& object, std::string_view key, std::string_view where);
Result<std::optional<Date>> get_optional_date(const Json& object, std::string_view key,
                                              std::string_view where);

// A string value parsed by `parse` (one of the parse_* functions), the error re-pointed.
template <class E>
Result<E> enum_value(const Json& value, std::string_view where,
                     Result<E> (*parse)(std::string_view)) {
  if (!value.is_string()) {
    return corrupt_at(where, std::string("expected a string, got ") + value.type_name());
  }
  auto parsed = parse(value.get_ref<const std::string&>());
  if (!parsed) return corrupt_at(where, parsed.error().detail);
  return parsed;
}

template <class E>
Result<E> get_enum(const Json& object, std::string_view key, std::string_view where,
                   Result<E> (*parse)(std::string_view)) {
  if (!object.contains(key)) return corrupt_at(pointer(where, key), "required field is missing");
  return enum_value(object.at(key), pointer(where, key), parse);
}

// A non-empty array of strings each parsed by `parse`; duplicates are errors.
template <class E>
Result<std::vector<E>> enum_list(const Json& value, std::string_view where,
                                 Result<E> (*parse)(std::string_view)) {
  if (!value.is_array() || value.empty()) {
    return corrupt_at(where, "expected a non-empty array of strings");
  }
  std::vector<E> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto item = enum_value(value[i], pointer(where, i), parse);
    if (!item) return tl::unexpected(item.error());
    for (const E& seen : out) {
      if (seen == *item) return corrupt_at(pointer(where, i), "listed twice");
    }
    out.push_back(*item);
  }
  return out;
}

}  // namespace clinvid::consent::detail
