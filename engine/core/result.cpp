#include "core/result.hpp"

namespace clinvid {

std::string_view to_string(Errc code) noexcept {
  switch (code) {
    case Errc::invalid: return "invalid error";
    case Errc::invalid_argument: return "invalid argument";
    case Errc::out_of_range: return "out of range";
    case Errc::not_found: return "not found";
    case Errc::io: return "i/o error";
    case Errc::no_space: return "no space left";
    case Errc::corrupt: return "corrupt data";
    case Errc::unsupported: return "unsupported";
    case Errc::gpu: return "gpu error";
    case Errc::media: return "media error";
    case Errc::crypto: return "crypto error";
    case Errc::permission_denied: return "permission denied";
    case Errc::cancelled: return "cancelled";
    case Errc::internal: return "internal error";
  }
  return "unknown error";
}

std::string Error::message() const {
  std::string out(to_string(code));
  if (!detail.empty()) {
    out += ": ";
    out += detail;
  }
  return out;
}

}  // namespace clinvid
