// Fixtures for the decode/encode tests: media made by the ffmpeg CLI, references decoded from
// the plaintext with FFmpeg directly, then encrypted by the engine with the plaintext removed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "crypto/keys.hpp"

namespace clinvid::media::test {

// Runs a shell command, returns stdout; throws std::runtime_error on a non-zero exit.
std::string run(const std::string& command);

// A fresh directory under /tmp, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

struct ReferenceFrame {
  std::int64_t pts = 0;      // stream ticks
  std::uint64_t y_hash = 0;  // FNV-1a of the visible Y plane
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> y;  // visible Y plane, width × height
};

// Decodes every video frame of a plaintext file in presentation order (FFmpeg directly).
std::vector<ReferenceFrame> decode_reference(const std::filesystem::path& plain);

std::uint64_t hash_y(const ConstFrameView& frame);

// Encrypts `plain` to `plain + ".age"` for `identity` and removes the plaintext.
std::filesystem::path encrypt_and_remove(const std::filesystem::path& plain,
                                         const crypto::X25519Identity& identity);

std::vector<crypto::Identity> identities_of(const crypto::X25519Identity& identity);
std::vector<crypto::Recipient> recipients_of(const crypto::X25519Identity& identity);

}  // namespace clinvid::media::test
