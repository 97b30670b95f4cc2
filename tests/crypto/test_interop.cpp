// Interoperability with the reference implementation: the Debian `age` and `age-keygen` CLIs
// decrypt what we write and we decrypt what they write: binary and armored, X25519 with several
// recipients, and passphrases (typed into age's terminal prompt through a pseudo-terminal).
#include <gtest/gtest.h>

#include "crypto/identity_file.hpp"
#include "crypto/reader.hpp"
#include "crypto/stream.hpp"
#include "crypto/writer.hpp"
#include "crypto_test_util.hpp"

namespace clinvid::crypto {
namespace {

namespace fs = std::filesystem;

const std::string kAge = "/usr/bin/age";
const std::string kAgeKeygen = "/usr/bin/age-keygen";
constexpr std::string_view kPassphrase = "correct horse battery staple";

class Interop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kAge) || !fs::exists(kAgeKeygen)) {
      GTEST_SKIP() << "the age CLI is not installed (scripts/install-deps.sh installs it)";
    }
  }
  static std::vector<Identity> as_identities(std::vector<X25519Identity> keys) {
    std::vector<Identity> out;
    for (auto& k : keys) out.emplace_back(std::move(k));
    return out;
  }
  test::TempDir dir_;
};

TEST_F(Interop, AgeKeygenIdentityFilesParse) {
  std::string output;
  ASSERT_EQ(test::run_program({kAgeKeygen, "-o", (dir_ / "key.txt").string()}, &output), 0)
      << output;
  auto keys = read_identity_file(dir_ / "key.txt");
  ASSERT_TRUE(keys) << keys.error().message();
  ASSERT_EQ(keys->size(), 1u);
  const auto text = test::read_file(dir_ / "key.txt");
  const std::string file(text.begin(), text.end());
  EXPECT_NE(file.find("# public key: " + keys->front().recipient().to_string()), std::string::npos);
  ASSERT_EQ(test::run_program({kAgeKeygen, "-y", (dir_ / "key.txt").string()}, &output), 0);
  EXPECT_NE(output.find(keys->front().recipient().to_string()), std::string::npos);
}

TEST_F(Interop, AgeDecryptsOurFiles) {
  std::string output;
  ASSERT_EQ(test::run_program({kAgeKeygen, "-o", (dir_ / "theirs.txt").string()}, &output), 0);
  auto theirs = read_identity_file(dir_ / "theirs.txt");
  ASSERT_TRUE(theirs);
  const X25519Identity ours = X25519Identity::generate();
  ASSERT_TRUE(write_identity_file(dir_ / "ours.txt", ours));

  std::vector<Recipient> recipients;
  recipients.emplace_back(theirs->front().recipient());
  recipients.emplace_back(ours.recipient());
  for (const std::size_t size : {std::size_t{0}, kChunkSize, 3 * kChunkSize + 77}) {
    const auto plain = test::random_data(size, static_cast<std::uint32_t>(size + 1));
    for (const Armor armor : {Armor::binary, Armor::armored}) {
      auto sealed = encrypt(plain, recipients, armor);
      ASSERT_TRUE(sealed);
      test::write_file(dir_ / "ours.age", *sealed);
      for (const char* key : {"theirs.txt", "ours.txt"}) {
        fs::remove(dir_ / "out");
        ASSERT_EQ(test::run_program({kAge, "-d", "-i", (dir_ / key).string(), "-o",
                                     (dir_ / "out").string(), (dir_ / "ours.age").string()},
                                    &output),
                  0)
            << output;
        // age opens its -o file lazily: an empty plaintext leaves no file at all.
        const auto out = plain.empty() && !fs::exists(dir_ / "out") ? std::vector<std::uint8_t>()
                                                                    : test::read_file(dir_ / "out");
        EXPECT_EQ(out, plain) << size << " bytes, "
                              << (armor == Armor::armored ? "armored" : "binary") << ", " << key;
      }
    }
  }
}

