// The Must-show of "Encrypted media": `clinvid encrypt/decrypt/keygen` and the reference `age`
// CLI read each other's files byte for byte: X25519 (several -r and -R), binary and armored,
// passphrases (age's prompt answered through a pseudo-terminal; clinvid's via
// CLINVID_PASSPHRASE and through its own /dev/tty prompt), files and stdin/stdout pipes.
#include <filesystem>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "cli_age_util.hpp"

namespace clinvid::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPassphrase = "correct horse battery staple";
// Empty, one byte, exactly one chunk, chunks + a tail, and several 1 MiB parallel blocks.
const std::vector<std::size_t> kSizes = {0, 1, 65536, 3 * 65536 + 77, 5 * 1024 * 1024 + 3};

class CliAge : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kAge) || !fs::exists(kAgeKeygen)) {
      GTEST_SKIP() << "the age CLI is not installed (scripts/install-deps.sh installs it)";
    }
  }
  fs::path at(const std::string& name) const { return dir_.path() / name; }
  // An identity file written by age-keygen; returns its recipient.
  std::string age_keygen(const std::string& name) {
    const RunResult made = run_program({kAgeKeygen, "-o", at(name)});
    EXPECT_EQ(made.exit_code, 0) << made.err;
    const RunResult y = run_program({kAgeKeygen, "-y", at(name)});
    EXPECT_EQ(y.exit_code, 0) << y.err;
    return y.out.substr(0, y.out.find('\n'));
  }
  std::string clinvid_keygen(const std::string& name) {
    const RunResult made = run_cli({"keygen", "-o", at(name)});
    EXPECT_EQ(made.exit_code, 0) << made.err;
    const RunResult y = run_cli({"keygen", "-y", at(name)});
    EXPECT_EQ(y.exit_code, 0) << y.err;
    return y.out.substr(0, y.out.find('\n'));
  }
  TempDir dir_;
};

