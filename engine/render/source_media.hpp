// How an export finds the encrypted media of a recording a project names.
#pragma once

#include <filesystem>
#include <functional>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "crypto/keys.hpp"

namespace clinvid::render {

// Where a source recording's encrypted media is, and the identity that opens it (every
// archive recording has its own X25519 identity). Move-only, as identities are.
struct SourceMedia {
  std::filesystem::path path;
  crypto::X25519Identity identity;

  // The identity as the decoders take it (a clone: the secret is copied into locked memory).
  [[nodiscard]] std::vector<crypto::Identity> identities() const {
    std::vector<crypto::Identity> out;
    out.emplace_back(identity.clone());
    return out;
  }
};
// Called once per source stream an export reads, possibly from several threads at once.
using SourceResolver = std::function<Result<SourceMedia>(std::string_view recording_id)>;

}  // namespace clinvid::render
