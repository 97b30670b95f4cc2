// Random-access reads and recovery of streams cut short.
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "crypto/failure.hpp"
#include "crypto/random_access.hpp"
#include "crypto/reader.hpp"
#include "crypto/recover.hpp"
#include "crypto/stream.hpp"
#include "crypto/writer.hpp"
#include "crypto_test_util.hpp"

namespace clinvid::crypto {
namespace {

namespace fs = std::filesystem;

struct Fixture : test::KeyedDir {
  fs::path encrypt(const std::vector<std::uint8_t>& plain, const std::string& name) const {
    auto sealed = crypto::encrypt(plain, recipients());
    EXPECT_TRUE(sealed);
    test::write_file(dir / name, *sealed);
    return dir / name;
  }
};

TEST(RandomAccess, ReadsAtArbitraryOffsets) {
  const Fixture f;
  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, kChunkSize - 1, kChunkSize,
                                 kChunkSize + 1, 3 * kChunkSize, 5 * kChunkSize + 777}) {
    const auto plain = test::random_data(size, static_cast<std::uint32_t>(size));
    const fs::path path = f.encrypt(plain, "ra.age");
    auto reader =
        RandomAccessReader::open(path, f.identities(), RandomAccessOptions{.cache_chunks = 2});
    ASSERT_TRUE(reader) << reader.error().message();
    ASSERT_EQ(reader->size(), size);

    std::vector<std::uint64_t> offsets = {
        0, 1, kChunkSize - 1, kChunkSize, kChunkSize + 1, 2 * kChunkSize - 3, size, size + 10};
    if (size > 0) offsets.push_back(size - 1);
    std::mt19937 rng(5);
    for (int i = 0; i < 40 && size > 0; ++i) offsets.push_back(rng() % size);
    for (const std::uint64_t offset : offsets) {
      for (const std::size_t length :
           {std::size_t{1}, std::size_t{100}, kChunkSize, kChunkSize + 2, 3 * kChunkSize}) {
        std::vector<std::uint8_t> out(length, 0xee);
        auto n = reader->read_at(offset, out);
        ASSERT_TRUE(n) << n.error().message();
        const std::size_t expected =
            offset >= size
                ? 0
                : static_cast<std::size_t>(std::min<std::uint64_t>(length, size - offset));
        ASSERT_EQ(*n, expected) << "offset " << offset << " length " << length;
        EXPECT_TRUE(std::equal(
            out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*n),
            plain.begin() + static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(offset, size))));
      }
    }
  }
}

TEST(RandomAccess, ConcurrentReadersShareOneObject) {
  const Fixture f;
  const auto plain = test::random_data(40 * kChunkSize + 99, 8);
  const fs::path path = f.encrypt(plain, "mt.age");
  auto reader =
      RandomAccessReader::open(path, f.identities(), RandomAccessOptions{.cache_chunks = 3});
  ASSERT_TRUE(reader);
  std::atomic<int> mismatches{0};
  std::vector<std::jthread> threads;
  for (std::uint32_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      std::vector<std::uint8_t> out(5000);
      for (int i = 0; i < 300; ++i) {
        const std::uint64_t offset = rng() % plain.size();
        auto n = reader->read_at(offset, out);
        if (!n || !std::equal(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*n),
                              plain.begin() + static_cast<std::ptrdiff_t>(offset))) {
          ++mismatches;
        }
      }
    });
  }
  threads.clear();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(RandomAccess, RefusesTruncatedDamagedAndArmored) {
  const Fixture f;
  const auto plain = test::random_data(3 * kChunkSize + 10, 1);
  const fs::path path = f.encrypt(plain, "a.age");
  auto bytes = test::read_file(path);

  test::write_file(f.dir / "cut.age", std::span(bytes).first(bytes.size() - 30));
  auto cut = RandomAccessReader::open(f.dir / "cut.age", f.identities());
  ASSERT_FALSE(cut);
  EXPECT_EQ(age_failure_of(cut.error()), AgeFailure::payload);

  // Cut exactly at a chunk boundary: the remaining last chunk is not marked final.
  const std::size_t header = bytes.size() - sealed_payload_size(plain.size());
  test::write_file(f.dir / "boundary.age", std::span(bytes).first(header + kSealedChunkSize));
  auto boundary = RandomAccessReader::open(f.dir / "boundary.age", f.identities());
  ASSERT_FALSE(boundary);
  EXPECT_EQ(age_failure_of(boundary.error()), AgeFailure::payload);

  auto flipped = bytes;
  flipped[header + kSealedChunkSize + 10] ^= 1;  // second chunk
  test::write_file(f.dir / "flip.age", flipped);
  auto reader = RandomAccessReader::open(f.dir / "flip.age", f.identities());
  ASSERT_TRUE(reader);  // only the last chunk is checked at open
  std::vector<std::uint8_t> out(10);
  EXPECT_TRUE(reader->read_at(5, out));
  auto bad = reader->read_at(kChunkSize + 5, out);
  ASSERT_FALSE(bad);
  EXPECT_EQ(age_failure_of(bad.error()), AgeFailure::payload);

  auto armored = crypto::encrypt(plain, f.recipients(), Armor::armored);
  test::write_file(f.dir / "armored.age", *armored);
  auto refused = RandomAccessReader::open(f.dir / "armored.age", f.identities());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::unsupported);

  const Fixture other;
  auto wrong = RandomAccessReader::open(path, other.identities());
  ASSERT_FALSE(wrong);
  EXPECT_EQ(age_failure_of(wrong.error()), AgeFailure::no_match);
}

