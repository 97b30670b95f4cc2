#include "consent/json_fields.hpp"

namespace clinvid::consent::detail {

std::string pointer(std::string_view where, std::string_view key) {
  std::string out(where);
  out += '/';
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string pointer(std::string_view where, std::size_t index) {
  return std::string(where) + "/" + std::to_string(index);
}

tl::unexpected<Error> corrupt_at(std::string_view where, std::string_view what) {
  return fail(Errc::corrupt,
              "at " + std::string(where.empty() ? "/" : where) + ": " + std::string(what));
}

Status require_object(const Json& value, std::string_view where) {
  if (!value.is_object()) {
    return corrupt_at(where, std::string("expected an object, got ") + value.type_name());
  }
  return {};
}

Status check_fields(const Json& object, std::string_view where,
                    std::initializer_list<std::string_view> known) {
  if (auto ok = require_object(object, where); !ok) return ok;
  for (const auto& [key, value] : object.items()) {
    bool found = false;
    for (const std::string_view name : known) found = found || name == key;
    if (!found) return corrupt_at(pointer(where, key), "unknown field");
  }
  return {};
}

Result<std::string> get_string(const Json& object, std::string_view key, std::string_view where) {
  return json_get<std::string>(object, key, where);
}

Result<std::string> get_string_or(const Json& object, std::string_view key,
                                  std::string_view where) {
  return json_get_or<std::string>(object, key, where, std::string());
}

Result<Date> get_date(const Json& object, std::string_view key, std::string_view where) {
  if (!object.contains(key)) return corrupt_at(pointer(where, key), "required field is missing");
  return date_from_json(object.at(key), pointer(where, key));
}

Result<std::optional<Date>> get_optional_date(const Json& object, std::string_view key,
                                              std::string_view where) {
  if (!object.contains(key)) return std::optional<Date>();
  auto date = date_from_json(object.at(key), pointer(where, key));
  if (!date) return tl::unexpected(date.error());
  return std::optional<Date>(*date);
}

}  // namespace clinvid::consent::detail
