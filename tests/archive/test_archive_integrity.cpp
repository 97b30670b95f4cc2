// Tamper evidence and robustness on real files: audit chain verification after edits,
// deletions and truncation; a damaged catalogue refused without further damage; two processes
// writing at once; nothing plaintext anywhere in the archive directory.
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <string>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "archive/archive.hpp"
#include "archive_fixture.hpp"
#include "crypto/reader.hpp"

namespace clinvid::archive::testing {
namespace {

using consent::Grant;
using consent::Purpose;

// Edits the catalogue behind clinvid's back, as someone with the file could.
void tamper(const fs::path& dir, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / kCatalogueFile).c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  const std::string text = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << text;
}

bool mentions(const AuditReport& report, std::string_view words) {
  for (const auto& p : report.problems) {
    if (p.find(words) != std::string::npos) return true;
  }
  return false;
}

class AuditChainTest : public ArchiveTest {
 protected:
  void SetUp() override {
    ArchiveTest::SetUp();
    Archive a = open_as("photo");
    const std::string patient = add_patient(a);
    const std::string consent_id =
        add_consent(a, patient, {{Purpose::clinical_record, Grant::identifiable}});
    (void)store(a, hand_photo(patient, consent_id), "x");
    (void)a.register_recording(hand_photo(patient, consent_id, {Purpose::teaching}));
  }
  AuditReport verify() {
    auto a = Archive::open(dir_);
    EXPECT_TRUE(a) << a.error().message();
    auto report = a->verify_audit();
    EXPECT_TRUE(report) << report.error().message();
    return *report;
  }
};

// Must show (engine side): verify passes on an untouched archive and fails after an edit.
TEST_F(AuditChainTest, UntouchedTrailVerifies) {
  const AuditReport report = verify();
  EXPECT_TRUE(report.ok);
  EXPECT_TRUE(report.problems.empty());
  EXPECT_GT(report.rows, 10);
  EXPECT_EQ(report.checkpoints, report.rows);
  EXPECT_EQ(report.unanchored_rows, 0);
}

TEST_F(AuditChainTest, AppendOnlyTriggersStopCasualEdits) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / kCatalogueFile).c_str(), &db), SQLITE_OK);
  EXPECT_NE(
      sqlite3_exec(db, "UPDATE audit SET reason = 'x' WHERE seq = 2", nullptr, nullptr, nullptr),
      SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit WHERE seq = 2", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_TRUE(verify().ok);
}

TEST_F(AuditChainTest, EditedRowIsDetected) {
  tamper(dir_,
         "DROP TRIGGER audit_no_update; UPDATE audit SET outcome = 'allow' WHERE outcome = "
         "'refuse'");
  const AuditReport report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_TRUE(mentions(report, "was edited")) << ::testing::PrintToString(report.problems);
}

TEST_F(AuditChainTest, EditedDetailIsDetected) {
  tamper(dir_, "DROP TRIGGER audit_no_update; UPDATE audit SET detail = '{}' WHERE seq = 3");
  EXPECT_TRUE(mentions(verify(), "row 3: contents do not match"));
}

TEST_F(AuditChainTest, RecomputedChainStillFailsTheSignedCheckpoints) {
  // An editor who recomputes every hash after their edit still cannot sign the new head.
  auto a = Archive::open(dir_);
  ASSERT_TRUE(a);
  tamper(dir_, "DROP TRIGGER audit_no_update; UPDATE audit SET user_name = 'nobody' WHERE seq = 2");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / kCatalogueFile).c_str(), &db), SQLITE_OK);
    sqlite3_stmt* read = nullptr;
    sqlite3_prepare_v2(db,
                       "SELECT seq, at, user_name, role, action, target, outcome, rule, reason,"
                       " detail FROM audit ORDER BY seq",
                       -1, &read, nullptr);
    std::vector<std::uint8_t> prev(32, 0);
    std::vector<std::pair<std::int64_t, Digest>> fixed;
    while (sqlite3_step(read) == SQLITE_ROW) {
      AuditEntry e;
      auto col = [&](int i) {
        return std::string(reinterpret_cast<const char*>(sqlite3_column_text(read, i)));
      };
      e.seq = sqlite3_column_int64(read, 0);
      e.at = col(1);
      e.user = col(2);
      e.role = col(3);
      e.action = col(4);
      e.target = col(5);
      e.outcome = col(6);
      e.rule = col(7);
      e.reason = col(8);
      const std::string canonical = canonical_audit_row(e, col(9));
      std::vector<std::uint8_t> message = prev;
      message.insert(message.end(), canonical.begin(), canonical.end());
      const Digest h = sha256(message);
      fixed.emplace_back(e.seq, h);
      prev.assign(h.begin(), h.end());
    }
    sqlite3_finalize(read);
    sqlite3_stmt* write = nullptr;
    sqlite3_prepare_v2(db, "UPDATE audit SET prev_hash = ?2, hash = ?3 WHERE seq = ?1", -1, &write,
                       nullptr);
    std::vector<std::uint8_t> p(32, 0);
    for (const auto& [seq, h] : fixed) {
      sqlite3_bind_int64(write, 1, seq);
      sqlite3_bind_blob(write, 2, p.data(), 32, SQLITE_TRANSIENT);
      sqlite3_bind_blob(write, 3, h.data(), 32, SQLITE_TRANSIENT);
      ASSERT_EQ(sqlite3_step(write), SQLITE_DONE);
      sqlite3_reset(write);
      p.assign(h.begin(), h.end());
    }
    sqlite3_finalize(write);
    sqlite3_close(db);
  }
  const AuditReport report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_TRUE(mentions(report, "head differs from the chain"))
      << ::testing::PrintToString(report.problems);
}

