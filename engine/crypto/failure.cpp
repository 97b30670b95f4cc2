#include "crypto/failure.hpp"

#include <array>

namespace clinvid::crypto {

std::string_view to_string(AgeFailure failure) noexcept {
  switch (failure) {
    case AgeFailure::invalid: return "not an age failure";
    case AgeFailure::no_match: return "no match";
    case AgeFailure::header: return "header failure";
    case AgeFailure::hmac: return "HMAC failure";
    case AgeFailure::payload: return "payload failure";
    case AgeFailure::armor: return "armor failure";
  }
  return "not an age failure";
}

Error age_error(AgeFailure failure, std::string_view detail) {
  const Errc code = (failure == AgeFailure::no_match || failure == AgeFailure::hmac)
                        ? Errc::crypto
                        : Errc::corrupt;
  std::string text(to_string(failure));
  if (!detail.empty()) {
    text += ": ";
    text += detail;
  }
  return Error{code, std::move(text)};
}

AgeFailure age_failure_of(const Error& error) noexcept {
  if (error.code != Errc::crypto && error.code != Errc::corrupt) return AgeFailure::invalid;
  static constexpr std::array kClasses = {AgeFailure::no_match, AgeFailure::header,
                                          AgeFailure::hmac, AgeFailure::payload, AgeFailure::armor};
  const std::string_view detail = error.detail;
  // Scan each segment start: position 0 and every position just after ": ".
  std::size_t start = 0;
  while (start <= detail.size()) {
    const std::string_view rest = detail.substr(start);
    for (const AgeFailure failure : kClasses) {
      const std::string_view words = to_string(failure);
      if (rest.starts_with(words) && (rest.size() == words.size() || rest[words.size()] == ':')) {
        return failure;
      }
    }
    const std::size_t next = detail.find(": ", start);
    if (next == std::string_view::npos) break;
    start = next + 2;
  }
  return AgeFailure::invalid;
}

}  // namespace clinvid::crypto