// A writer killed at any point: recovery returns exactly the whole chunks written, as a prefix
// of the plaintext, and says how many file bytes it could not use.
TEST(Recover, CutsAtManyPoints) {
  const Fixture f;
  const auto plain = test::random_data(6 * kChunkSize + 4321, 3);
  std::vector<std::uint8_t> file;
  {
    auto encryptor = Encryptor::create(f.recipients(), std::make_unique<VectorSink>(file));
    ASSERT_TRUE(encryptor);
    ASSERT_TRUE(encryptor->write(plain));
    // No finish(): the "crash". Six chunks are out; the seventh is still in memory.
    EXPECT_EQ(encryptor->chunks_sealed(), 6u);
  }
  const std::size_t header = file.size() - 6 * kSealedChunkSize;
  const std::size_t cuts[] = {header,
                              header + 1,
                              header + 100,
                              header + kSealedChunkSize - 1,
                              header + kSealedChunkSize,
                              header + kSealedChunkSize + 17,
                              header + 3 * kSealedChunkSize + 5000,
                              file.size()};
  for (const std::size_t cut : cuts) {
    std::vector<std::uint8_t> recovered;
    VectorSink sink(recovered);
    MemorySource source{std::span(file).first(cut)};
    auto report = recover(source, f.identities(), sink);
    ASSERT_TRUE(report) << report.error().message();
    const std::size_t whole = (cut - header) / kSealedChunkSize;
    EXPECT_EQ(report->chunks_recovered, whole) << "cut " << cut;
    EXPECT_EQ(report->plaintext_bytes, whole * kChunkSize);
    EXPECT_EQ(report->bytes_lost, (cut - header) - whole * kSealedChunkSize);
    EXPECT_EQ(report->final_chunk, FinalChunk::missing);
    ASSERT_EQ(recovered.size(), whole * kChunkSize);
    EXPECT_TRUE(std::equal(recovered.begin(), recovered.end(), plain.begin()));
  }
  // The streaming reader refuses the same truncated file.
  auto decrypted = decrypt(file, f.identities());
  ASSERT_FALSE(decrypted);
  EXPECT_EQ(age_failure_of(decrypted.error()), AgeFailure::payload);

  // Cut inside the header: nothing to recover.
  std::vector<std::uint8_t> none;
  VectorSink sink(none);
  MemorySource inside{std::span(file).first(header - 30)};
  auto failed = recover(inside, f.identities(), sink);
  ASSERT_FALSE(failed);
  EXPECT_EQ(age_failure_of(failed.error()), AgeFailure::header);
}

TEST(Recover, CompleteAndDamagedStreams) {
  const Fixture f;
  const auto plain = test::random_data(2 * kChunkSize + 10, 9);
  auto file = *crypto::encrypt(plain, f.recipients());
  std::vector<std::uint8_t> recovered;
  VectorSink sink(recovered);
  MemorySource complete(file);
  auto report = recover(complete, f.identities(), sink);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->final_chunk, FinalChunk::present);
  EXPECT_EQ(report->chunks_recovered, 3u);
  EXPECT_EQ(report->bytes_lost, 0u);
  EXPECT_EQ(recovered, plain);

  // A flipped byte in the middle chunk: only the first chunk comes back.
  const std::size_t header = file.size() - sealed_payload_size(plain.size());
  file[header + kSealedChunkSize + 3] ^= 1;
  recovered.clear();
  MemorySource damaged(file);
  report = recover(damaged, f.identities(), sink);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->chunks_recovered, 1u);
  EXPECT_EQ(report->final_chunk, FinalChunk::missing);
  EXPECT_EQ(report->bytes_lost, file.size() - header - kSealedChunkSize);
  EXPECT_EQ(recovered.size(), kChunkSize);
}

TEST(Recover, RecoverToReencryptsAsACompleteFile) {
  const Fixture f;
  const auto plain = test::random_data(4 * kChunkSize + 100, 12);
  {
    auto sink = FdSink::create(f.dir / "crashed.age", FileDurability::none);
    ASSERT_TRUE(sink);
    auto encryptor =
        Encryptor::create(f.recipients(), std::move(*sink), WriterOptions{.fsync_every_chunks = 1});
    ASSERT_TRUE(encryptor);
    ASSERT_TRUE(encryptor->write(plain));
  }  // "crash": 4 chunks out, the rest lost
  const Fixture archive;
  auto report = recover_to(f.dir / "crashed.age", f.identities(), archive.recipients(),
                           f.dir / "recovered.age");
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_EQ(report->chunks_recovered, 4u);
  EXPECT_EQ(report->final_chunk, FinalChunk::missing);
  EXPECT_FALSE(fs::exists(f.dir / "recovered.age.tmp"));
  auto opened = decrypt(test::read_file(f.dir / "recovered.age"), archive.identities());
  ASSERT_TRUE(opened) << opened.error().message();
  EXPECT_EQ(opened->size(), 4 * kChunkSize);
  EXPECT_TRUE(std::equal(opened->begin(), opened->end(), plain.begin()));

  // Nothing recoverable: no output file at all.
  test::write_file(f.dir / "garbage.age", test::random_data(1000, 1));
  EXPECT_FALSE(recover_to(f.dir / "garbage.age", f.identities(), archive.recipients(),
                          f.dir / "nothing.age"));
  EXPECT_FALSE(fs::exists(f.dir / "nothing.age"));
  EXPECT_FALSE(fs::exists(f.dir / "nothing.age.tmp"));
}

}  // namespace
}  // namespace clinvid::crypto