TEST_F(AuditChainTest, DeletedRowIsDetected) {
  tamper(dir_, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 4");
  const AuditReport report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_TRUE(mentions(report, "row 4 to 4 deleted")) << ::testing::PrintToString(report.problems);
}

TEST_F(AuditChainTest, TruncatedTailIsDetected) {
  const AuditReport before = verify();
  tamper(dir_, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > " +
                   std::to_string(before.rows - 2));
  const AuditReport report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_TRUE(mentions(report, "which is missing")) << ::testing::PrintToString(report.problems);
}

TEST_F(AuditChainTest, TruncatedTailAndCheckpointsAreDetectedByTheHeadFile) {
  const AuditReport before = verify();
  const std::string keep = std::to_string(before.rows - 3);
  tamper(dir_, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > " + keep +
                   "; DELETE FROM audit_checkpoints WHERE seq > " + keep);
  const AuditReport report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_TRUE(mentions(report, "audit head file")) << ::testing::PrintToString(report.problems);
}

TEST_F(AuditChainTest, ForgedCheckpointIsDetected) {
  tamper(dir_, "UPDATE audit_checkpoints SET signature = zeroblob(64) WHERE seq = 2");
  EXPECT_TRUE(mentions(verify(), "signature does not verify"));
}

TEST_F(ArchiveTest, CorruptCatalogueIsRefusedAndLeftAsItWas) {
  {
    Archive a = open_as("photo");
    (void)add_patient(a);
  }
  const fs::path file = dir_ / kCatalogueFile;
  ASSERT_FALSE(fs::exists(dir_ / "catalogue.db-wal") &&
               fs::file_size(dir_ / "catalogue.db-wal") > 0);
  auto bytes = read_bytes(file);
  ASSERT_GT(bytes.size(), 4096u * 4);
  // Scribble over the second page (a b-tree page of the schema's tables).
  for (std::size_t i = 4096 + 8; i < 4096 + 2000; ++i) bytes[i] = static_cast<std::uint8_t>(i * 7);
  write_bytes(file, bytes);
  const auto before = read_bytes(file);
  auto a = Archive::open(dir_);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, Errc::corrupt);
  EXPECT_NE(a.error().detail.find("it was not changed"), std::string::npos) << a.error().detail;
  EXPECT_NE(a.error().detail.find("backup"), std::string::npos);
  EXPECT_EQ(read_bytes(file), before) << "opening must not write to a damaged catalogue";

  // Not an SQLite file at all.
  std::vector<std::uint8_t> junk(8192, 0x41);
  write_bytes(file, junk);
  auto b = Archive::open(dir_);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, Errc::corrupt);
  EXPECT_EQ(read_bytes(file), junk);

  // No archive at all.
  auto c = Archive::open(root_ / "nowhere");
  EXPECT_EQ(c.error().code, Errc::not_found);
}

TEST_F(ArchiveTest, NewerSchemaIsRefused) {
  tamper(dir_, "PRAGMA user_version = 99");
  auto a = Archive::open(dir_);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, Errc::unsupported);
}

