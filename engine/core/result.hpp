// Errors that cross a module boundary are values: Result<T> = tl::expected<T, Error>.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace clinvid {

// Stable error classes. A script may rely on the exit code the CLI derives from these,
// so append only; never renumber.
enum class Errc {
  invalid = 0,        // never produced; the zero value catches uninitialised errors
  invalid_argument,   // the caller asked for something malformed
  out_of_range,       // a value does not fit (rational overflow, a size past a limit)
  not_found,          // a file, device, element or record that should exist does not
  io,                 // the operating system refused a read, write or open
  no_space,           // the disk is full
  corrupt,            // data failed a structural or integrity check
  unsupported,        // valid, but this build or machine cannot do it
  gpu,                // Vulkan reported a failure
  media,              // GStreamer or FFmpeg reported a failure
  crypto,             // authentication or key failure
  permission_denied,  // a role or policy forbids it
  cancelled,          // the user or a deadline stopped it
  internal,           // a bug: an invariant of our own broke
};

std::string_view to_string(Errc code) noexcept;

struct Error {
  Errc code = Errc::invalid;
  std::string detail;

  // "<class>: <detail>", the form shown to users and written to logs.
  [[nodiscard]] std::string message() const;
};

template <class T>
using Result = tl::expected<T, Error>;
using Status = Result<void>;

// Builds the unexpected side of a Result: `return fail(Errc::io, "open " + path);`
[[nodiscard]] inline tl::unexpected<Error> fail(Errc code, std::string detail) {
  return tl::unexpected<Error>(Error{code, std::move(detail)});
}

// Prefixes an error with what was being attempted, keeping its class.
[[nodiscard]] inline tl::unexpected<Error> with_context(Error error, std::string_view what) {
  error.detail = std::string(what) + ": " + error.detail;
  return tl::unexpected<Error>(std::move(error));
}

}  // namespace clinvid
