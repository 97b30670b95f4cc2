// Parallel file encryption/decryption: same format, same failure classes, and faster.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "crypto/failure.hpp"
#include "crypto/io.hpp"
#include "crypto/parallel.hpp"
#include "crypto/reader.hpp"
#include "crypto/stream.hpp"
#include "crypto/writer.hpp"
#include "crypto_test_util.hpp"

namespace clinvid::crypto {
namespace {

namespace fs = std::filesystem;

using Fixture = test::KeyedDir;

TEST(Parallel, MatchesTheStreamingFormat) {
  const Fixture f;
  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, kChunkSize, kChunkSize + 1,
                                 17 * kChunkSize, 33 * kChunkSize + 5}) {
    const auto plain = test::random_data(size, static_cast<std::uint32_t>(size));
    test::write_file(f.dir / "plain", plain);
    for (const unsigned threads : {1u, 2u, 5u}) {
      const ParallelOptions options{.threads = threads, .chunks_per_block = 4};
      ASSERT_TRUE(encrypt_file_parallel(f.dir / "plain", f.dir / "p.age", f.recipients(), options));
      // The streaming reader accepts what the parallel writer made, and the reverse.
      auto streamed = decrypt(test::read_file(f.dir / "p.age"), f.identities());
      ASSERT_TRUE(streamed) << streamed.error().message();
      EXPECT_EQ(*streamed, plain);
      ASSERT_TRUE(encrypt_file(f.dir / "plain", f.dir / "s.age", f.recipients()));
      ASSERT_TRUE(decrypt_file_parallel(f.dir / "s.age", f.dir / "back", f.identities(), options));
      EXPECT_EQ(test::read_file(f.dir / "back"), plain) << size << " bytes, " << threads;
      EXPECT_EQ(fs::file_size(f.dir / "p.age"), fs::file_size(f.dir / "s.age"));
    }
  }
}

TEST(Parallel, DamageFailsWithoutOutput) {
  const Fixture f;
  const auto plain = test::random_data(40 * kChunkSize + 3, 2);
  test::write_file(f.dir / "plain", plain);
  ASSERT_TRUE(encrypt_file_parallel(f.dir / "plain", f.dir / "a.age", f.recipients()));
  auto bytes = test::read_file(f.dir / "a.age");
  bytes[bytes.size() / 2] ^= 0x10;
  test::write_file(f.dir / "bad.age", bytes);
  auto result = decrypt_file_parallel(f.dir / "bad.age", f.dir / "out", f.identities());
  ASSERT_FALSE(result);
  EXPECT_EQ(age_failure_of(result.error()), AgeFailure::payload);
  EXPECT_FALSE(fs::exists(f.dir / "out"));
  EXPECT_FALSE(fs::exists(f.dir / "out.tmp"));

  bytes = test::read_file(f.dir / "a.age");
  bytes.resize(bytes.size() - kSealedChunkSize);  // a clean cut at a chunk boundary
  test::write_file(f.dir / "cut.age", bytes);
  result = decrypt_file_parallel(f.dir / "cut.age", f.dir / "out", f.identities());
  ASSERT_FALSE(result);
  EXPECT_EQ(age_failure_of(result.error()), AgeFailure::payload);
  EXPECT_FALSE(fs::exists(f.dir / "out"));
}

// The ordered forms, for outputs that can only be appended to: the same bytes as the
// streaming format, the sink closed only on success.
TEST(Parallel, ToAnAppendOnlySinkInOrder) {
  const Fixture f;
  for (const std::size_t size : {std::size_t{0}, kChunkSize - 1, 37 * kChunkSize + 11}) {
    const auto plain = test::random_data(size, static_cast<std::uint32_t>(size) + 7);
    test::write_file(f.dir / "plain", plain);
    for (const unsigned threads : {1u, 3u}) {
      const ParallelOptions options{.threads = threads, .chunks_per_block = 2};
      std::vector<std::uint8_t> sealed;
      bool closed = false;
      CallbackSink sink(
          [&](std::span<const std::uint8_t> bytes) -> Status {
            sealed.insert(sealed.end(), bytes.begin(), bytes.end());
            return {};
          },
          {},
          [&]() -> Status {
            closed = true;
            return {};
          });
      ASSERT_TRUE(encrypt_file_to_sink_parallel(f.dir / "plain", f.recipients(), sink, options));
      EXPECT_TRUE(closed);
      auto streamed = decrypt(sealed, f.identities());
      ASSERT_TRUE(streamed) << streamed.error().message();
      EXPECT_EQ(*streamed, plain) << size << " bytes, " << threads << " threads";

      test::write_file(f.dir / "s.age", sealed);
      std::vector<std::uint8_t> opened;
      VectorSink out(opened);
      ASSERT_TRUE(decrypt_file_to_sink_parallel(f.dir / "s.age", f.identities(), out, options));
      EXPECT_EQ(opened, plain);
    }
  }

  // A damaged chunk: a payload failure, nothing from that chunk on is released, no close.
  const auto plain = test::random_data(20 * kChunkSize, 3);
  test::write_file(f.dir / "plain", plain);
  ASSERT_TRUE(encrypt_file_parallel(f.dir / "plain", f.dir / "a.age", f.recipients()));
  auto bytes = test::read_file(f.dir / "a.age");
  bytes[bytes.size() - 5 * kSealedChunkSize] ^= 0x01;
  test::write_file(f.dir / "bad.age", bytes);
  std::size_t released = 0;
  bool closed = false;
  CallbackSink sink(
      [&](std::span<const std::uint8_t> b) -> Status {
        released += b.size();
        return {};
      },
      {},
      [&]() -> Status {
        closed = true;
        return {};
      });
  auto result = decrypt_file_to_sink_parallel(f.dir / "bad.age", f.identities(), sink,
                                              {.threads = 2, .chunks_per_block = 1});
  ASSERT_FALSE(result);
  EXPECT_EQ(age_failure_of(result.error()), AgeFailure::payload);
  EXPECT_FALSE(closed);
  EXPECT_LT(released, plain.size() - 4 * kChunkSize);
}