TEST_F(Interop, WeDecryptAgeFiles) {
  std::string output;
  ASSERT_EQ(test::run_program({kAgeKeygen, "-o", (dir_ / "a.txt").string()}, &output), 0);
  const X25519Identity ours = X25519Identity::generate();
  auto a = read_identity_file(dir_ / "a.txt");
  ASSERT_TRUE(a);
  const std::string a_recipient = a->front().recipient().to_string();

  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, kChunkSize, 2 * kChunkSize + 9}) {
    const auto plain = test::random_data(size, static_cast<std::uint32_t>(size + 2));
    test::write_file(dir_ / "plain", plain);
    for (const bool armor : {false, true}) {
      std::vector<std::string> args = {kAge,        "-e", "-r",
                                       a_recipient, "-r", ours.recipient().to_string()};
      if (armor) args.emplace_back("-a");
      args.insert(args.end(), {"-o", (dir_ / "theirs.age").string(), (dir_ / "plain").string()});
      ASSERT_EQ(test::run_program(args, &output), 0) << output;

      auto file = test::read_file(dir_ / "theirs.age");
      for (int who = 0; who < 2; ++who) {
        std::vector<Identity> identities;
        if (who == 0) {
          identities.emplace_back(a->front().clone());
        } else {
          identities.emplace_back(ours.clone());
        }
        auto opened = decrypt(file, identities);
        ASSERT_TRUE(opened) << opened.error().message();
        EXPECT_EQ(*opened, plain);
      }
      // Also through a file, with an explicit armor mode.
      ASSERT_TRUE(decrypt_file(dir_ / "theirs.age", dir_ / "back",
                               as_identities(read_identity_file(dir_ / "a.txt").value()),
                               armor ? ArmorInput::armored : ArmorInput::binary));
      EXPECT_EQ(test::read_file(dir_ / "back"), plain);
    }
  }
}

TEST_F(Interop, PassphrasesBothWays) {
  std::string output;
  const auto plain = test::random_data(kChunkSize + 500, 77);
  test::write_file(dir_ / "plain", plain);

  // age encrypts (it asks twice: passphrase and confirmation) → we decrypt.
  for (const bool armor : {false, true}) {
    std::vector<std::string> args = {kAge, "-p"};
    if (armor) args.emplace_back("-a");
    args.insert(args.end(), {"-o", (dir_ / "theirs.age").string(), (dir_ / "plain").string()});
    ASSERT_EQ(test::run_program(args, &output, std::string(kPassphrase)), 0) << output;
    std::vector<Identity> identities;
    identities.emplace_back(ScryptIdentity(SecretBytes::copy_of(kPassphrase)));
    auto opened = decrypt(test::read_file(dir_ / "theirs.age"), identities);
    ASSERT_TRUE(opened) << opened.error().message();
    EXPECT_EQ(*opened, plain);
  }

  // We encrypt with the default work factor (2^18) → age decrypts after its prompt.
  for (const Armor armor : {Armor::binary, Armor::armored}) {
    std::vector<Recipient> recipients;
    recipients.emplace_back(ScryptRecipient(SecretBytes::copy_of(kPassphrase)));
    auto sealed = encrypt(plain, recipients, armor);
    ASSERT_TRUE(sealed);
    test::write_file(dir_ / "ours.age", *sealed);
    fs::remove(dir_ / "out");
    ASSERT_EQ(
        test::run_program({kAge, "-d", "-o", (dir_ / "out").string(), (dir_ / "ours.age").string()},
                          &output, std::string(kPassphrase)),
        0)
        << output;
    EXPECT_EQ(test::read_file(dir_ / "out"), plain);
  }

  // A wrong passphrase fails in age too (exit status non-zero, no output).
  fs::remove(dir_ / "out");
  EXPECT_NE(
      test::run_program({kAge, "-d", "-o", (dir_ / "out").string(), (dir_ / "ours.age").string()},
                        &output, "not the passphrase"),
      0);
}

}  // namespace
}  // namespace clinvid::crypto
