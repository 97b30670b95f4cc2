// The C2SP age test kit (CCTV age/testdata): every vector must end in exactly its expected
// class, having released exactly the plaintext whose SHA-256 it lists. Vectors that need the
// post-quantum mlkem768x25519 identity are skipped: libsodium 1.0.18 has no ML-KEM.
// Binary vectors also go through the random-access reader and the parallel decryptor, which
// must reach the same class.
#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <zlib.h>

#include "crypto/failure.hpp"
#include "crypto/parallel.hpp"
#include "crypto/random_access.hpp"
#include "crypto/reader.hpp"
#include "crypto_test_util.hpp"

namespace clinvid::crypto {
namespace {

namespace fs = std::filesystem;

const fs::path kTestkit = fs::path(CLINVID_SHARED_DATA) / "age-testkit";

struct Vector {
  std::string name;
  std::multimap<std::string, std::string> fields;
  std::vector<std::uint8_t> body;

  [[nodiscard]] std::string field(const std::string& key) const {
    auto it = fields.find(key);
    return it == fields.end() ? std::string() : it->second;
  }
};

std::vector<std::uint8_t> inflate_zlib(std::span<const std::uint8_t> in) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) throw std::runtime_error("inflateInit");
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> block(1 << 16);
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = block.data();
    z.avail_out = static_cast<uInt>(block.size());
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      throw std::runtime_error("inflate failed");
    }
    out.insert(out.end(), block.begin(),
               block.begin() + static_cast<std::ptrdiff_t>(block.size() - z.avail_out));
  }
  inflateEnd(&z);
  return out;
}

Vector load(const std::string& name) {
  const auto bytes = test::read_file(kTestkit / name);
  Vector v;
  v.name = name;
  std::size_t pos = 0;
  for (;;) {
    const auto lf = std::find(bytes.begin() + static_cast<std::ptrdiff_t>(pos), bytes.end(), '\n');
    if (lf == bytes.end()) throw std::runtime_error(name + ": no blank line after the fields");
    const std::string line(bytes.begin() + static_cast<std::ptrdiff_t>(pos), lf);
    pos = static_cast<std::size_t>(lf - bytes.begin()) + 1;
    if (line.empty()) break;
    const std::size_t colon = line.find(": ");
    if (colon == std::string::npos) throw std::runtime_error(name + ": bad field " + line);
    v.fields.emplace(line.substr(0, colon), line.substr(colon + 2));
  }
  v.body.assign(bytes.begin() + static_cast<std::ptrdiff_t>(pos), bytes.end());
  if (v.field("compressed") == "zlib") v.body = inflate_zlib(v.body);
  return v;
}