TEST_F(CliAge, KeygenAgreesWithAgeKeygen) {
  const RunResult made = run_cli({"keygen", "-o", at("ours.txt")});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  ASSERT_TRUE(made.err.starts_with("Public key: age1")) << made.err;
  EXPECT_EQ(made.out, "");
  struct stat st {};
  ASSERT_EQ(::stat(at("ours.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  const RunResult theirs_y = run_program({kAgeKeygen, "-y", at("ours.txt")});
  const RunResult ours_y = run_cli({"keygen", "-y", at("ours.txt")});
  ASSERT_EQ(theirs_y.exit_code, 0) << theirs_y.err;
  ASSERT_EQ(ours_y.exit_code, 0) << ours_y.err;
  EXPECT_EQ(ours_y.out, theirs_y.out);
  EXPECT_EQ("Public key: " + ours_y.out, made.err);

  // And on an age-keygen file, also through stdin.
  const std::string recipient = age_keygen("theirs.txt");
  EXPECT_EQ(run_cli({"keygen", "-y", at("theirs.txt")}).out, recipient + "\n");
  EXPECT_EQ(run_cli({"keygen", "-y"}, {}, {.stdin_path = at("theirs.txt"), .stdout_path = {}}).out,
            recipient + "\n");
}

TEST_F(CliAge, KeygenNeverOverwritesAndWritesKeyTextToStdout) {
  write_text(at("existing.txt"), "precious\n");
  const RunResult again = run_cli({"keygen", "-o", at("existing.txt")});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("refusing to overwrite"), std::string::npos) << again.err;
  const auto kept = read_bytes(at("existing.txt"));
  EXPECT_EQ(std::string(kept.begin(), kept.end()), "precious\n");

  // Without -o the key file text goes to stdout (the public key to stderr, as age-keygen).
  const RunResult text = run_cli({"keygen"}, {}, {.stdout_path = at("piped.txt")});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  const RunResult y = run_program({kAgeKeygen, "-y", at("piped.txt")});
  ASSERT_EQ(y.exit_code, 0) << y.err;
  EXPECT_EQ("Public key: " + y.out, text.err);
}

TEST_F(CliAge, AgeDecryptsWhatClinvidEncrypts) {
  const std::string a = age_keygen("a.txt");
  const std::string b = clinvid_keygen("b.txt");
  const std::string c = age_keygen("c.txt");
  write_text(at("recipients.txt"), "# the review team\n\n" + c + "\n");
  for (const std::size_t size : kSizes) {
    const auto plain = random_bytes_seeded(size, static_cast<std::uint32_t>(size + 1));
    write_bytes(at("plain"), plain);
    for (const bool armor : {false, true}) {
      std::vector<std::string> args = {"encrypt", "-r", a, "-r", b, "-R", at("recipients.txt")};
      if (armor) args.emplace_back("-a");
      args.insert(args.end(), {"-o", at("ours.age"), at("plain")});
      const RunResult enc = run_cli(args);
      ASSERT_EQ(enc.exit_code, 0) << enc.err;
      for (const char* key : {"a.txt", "b.txt", "c.txt"}) {
        const RunResult dec = run_program({kAge, "-d", "-i", at(key), at("ours.age")});
        ASSERT_EQ(dec.exit_code, 0) << dec.err;
        EXPECT_TRUE(dec.out == std::string(plain.begin(), plain.end()))
            << size << " bytes, " << (armor ? "armored" : "binary") << ", " << key;
      }
    }
  }
}

TEST_F(CliAge, ClinvidDecryptsWhatAgeEncrypts) {
  const std::string a = clinvid_keygen("a.txt");
  const std::string b = age_keygen("b.txt");
  write_text(at("recipients.txt"), b + "\n");
  for (const std::size_t size : kSizes) {
    const auto plain = random_bytes_seeded(size, static_cast<std::uint32_t>(size + 2));
    write_bytes(at("plain"), plain);
    for (const bool armor : {false, true}) {
      std::vector<std::string> args = {kAge, "-e", "-r", a, "-R", at("recipients.txt")};
      if (armor) args.emplace_back("-a");
      args.insert(args.end(), {"-o", at("theirs.age"), at("plain")});
      const RunResult enc = run_program(args);
      ASSERT_EQ(enc.exit_code, 0) << enc.err;
      for (const char* key : {"a.txt", "b.txt"}) {
        fs::remove(at("out"));
        const RunResult dec =
            run_cli({"decrypt", "-i", at(key), "-o", at("out"), at("theirs.age")});
        ASSERT_EQ(dec.exit_code, 0) << dec.err;
        EXPECT_EQ(read_bytes(at("out")), plain)
            << size << " bytes, " << (armor ? "armored" : "binary") << ", " << key;
      }
    }
  }
}

TEST_F(CliAge, PassphrasesBothWays) {
  const auto plain = random_bytes_seeded(2 * 1024 * 1024 + 500, 77);
  write_bytes(at("plain"), plain);
  const EnvChanges env{{"CLINVID_PASSPHRASE", std::string(kPassphrase)}};
  for (const bool armor : {false, true}) {
    // clinvid encrypts (passphrase from the environment) → age decrypts after its prompt.
    std::vector<std::string> args = {"encrypt", "-p"};
    if (armor) args.emplace_back("-a");
    args.insert(args.end(), {"-o", at("ours.age"), at("plain")});
    const RunResult enc = run_cli(args, env);
    ASSERT_EQ(enc.exit_code, 0) << enc.err;
    std::string output;
    fs::remove(at("out"));
    ASSERT_EQ(run_on_pty({kAge, "-d", "-o", at("out"), at("ours.age")}, kPassphrase, &output), 0)
        << output;
    EXPECT_EQ(read_bytes(at("out")), plain);

    // age encrypts after its two prompts → clinvid detects the scrypt stanza and decrypts.
    std::vector<std::string> age_args = {kAge, "-p"};
    if (armor) age_args.emplace_back("-a");
    age_args.insert(age_args.end(), {"-o", at("theirs.age"), at("plain")});
    ASSERT_EQ(run_on_pty(age_args, kPassphrase, &output), 0) << output;
    fs::remove(at("out"));
    const RunResult dec = run_cli({"decrypt", "-o", at("out"), at("theirs.age")}, env);
    ASSERT_EQ(dec.exit_code, 0) << dec.err;
    EXPECT_EQ(read_bytes(at("out")), plain);
  }
  // A wrong passphrase is "no match", with no output file.
  fs::remove(at("out"));
  const RunResult wrong =
      run_cli({"decrypt", "-o", at("out"), at("theirs.age")}, {{"CLINVID_PASSPHRASE", "nope"}});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("clinvid: decrypt: no match"), std::string::npos) << wrong.err;
  EXPECT_FALSE(fs::exists(at("out")));
}

TEST_F(CliAge, ClinvidAsksForThePassphraseOnItsTerminal) {
  const auto plain = random_bytes_seeded(100000, 5);
  write_bytes(at("plain"), plain);
  const EnvChanges no_env{{"CLINVID_PASSPHRASE", std::nullopt}};
  std::string output;
  // Encrypting asks twice (passphrase and confirmation); the passphrase is never echoed.
  ASSERT_EQ(run_on_pty({CLINVID_CLI_PATH, "encrypt", "-p", "-o", at("ours.age"), at("plain")},
                       kPassphrase, &output, no_env),
            0)
      << output;
  EXPECT_NE(output.find("Confirm passphrase"), std::string::npos) << output;
  EXPECT_EQ(output.find(kPassphrase), std::string::npos) << output;
  ASSERT_EQ(run_on_pty({kAge, "-d", "-o", at("out"), at("ours.age")}, kPassphrase, &output), 0)
      << output;
  EXPECT_EQ(read_bytes(at("out")), plain);
  fs::remove(at("out"));
  ASSERT_EQ(run_on_pty({CLINVID_CLI_PATH, "decrypt", "-o", at("out"), at("ours.age")}, kPassphrase,
                       &output, no_env),
            0)
      << output;
  EXPECT_EQ(read_bytes(at("out")), plain);
  // Without a terminal or the variable there is nobody to ask.
  const RunResult none = run_cli({"encrypt", "-p", "-o", at("x.age"), at("plain")}, no_env);
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("CLINVID_PASSPHRASE"), std::string::npos) << none.err;
}

