// Damaged files through `clinvid decrypt` and `clinvid recover`: each damage gives its age
// failure class in the message ("clinvid: decrypt: <class>: …"), exit status 1, and never an
// output file (nor OUT.tmp); a truncated stream is recovered into a file `age -d` decrypts to
// the authentic prefix of the plaintext.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_age_util.hpp"

namespace clinvid::test {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kChunk = 65536;
constexpr std::size_t kSealedChunk = kChunk + 16;

std::vector<std::uint8_t> head(const std::vector<std::uint8_t>& bytes, std::size_t n) {
  return {bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n)};
}

class CliAgeFailure : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kAge) || !fs::exists(kAgeKeygen)) {
      GTEST_SKIP() << "the age CLI is not installed (scripts/install-deps.sh installs it)";
    }
    ASSERT_EQ(run_cli({"keygen", "-o", at("key.txt")}).exit_code, 0);
    recipient_ = run_cli({"keygen", "-y", at("key.txt")}).out;
    recipient_.pop_back();
    plain_ = random_bytes_seeded(40 * kChunk + 1234, 3);  // several parallel blocks
    write_bytes(at("plain"), plain_);
    ASSERT_EQ(run_cli({"encrypt", "-r", recipient_, "-o", at("good.age"), at("plain")}).exit_code,
              0);
    good_ = read_bytes(at("good.age"));
    header_size_ = std::string(good_.begin(), good_.end()).find("\n---");
    header_size_ = std::string(good_.begin(), good_.end()).find('\n', header_size_ + 1) + 1;
  }
  fs::path at(const std::string& name) const { return dir_.path() / name; }

  // Decrypts `file` to a file, to stdout and through stdin; all must fail with `words`.
  void expect_failure(const std::vector<std::uint8_t>& file, const std::string& words,
                      const std::string& key = "key.txt") {
    write_bytes(at("bad.age"), file);
    const RunResult to_file = run_cli({"decrypt", "-i", at(key), "-o", at("out"), at("bad.age")});
    EXPECT_EQ(to_file.exit_code, 1) << to_file.err;
    EXPECT_TRUE(to_file.err.starts_with("clinvid: decrypt: " + words + ": ")) << to_file.err;
    EXPECT_FALSE(fs::exists(at("out"))) << words;
    EXPECT_FALSE(fs::exists(at("out.tmp"))) << words;
    const RunResult to_stdout = run_cli({"decrypt", "-i", at(key), at("bad.age")});
    EXPECT_EQ(to_stdout.exit_code, 1);
    EXPECT_TRUE(to_stdout.err.starts_with("clinvid: decrypt: " + words + ": ")) << to_stdout.err;
    const RunResult from_stdin = run_cli({"decrypt", "-i", at(key), "-o", at("out")}, {},
                                         {.stdin_path = at("bad.age"), .stdout_path = {}});
    EXPECT_EQ(from_stdin.exit_code, 1);
    EXPECT_TRUE(from_stdin.err.starts_with("clinvid: decrypt: " + words + ": ")) << from_stdin.err;
    EXPECT_FALSE(fs::exists(at("out"))) << words;
  }

  TempDir dir_;
  std::string recipient_;
  std::vector<std::uint8_t> plain_;
  std::vector<std::uint8_t> good_;
  std::size_t header_size_ = 0;
};

TEST_F(CliAgeFailure, BitFlipInHeaderStructure) {
  auto file = good_;
  file[3] ^= 0x01;  // the version line
  expect_failure(file, "header failure");
}

TEST_F(CliAgeFailure, BitFlipInHeaderMac) {
  auto file = good_;
  const std::size_t mac = std::string(file.begin(), file.end()).find("\n--- ") + 5;
  file[mac] = file[mac] == 'A' ? 'B' : 'A';  // another canonical base64 MAC
  expect_failure(file, "HMAC failure");
}

TEST_F(CliAgeFailure, BitFlipInPayload) {
  for (const std::size_t offset :
       {header_size_ + 16 + 5, header_size_ + 16 + 33 * kSealedChunk, good_.size() - 1}) {
    auto file = good_;
    file[offset] ^= 0x80;
    expect_failure(file, "payload failure");
  }
}

TEST_F(CliAgeFailure, WrongKey) {
  ASSERT_EQ(run_program({kAgeKeygen, "-o", at("other.txt")}).exit_code, 0);
  expect_failure(good_, "no match", "other.txt");
}