std::vector<std::string> vector_names() {
  std::vector<std::string> names;
  if (!fs::exists(kTestkit)) return names;
  for (const auto& entry : fs::directory_iterator(kTestkit)) {
    const std::string name = entry.path().filename().string();
    if (name != "README.md") names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string class_name(const Result<void>& outcome) {
  if (outcome) return "success";
  const AgeFailure failure = age_failure_of(outcome.error());
  return failure == AgeFailure::invalid ? "unclassified: " + outcome.error().message()
                                        : std::string(to_string(failure));
}

// Identities for the vector; `needs_pq` when it lists a post-quantum one.
std::vector<Identity> identities_of(const Vector& v, bool& needs_pq) {
  std::vector<Identity> identities;
  needs_pq = false;
  for (auto [it, end] = v.fields.equal_range("identity"); it != end; ++it) {
    if (it->second.starts_with("AGE-SECRET-KEY-PQ-1")) {
      needs_pq = true;
      continue;
    }
    auto identity = X25519Identity::parse(it->second);
    if (!identity) throw std::runtime_error(v.name + ": " + identity.error().detail);
    identities.emplace_back(std::move(*identity));
  }
  for (auto [it, end] = v.fields.equal_range("passphrase"); it != end; ++it) {
    identities.emplace_back(ScryptIdentity(SecretBytes::copy_of(std::string_view(it->second))));
  }
  return identities;
}

class Testkit : public ::testing::TestWithParam<std::string> {};

TEST_P(Testkit, Vector) {
  const Vector v = load(GetParam());
  for (const auto& [key, value] : v.fields) {
    static const std::set<std::string> kKnown = {"expect",  "payload",    "identity", "passphrase",
                                                 "armored", "compressed", "file key", "comment"};
    if (!kKnown.contains(key)) GTEST_SKIP() << "unknown key '" << key << "': the kit says ignore";
  }
  bool needs_pq = false;
  const std::vector<Identity> identities = identities_of(v, needs_pq);
  if (needs_pq && identities.empty()) {
    GTEST_SKIP() << "needs the post-quantum mlkem768x25519 identity: libsodium 1.0.18 has no "
                    "ML-KEM";
  }
  const std::string expect = v.field("expect");
  const std::string payload_hash = v.field("payload");
  const bool armored = v.field("armored") == "yes";

  // Streaming: hash everything released, even when the stream fails afterwards.
  std::vector<std::uint8_t> released;
  auto outcome = [&]() -> Status {
    auto decryptor = Decryptor::open(std::make_unique<MemorySource>(v.body), identities,
                                     armored ? ArmorInput::armored : ArmorInput::binary);
    if (!decryptor) return tl::unexpected(decryptor.error());
    for (;;) {
      auto chunk = decryptor->next_chunk();
      if (!chunk) return tl::unexpected(chunk.error());
      if (chunk->empty()) return {};
      released.insert(released.end(), chunk->begin(), chunk->end());
    }
  }();
  EXPECT_EQ(class_name(outcome), expect) << v.field("comment");
  if (!payload_hash.empty()) {
    EXPECT_EQ(test::sha256_hex(released), payload_hash);
  }

  // Armor detection reaches the same result on every vector the kit expects to succeed.
  if (expect == "success") {
    auto detected = decrypt(v.body, identities, ArmorInput::detect);
    ASSERT_TRUE(detected) << detected.error().message();
    if (!payload_hash.empty()) {
      EXPECT_EQ(test::sha256_hex(*detected), payload_hash) << "detect";
    }
  }

  if (armored) return;
  test::TempDir dir;
  test::write_file(dir / "in.age", v.body);

  // Random access: the same class; on success, the same plaintext.
  auto random = [&]() -> Status {
    auto reader = RandomAccessReader::open(dir / "in.age", identities);
    if (!reader) return tl::unexpected(reader.error());
    std::vector<std::uint8_t> all(static_cast<std::size_t>(reader->size()));
    auto n = reader->read_at(0, all);
    if (!n) return tl::unexpected(n.error());
    if (*n != all.size()) return fail(Errc::internal, "short read");
    if (expect == "success" && !payload_hash.empty()) {
      EXPECT_EQ(test::sha256_hex(all), payload_hash) << "random access";
    }
    return {};
  }();
  EXPECT_EQ(class_name(random), expect) << "random access";

  // Parallel: the same class, and no output file unless it succeeded.
  const Status parallel =
      decrypt_file_parallel(dir / "in.age", dir / "out", identities,
                            ParallelOptions{.threads = 2, .chunks_per_block = 3});
  EXPECT_EQ(class_name(parallel), expect) << "parallel";
  EXPECT_EQ(fs::exists(dir / "out"), expect == "success");
  EXPECT_FALSE(fs::exists(dir / "out.tmp"));
  if (parallel && !payload_hash.empty()) {
    EXPECT_EQ(test::sha256_hex(test::read_file(dir / "out")), payload_hash) << "parallel";
  }
}

std::string vector_test_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

INSTANTIATE_TEST_SUITE_P(Cctv, Testkit, ::testing::ValuesIn(vector_names()), vector_test_name);

TEST(TestkitPresence, AllVectorsPresent) {
  EXPECT_EQ(vector_names().size(), 143u) << "the kit in " << kTestkit << " is incomplete";
}

}  // namespace
}  // namespace clinvid::crypto
