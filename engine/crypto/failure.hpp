// The failure classes of the age specification's test kit, carried inside our Error values.
//
// Every error this module returns for a hostile or damaged age file has Error::code
// Errc::crypto (no match, HMAC failure) or Errc::corrupt (header, payload and armor failures),
// and a detail that begins with the class's exact words, for example
// "payload failure: chunk 3 failed to authenticate". with_context() prefixes keep the words
// findable: age_failure_of() looks for them at the start or after a ": " separator.
// Errors that are not about the file (i/o, bad arguments, out of memory) have no class.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace clinvid::crypto {

enum class AgeFailure {
  invalid = 0,  // not an age file failure (i/o, argument, bug), or no error at all
  no_match,     // no identity unwrapped a file key
  header,       // the header is malformed (or the payload nonce is missing)
  hmac,         // the header MAC does not verify with the unwrapped file key
  payload,      // a payload chunk failed to authenticate, or the stream is truncated/extended
  armor,        // the ASCII armor is not strict PEM
};

// "no match", "header failure", "HMAC failure", "payload failure", "armor failure".
[[nodiscard]] std::string_view to_string(AgeFailure failure) noexcept;

// The Error for a failure of that class: its code, and its words before `detail`.
[[nodiscard]] Error age_error(AgeFailure failure, std::string_view detail);
// Builds the unexpected side of a Result: `return age_fail(AgeFailure::header, "…");`
[[nodiscard]] inline tl::unexpected<Error> age_fail(AgeFailure failure, std::string_view detail) {
  return tl::unexpected<Error>(age_error(failure, detail));
}

[[nodiscard]] AgeFailure age_failure_of(const Error& error) noexcept;

}  // namespace clinvid::crypto
