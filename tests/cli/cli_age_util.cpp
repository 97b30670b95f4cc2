#include "cli_age_util.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

extern char** environ;

namespace clinvid::test {
namespace {

std::vector<std::string> merged_environment(const EnvChanges& changes) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  for (const auto& [name, value] : changes) {
    const std::string prefix = name + "=";
    std::erase_if(env, [&](const std::string& entry) { return entry.starts_with(prefix); });
    if (value) env.push_back(prefix + *value);
  }
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string slurp(const std::filesystem::path& path) {
  const auto bytes = read_bytes(path);
  return {bytes.begin(), bytes.end()};
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

RunResult run_program(const std::vector<std::string>& argv, const EnvChanges& env,
                      const Redirect& redirect) {
  const TempDir capture;
  const std::string out_path = redirect.stdout_path.empty() ? (capture.path() / "stdout").string()
                                                            : redirect.stdout_path.string();
  const std::string err_path = capture.path() / "stderr";
  std::vector<std::string> argv_strings = argv;
  std::vector<std::string> env_strings = merged_environment(env);
  std::vector<char*> args = c_strings(argv_strings);
  std::vector<char*> envp = c_strings(env_strings);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, redirect.stdin_path.c_str(), O_RDONLY,
                                   0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  const int spawn_error = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  RunResult result;
  if (spawn_error != 0) {
    ADD_FAILURE() << "posix_spawn " << args[0] << ": " << std::strerror(spawn_error);
    return result;
  }
  result.exit_code = wait_for(pid);
  if (redirect.stdout_path.empty()) result.out = slurp(out_path);
  result.err = slurp(err_path);
  return result;
}

RunResult run_cli(const std::vector<std::string>& args, const EnvChanges& env,
                  const Redirect& redirect) {
  std::vector<std::string> argv{CLINVID_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, env, redirect);
}

int run_on_pty(const std::vector<std::string>& argv, const std::string& passphrase,
               std::string* output, const EnvChanges& env) {
  std::vector<std::string> argv_strings = argv;
  std::vector<std::string> env_strings = merged_environment(env);
  std::vector<char*> args = c_strings(argv_strings);
  std::vector<char*> envp = c_strings(env_strings);
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) throw std::runtime_error("forkpty failed");
  if (pid == 0) {
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  std::string seen;
  std::size_t answered = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    pollfd pfd{master, POLLIN, 0};
    if (::poll(&pfd, 1, 200) > 0) {
      char buffer[4096];
      const ssize_t n = ::read(master, buffer, sizeof buffer);
      if (n <= 0) break;  // EIO once the child has exited and the terminal closed
      seen.append(buffer, static_cast<std::size_t>(n));
    } else if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      break;
    }
    std::size_t prompts = 0;
    for (std::size_t at = seen.find("passphrase"); at != std::string::npos;
         at = seen.find("passphrase", at + 1)) {
      ++prompts;
    }
    while (answered < prompts) {
      // Give the program a moment to turn echo off before typing.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      const std::string line = passphrase + "\n";
      if (::write(master, line.data(), line.size()) < 0) break;
      ++answered;
    }
  }
  ::close(master);
  const int status = wait_for(pid);
  if (output != nullptr) *output = seen;
  return status;
}

std::vector<std::uint8_t> random_bytes_seeded(std::size_t size, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> out(size);
  for (std::uint8_t& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
  std::vector<std::uint8_t> out;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  std::uint8_t buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.insert(out.end(), buffer, buffer + n);
  }
  ::close(fd);
  return out;
}

void write_bytes(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void write_text(const std::filesystem::path& path, std::string_view text) {
  write_bytes(path, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

}  // namespace clinvid::test
