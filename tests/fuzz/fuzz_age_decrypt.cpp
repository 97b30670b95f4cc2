// libFuzzer target: the whole streaming decryptor (header, X25519 and scrypt unwrapping, MAC,
// STREAM payload, armor detection) with the test kit's identity and passphrase. Every failure
// must carry an age failure class; nothing may crash or leak.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

#include "crypto/failure.hpp"
#include "crypto/reader.hpp"

namespace {

using namespace clinvid::crypto;

const std::vector<Identity>& identities() {
  static const std::vector<Identity> ids = [] {
    std::vector<Identity> out;
    out.emplace_back(*X25519Identity::parse(
        "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"));
    // A low work-factor ceiling keeps each input fast (2^16 still covers the kit's files).
    out.emplace_back(ScryptIdentity(SecretBytes::copy_of(std::string_view("password")), 16));
    return out;
  }();
  return ids;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto decryptor = Decryptor::open(
      std::make_unique<MemorySource>(std::span<const std::uint8_t>(data, size)), identities());
  if (!decryptor) {
    if (age_failure_of(decryptor.error()) == AgeFailure::invalid) std::abort();
    return 0;
  }
  for (;;) {
    auto chunk = decryptor->next_chunk();
    if (!chunk) {
      if (age_failure_of(chunk.error()) == AgeFailure::invalid) std::abort();
      return 0;
    }
    if (chunk->empty()) return 0;
  }
}