TEST_F(CliAgeFailure, Truncated) {
  for (const std::size_t size : {header_size_ + 16 + 7 * kSealedChunk,           // at a boundary
                                 header_size_ + 16 + 20 * kSealedChunk + 99}) {  // mid-chunk
    expect_failure(head(good_, size), "payload failure");
  }
  // Cut inside the header.
  expect_failure(head(good_, 30), "header failure");
}

TEST_F(CliAgeFailure, GarbageArmor) {
  const std::string text =
      "-----BEGIN AGE ENCRYPTED FILE-----\nthis is not base64!\n-----END AGE ENCRYPTED FILE-----\n";
  expect_failure(std::vector<std::uint8_t>(text.begin(), text.end()), "armor failure");
  // A valid armored file with its END line cut off.
  ASSERT_EQ(run_cli({"encrypt", "-a", "-r", recipient_, "-o", at("a.age"), at("plain")}).exit_code,
            0);
  auto armored = read_bytes(at("a.age"));
  armored.resize(armored.size() - 40);
  expect_failure(armored, "armor failure");
}

TEST_F(CliAgeFailure, RecoverTruncatedStream) {
  const std::size_t whole_chunks = 23;
  const std::size_t cut = header_size_ + 16 + whole_chunks * kSealedChunk + 1000;  // mid-chunk
  write_bytes(at("cut.age"), head(good_, cut));
  const RunResult r = run_cli({"recover", "-i", at("key.txt"), "-o", at("rec.age"), at("cut.age")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("recovered " + std::to_string(whole_chunks * kChunk) + " bytes"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("lost 1000 bytes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("final chunk missing"), std::string::npos) << r.out;
  // Re-encrypted, never plaintext: age decrypts it to the authentic prefix.
  const RunResult dec = run_program({kAge, "-d", "-i", at("key.txt"), at("rec.age")});
  ASSERT_EQ(dec.exit_code, 0) << dec.err;
  EXPECT_TRUE(dec.out == std::string(plain_.begin(), plain_.begin() + static_cast<std::ptrdiff_t>(
                                                                          whole_chunks * kChunk)));
  const auto recovered = read_bytes(at("rec.age"));
  EXPECT_TRUE(std::string(recovered.begin(), recovered.end()).starts_with("age-encryption.org/v1"));

  // To another recipient: only that key opens the result.
  ASSERT_EQ(run_program({kAgeKeygen, "-o", at("archive.txt")}).exit_code, 0);
  const std::string archive = run_program({kAgeKeygen, "-y", at("archive.txt")}).out;
  const RunResult to_other =
      run_cli({"recover", "-i", at("key.txt"), "-r", archive.substr(0, archive.size() - 1), "-o",
               at("rec2.age"), at("cut.age")});
  ASSERT_EQ(to_other.exit_code, 0) << to_other.err;
  EXPECT_EQ(run_program({kAge, "-d", "-i", at("archive.txt"), at("rec2.age")}).exit_code, 0);
  EXPECT_NE(run_program({kAge, "-d", "-i", at("key.txt"), at("rec2.age")}).exit_code, 0);

  // A complete file recovers whole, final chunk present, nothing lost.
  const RunResult whole =
      run_cli({"recover", "-i", at("key.txt"), "-o", at("rec3.age"), at("good.age")});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_NE(whole.out.find("lost 0 bytes"), std::string::npos) << whole.out;
  EXPECT_NE(whole.out.find("final chunk present"), std::string::npos) << whole.out;
}

TEST_F(CliAgeFailure, RecoverWithNothingToRecover) {
  // Cut inside the first chunk: the header opens but no chunk authenticates.
  write_bytes(at("cut.age"), head(good_, header_size_ + 16 + 500));
  const RunResult none =
      run_cli({"recover", "-i", at("key.txt"), "-o", at("r.age"), at("cut.age")});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("payload failure"), std::string::npos) << none.err;
  EXPECT_FALSE(fs::exists(at("r.age")));
  // The wrong key: no match, no file.
  ASSERT_EQ(run_program({kAgeKeygen, "-o", at("other.txt")}).exit_code, 0);
  const RunResult wrong =
      run_cli({"recover", "-i", at("other.txt"), "-o", at("r.age"), at("good.age")});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_TRUE(wrong.err.starts_with("clinvid: recover: no match")) << wrong.err;
  EXPECT_FALSE(fs::exists(at("r.age")));
  EXPECT_FALSE(fs::exists(at("r.age.tmp")));
}

}  // namespace
}  // namespace clinvid::test
