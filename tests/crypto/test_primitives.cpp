// Building blocks: SecretBytes, base64, Bech32, HKDF, failure classes, header format, keys,
// the payload cipher.
#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "crypto/base64.hpp"
#include "crypto/bech32.hpp"
#include "crypto/failure.hpp"
#include "crypto/format.hpp"
#include "crypto/hkdf.hpp"
#include "crypto/identity_file.hpp"
#include "crypto/keys.hpp"
#include "crypto/secret.hpp"
#include "crypto/sha256.hpp"
#include "crypto/stream.hpp"
#include "crypto_test_util.hpp"

namespace clinvid::crypto {
namespace {

using test::bytes_of;
namespace fs = std::filesystem;

std::string hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::vector<std::uint8_t> from_hex(std::string_view text) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
    out.push_back(
        static_cast<std::uint8_t>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST(SecretBytes, MovesAndClones) {
  SecretBytes a = SecretBytes::copy_of(std::string_view("hunter2"));
  EXPECT_EQ(a.chars(), "hunter2");
  SecretBytes b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is specified empty
  EXPECT_EQ(b.size(), 7u);
  SecretBytes c = b.clone();
  EXPECT_TRUE(c.equals(b.bytes()));
  c.data()[0] = 'H';
  EXPECT_FALSE(c.equals(b.bytes()));
  EXPECT_TRUE(SecretBytes(0).empty());
  EXPECT_EQ(SecretBytes(5).bytes()[4], 0);  // zero-filled
}

TEST(Base64, RoundTripsBothForms) {
  for (std::size_t n = 0; n < 70; ++n) {
    const auto data = test::random_data(n, static_cast<std::uint32_t>(n));
    for (const auto padding : {Base64Padding::none, Base64Padding::required}) {
      const std::string text = base64_encode(data, padding);
      auto back = base64_decode(text, padding);
      ASSERT_TRUE(back) << text << ": " << back.error().detail;
      EXPECT_EQ(*back, data);
      EXPECT_EQ(base64_decoded_size(text, padding), n);
    }
  }
  EXPECT_EQ(base64_encode(bytes_of("fo"), Base64Padding::none), "Zm8");
  EXPECT_EQ(base64_encode(bytes_of("fo"), Base64Padding::required), "Zm8=");
}

TEST(Base64, RejectsNonCanonicalAndPadding) {
  // Unpadded: no '=', no truncation to 1 char mod 4, no set trailing bits, no whitespace.
  EXPECT_FALSE(base64_decode("Zm8=", Base64Padding::none));
  EXPECT_FALSE(base64_decode("Zm9", Base64Padding::none));  // 'f','o' with trailing bit set
  EXPECT_TRUE(base64_decode("Zm8", Base64Padding::none));
  EXPECT_FALSE(base64_decode("Z", Base64Padding::none));
  EXPECT_FALSE(base64_decode("Zm 8", Base64Padding::none));
  EXPECT_FALSE(base64_decode("Zm8\n", Base64Padding::none));
  EXPECT_FALSE(base64_decode("Zm8\r", Base64Padding::none));
  EXPECT_FALSE(base64_decode("Zm-8", Base64Padding::none));  // URL alphabet
  // Padded: length multiple of 4, '=' only at the end, canonical bits.
  EXPECT_FALSE(base64_decode("Zm8", Base64Padding::required));
  EXPECT_FALSE(base64_decode("Zm9=", Base64Padding::required));
  EXPECT_FALSE(base64_decode("Z=8=", Base64Padding::required));
  EXPECT_FALSE(base64_decode("Zg=", Base64Padding::required));
  EXPECT_FALSE(base64_decode("Zh==", Base64Padding::required));
  EXPECT_TRUE(base64_decode("Zg==", Base64Padding::required));
  EXPECT_FALSE(base64_decode("Z===", Base64Padding::required));
  std::array<std::uint8_t, 2> two{};
  EXPECT_TRUE(base64_decode_exact("Zm8", Base64Padding::none, two));
  std::array<std::uint8_t, 3> three{};
  EXPECT_FALSE(base64_decode_exact("Zm8", Base64Padding::none, three));
}

TEST(Bech32, Bip173Vectors) {
  for (const char* valid :
       {"A12UEL5L", "a12uel5l", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl"}) {
    auto decoded = bech32_decode(valid);
    // Data parts whose 5-bit groups do not form whole bytes with zero padding are not valid
    // *byte* strings; only the checksum is checked for those here.
    if (!decoded) {
      EXPECT_NE(decoded.error().detail.find("padding"), std::string::npos) << valid;
    }
  }
  EXPECT_FALSE(bech32_decode("A1G7SGD8"));      // checksum over uppercase HRP
  EXPECT_FALSE(bech32_decode("1nwldj5"));       // empty HRP
  EXPECT_FALSE(bech32_decode("x1b4n0q5v"));     // invalid data character
  EXPECT_FALSE(bech32_decode("li1dgmt3"));      // checksum too short
  EXPECT_FALSE(bech32_decode("A12uEL5L"));      // mixed case
  EXPECT_FALSE(bech32_decode("de1lg7wt\xff"));  // invalid character
}

TEST(Bech32, RoundTripsWithoutLengthLimit) {
  const auto data = test::random_data(300, 7);
  const std::string text = bech32_encode("age", data, Bech32Case::lower);
  EXPECT_GT(text.size(), 90u);
  auto decoded = bech32_decode(text);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->hrp, "age");
  EXPECT_TRUE(decoded->data.equals(data));
  const SecretBytes upper = bech32_encode_secret("age-secret-key-", data, Bech32Case::upper);
  EXPECT_TRUE(upper.chars().starts_with("AGE-SECRET-KEY-1"));
  EXPECT_TRUE(bech32_decode(upper.chars()));
}

TEST(Hkdf, Rfc5869Vectors) {
  const std::vector<std::uint8_t> ikm(22, 0x0b);
  std::vector<std::uint8_t> okm(42);
  hkdf_sha256(ikm, from_hex("000102030405060708090a0b0c"),
              std::string_view("\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9", 10), okm);
  EXPECT_EQ(hex(okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  hkdf_sha256(ikm, {}, "", okm);  // test case 3: empty salt and info
  EXPECT_EQ(hex(okm),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

TEST(AgeFailure, ClassFromError) {
  EXPECT_EQ(age_failure_of(age_error(AgeFailure::header, "x")), AgeFailure::header);
  EXPECT_EQ(age_failure_of(age_error(AgeFailure::hmac, "x")), AgeFailure::hmac);
  EXPECT_EQ(age_failure_of(age_error(AgeFailure::no_match, "")), AgeFailure::no_match);
  EXPECT_EQ(age_error(AgeFailure::no_match, "").code, Errc::crypto);
  EXPECT_EQ(age_error(AgeFailure::payload, "").code, Errc::corrupt);
  // Context prefixes keep the class.
  auto wrapped = with_context(age_error(AgeFailure::armor, "bad line"), "/a/b.age").value();
  EXPECT_EQ(wrapped.detail, "/a/b.age: armor failure: bad line");
  EXPECT_EQ(age_failure_of(wrapped), AgeFailure::armor);
  EXPECT_EQ(age_failure_of(Error{Errc::io, "payload failure: but an i/o code"}),
            AgeFailure::invalid);
  EXPECT_EQ(age_failure_of(Error{Errc::corrupt, "something else"}), AgeFailure::invalid);
}

TEST(Keys, SpecExampleIdentityAndRecipient) {
  auto identity = X25519Identity::parse(
      "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX");
  ASSERT_TRUE(identity) << identity.error().detail;
  EXPECT_EQ(identity->recipient().to_string(),
            "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj");
  EXPECT_EQ(identity->to_string().chars(),
            "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX");
  auto recipient =
      X25519Recipient::parse("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj");
  ASSERT_TRUE(recipient);
  EXPECT_EQ(*recipient, identity->recipient());
}

TEST(Keys, RefusesWrongKinds) {
  EXPECT_FALSE(
      X25519Recipient::parse("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwq"));
  EXPECT_FALSE(X25519Recipient::parse(
      "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"));
  auto pq = X25519Identity::parse(
      "AGE-SECRET-KEY-PQ-1XX76JRALNLXDMEW0CRK45QMCCH4X06SE84UN3VPM33W6HWDX0H3SK3ZQFR");
  ASSERT_FALSE(pq);
  EXPECT_EQ(pq.error().code, Errc::unsupported);
  const auto generated = X25519Identity::generate();
  auto again = X25519Identity::parse(generated.to_string().chars());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->recipient(), generated.recipient());
}

TEST(IdentityFile, ReadsWhatItWritesAndAgeKeygenForm) {
  const auto a = X25519Identity::generate();
  const auto b = X25519Identity::generate();
  const SecretBytes file = format_identity_file(a, std::chrono::system_clock::time_point{});
  EXPECT_TRUE(file.chars().starts_with("# created: 1970-01-01T00:00:00Z\n# public key: age1"));
  std::string two(file.chars());
  two += "\r\n\n# another key\r\n";
  two += b.to_string().chars();
  auto parsed = parse_identity_file(two);
  ASSERT_TRUE(parsed) << parsed.error().detail;
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].recipient(), a.recipient());
  EXPECT_EQ((*parsed)[1].recipient(), b.recipient());

  auto bad = parse_identity_file("# hi\nAGE-SECRET-KEY-1NOPE\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().detail.find("line 2"), std::string::npos);
  EXPECT_FALSE(parse_identity_file("# only comments\n\n"));

  test::TempDir dir;
  ASSERT_TRUE(write_identity_file(dir / "key.txt", a));
  EXPECT_EQ(fs::status(dir / "key.txt").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto read = read_identity_file(dir / "key.txt");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->at(0).recipient(), a.recipient());
}

TEST(HeaderFormat, SerialiseParseRoundTrip) {
  std::vector<Stanza> stanzas;
  for (const std::size_t body : {0u, 1u, 47u, 48u, 49u, 96u, 200u}) {
    stanzas.push_back(Stanza{"test.example/" + std::to_string(body),
                             {"a", "b!~"},
                             test::random_data(body, static_cast<std::uint32_t>(body))});
  }
  std::array<std::uint8_t, kHeaderMacSize> mac{};
  mac[0] = 0xab;
  const std::string text = encode_header(stanzas, mac);
  const std::string payload = "PAYLOAD";
  const std::string with_payload = text + payload;
  auto header = parse_header(bytes_of(with_payload));
  ASSERT_TRUE(header) << header.error().detail;
  EXPECT_EQ(header->encoded_size, text.size());
  EXPECT_EQ(header->mac, mac);
  EXPECT_EQ(header->mac_input, encode_header_without_mac(stanzas));
  ASSERT_EQ(header->stanzas.size(), stanzas.size());
  for (std::size_t i = 0; i < stanzas.size(); ++i) {
    EXPECT_EQ(header->stanzas[i].type, stanzas[i].type);
    EXPECT_EQ(header->stanzas[i].args, stanzas[i].args);
    EXPECT_EQ(header->stanzas[i].body, stanzas[i].body);
  }
}

TEST(HeaderFormat, HostileHeadersAreHeaderFailures) {
  const std::string mac = " " + std::string(43, 'A') + "\n";
  const std::string good = "age-encryption.org/v1\n-> X y\nAAAA\n---" + mac;
  ASSERT_TRUE(parse_header(bytes_of(good)));
  for (const std::string& bad : {
           std::string("age-encryption.org/v2\n-> X y\nAAAA\n---") + mac,        // version
           std::string("age-encryption.org/v1\r\n-> X y\nAAAA\n---") + mac,      // CRLF
           std::string("age-encryption.org/v1\n---") + mac,                      // no stanza
           std::string("age-encryption.org/v1\n->\nAAAA\n---") + mac,            // no argument
           std::string("age-encryption.org/v1\n->  X\nAAAA\n---") + mac,         // empty argument
           std::string("age-encryption.org/v1\n-> X \nAAAA\n---") + mac,         // trailing space
           std::string("age-encryption.org/v1\n-> X\xc3\xa9\nAAAA\n---") + mac,  // non-VCHAR
           std::string("age-encryption.org/v1\n-> X y\nAAAA\r\n---") + mac,      // CR in body
           std::string("age-encryption.org/v1\n-> X y\n---") + mac,              // no body line
           std::string("age-encryption.org/v1\n-> X y\nAA==\n---") + mac,        // padding
           std::string("age-encryption.org/v1\n-> X y\nAAAA\nAAAA\n---") + mac,  // two short lines
           std::string("age-encryption.org/v1\n-> X y\n") + std::string(68, 'A') + "\n\n---" + mac,
           std::string("age-encryption.org/v1\n-> X y\nAAAA\n---  ") + std::string(43, 'A') + "\n",
           std::string("age-encryption.org/v1\n-> X y\nAAAA\n--- ") + std::string(42, 'A') + "\n",
           std::string("age-encryption.org/v1\n-> X y\nAAAA\n--- ") + std::string(43, 'A') + " \n",
           std::string("age-encryption.org/v1\n-> X y\nAAAA\n---") + mac.substr(0, 20),  // cut
           std::string(""),
       }) {
    auto header = parse_header(bytes_of(bad));
    ASSERT_FALSE(header) << bad;
    EXPECT_EQ(age_failure_of(header.error()), AgeFailure::header) << header.error().detail;
  }
}

TEST(PayloadLayout, SizesAndEdgeCases) {
  for (const std::uint64_t size :
       {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{kChunkSize - 1},
        std::uint64_t{kChunkSize}, std::uint64_t{kChunkSize + 1}, std::uint64_t{2 * kChunkSize},
        std::uint64_t{5'000'000}}) {
    auto layout = payload_layout(sealed_payload_size(size));
    ASSERT_TRUE(layout) << size;
    EXPECT_EQ(layout->plaintext_size, size);
  }
  EXPECT_FALSE(payload_layout(0));
  EXPECT_FALSE(payload_layout(15));
  EXPECT_FALSE(payload_layout(kSealedChunkSize + 16));  // empty last chunk after a full one
  EXPECT_FALSE(payload_layout(kSealedChunkSize + 3));
}

}  // namespace
}  // namespace clinvid::crypto

// The payload AEAD runs on OpenSSL; libsodium's IETF ChaCha20-Poly1305 is the same
// construction (RFC 8439). Chunks sealed by one open with the other, byte for byte.
TEST(PayloadCipher, AgreesWithLibsodiumChaCha20Poly1305) {
  std::array<std::uint8_t, clinvid::crypto::kFileKeySize> file_key{};
  std::array<std::uint8_t, clinvid::crypto::kPayloadNonceSize> nonce{};
  randombytes_buf(file_key.data(), file_key.size());
  randombytes_buf(nonce.data(), nonce.size());
  const auto cipher = clinvid::crypto::PayloadCipher::derive(file_key, nonce);
  std::array<std::uint8_t, 32> key{};
  clinvid::crypto::hkdf_sha256(file_key, nonce, "payload", key);

  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{64},
                                 std::size_t{1000}, clinvid::crypto::kChunkSize}) {
    for (const std::uint64_t index :
         {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{0x0102030405060708}}) {
      for (const auto kind :
           {clinvid::crypto::ChunkKind::middle, clinvid::crypto::ChunkKind::last}) {
        std::vector<std::uint8_t> plain(size);
        if (!plain.empty()) randombytes_buf(plain.data(), plain.size());  // data() may be null
        std::vector<std::uint8_t> ours(size + clinvid::crypto::kTagSize);
        cipher.seal(index, kind, plain, ours);

        std::array<std::uint8_t, 12> n{};
        for (std::size_t i = 0; i < 8; ++i) n[10 - i] = static_cast<std::uint8_t>(index >> (8 * i));
        n[11] = kind == clinvid::crypto::ChunkKind::last ? 1 : 0;
        std::vector<std::uint8_t> theirs(size + clinvid::crypto::kTagSize);
        crypto_aead_chacha20poly1305_ietf_encrypt(theirs.data(), nullptr, plain.data(), size,
                                                  nullptr, 0, nullptr, n.data(), key.data());
        ASSERT_EQ(ours, theirs) << "size " << size << " index " << index;

        std::vector<std::uint8_t> opened(size);
        ASSERT_TRUE(cipher.open(index, kind, theirs, opened));
        EXPECT_EQ(opened, plain);
        // Any flipped bit, a wrong index or a wrong kind fails, and wipes the output.
        theirs[theirs.size() / 2] ^= 0x20;
        EXPECT_FALSE(cipher.open(index, kind, theirs, opened));
        EXPECT_TRUE(std::all_of(opened.begin(), opened.end(), [](auto b) { return b == 0; }));
        theirs[theirs.size() / 2] ^= 0x20;
        EXPECT_FALSE(cipher.open(index + 1, kind, theirs, opened));
        EXPECT_FALSE(cipher.open(index,
                                 kind == clinvid::crypto::ChunkKind::last
                                     ? clinvid::crypto::ChunkKind::middle
                                     : clinvid::crypto::ChunkKind::last,
                                 theirs, opened));
      }
    }
  }
}

// SHA-256 (OpenSSL underneath): FIPS 180-2 vectors, whole and fed in pieces, and a digest
// context that starts again after finish().
TEST(Sha256, KnownVectorsWholeAndIncremental) {
  const auto hex = [](const clinvid::crypto::Sha256Digest& d) {
    std::string out;
    for (const std::uint8_t b : d) out += fmt::format("{:02x}", b);
    return out;
  };
  const std::string abc = "abc";
  const std::span<const std::uint8_t> abc_bytes(reinterpret_cast<const std::uint8_t*>(abc.data()),
                                                abc.size());
  EXPECT_EQ(hex(clinvid::crypto::sha256(abc_bytes)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(clinvid::crypto::sha256({})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  clinvid::crypto::Sha256 hash;
  hash.update(abc_bytes.first(1));
  hash.update({});
  hash.update(abc_bytes.subspan(1));
  EXPECT_EQ(hex(hash.finish()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(hash.finish()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
      << "finish() starts again, empty";
  const std::vector<std::uint8_t> million(1'000'000, 'a');
  EXPECT_EQ(hex(clinvid::crypto::sha256(million)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
