// age v1 throughput: `clinvid encrypt/decrypt` (parallel STREAM chunks) against the reference
// `age` CLI on the same file, in one run, to a file and to /dev/null. Both programs are run as
// a user would run them (fork + exec, wall clock), so start-up and i/o count for both.
// Note: clinvid fsyncs a file output before renaming it into place (crash safety); age does not.
//
// Usage: bench_age [size_mib=1024] [repeats=3]
// The plaintext is random data in $XDG_RUNTIME_DIR (else /tmp), removed afterwards.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/id.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const std::string kAge = "/usr/bin/age";

extern "C" char** environ;

// Runs argv with stdout to `stdout_path`; returns the wall time in seconds, or -1 on failure.
double timed_run(const std::vector<std::string>& argv,
                 const std::string& stdout_path = "/dev/null") {
  std::vector<std::string> strings = argv;
  std::vector<char*> args;
  for (std::string& s : strings) args.push_back(s.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const auto start = Clock::now();
  pid_t pid = 0;
  const int error = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fmt::print(stderr, "failed: {}\n", fmt::join(argv, " "));
    return -1;
  }
  return seconds;
}

bool write_random_file(const fs::path& path, std::uint64_t size) {
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) return false;
  std::vector<std::uint8_t> block(8 << 20);
  for (std::uint64_t left = size; left > 0;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, block.size()));
    clinvid::random_bytes(std::span<std::uint8_t>(block).first(n));
    if (std::fwrite(block.data(), 1, n, out) != n) {
      std::fclose(out);
      return false;
    }
    left -= n;
  }
  return std::fclose(out) == 0;
}

bool same_contents(const fs::path& a, const fs::path& b) {
  return timed_run({"/usr/bin/cmp", "-s", a.string(), b.string()}) >= 0;
}

struct Case {
  std::string name;
  std::vector<std::string> clinvid;
  std::vector<std::string> age;
  std::string clinvid_out;  // file to remove before each run ("" for /dev/null)
  std::string age_out;
};

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t size_mib = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1024;
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  if (!fs::exists(kAge)) {
    fmt::print(stderr, "bench_age: {} not found (apt-get install age)\n", kAge);
    return 1;
  }
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  const fs::path base =
      runtime != nullptr && fs::is_directory(runtime) ? fs::path(runtime) : "/tmp";
  const fs::path dir = base / ("bench-age-" + clinvid::Uuid::random().to_string());
  fs::create_directories(dir);
  const fs::path plain = dir / "plain";
  const fs::path key = dir / "key.txt";
  const std::uint64_t size = size_mib << 20;
  fmt::print("bench_age: {} MiB of random data in {}, best of {} runs, {} cores\n", size_mib,
             dir.string(), repeats, std::thread::hardware_concurrency());
  if (!write_random_file(plain, size) ||
      timed_run({CLINVID_CLI_PATH, "keygen", "-o", key.string()}, "/dev/null") < 0) {
    fmt::print(stderr, "bench_age: setup failed\n");
    return 1;
  }
  const std::string recipient_file = (dir / "recipient").string();
  timed_run({CLINVID_CLI_PATH, "keygen", "-y", key.string()}, recipient_file);
  std::string recipient(64, '\0');
  {
    std::FILE* in = std::fopen(recipient_file.c_str(), "r");
    const std::size_t n = in != nullptr ? std::fread(recipient.data(), 1, recipient.size(), in) : 0;
    if (in != nullptr) std::fclose(in);
    recipient.resize(n);
    while (!recipient.empty() && recipient.back() == '\n') recipient.pop_back();
  }
  const std::string c_age = (dir / "clinvid.age").string();
  const std::string a_age = (dir / "age.age").string();
  const std::string c_out = (dir / "clinvid.out").string();
  const std::string a_out = (dir / "age.out").string();
  const std::string cli = CLINVID_CLI_PATH;
  const std::string in = plain.string();
  const std::string k = key.string();
  const std::vector<Case> cases = {
      {"encrypt file -> file",
       {cli, "encrypt", "-r", recipient, "-o", c_age, in},
       {kAge, "-e", "-r", recipient, "-o", a_age, in},
       c_age,
       a_age},
      {"encrypt file -> /dev/null",
       {cli, "encrypt", "-r", recipient, "-o", "/dev/null", in},
       {kAge, "-e", "-r", recipient, "-o", "/dev/null", in},
       "",
       ""},
      {"decrypt file -> file",
       {cli, "decrypt", "-i", k, "-o", c_out, c_age},
       {kAge, "-d", "-i", k, "-o", a_out, a_age},
       c_out,
       a_out},
      {"decrypt file -> /dev/null",
       {cli, "decrypt", "-i", k, "-o", "/dev/null", c_age},
       {kAge, "-d", "-i", k, "-o", "/dev/null", a_age},
       "",
       ""},
  };
  const double mib = static_cast<double>(size_mib);
  fmt::print("{:<28} {:>14} {:>14} {:>8}\n", "", "clinvid MiB/s", "age MiB/s", "ratio");
  bool ok = true;
  for (const Case& c : cases) {
    double best_clinvid = 1e30;
    double best_age = 1e30;
    for (int r = 0; r < repeats; ++r) {
      // Alternate the order so neither tool always runs on a warmer cache.
      for (int which = 0; which < 2; ++which) {
        const bool clinvid_turn = (which == 0) == (r % 2 == 0);
        const std::string& out = clinvid_turn ? c.clinvid_out : c.age_out;
        if (!out.empty()) fs::remove(out);
        const double s = timed_run(clinvid_turn ? c.clinvid : c.age);
        if (s < 0) ok = false;
        double& best = clinvid_turn ? best_clinvid : best_age;
        best = std::min(best, s < 0 ? 1e30 : s);
      }
    }
    fmt::print("{:<28} {:>14.0f} {:>14.0f} {:>7.2f}x\n", c.name, mib / best_clinvid, mib / best_age,
               best_age / best_clinvid);
  }
  const bool verified = same_contents(plain, c_out) && same_contents(plain, a_out);
  fmt::print("round trips verified: {}\n", verified ? "yes" : "NO");
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return ok && verified ? 0 : 1;
}