TEST_F(ArchiveTest, TwoProcessesWritingAtOnceLoseNothing) {
  std::string patient, consent_id;
  {
    Archive a = open_as("photo");
    patient = add_patient(a);
    consent_id = add_consent(a, patient, {{Purpose::clinical_record, Grant::identifiable}});
  }
  constexpr int kEach = 12;
  std::vector<pid_t> children;
  for (int child = 0; child < 2; ++child) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int failures = 0;
      auto a = Archive::open(dir_);
      if (!a || !a->unlock(child == 0 ? "photo" : "doc",
                           secret(child == 0 ? "photo-pass" : "doc-pass"))) {
        ::_exit(100);
      }
      for (int i = 0; i < kEach; ++i) {
        auto rec = hand_photo(patient, consent_id);
        rec.notes = "process " + std::to_string(child) + " item " + std::to_string(i);
        auto reg = a->register_recording(rec);
        if (!reg) {
          ++failures;
          continue;
        }
        std::vector<crypto::Recipient> to;
        to.emplace_back(crypto::X25519Recipient::parse(reg->recipient).value());
        const std::string body = "media " + std::to_string(child) + "/" + std::to_string(i);
        auto enc = crypto::encrypt(
            std::span(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()), to);
        write_bytes(reg->media_path, *enc);
        if (!a->catalogue_manifest(reg->id, Json{{"camera", "c" + std::to_string(child)}})) {
          ++failures;
        }
      }
      ::_exit(failures);
    }
    children.push_back(pid);
  }
  for (const pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "failures in a writer";
  }
  Archive a = open_as("photo");
  auto all = a.search([&] {
    SearchQuery q;
    q.text = "";
    q.limit = 1000;
    return q;
  }());
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u * kEach);
  std::set<std::string> notes;
  for (const auto& r : *all) notes.insert(r.notes);
  EXPECT_EQ(notes.size(), 2u * kEach) << "every write is there once";
  for (const auto& r : *all) {
    std::vector<crypto::Identity> ids;
    ids.emplace_back(a.recording_identity(r.id).value());
    EXPECT_TRUE(crypto::decrypt(read_bytes(dir_ / kMediaDir / (r.id + ".age")), ids)) << r.id;
  }
  const AuditReport report = a.verify_audit().value();
  EXPECT_TRUE(report.ok) << ::testing::PrintToString(report.problems);
}

TEST_F(ArchiveTest, NothingPlaintextInTheArchiveDirectory) {
  const std::string name = "Zebedee Quasimodo-Knownplaintext";
  const std::string nhs = nhs_number("401023256");
  const std::string dob = "1977-04-23";
  const std::string media = "KNOWN-PLAINTEXT-MEDIA-0123456789-abcdefghij";
  std::string consent_id;
  {
    Archive a = open_as("photo");
    const std::string patient = add_patient(a, name, nhs, dob);
    auto f = form(patient, {{Purpose::clinical_record, Grant::identifiable},
                            {Purpose::teaching, Grant::identifiable}});
    f.witness = consent::Person{"Winifred Witnessname-Known", "Nurse"};
    f.comments = "Patient asked for copies: KNOWN-COMMENT";
    consent_id = *a.add_consent(f);
    const auto rec = store(
        a, hand_photo(patient, consent_id, {Purpose::clinical_record, Purpose::teaching}), media);
    (void)a.find_patients({name, std::nullopt, std::nullopt});
    (void)a.get_consent(consent_id);
    std::vector<crypto::Recipient> to;
    to.emplace_back(crypto::X25519Identity::generate().recipient());
    ASSERT_TRUE(a.export_recording(rec.id, Purpose::teaching, root_ / "out.age",
                                   ExportForm::encrypted, to));
    consent::Withdrawal w;
    w.withdrawn_on = today_utc();
    w.purposes = {Purpose::teaching};
    w.recorded_by = {"Walter Withdrawer-Known", "Clinician"};
    ASSERT_TRUE(a.withdraw_consent(consent_id, w));
    const auto second = store(a, hand_photo(patient, consent_id), media + "-second");
    Archive ig = open_as(kIg);
    ASSERT_TRUE(ig.erase_recording(second.id, "duplicate"));
  }
  for (const std::string& needle :
       {name, std::string("Quasimodo"), nhs, nhs.substr(0, 3) + " " + nhs.substr(3, 3), dob,
        std::string("Winifred"), std::string("KNOWN-COMMENT"), std::string("Walter Withdrawer"),
        std::string("Grace Witnessworth"), media, std::string("KNOWN-PLAINTEXT-MEDIA")}) {
    EXPECT_TRUE(files_containing(dir_, needle).empty())
        << needle << " found in " << ::testing::PrintToString(files_containing(dir_, needle));
  }
  for (const auto& entry : fs::directory_iterator(dir_ / kMediaDir)) {
    const auto bytes = read_bytes(entry.path());
    EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 21), "age-encryption.org/v1")
        << entry.path();
  }
}

}  // namespace
}  // namespace clinvid::archive::testing