TEST_F(CliAge, StdinAndStdoutPipes) {
  const std::string a = age_keygen("a.txt");
  for (const std::size_t size : {std::size_t{0}, std::size_t{3 * 1024 * 1024 + 11}}) {
    const auto plain = random_bytes_seeded(size, 9);
    write_bytes(at("plain"), plain);
    for (const bool armor : {false, true}) {
      // stdin → stdout
      std::vector<std::string> args = {"encrypt", "-r", a};
      if (armor) args.emplace_back("-a");
      const RunResult enc =
          run_cli(args, {}, {.stdin_path = at("plain"), .stdout_path = at("piped.age")});
      ASSERT_EQ(enc.exit_code, 0) << enc.err;
      const RunResult by_age = run_program({kAge, "-d", "-i", at("a.txt"), at("piped.age")});
      ASSERT_EQ(by_age.exit_code, 0) << by_age.err;
      EXPECT_TRUE(by_age.out == std::string(plain.begin(), plain.end()));
      // file → stdout (the parallel path) and '-' for stdin
      const RunResult enc2 = run_cli({"encrypt", "-r", a, "-o", "-", at("plain")}, {},
                                     {.stdout_path = at("file.age")});
      ASSERT_EQ(enc2.exit_code, 0) << enc2.err;
      const RunResult dec = run_cli({"decrypt", "-i", at("a.txt"), "-"}, {},
                                    {.stdin_path = at("piped.age"), .stdout_path = at("back")});
      ASSERT_EQ(dec.exit_code, 0) << dec.err;
      EXPECT_EQ(read_bytes(at("back")), plain);
      const RunResult dec2 =
          run_cli({"decrypt", "-i", at("a.txt"), at("file.age")}, {}, {.stdout_path = at("back2")});
      ASSERT_EQ(dec2.exit_code, 0) << dec2.err;
      EXPECT_EQ(read_bytes(at("back2")), plain);
    }
  }
}

TEST_F(CliAge, UsageErrors) {
  const std::string a = age_keygen("a.txt");
  write_text(at("plain"), "x");
  EXPECT_EQ(run_cli({"encrypt", at("plain")}).exit_code, 2);  // no recipient
  EXPECT_EQ(run_cli({"encrypt", "-p", "-r", a, at("plain")}).exit_code, 2);
  const RunResult bad = run_cli({"encrypt", "-r", "age1nonsense", "-o", at("x"), at("plain")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("age1nonsense"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(at("x")));
  EXPECT_EQ(run_cli({"encrypt", "-r", a, "-o", at("plain"), at("plain")}).exit_code, 2);
  EXPECT_EQ(run_cli({"decrypt", at("plain")}).exit_code, 2);  // no identity
  EXPECT_EQ(run_cli({"recover", at("plain")}).exit_code, 2);  // -i and -o are required
  for (const char* command : {"keygen", "encrypt", "decrypt", "recover"}) {
    const RunResult help = run_cli({command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find("Exit codes"), std::string::npos) << command;
    if (std::string(command) != "keygen") {
      EXPECT_NE(help.out.find("HMAC failure"), std::string::npos) << command;
    }
  }
}

}  // namespace
}  // namespace clinvid::test
