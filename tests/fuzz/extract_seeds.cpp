// Turns the age test kit into a libFuzzer seed corpus: drops each vector's "key: value"
// preamble and inflates the zlib-compressed ones, leaving the age files themselves.
// Usage: extract_seeds <testkit dir> <output dir>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <zlib.h>

namespace fs = std::filesystem;

static bool inflate_all(const std::string& in, std::string& out) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return false;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  char block[65536];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(block);
    z.avail_out = sizeof block;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(block, sizeof block - z.avail_out);
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <testkit dir> <output dir>\n", argv[0]);
    return 2;
  }
  fs::create_directories(argv[2]);
  int written = 0;
  for (const auto& entry : fs::directory_iterator(argv[1])) {
    if (entry.path().filename() == "README.md") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t blank = text.find("\n\n");
    if (blank == std::string::npos) continue;
    std::string body = text.substr(blank + 2);
    if (text.substr(0, blank).find("compressed: zlib") != std::string::npos) {
      std::string inflated;
      if (!inflate_all(body, inflated)) continue;
      body = inflated;
    }
    // Large vectors slow the fuzzer down without adding parser coverage.
    if (body.size() > 256 * 1024) body.resize(256 * 1024);
    std::ofstream out(fs::path(argv[2]) / entry.path().filename(), std::ios::binary);
    out << body;
    ++written;
  }
  std::printf("extract_seeds: %d seeds\n", written);
  return written > 0 ? 0 : 1;
}