double best_seconds(const std::function<void()>& run) {
  double best = 1e9;
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    run();
    best = std::min(
        best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

// How much faster two threads finish a pure CPU task than one, right now: on a shared machine
// other jobs can leave no second core to speak of.
double parallel_capacity() {
  auto spin = [](std::uint64_t rounds) {
    volatile std::uint64_t x = 1;
    for (std::uint64_t i = 0; i < rounds; ++i) x = x * 6364136223846793005u + 1442695040888963407u;
  };
  constexpr std::uint64_t kRounds = 40'000'000;
  const double one = best_seconds([&] { spin(kRounds); });
  const double two = best_seconds([&] {
    std::jthread other([&] { spin(kRounds / 2); });
    spin(kRounds / 2);
  });
  return one / two;
}

// Speed on every core versus one (best of three each, files in the page cache). Asserted at
// 1.1× when the machine has a second core free at the time (a pure CPU task gets ≥ 1.5× from
// two threads); on a busy shared machine the figures are printed and the assertion skipped.
// Typical on an idle 2-core machine: 1.5–1.7× for both directions.
TEST(Parallel, FasterThanOneThread) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const Fixture f;
  const std::size_t size = 96 * 1024 * 1024;
  test::write_file(f.dir / "plain", test::random_data(size, 1));
  ASSERT_TRUE(encrypt_file_parallel(f.dir / "plain", f.dir / "warm.age", f.recipients()));

  const ParallelOptions one{.threads = 1};
  const ParallelOptions all{.threads = 0};
  const double capacity_before = parallel_capacity();
  const double enc1 = best_seconds([&] {
    ASSERT_TRUE(encrypt_file_parallel(f.dir / "plain", f.dir / "a.age", f.recipients(), one));
  });
  const double encn = best_seconds([&] {
    ASSERT_TRUE(encrypt_file_parallel(f.dir / "plain", f.dir / "b.age", f.recipients(), all));
  });
  const double dec1 = best_seconds([&] {
    ASSERT_TRUE(decrypt_file_parallel(f.dir / "a.age", f.dir / "c", f.identities(), one));
  });
  const double decn = best_seconds([&] {
    ASSERT_TRUE(decrypt_file_parallel(f.dir / "a.age", f.dir / "d", f.identities(), all));
  });
  const double capacity = std::min(capacity_before, parallel_capacity());
  const double mib = static_cast<double>(size) / (1024.0 * 1024.0);
  std::printf(
      "[ parallel ] %u cores (x%.2f free for 2 threads), %.0f MiB: encrypt %.0f -> %.0f MiB/s "
      "(x%.2f), decrypt %.0f -> %.0f MiB/s (x%.2f)\n",
      cores, capacity, mib, mib / enc1, mib / encn, enc1 / encn, mib / dec1, mib / decn,
      dec1 / decn);
  RecordProperty("encrypt_speedup", std::to_string(enc1 / encn));
  RecordProperty("decrypt_speedup", std::to_string(dec1 / decn));
  if (cores < 2) GTEST_SKIP() << "one core: nothing to compare";
  if (capacity < 1.5) {
    GTEST_SKIP() << "machine too busy to judge a speed-up (two threads get only x" << capacity
                 << " on pure CPU work)";
  }
  EXPECT_GT(enc1 / encn, 1.1);
  EXPECT_GT(dec1 / decn, 1.1);
}

}  // namespace
}  // namespace clinvid::crypto
