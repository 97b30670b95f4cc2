#include "core/json.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace clinvid {

namespace detail {
std::string json_type_error(std::string_view where, std::string_view key, std::string_view expected,
                            const Json& got) {
  return "at " + std::string(where) + "/" + std::string(key) + ": expected " +
         std::string(expected) + ", got " + got.type_name();
}
}  // namespace detail

Result<Json> parse_json(std::string_view text) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    return fail(Errc::corrupt,
                "json parse error at byte " + std::to_string(e.byte) + ": " + e.what());
  }
}

Result<Json> read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::not_found, "cannot open " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  auto parsed = parse_json(buffer.str());
  if (!parsed) return with_context(parsed.error(), path.string());
  return parsed;
}

Status write_json_file_atomic(const std::filesystem::path& path, const Json& value) {
  const std::string text = value.dump(2) + "\n";
  const std::filesystem::path tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail(Errc::io, "open " + tmp.string() + ": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail(err == ENOSPC ? Errc::no_space : Errc::io,
                  "write " + tmp.string() + ": " + std::strerror(err));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return fail(Errc::io, "fsync " + tmp.string() + ": " + std::strerror(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return fail(Errc::io, "rename to " + path.string() + ": " + std::strerror(err));
  }
  return {};
}

Json to_json(const Rational& r) {
  return r.to_string();
}
Json to_json(const Time& t) {
  return t.to_string();
}

Result<Rational> rational_from_json(const Json& value, std::string_view where) {
  if (!value.is_string()) {
    return fail(Errc::corrupt, "at " + std::string(where) + ": expected a \"N/D\" string");
  }
  auto r = Rational::parse(value.get<std::string>());
  if (!r) return fail(Errc::corrupt, "at " + std::string(where) + ": " + r.error().detail);
  return r;
}

Result<Time> time_from_json(const Json& value, std::string_view where) {
  if (!value.is_string()) {
    return fail(Errc::corrupt, "at " + std::string(where) + ": expected a \"V*N/D\" string");
  }
  const std::string text = value.get<std::string>();
  const auto star = text.find('*');
  if (star == std::string::npos) {
    return fail(Errc::corrupt, "at " + std::string(where) + ": expected V*N/D, got '" + text + "'");
  }
  std::int64_t ticks = 0;
  const char* begin = text.data();
  const auto [ptr, ec] = std::from_chars(begin, begin + star, ticks);
  if (ec != std::errc() || ptr != begin + star || star == 0) {
    return fail(Errc::corrupt, "at " + std::string(where) + ": bad tick count in '" + text + "'");
  }
  auto tb = Rational::parse(std::string_view(text).substr(star + 1));
  if (!tb) return fail(Errc::corrupt, "at " + std::string(where) + ": " + tb.error().detail);
  return Time(ticks, *tb);
}

}  // namespace clinvid
