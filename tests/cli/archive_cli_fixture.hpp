// The archive as a script drives it: the real `clinvid` binary in child processes as users
// of each role, a real archive directory, patients, consent forms and imports made through the
// CLI. Shared by the archive, render and analysis CLI tests.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_test_util.hpp"
#include "core/json.hpp"
#include "run_clinvid.hpp"

namespace clinvid::test {

namespace fs = std::filesystem;

inline std::string nhs_number(std::string_view nine) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (nine[static_cast<std::size_t>(i)] - '0') * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  return std::string(nine) + static_cast<char>('0' + check);
}

// fread, not istreambuf_iterator: GCC 12 reports a false -Wnull-dereference in the latter.
inline std::string read_text(const fs::path& file) {
  std::string out;
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) return out;
  char buffer[65536];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) out.append(buffer, n);
  std::fclose(f);
  return out;
}

inline void write_text(const fs::path& file, std::string_view text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
}

inline bool any_file_contains(const fs::path& dir, std::string_view needle) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && read_text(entry.path()).find(needle) != std::string::npos) {
      return true;
    }
  }
  return false;
}

class ArchiveCli : public ::testing::Test {
 protected:
  void SetUp() override {
    archive_ = tmp_.path() / "archive";
    ig_pass_ = tmp_.path() / "ig.pass";
    write_text(ig_pass_, "ig secret passphrase\n");
    const RunResult init =
        run_as("ig", {"archive", "init", "--passphrase-file", ig_pass_.string()});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    for (const char* user : {"photo", "aud"}) {
      const RunResult add = run_as(
          "ig",
          {"user", "add", user, "--role", user == std::string("photo") ? "photographer" : "auditor",
           "--passphrase-file", ig_pass_.string()},
          {{"CLINVID_NEW_PASSPHRASE", std::string(user) + "-pass"}});
      ASSERT_EQ(add.exit_code, 0) << add.err;
    }
  }

  // Runs clinvid as `user`; passphrases go through the environment or a file, never argv.
  RunResult run_as(const std::string& user, std::vector<std::string> args, EnvChanges extra = {}) {
    EnvChanges env = {
        {"CLINVID_ARCHIVE", archive_.string()},
        {"CLINVID_ARCHIVE_KDF", "fast"},
        {"CLINVID_USER", user},
        {"CLINVID_PASSPHRASE", user == "ig" ? std::nullopt : std::optional(user + "-pass")}};
    for (auto& e : extra) env.push_back(std::move(e));
    if (user == "ig" && std::find(args.begin(), args.end(), "--passphrase-file") == args.end()) {
      args.push_back("--passphrase-file");
      args.push_back(ig_pass_.string());
    }
    return run_clinvid(args, env);
  }

  // A user added by the IG officer, with passphrase "<name>-pass" (what run_as gives).
  void add_user(const std::string& name, const std::string& role) {
    const RunResult add =
        run_as("ig", {"user", "add", name, "--role", role, "--passphrase-file", ig_pass_.string()},
               {{"CLINVID_NEW_PASSPHRASE", name + "-pass"}});
    ASSERT_EQ(add.exit_code, 0) << add.err;
  }

  // A 320x180 30 fps H.264 test video (testsrc2) of `seconds`.
  fs::path video(const std::string& name, int seconds = 2) {
    const fs::path out = tmp_.path() / (name + ".mp4");
    const std::string command =
        "ffmpeg -loglevel error -y -f lavfi -i testsrc2=size=320x180:rate=30:duration=" +
        std::to_string(seconds) + " -c:v libx264 -preset ultrafast -g 15 -pix_fmt yuv420p '" +
        out.string() + "'";
    EXPECT_EQ(std::system(command.c_str()), 0);
    return out;
  }

  fs::path jpeg(const std::string& name) {
    const fs::path out = tmp_.path() / name;
    const std::string command =
        "ffmpeg -loglevel error -y -f lavfi -i testsrc=size=160x120 -frames:v 1 '" + out.string() +
        "'";
    EXPECT_EQ(std::system(command.c_str()), 0);
    return out;
  }

  // Identifiers through a file (--from), not argv, where other users could read them.
  std::string add_patient() {
    const fs::path file = tmp_.path() / "patient.json";
    write_text(file, Json{{"name", "Florence Knownname-Cli"},
                          {"nhs_number", nhs_number("401023213")},
                          {"date_of_birth", "1981-02-03"}}
                         .dump());
    const RunResult r = run_as("photo", {"patient", "add", "--from", file.string(), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const RunResult found = run_as("photo", {"patient", "find", "--from", file.string(), "--json"});
    EXPECT_EQ(found.exit_code, 0) << found.err;
    EXPECT_NE(found.out.find("Florence Knownname-Cli"), std::string::npos) << found.out;
    // Both ways at once, or a field the form does not know: a usage error.
    EXPECT_EQ(run_as("photo", {"patient", "add", "--from", file.string(), "--name", "X"}).exit_code,
              2);
    write_text(file, R"({"name": "X", "ward": "7"})");
    EXPECT_EQ(run_as("photo", {"patient", "add", "--from", file.string()}).exit_code, 2);
    fs::remove(file);
    return parse_json(r.out).value()["id"];
  }

  std::string add_consent(const std::string& patient, const Json& purposes,
                          const std::string& id = "6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e") {
    const Json form = {
        {"format", "clinvid.consent/1"},
        {"id", id},
        {"patient_ref", patient},
        {"case_ref", "CASE-9"},
        {"purposes", purposes},
        {"body_sites", {"hand"}},
        {"storage_explained", "Encrypted archive"},
        {"giver", "patient"},
        {"capacity", {{"outcome", "presumed"}}},
        {"mode", "written"},
        {"signature",
         {{"media_ref", "sig-1"},
          {"sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}}},
        {"taken_by", {{"name", "Mary Knowntaker-Cli"}, {"role", "Photographer"}}},
        {"consented_on", "2025-06-01"}};
    const fs::path file = tmp_.path() / "consent.json";
    write_text(file, form.dump(2));
    const RunResult r = run_as("photo", {"consent", "add", file.string(), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    fs::remove(file);
    return parse_json(r.out).value()["id"];
  }

  std::string import(const std::string& patient, const std::string& consent, const fs::path& file) {
    const RunResult r =
        run_as("photo", {"archive", "import", file.string(), "--patient", patient, "--consent",
                         consent, "--body-site", "hand:left", "--recorded-on", "2025-06-02",
                         "--procedure", "Dupuytren release", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return parse_json(r.out).value()[0]["id"];
  }

  std::vector<Json> audit_rows() {
    const RunResult r = run_as("aud", {"audit", "export"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<Json> rows;
    for (const auto& line : lines_of(r.out)) rows.push_back(parse_json(line).value());
    return rows;
  }

  TempDir tmp_;
  fs::path archive_;
  fs::path ig_pass_;
};

}  // namespace clinvid::test
