// The archive commands driven as a script drives them: the real `clinvid` binary in child
// processes, a real archive directory, real JPEGs made by the ffmpeg CLI.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "archive_cli_fixture.hpp"

namespace clinvid::test {
namespace {

namespace fs = std::filesystem;

TEST_F(ArchiveCli, EveryCommandHasHelp) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"archive", "--help"},
                                                                {"archive", "import", "--help"},
                                                                {"archive", "export", "--help"},
                                                                {"user", "--help"},
                                                                {"patient", "add", "--help"},
                                                                {"consent", "--help"},
                                                                {"audit", "verify", "--help"}}) {
    const RunResult r = run_clinvid(args);
    EXPECT_EQ(r.exit_code, 0) << args[0];
    EXPECT_NE(r.out.find("Exit codes"), std::string::npos) << args[0];
  }
  const RunResult r = run_clinvid({"archive", "import", "--help"});
  EXPECT_NE(r.out.find("CLINVID_PASSPHRASE"), std::string::npos);
  EXPECT_NE(r.out.find("--passphrase-file"), std::string::npos);
}

// Must show, from the command line: refused for a purpose the consent does not allow, the
// refusal names the rule, the audit shows it; audit verify passes, then fails after an edit.
TEST_F(ArchiveCli, RefusalNamesTheRuleAndAuditVerifyCatchesAnEdit) {
  const std::string patient = add_patient();
  const std::string consent =
      add_consent(patient, {{{"purpose", "clinical_record"}, {"grant", "identifiable"}}});
  const std::string id = import(patient, consent, jpeg("hand.jpg"));

  const RunResult teach =
      run_as("photo", {"archive", "import", jpeg("again.jpg").string(), "--patient", patient,
                       "--consent", consent, "--body-site", "hand:left", "--purpose", "teaching"});
  EXPECT_EQ(teach.exit_code, 4) << teach.err;
  EXPECT_NE(teach.err.find("refused by rule no-consent"), std::string::npos) << teach.err;

  const fs::path out = tmp_.path() / "teaching.jpg";
  const RunResult refused = run_as("photo", {"archive", "export", id, "--purpose", "teaching", "-o",
                                             out.string(), "--plaintext"});
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_NE(refused.err.find("refused by rule no-consent"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(out));

  const RunResult allowed = run_as("photo", {"archive", "export", id, "--purpose",
                                             "clinical_record", "-o", out.string(), "--plaintext"});
  ASSERT_EQ(allowed.exit_code, 0) << allowed.err;
  const std::string bytes = read_text(out);
  ASSERT_GE(bytes.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0xFF);
  EXPECT_EQ(static_cast<unsigned char>(bytes[1]), 0xD8);

  bool saw_refusal = false;
  for (const Json& row : audit_rows()) {
    if (row.value("action", "") == "export" && row.value("outcome", "") == "refuse") {
      EXPECT_EQ(row["rule"], "no-consent");
      EXPECT_EQ(row["target"], id);
      EXPECT_EQ(row["user"], "photo");
      saw_refusal = true;
    }
  }
  EXPECT_TRUE(saw_refusal);

  const RunResult ok =
      run_clinvid({"audit", "verify", "--json"}, {{"CLINVID_ARCHIVE", archive_.string()}});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(parse_json(ok.out).value()["ok"].get<bool>());

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((archive_ / "catalogue.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TRIGGER audit_no_update; UPDATE audit SET outcome = 'allow', rule ="
                         " 'consent-identifiable' WHERE action = 'export' AND outcome = 'refuse'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const RunResult bad = run_clinvid({"audit", "verify"}, {{"CLINVID_ARCHIVE", archive_.string()}});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("was edited"), std::string::npos) << bad.err;

  // Nothing identifying is in the archive directory in clear.
  EXPECT_FALSE(any_file_contains(archive_, "Knownname"));
  EXPECT_FALSE(any_file_contains(archive_, nhs_number("401023213")));
  EXPECT_FALSE(any_file_contains(archive_, "1981-02-03"));
  EXPECT_FALSE(any_file_contains(archive_, "Knowntaker"));
}

// `clinvid record` into the archive: the consent policy is asked before anything is filmed,
// every stream becomes a catalogued recording with its own key, and a real camera cannot be
// recorded outside the archive.
TEST_F(ArchiveCli, RecordIsGatedByConsentAndCataloguesEveryStream) {
  const std::string patient = add_patient();
  const std::string consent =
      add_consent(patient, {{{"purpose", "clinical_record"}, {"grant", "identifiable"}}});
  const std::vector<std::string> cameras = {"--source",  "test://theatre?width=320&height=240",
                                            "--source",  "test://flash?width=320&height=240",
                                            "--seconds", "2"};
  auto record = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"record"};
    args.insert(args.end(), cameras.begin(), cameras.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return run_as("photo", args);
  };
  const auto media_files = [&] {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(archive_ / "media")) n += e.is_regular_file();
    return n;
  };

  const RunResult refused = record({"--patient", patient, "--consent", consent, "--body-site",
                                    "hand:left", "--purpose", "teaching"});
  EXPECT_EQ(refused.exit_code, 4) << refused.err;
  EXPECT_NE(refused.err.find("refused by rule no-consent"), std::string::npos) << refused.err;
  EXPECT_EQ(media_files(), 0U) << "nothing is filmed when the policy refuses";
  bool audited = false;
  for (const Json& row : audit_rows()) {
    audited = audited || (row.value("action", "") == "record" &&
                          row.value("outcome", "") == "refuse" && row["rule"] == "no-consent");
  }
  EXPECT_TRUE(audited);

  const RunResult no_consent =
      run_as("photo", {"record", "--source", "v4l2:///dev/video0", "--seconds", "1", "--out",
                       (tmp_.path() / "loose").string(), "-r",
                       "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"});
  EXPECT_EQ(no_consent.exit_code, 2) << no_consent.err;
  EXPECT_NE(no_consent.err.find("--patient and --consent"), std::string::npos) << no_consent.err;
  EXPECT_FALSE(fs::exists(tmp_.path() / "loose"));

  const RunResult ok = record({"--patient", patient, "--consent", consent, "--body-site",
                               "hand:left", "--procedure", "carpal tunnel release"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(media_files(), 2U);
  const RunResult listed = run_as("photo", {"archive", "search", "carpal", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const Json found = parse_json(listed.out).value();
  ASSERT_EQ(found.size(), 2U) << listed.out;
  const std::string id = found[0]["id"];
  EXPECT_EQ(found[0]["codec"], "h264");
  EXPECT_EQ(found[0]["width"], 320);

  // Each stream has its own key: the export decrypts to Matroska (EBML magic).
  const fs::path out = tmp_.path() / "cam.mkv";
  const RunResult exported = run_as(
      "photo",
      {"archive", "export", id, "--purpose", "clinical_record", "-o", out.string(), "--plaintext"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const std::string bytes = read_text(out);
  ASSERT_GE(bytes.size(), 4U);
  EXPECT_EQ(bytes.substr(0, 4), std::string("\x1A\x45\xDF\xA3"));
  EXPECT_FALSE(any_file_contains(archive_, "Knownname"));
}

TEST_F(ArchiveCli, EraseMakesTheRecordingUnavailableAndIsAudited) {
  const std::string patient = add_patient();
  const std::string consent =
      add_consent(patient, {{{"purpose", "clinical_record"}, {"grant", "identifiable"}}});
  const std::string id = import(patient, consent, jpeg("hand.jpg"));
  const RunResult by_photo = run_as("photo", {"archive", "erase", id, "--reason", "mistake"});
  EXPECT_EQ(by_photo.exit_code, 4);
  EXPECT_NE(by_photo.err.find("erase-needs-ig-signoff"), std::string::npos) << by_photo.err;
  // The photographer's erasure, signed off by the IG officer with their own passphrase.
  const RunResult erase =
      run_as("photo", {"archive", "erase", id, "--reason", "patient request", "--signoff-user",
                       "ig", "--signoff-passphrase-file", ig_pass_.string()});
  ASSERT_EQ(erase.exit_code, 0) << erase.err;
  EXPECT_FALSE(fs::exists(archive_ / "media" / (id + ".age")));
  const RunResult exp = run_as("photo", {"archive", "export", id, "--purpose", "clinical_record",
                                         "-o", (tmp_.path() / "x.jpg").string(), "--plaintext"});
  EXPECT_NE(exp.exit_code, 0);
  EXPECT_NE(exp.err.find("erased"), std::string::npos) << exp.err;
  const RunResult list = run_as("photo", {"archive", "list", "--include-erased", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(parse_json(list.out).value()[0]["status"], "erased");
  bool audited = false;
  for (const Json& row : audit_rows()) {
    if (row.value("action", "") == "erase_done" && row["target"] == id) {
      audited = row["detail"]["reason"] == "patient request" && row["user"] == "photo";
    }
    if (row.value("action", "") == "erase" && row["target"] == id && row["outcome"] == "allow") {
      EXPECT_EQ(row["rule"], "erase-signed-off-by-ig");
      EXPECT_EQ(row["detail"]["signed_off_by"]["user"], "ig");
    }
  }
  EXPECT_TRUE(audited);
  EXPECT_EQ(run_clinvid({"audit", "verify"}, {{"CLINVID_ARCHIVE", archive_.string()}}).exit_code,
            0);
}

TEST_F(ArchiveCli, WrongPassphraseAndMissingUserAreRefused) {
  const RunResult wrong = run_clinvid({"archive", "list"}, {{"CLINVID_ARCHIVE", archive_.string()},
                                                            {"CLINVID_USER", "photo"},
                                                            {"CLINVID_PASSPHRASE", "guess"}});
  EXPECT_EQ(wrong.exit_code, 4);
  EXPECT_NE(wrong.err.find("wrong passphrase"), std::string::npos) << wrong.err;
  const RunResult nobody = run_clinvid({"archive", "list"}, {{"CLINVID_ARCHIVE", archive_.string()},
                                                             {"CLINVID_USER", std::nullopt},
                                                             {"CLINVID_PASSPHRASE", "x"}});
  EXPECT_EQ(nobody.exit_code, 2);
  EXPECT_NE(nobody.err.find("--user"), std::string::npos);
  const RunResult not_ig = run_as("photo", {"user", "add", "eve", "--role", "clinician"},
                                  {{"CLINVID_NEW_PASSPHRASE", "eve"}});
  EXPECT_EQ(not_ig.exit_code, 4);
  EXPECT_EQ(run_clinvid({"audit", "verify"}, {{"CLINVID_ARCHIVE", archive_.string()}}).exit_code,
            0);
}

TEST_F(ArchiveCli, CorruptCatalogueIsRefusedWithoutFurtherDamage) {
  const fs::path db = archive_ / "catalogue.db";
  std::string bytes = read_text(db);
  ASSERT_GT(bytes.size(), 3 * 4096u);
  for (std::size_t i = 4096 + 8; i < 4096 + 1500; ++i) bytes[i] = static_cast<char>(i * 13);
  write_text(db, bytes);
  const RunResult r = run_as("photo", {"archive", "list"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("damaged"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not changed"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(db), bytes);
  const RunResult v = run_clinvid({"audit", "verify"}, {{"CLINVID_ARCHIVE", archive_.string()}});
  EXPECT_EQ(v.exit_code, 3);
  EXPECT_EQ(read_text(db), bytes);
}

TEST_F(ArchiveCli, HostileSearchAndImportInputsAreData) {
  const std::string patient = add_patient();
  const std::string consent =
      add_consent(patient, {{{"purpose", "clinical_record"}, {"grant", "identifiable"}}});
  (void)import(patient, consent, jpeg("hand.jpg"));
  for (const char* evil :
       {"'; DROP TABLE recordings; --", "\" OR 1=1 --", "NEAR(", "*", "procedure:x", "a\"b"}) {
    const RunResult r = run_as("photo", {"archive", "search", evil, "--json"});
    EXPECT_EQ(r.exit_code, 0) << evil << ": " << r.err;
    EXPECT_EQ(parse_json(r.out).value().size(), 0u) << evil;
  }
  const RunResult dupuytren = run_as("photo", {"archive", "search", "dupuy*", "--json"});
  EXPECT_EQ(parse_json(dupuytren.out).value().size(), 1u);

  // Bad imports: missing file, a text file named .jpg, a directory, an unknown body site,
  // a patient that does not exist. Each fails clearly and catalogues nothing.
  const fs::path fake = tmp_.path() / "fake.jpg";
  write_text(fake, "this is not a JPEG at all");
  const fs::path evil_name = tmp_.path() / "x'; DROP TABLE patients; --.jpg";
  write_text(evil_name, "still not a JPEG");
  for (const auto& [file, site, who] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {(tmp_.path() / "missing.jpg").string(), "hand:left", patient},
           {fake.string(), "hand:left", patient},
           {evil_name.string(), "hand:left", patient},
           {tmp_.path().string(), "hand:left", patient},
           {fake.string(), "elbow-of-nowhere", patient},
           {fake.string(), "hand:left", "P-nosuchpatient"}}) {
    const RunResult r = run_as("photo", {"archive", "import", file, "--patient", who, "--consent",
                                         consent, "--body-site", site});
    EXPECT_NE(r.exit_code, 0) << file;
    EXPECT_FALSE(r.err.empty()) << file;
  }
  EXPECT_TRUE(fs::exists(fake)) << "a failed import never touches the source";
  const RunResult list = run_as("photo", {"archive", "list", "--json"});
  EXPECT_EQ(parse_json(list.out).value().size(), 1u) << list.out;
  std::size_t media = 0;
  for (const auto& e : fs::directory_iterator(archive_ / "media")) {
    EXPECT_EQ(e.path().extension(), ".age") << e.path();
    ++media;
  }
  EXPECT_EQ(media, 1u) << "no partial or orphaned files";
  EXPECT_EQ(run_clinvid({"audit", "verify"}, {{"CLINVID_ARCHIVE", archive_.string()}}).exit_code,
            0);
}

TEST_F(ArchiveCli, TwoProcessesImportingAtOnceLoseNothing) {
  const std::string patient = add_patient();
  const std::string consent =
      add_consent(patient, {{{"purpose", "clinical_record"}, {"grant", "identifiable"}}});
  std::vector<std::string> a_args = {"archive", "import"}, b_args = {"archive", "import"};
  for (int i = 0; i < 4; ++i) {
    a_args.push_back(jpeg("a" + std::to_string(i) + ".jpg").string());
    b_args.push_back(jpeg("b" + std::to_string(i) + ".jpg").string());
  }
  for (auto* args : {&a_args, &b_args}) {
    for (const char* extra : {"--patient", patient.c_str(), "--consent", consent.c_str(),
                              "--body-site", "hand:right", "--json"}) {
      args->push_back(extra);
    }
  }
  auto first = std::async(std::launch::async, [&] { return run_as("photo", a_args); });
  auto second = std::async(std::launch::async, [&] { return run_as("photo", b_args); });
  const RunResult ra = first.get();
  const RunResult rb = second.get();
  EXPECT_EQ(ra.exit_code, 0) << ra.err;
  EXPECT_EQ(rb.exit_code, 0) << rb.err;
  const RunResult list = run_as("photo", {"archive", "list", "--json"});
  EXPECT_EQ(parse_json(list.out).value().size(), 8u);
  EXPECT_EQ(run_clinvid({"audit", "verify"}, {{"CLINVID_ARCHIVE", archive_.string()}}).exit_code,
            0);
}

TEST_F(ArchiveCli, PatientsConsentAndOriginalsDeletedAfterVerify) {
  const std::string patient = add_patient();
  const RunResult find =
      run_as("photo", {"patient", "find", "--nhs-number", nhs_number("401023213"), "--json"});
  ASSERT_EQ(find.exit_code, 0) << find.err;
  EXPECT_EQ(parse_json(find.out).value()[0]["id"], patient);
  const RunResult bad =
      run_as("photo", {"patient", "add", "--name", "X", "--nhs-number", "1234567890"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("modulus-11"), std::string::npos) << bad.err;

  const std::string consent =
      add_consent(patient, {{{"purpose", "clinical_record"}, {"grant", "identifiable"}},
                            {{"purpose", "teaching"}, {"grant", "identifiable"}}});
  const RunResult show = run_as("photo", {"consent", "show", consent, "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(parse_json(show.out).value()["state_today"]["teaching"], "identifiable");

  const fs::path original = jpeg("card.jpg");
  const RunResult imp =
      run_as("photo", {"archive", "import", original.string(), "--patient", patient, "--consent",
                       consent, "--body-site", "hand:left", "--delete-originals", "--json"});
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  EXPECT_FALSE(fs::exists(original)) << "deleted once the encrypted copy verified";
  const std::string id = parse_json(imp.out).value()[0]["id"];
  EXPECT_TRUE(fs::exists(archive_ / "media" / (id + ".age")));

  const RunResult wd = run_as("photo", {"consent", "withdraw", consent, "--purpose", "teaching"});
  ASSERT_EQ(wd.exit_code, 0) << wd.err;
  const RunResult after = run_as("photo", {"consent", "show", consent, "--json"});
  EXPECT_EQ(parse_json(after.out).value()["state_today"]["teaching"], "withdrawn");
  const RunResult search = run_as("photo", {"archive", "search", "--purpose", "clinical_record",
                                            "--consent-state", "identifiable", "--json"});
  EXPECT_EQ(parse_json(search.out).value().size(), 1u) << search.out;
}

}  // namespace
}  // namespace clinvid::test
