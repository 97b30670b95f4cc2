// Encryption and decryption round trips, and every failure class provoked on purpose.
#include <gtest/gtest.h>

#include "crypto/armor.hpp"
#include "crypto/failure.hpp"
#include "crypto/reader.hpp"
#include "crypto/stream.hpp"
#include "crypto/writer.hpp"
#include "crypto_test_util.hpp"

namespace clinvid::crypto {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kSizes[] = {0, 1, 65535, 65536, 65537, 131072, 5 * 1024 * 1024 + 123};

struct Keys {
  X25519Identity identity = X25519Identity::generate();
  std::vector<Recipient> recipients() const {
    std::vector<Recipient> out;
    out.emplace_back(identity.recipient());
    return out;
  }
  std::vector<Identity> identities() const {
    std::vector<Identity> out;
    out.emplace_back(identity.clone());
    return out;
  }
};

AgeFailure failure_of(const Result<std::vector<std::uint8_t>>& r) {
  return r ? AgeFailure::invalid : age_failure_of(r.error());
}

class RoundTrip : public ::testing::TestWithParam<std::size_t> {};

TEST_P(RoundTrip, BinaryAndArmored) {
  const Keys keys;
  const auto plain = test::random_data(GetParam(), 42);
  for (const Armor armor : {Armor::binary, Armor::armored}) {
    auto sealed = encrypt(plain, keys.recipients(), armor);
    ASSERT_TRUE(sealed) << sealed.error().message();
    const std::uint64_t expected_binary = sealed_payload_size(plain.size()) + kPayloadNonceSize;
    if (armor == Armor::binary) {
      EXPECT_GT(sealed->size(), expected_binary);
    }
    auto opened = decrypt(*sealed, keys.identities());
    ASSERT_TRUE(opened) << opened.error().message();
    EXPECT_EQ(*opened, plain);
  }
}

TEST_P(RoundTrip, StreamingInOddPieces) {
  const Keys keys;
  const auto plain = test::random_data(GetParam(), 7);
  std::vector<std::uint8_t> file;
  auto encryptor = Encryptor::create(keys.recipients(), std::make_unique<VectorSink>(file));
  ASSERT_TRUE(encryptor);
  std::size_t pos = 0;
  for (std::size_t step = 1; pos < plain.size(); step = step * 3 + 1) {
    const std::size_t n = std::min(step % 100'000 + 1, plain.size() - pos);
    ASSERT_TRUE(encryptor->write(std::span(plain).subspan(pos, n)));
    pos += n;
  }
  ASSERT_TRUE(encryptor->finish());
  EXPECT_EQ(encryptor->plaintext_size(), plain.size());

  auto decryptor = Decryptor::open(std::make_unique<MemorySource>(file), keys.identities());
  ASSERT_TRUE(decryptor);
  std::vector<std::uint8_t> back;
  std::vector<std::uint8_t> buf(1000);
  for (;;) {
    auto n = decryptor->read(buf);
    ASSERT_TRUE(n) << n.error().message();
    if (*n == 0) break;
    back.insert(back.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
  }
  EXPECT_EQ(back, plain);
}

INSTANTIATE_TEST_SUITE_P(Sizes, RoundTrip, ::testing::ValuesIn(kSizes));

TEST(Decrypt, TrickleSourceDeliveringFewBytesAtATime) {
  const Keys keys;
  const auto plain = test::random_data(2 * kChunkSize + 300, 6);
  for (const Armor armor : {Armor::binary, Armor::armored}) {
    auto sealed = encrypt(plain, keys.recipients(), armor);
    ASSERT_TRUE(sealed);
    std::size_t pos = 0;
    std::size_t calls = 0;
    auto source =
        std::make_unique<CallbackSource>([&](std::span<std::uint8_t> out) -> Result<std::size_t> {
          const std::size_t n = std::min({out.size(), sealed->size() - pos, ++calls % 7 + 1});
          std::copy_n(sealed->begin() + static_cast<std::ptrdiff_t>(pos), n, out.begin());
          pos += n;
          return n;
        });
    auto decryptor = Decryptor::open(std::move(source), keys.identities());
    ASSERT_TRUE(decryptor) << decryptor.error().message();
    std::vector<std::uint8_t> back;
    for (;;) {
      auto chunk = decryptor->next_chunk();
      ASSERT_TRUE(chunk) << chunk.error().message();
      if (chunk->empty()) break;
      back.insert(back.end(), chunk->begin(), chunk->end());
    }
    EXPECT_EQ(back, plain);
  }
}

TEST(Decrypt, SourceErrorsPassThroughUnchanged) {
  const Keys keys;
  auto sealed = encrypt(test::random_data(1000, 1), keys.recipients());
  ASSERT_TRUE(sealed);
  for (const std::size_t fail_at : {std::size_t{0}, std::size_t{30}, sealed->size() - 5}) {
    std::size_t pos = 0;
    auto source =
        std::make_unique<CallbackSource>([&](std::span<std::uint8_t> out) -> Result<std::size_t> {
          if (pos >= fail_at) return fail(Errc::io, "cable pulled");
          const std::size_t n = std::min(out.size(), fail_at - pos);
          std::copy_n(sealed->begin() + static_cast<std::ptrdiff_t>(pos), n, out.begin());
          pos += n;
          return n;
        });
    std::vector<std::uint8_t> released;
    VectorSink sink(released);
    auto result = decrypt_to(std::move(source), keys.identities(), sink);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, Errc::io) << result.error().message();
    EXPECT_EQ(age_failure_of(result.error()), AgeFailure::invalid);
  }
}

TEST(Encrypt, SeveralRecipientsEachDecrypt) {
  const Keys a, b, c;
  std::vector<Recipient> recipients;
  for (const Keys* k : {&a, &b, &c}) recipients.emplace_back(k->identity.recipient());
  const auto plain = test::random_data(100'000, 1);
  auto sealed = encrypt(plain, recipients);
  ASSERT_TRUE(sealed);
  for (const Keys* k : {&a, &b, &c}) {
    auto opened = decrypt(*sealed, k->identities());
    ASSERT_TRUE(opened);
    EXPECT_EQ(*opened, plain);
  }
  const Keys stranger;
  EXPECT_EQ(failure_of(decrypt(*sealed, stranger.identities())), AgeFailure::no_match);
  // Any of several identities may match.
  std::vector<Identity> several;
  several.emplace_back(stranger.identity.clone());
  several.emplace_back(c.identity.clone());
  EXPECT_TRUE(decrypt(*sealed, several));
}

TEST(Encrypt, PassphraseRoundTripAndRules) {
  const auto plain = test::random_data(70'000, 3);
  std::vector<Recipient> recipients;
  recipients.emplace_back(
      ScryptRecipient(SecretBytes::copy_of(std::string_view("correct horse")), 10));
  auto sealed = encrypt(plain, recipients);
  ASSERT_TRUE(sealed);
  const std::string text(sealed->begin(), sealed->begin() + 60);
  EXPECT_NE(text.find("-> scrypt "), std::string::npos);

  std::vector<Identity> right;
  right.emplace_back(ScryptIdentity(SecretBytes::copy_of(std::string_view("correct horse"))));
  auto opened = decrypt(*sealed, right);
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, plain);

  std::vector<Identity> wrong;
  wrong.emplace_back(ScryptIdentity(SecretBytes::copy_of(std::string_view("battery staple"))));
  EXPECT_EQ(failure_of(decrypt(*sealed, wrong)), AgeFailure::no_match);

  // A lower work-factor limit than the file's is a header failure, not a long computation.
  std::vector<Identity> limited;
  limited.emplace_back(ScryptIdentity(SecretBytes::copy_of(std::string_view("correct horse")), 9));
  EXPECT_EQ(failure_of(decrypt(*sealed, limited)), AgeFailure::header);

  // An scrypt recipient must be alone.
  recipients.emplace_back(X25519Identity::generate().recipient());
  auto mixed = encrypt(plain, recipients);
  ASSERT_FALSE(mixed);
  EXPECT_EQ(mixed.error().code, Errc::invalid_argument);
}

TEST(Encrypt, DefaultScryptWorkFactorIs18) {
  std::vector<Recipient> recipients;
  recipients.emplace_back(ScryptRecipient(SecretBytes::copy_of(std::string_view("pw"))));
  auto sealed = encrypt({}, recipients);
  ASSERT_TRUE(sealed);
  const std::string head(sealed->begin(), sealed->begin() + 80);
  EXPECT_NE(head.find(" 18\n"), std::string::npos) << head;
}

TEST(Encrypt, ArmoredOutputIsStrictPem) {
  const Keys keys;
  for (const std::size_t size : {0u, 5u, 100u, 1000u}) {
    auto sealed = encrypt(test::random_data(size, 9), keys.recipients(), Armor::armored);
    ASSERT_TRUE(sealed);
    const std::string text(sealed->begin(), sealed->end());
    EXPECT_TRUE(text.starts_with(std::string(kArmorBegin) + "\n"));
    EXPECT_TRUE(text.ends_with("\n" + std::string(kArmorEnd) + "\n"));
    std::size_t start = 0;
    std::vector<std::size_t> lengths;
    for (std::size_t lf = text.find('\n'); lf != std::string::npos; lf = text.find('\n', start)) {
      lengths.push_back(lf - start);
      start = lf + 1;
    }
    for (std::size_t i = 1; i + 2 < lengths.size(); ++i) EXPECT_EQ(lengths[i], 64u);
    EXPECT_GT(lengths[lengths.size() - 2], 0u);
    EXPECT_LE(lengths[lengths.size() - 2], 64u);
  }
}

// ---- failure classes on tampered files ----

class Tamper : public ::testing::Test {
 protected:
  void SetUp() override {
    plain_ = test::random_data(3 * kChunkSize + 1000, 11);
    auto sealed = encrypt(plain_, keys_.recipients());
    ASSERT_TRUE(sealed);
    file_ = *sealed;
    const std::string text(file_.begin(), file_.end());
    header_size_ = text.find("\n---") + 1;
    header_size_ = text.find('\n', header_size_) + 1;
  }
  AgeFailure open(const std::vector<std::uint8_t>& file) const {
    return failure_of(decrypt(file, keys_.identities(), ArmorInput::binary));
  }
  Keys keys_;
  std::vector<std::uint8_t> plain_;
  std::vector<std::uint8_t> file_;
  std::size_t header_size_ = 0;
};

TEST_F(Tamper, FlippedHeaderBytesFailInTheHeader) {
  ASSERT_EQ(open(file_), AgeFailure::invalid);  // untouched: success
  for (std::size_t i = 0; i < header_size_; ++i) {
    for (const int bit : {0x01, 0x20, 0x80}) {
      auto damaged = file_;
      damaged[i] = static_cast<std::uint8_t>(damaged[i] ^ bit);
      const AgeFailure failure = open(damaged);
      EXPECT_TRUE(failure == AgeFailure::header || failure == AgeFailure::hmac ||
                  failure == AgeFailure::no_match)
          << "byte " << i << " bit " << bit << ": " << to_string(failure);
    }
  }
  // A change that keeps the header well-formed is caught by the MAC.
  auto damaged = file_;
  const std::size_t mac_pos = header_size_ - 10;
  damaged[mac_pos] = damaged[mac_pos] == 'A' ? 'B' : 'A';
  EXPECT_EQ(open(damaged), AgeFailure::hmac);
}

TEST_F(Tamper, FlippedPayloadBytesArePayloadFailures) {
  for (std::size_t i = header_size_ + kPayloadNonceSize; i < file_.size(); i += 4099) {
    auto damaged = file_;
    damaged[i] ^= 0x04;
    EXPECT_EQ(open(damaged), AgeFailure::payload) << "byte " << i;
  }
  auto damaged = file_;
  damaged[header_size_] ^= 1;  // the payload nonce changes the payload key
  EXPECT_EQ(open(damaged), AgeFailure::payload);
}

TEST_F(Tamper, WrongKeyIsNoMatch) {
  const Keys other;
  EXPECT_EQ(failure_of(decrypt(file_, other.identities())), AgeFailure::no_match);
}

TEST_F(Tamper, TruncationAndExtensionArePayloadFailures) {
  for (const std::size_t cut :
       {std::size_t{1}, std::size_t{16}, std::size_t{1000}, std::size_t{1016}, kSealedChunkSize,
        file_.size() - header_size_ - 17}) {
    auto damaged = file_;
    damaged.resize(file_.size() - cut);
    EXPECT_EQ(open(damaged), AgeFailure::payload) << "cut " << cut;
  }
  for (const std::size_t extra : {1u, 16u, 5000u, 70000u}) {
    auto damaged = file_;
    const auto garbage = test::random_data(extra, 5);
    damaged.insert(damaged.end(), garbage.begin(), garbage.end());
    EXPECT_EQ(open(damaged), AgeFailure::payload) << "extra " << extra;
  }
  auto header_only = file_;
  header_only.resize(header_size_ + 5);
  EXPECT_EQ(open(header_only), AgeFailure::header);  // nonce cut short
}

TEST_F(Tamper, StreamingReleasesOnlyAuthenticatedChunks) {
  auto damaged = file_;
  damaged[header_size_ + kPayloadNonceSize + 2 * kSealedChunkSize + 5] ^= 1;  // third chunk
  auto decryptor = Decryptor::open(std::make_unique<MemorySource>(damaged), keys_.identities());
  ASSERT_TRUE(decryptor);
  std::vector<std::uint8_t> released;
  for (;;) {
    auto chunk = decryptor->next_chunk();
    if (!chunk) {
      EXPECT_EQ(age_failure_of(chunk.error()), AgeFailure::payload);
      break;
    }
    ASSERT_FALSE(chunk->empty()) << "the damaged stream must not end cleanly";
    released.insert(released.end(), chunk->begin(), chunk->end());
  }
  ASSERT_EQ(released.size(), 2 * kChunkSize);
  EXPECT_TRUE(std::equal(released.begin(), released.end(), plain_.begin()));
  EXPECT_FALSE(decryptor->next_chunk());  // errors are sticky
}

TEST_F(Tamper, ArmorDamageIsArmorFailure) {
  auto sealed = encrypt(plain_, keys_.recipients(), Armor::armored);
  ASSERT_TRUE(sealed);
  std::string text(sealed->begin(), sealed->end());
  auto armored_failure = [&](const std::string& t) {
    return failure_of(decrypt(test::bytes_of(t), keys_.identities()));
  };
  EXPECT_EQ(armored_failure(text), AgeFailure::invalid);
  EXPECT_EQ(armored_failure("  \n" + text + "\n\t\n"), AgeFailure::invalid);
  EXPECT_EQ(armored_failure(std::string(500, ' ') + "\n" + text), AgeFailure::invalid);
  EXPECT_EQ(failure_of(decrypt(test::bytes_of(std::string(1100, ' ') + "\n" + text),
                               keys_.identities(), ArmorInput::armored)),
            AgeFailure::armor);  // at most 1 KiB of whitespace around the block
  EXPECT_EQ(armored_failure(text + std::string(1100, '\n')), AgeFailure::armor);
  std::string crlf;
  for (const char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(armored_failure(crlf), AgeFailure::invalid);
  const std::size_t body = text.find('\n') + 1;
  auto with = [&](std::size_t pos, std::string_view insert) {
    std::string t = text;
    t.insert(pos, insert);
    return t;
  };
  EXPECT_EQ(armored_failure(with(body, " ")), AgeFailure::armor);        // leading space
  EXPECT_EQ(armored_failure(with(body + 64, " ")), AgeFailure::armor);   // trailing space
  EXPECT_EQ(armored_failure(with(body + 65, "\n")), AgeFailure::armor);  // empty line
  EXPECT_EQ(armored_failure(text + "x"), AgeFailure::armor);             // data after END
  EXPECT_EQ(armored_failure(text.substr(0, text.size() - 10)), AgeFailure::armor);  // no END
  std::string bad_char = text;
  bad_char[body + 3000] = '*';
  EXPECT_EQ(armored_failure(bad_char), AgeFailure::armor);
  std::string lower = text;
  lower[6] = 'b';  // "-----bEGIN"
  EXPECT_NE(armored_failure(lower), AgeFailure::invalid);
  EXPECT_EQ(failure_of(decrypt(test::bytes_of(lower), keys_.identities(), ArmorInput::armored)),
            AgeFailure::armor);
}

TEST(DecryptFile, FailureLeavesNoOutputFile) {
  const Keys keys;
  test::TempDir dir;
  const auto plain = test::random_data(200'000, 2);
  test::write_file(dir / "plain", plain);
  ASSERT_TRUE(encrypt_file(dir / "plain", dir / "ok.age", keys.recipients()));
  EXPECT_FALSE(fs::exists(dir / "ok.age.tmp"));
  ASSERT_TRUE(decrypt_file(dir / "ok.age", dir / "back", keys.identities()));
  EXPECT_EQ(test::read_file(dir / "back"), plain);

  auto damaged = test::read_file(dir / "ok.age");
  damaged[damaged.size() - 100] ^= 1;  // last chunk: the first two would already be written
  test::write_file(dir / "bad.age", damaged);
  auto result = decrypt_file(dir / "bad.age", dir / "out", keys.identities());
  ASSERT_FALSE(result);
  EXPECT_EQ(age_failure_of(result.error()), AgeFailure::payload);
  EXPECT_FALSE(fs::exists(dir / "out"));
  EXPECT_FALSE(fs::exists(dir / "out.tmp"));

  const Keys other;
  EXPECT_FALSE(decrypt_file(dir / "ok.age", dir / "out", other.identities()));
  EXPECT_FALSE(fs::exists(dir / "out"));
  EXPECT_FALSE(fs::exists(dir / "out.tmp"));
}

TEST(Writer, FsyncOptionsAndCallbackSink) {
  const Keys keys;
  std::vector<std::uint8_t> file;
  int syncs = 0;
  bool closed = false;
  auto sink = std::make_unique<CallbackSink>(
      [&](std::span<const std::uint8_t> b) {
        file.insert(file.end(), b.begin(), b.end());
        return Status{};
      },
      [&] {
        ++syncs;
        return Status{};
      },
      [&] {
        closed = true;
        return Status{};
      });
  auto encryptor =
      Encryptor::create(keys.recipients(), std::move(sink), WriterOptions{.fsync_every_chunks = 2});
  ASSERT_TRUE(encryptor);
  const auto plain = test::random_data(10 * kChunkSize + 5, 4);
  ASSERT_TRUE(encryptor->write(plain));
  EXPECT_EQ(encryptor->chunks_sealed(), 10u);  // the 11th waits: it may be the last
  EXPECT_EQ(syncs, 5);
  ASSERT_TRUE(encryptor->finish());
  EXPECT_TRUE(closed);
  EXPECT_EQ(syncs, 6);  // finish syncs when an fsync option is set
  EXPECT_FALSE(encryptor->write(plain));
  auto opened = decrypt(file, keys.identities());
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, plain);
}

TEST(Writer, SinkErrorIsStickyAndExactChunkNeedsLookahead) {
  const Keys keys;
  int writes = 0;
  auto sink = std::make_unique<CallbackSink>([&](std::span<const std::uint8_t>) -> Status {
    if (++writes > 1) return fail(Errc::no_space, "disk full");
    return {};
  });
  auto encryptor = Encryptor::create(keys.recipients(), std::move(sink));
  ASSERT_TRUE(encryptor);
  const auto chunk = test::random_data(kChunkSize, 1);
  ASSERT_TRUE(encryptor->write(chunk));  // held back: no write yet
  EXPECT_EQ(writes, 1);
  auto failed = encryptor->write(chunk);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, Errc::no_space);
  EXPECT_FALSE(encryptor->write(chunk));
  EXPECT_FALSE(encryptor->finish());
}

}  // namespace
}  // namespace clinvid::crypto
