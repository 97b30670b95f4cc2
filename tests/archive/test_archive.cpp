// The catalogued archive on a real SQLite file: keys, patients, the consent gate, export,
// erasure (crypto-shredding), retention and legal holds, search with hostile input.
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "archive/archive.hpp"
#include "archive_fixture.hpp"
#include "crypto/reader.hpp"

namespace clinvid::archive::testing {
namespace {

using consent::Grant;
using consent::Purpose;

// The newest row of `action`, by value (the rows are often a temporary).
std::optional<AuditEntry> last_row(const std::vector<AuditEntry>& rows, std::string_view action) {
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    if (it->action == action) return *it;
  }
  return std::nullopt;
}

TEST(NhsNumber, ModulusElevenCheckDigit) {
  EXPECT_EQ(normalise_nhs_number("943 476 5870").value_or(""), "9434765870");
  EXPECT_EQ(normalise_nhs_number(nhs_number("401023213")).value_or(""), nhs_number("401023213"));
  EXPECT_FALSE(normalise_nhs_number("9434765871"));  // wrong check digit
  EXPECT_FALSE(normalise_nhs_number("943476587"));   // nine digits
  EXPECT_FALSE(normalise_nhs_number("94347658x0"));
  auto bad = normalise_nhs_number("9434765871");
  EXPECT_EQ(bad.error().code, Errc::invalid_argument);
  EXPECT_EQ(bad.error().detail.find("9434765871"), std::string::npos) << "never echo the number";
}

TEST(FtsQuery, EveryWordIsAQuotedLiteral) {
  EXPECT_EQ(fts_query("basal cell"), R"("basal" "cell")");
  EXPECT_EQ(fts_query("  carc*  "), R"("carc"*)");
  EXPECT_EQ(fts_query(R"(a"b OR c)"), R"("a""b" "OR" "c")");
  EXPECT_EQ(fts_query("notes:x NEAR(a b)"), R"x("notes:x" "NEAR(a" "b)")x");
  EXPECT_EQ(fts_query(""), "");
}

TEST_F(ArchiveTest, WrongPassphraseIsRefusedAndAudited) {
  auto a = Archive::open(dir_);
  ASSERT_TRUE(a);
  auto ok = a->unlock("photo", secret("not-the-passphrase"));
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().code, Errc::crypto);
  EXPECT_NE(ok.error().detail.find("wrong passphrase"), std::string::npos);
  EXPECT_FALSE(a->unlocked());
  auto patient = a->add_patient({"X", "", day("1990-01-01")});
  EXPECT_EQ(patient.error().code, Errc::permission_denied) << "locked archive does nothing";
  auto unknown = a->unlock("mallory", secret("x"));
  EXPECT_EQ(unknown.error().code, Errc::not_found);
  const auto rows = audit_rows();
  std::optional<AuditEntry> login = last_row(rows, "login");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->outcome, "refuse");
  EXPECT_EQ(login->user, "mallory");
  EXPECT_EQ(std::count_if(rows.begin(), rows.end(),
                          [](const AuditEntry& e) { return e.action == "login"; }),
            2);
  EXPECT_TRUE(open_as("aud").verify_audit().value().ok);
}

TEST_F(ArchiveTest, OnlyTheIgOfficerAddsUsers) {
  Archive photo = open_as("photo");
  auto ok = photo.add_user("eve", consent::Role::clinician, secret("eve-pass"));
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().code, Errc::permission_denied);
  std::optional<AuditEntry> row = last_row(audit_rows(), "user_add");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->outcome, "refuse");
  EXPECT_EQ(row->rule, "user-admin-by-ig-officer");
  Archive ig = open_as(kIg);
  EXPECT_FALSE(ig.add_user("photo", consent::Role::clinician, secret("x"))) << "duplicate name";
}

TEST_F(ArchiveTest, PatientIdentifiersAreSealedAndFoundByKeyedHash) {
  Archive a = open_as("photo");
  const std::string nhs = nhs_number("401023213");
  const std::string id = add_patient(a, "Ada  LOVELACE-Testpatient", nhs, "1980-12-10");
  EXPECT_TRUE(id.starts_with("P-"));
  auto by_nhs =
      a.find_patients({std::nullopt, nhs.substr(0, 3) + " " + nhs.substr(3), std::nullopt});
  ASSERT_TRUE(by_nhs);
  ASSERT_EQ(by_nhs->size(), 1u);
  EXPECT_EQ((*by_nhs)[0].id, id);
  EXPECT_EQ((*by_nhs)[0].identity.nhs_number, nhs);
  auto by_name = a.find_patients({"ada lovelace-testpatient", std::nullopt, day("1980-12-10")});
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->size(), 1u);
  auto none = a.find_patients({"Ada Lovelace-Testpatient", std::nullopt, day("1980-12-11")});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(a.add_patient({"Someone Else", nhs, day("1970-01-01")})) << "NHS number is unique";
  EXPECT_EQ(a.add_patient({"Bad Number", "9434765871", std::nullopt}).error().code,
            Errc::invalid_argument);
  EXPECT_TRUE(files_containing(dir_, "LOVELACE").empty());
  EXPECT_TRUE(files_containing(dir_, nhs).empty());
  EXPECT_TRUE(files_containing(dir_, "1980-12-10").empty());
  Archive aud = open_as("aud");
  EXPECT_EQ(aud.find_patients({std::nullopt, nhs, std::nullopt}).error().code,
            Errc::permission_denied);
}

// Must show: a recording can't be made or exported for a purpose its consent does not allow;
// the refusal names the rule; the audit shows it.
TEST_F(ArchiveTest, RecordAndExportRefusedForPurposeWithoutConsentNamingTheRule) {
  Archive a = open_as("photo");
  const std::string patient = add_patient(a);
  const std::string consent_id =
      add_consent(a, patient, {{Purpose::clinical_record, Grant::identifiable}});

  // Teaching was never explained on the form: recording for it is refused.
  auto refused = a.register_recording(hand_photo(patient, consent_id, {Purpose::teaching}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::permission_denied);
  EXPECT_NE(refused.error().detail.find("rule no-consent"), std::string::npos)
      << refused.error().detail;
  auto rows = audit_rows();
  std::optional<AuditEntry> row = last_row(rows, "record");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->outcome, "refuse");
  EXPECT_EQ(row->rule, "no-consent");
  EXPECT_EQ(row->user, "photo");
  EXPECT_EQ(row->detail["purpose"], "teaching");

  // The clinical record is allowed, and the allowance is audited too.
  const RegisteredRecording rec = store(a, hand_photo(patient, consent_id), "media bytes");
  rows = audit_rows();
  row = last_row(rows, "record");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->outcome, "allow");
  EXPECT_EQ(row->rule, "consent-identifiable");

  // Export for teaching: refused, named, audited, and no file appears.
  const fs::path out = root_ / "teaching.bin";
  auto exported = a.export_recording(rec.id, Purpose::teaching, out, ExportForm::plaintext, {});
  ASSERT_FALSE(exported);
  EXPECT_EQ(exported.error().code, Errc::permission_denied);
  EXPECT_NE(exported.error().detail.find("rule no-consent"), std::string::npos);
  EXPECT_FALSE(fs::exists(out));
  rows = audit_rows();
  row = last_row(rows, "export");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->outcome, "refuse");
  EXPECT_EQ(row->rule, "no-consent");
  EXPECT_EQ(row->target, rec.id);

  // For the clinical record the export works, and is the media byte for byte.
  ASSERT_TRUE(a.export_recording(rec.id, Purpose::clinical_record, out, ExportForm::plaintext, {}));
  const auto bytes = read_bytes(out);
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()), "media bytes");
  std::optional<AuditEntry> written = last_row(audit_rows(), "export_written");
  ASSERT_TRUE(written);
  EXPECT_EQ(written->detail["form"], "plaintext");
}

TEST_F(ArchiveTest, EncryptedExportOpensOnlyWithTheRecipientsKey) {
  Archive a = open_as("doc");
  const std::string patient = add_patient(a);
  const std::string consent_id =
      add_consent(a, patient, {{Purpose::clinical_record, Grant::identifiable}});
  const auto rec = store(a, hand_photo(patient, consent_id), "encrypted export");
  const auto reader = crypto::X25519Identity::generate();
  std::vector<crypto::Recipient> to;
  to.emplace_back(reader.recipient());
  const fs::path out = root_ / "copy.age";
  ASSERT_TRUE(a.export_recording(rec.id, Purpose::clinical_record, out, ExportForm::encrypted, to));
  std::vector<crypto::Identity> ids;
  ids.emplace_back(reader.clone());
  auto plain = crypto::decrypt(read_bytes(out), ids);
  ASSERT_TRUE(plain);
  EXPECT_EQ(std::string(plain->begin(), plain->end()), "encrypted export");
}

TEST_F(ArchiveTest, RolesAndSignOffFollowThePolicy) {
  Archive photo = open_as("photo");
  const std::string patient = add_patient(photo);
  const std::string consent_id = add_consent(
      photo, patient,
      {{Purpose::clinical_record, Grant::identifiable}, {Purpose::teaching, Grant::identifiable}});
  const auto rec = store(
      photo, hand_photo(patient, consent_id, {Purpose::clinical_record, Purpose::teaching}), "x");
  struct Case {
    const char* user;
    consent::Operation op;
    Purpose purpose;
    consent::Effect effect;
    const char* rule;
  };
  const Case cases[] = {
      {"aud", consent::Operation::view, Purpose::clinical_record, consent::Effect::refuse,
       "auditor-no-media"},
      {"edu", consent::Operation::view, Purpose::clinical_record, consent::Effect::refuse,
       "role-scope-educator"},
      {"edu", consent::Operation::view, Purpose::teaching, consent::Effect::allow,
       "consent-identifiable"},
      {"res", consent::Operation::view, Purpose::research, consent::Effect::refuse, "no-consent"},
      {"trainee", consent::Operation::export_, Purpose::clinical_record,
       consent::Effect::needs_signoff, "trainee-needs-clinician-signoff"},
      {"ig.lead", consent::Operation::export_, Purpose::clinical_record, consent::Effect::refuse,
       "role-scope-ig-officer"},
      {"ig.lead", consent::Operation::erase, Purpose::invalid, consent::Effect::allow,
       "erase-by-ig-officer"},
      {"doc", consent::Operation::erase, Purpose::invalid, consent::Effect::needs_signoff,
       "erase-needs-ig-signoff"},
  };
  for (const Case& c : cases) {
    Archive a = open_as(c.user);
    GateRequest g;
    g.operation = c.op;
    g.purpose = c.purpose;
    g.recording_id = rec.id;
    auto d = a.authorize(g);
    ASSERT_TRUE(d) << c.user << ": " << d.error().message();
    EXPECT_EQ(d->effect, c.effect) << c.user << " " << c.rule << " got " << d->rule_id;
    EXPECT_EQ(d->rule_id, c.rule) << c.user;
    std::optional<AuditEntry> row = last_row(audit_rows(), consent::to_string(c.op));
    ASSERT_TRUE(row);
    EXPECT_EQ(row->user, c.user);
    EXPECT_EQ(row->rule, c.rule);
  }
}

TEST_F(ArchiveTest, SignOffAndDisclosureOnALegalBasis) {
  Archive photo = open_as("photo");
  const std::string patient = add_patient(photo);
  const std::string consent_id =
      add_consent(photo, patient, {{Purpose::clinical_record, Grant::identifiable}});
  const auto rec = store(photo, hand_photo(patient, consent_id), "evidence");
  Archive trainee = open_as("trainee");
  Archive doc = open_as("doc");
  Archive ig = open_as(kIg);
  const fs::path out = root_ / "out.bin";

  // A trainee's export waits for a clinician; signed off, it goes ahead and both are audited.
  auto waiting =
      trainee.export_recording(rec.id, Purpose::clinical_record, out, ExportForm::plaintext, {});
  ASSERT_FALSE(waiting);
  EXPECT_NE(waiting.error().detail.find("needs sign-off by a clinician"), std::string::npos)
      << waiting.error().detail;
  ExportOptions signed_off;
  signed_off.signed_off_by = &doc;
  ASSERT_TRUE(trainee.export_recording(rec.id, Purpose::clinical_record, out, ExportForm::plaintext,
                                       {}, signed_off));
  auto row = last_row(audit_rows(), "export");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->user, "trainee");
  EXPECT_EQ(row->detail["signed_off_by"]["user"], "doc");
  EXPECT_EQ(row->outcome, "allow");
  ExportOptions self;
  self.signed_off_by = &trainee;
  EXPECT_EQ(
      trainee
          .export_recording(rec.id, Purpose::clinical_record, out, ExportForm::plaintext, {}, self)
          .error()
          .code,
      Errc::invalid_argument)
      << "nobody signs off their own request";

  // Disclosure to a court: the IG officer may; a clinician needs the IG officer's sign-off.
  ExportOptions court;
  court.legal_basis = consent::LegalBasis::court_order;
  auto by_doc = doc.export_recording(rec.id, Purpose::safeguarding_medico_legal, out,
                                     ExportForm::plaintext, {}, court);
  ASSERT_FALSE(by_doc);
  EXPECT_NE(by_doc.error().detail.find("disclose-legal-basis-needs-ig"), std::string::npos)
      << by_doc.error().detail;
  court.signed_off_by = &ig;
  ASSERT_TRUE(doc.export_recording(rec.id, Purpose::safeguarding_medico_legal, out,
                                   ExportForm::plaintext, {}, court));
  row = last_row(audit_rows(), "disclose");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->rule, "disclose-legal-basis-signed-off");
  EXPECT_EQ(row->detail["legal_basis"], "court_order");
  court.signed_off_by = nullptr;
  ASSERT_TRUE(ig.export_recording(rec.id, Purpose::safeguarding_medico_legal, out,
                                  ExportForm::plaintext, {}, court));
  EXPECT_EQ(last_row(audit_rows(), "disclose")->rule, "disclose-legal-basis-ig");

  // A clinician's erasure signed off by the IG officer.
  ASSERT_TRUE(doc.erase_recording(rec.id, "duplicate", &ig));
  EXPECT_EQ(last_row(audit_rows(), "erase")->rule, "erase-signed-off-by-ig");
}

TEST_F(ArchiveTest, ChildrenAndIntimateSitesThroughTheGate) {
  Archive a = open_as("photo");
  const std::string child =
      add_patient(a, "Child Testpatient", nhs_number("401023221"), "2015-03-01");
  auto f = form(child, {{Purpose::clinical_record, Grant::identifiable}});
  f.giver = consent::ConsentGiver::parent_guardian;
  f.giver_person = consent::Person{"Parent Testperson", "mother"};
  f.capacity = {consent::Capacity::lacks_capacity, consent::Person{"Dr A", "Paediatrician"},
                day("2025-06-01"), "under 12"};
  f.body_sites = {"hand", "vulva"};
  auto consent_id = a.add_consent(f);
  ASSERT_TRUE(consent_id) << consent_id.error().message();
  // No exceptional circumstances recorded: refused.
  auto rec = hand_photo(child, *consent_id);
  auto refused = a.register_recording(rec);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("child-exceptional-circumstances"), std::string::npos)
      << refused.error().detail;
  // An intimate site of a child: always refused, whatever the form says.
  rec.sites = {{"vulva", consent::Laterality::not_applicable}};
  refused = a.register_recording(rec);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("under18-intimate"), std::string::npos);
  // A patient whose age is unknown cannot be checked against the children's rules.
  const std::string unknown = *a.add_patient({"No Dob Testpatient", "", std::nullopt});
  const std::string c2 = add_consent(a, unknown, {{Purpose::clinical_record, Grant::identifiable}});
  refused = a.register_recording(hand_photo(unknown, c2));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("age-unknown"), std::string::npos);
}

// Must show: erased media can't be decrypted any more, and the erasure is audited.
TEST_F(ArchiveTest, ErasureShredsTheKeySoNoCopyCanBeDecrypted) {
  Archive photo = open_as("photo");
  const std::string patient = add_patient(photo);
  const std::string consent_id =
      add_consent(photo, patient, {{Purpose::clinical_record, Grant::identifiable}});
  const auto victim = store(photo, hand_photo(patient, consent_id), "SECRET-MEDIA-TO-ERASE");
  const auto other = store(photo, hand_photo(patient, consent_id), "another recording");
  // A backup taken before the erasure: crypto-shredding must make it useless too.
  const fs::path backup = root_ / "backup.age";
  fs::copy_file(victim.media_path, backup);
  const auto identity_before = photo.recording_identity(victim.id);
  ASSERT_TRUE(identity_before);
  const std::string secret_text(identity_before->to_string().chars());

  // Not the IG officer: needs sign-off; nothing is erased.
  auto denied = photo.erase_recording(victim.id, "mistake");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, Errc::permission_denied);
  EXPECT_TRUE(fs::exists(victim.media_path));

  Archive ig = open_as(kIg);
  ASSERT_TRUE(ig.erase_recording(victim.id, "consent withdrawn by the patient"));
  EXPECT_FALSE(fs::exists(victim.media_path));
  auto info = ig.get_recording(victim.id);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->status, RecordingStatus::erased) << "a tombstone remains";
  EXPECT_TRUE(info->notes.empty());
  auto gone = ig.recording_identity(victim.id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, Errc::not_found);
  // Every key the archive still holds fails on the backup.
  for (const std::string& id : {other.id}) {
    std::vector<crypto::Identity> ids;
    ids.emplace_back(ig.recording_identity(id).value());
    EXPECT_FALSE(crypto::decrypt(read_bytes(backup), ids));
  }
  // And the secret is nowhere in the archive directory, not even in the WAL.
  EXPECT_TRUE(files_containing(dir_, secret_text).empty());
  EXPECT_TRUE(files_containing(dir_, "SECRET-MEDIA-TO-ERASE").empty());
  // Operations on the erased recording fail; the erasure is audited with its reason.
  EXPECT_FALSE(photo.export_recording(victim.id, Purpose::clinical_record, root_ / "x",
                                      ExportForm::plaintext, {}));
  const auto rows = audit_rows();
  std::optional<AuditEntry> erase = last_row(rows, "erase_done");
  ASSERT_TRUE(erase);
  EXPECT_EQ(erase->target, victim.id);
  EXPECT_EQ(erase->user, kIg);
  EXPECT_EQ(erase->detail["reason"], "consent withdrawn by the patient");
  std::optional<AuditEntry> gate = last_row(rows, "erase");
  ASSERT_TRUE(gate);
  EXPECT_EQ(gate->outcome, "allow");
  EXPECT_EQ(gate->rule, "erase-by-ig-officer");
  EXPECT_TRUE(ig.verify_audit().value().ok);
  // The other recording is untouched.
  ASSERT_TRUE(photo.export_recording(other.id, Purpose::clinical_record, root_ / "other.bin",
                                     ExportForm::plaintext, {}));
}

TEST_F(ArchiveTest, LegalHoldBlocksErasureAndRetention) {
  Archive photo = open_as("photo");
  const std::string patient = add_patient(photo);
  const std::string consent_id = add_consent(
      photo, patient,
      {{Purpose::clinical_record, Grant::identifiable}, {Purpose::teaching, Grant::identifiable}});
  auto teaching = hand_photo(patient, consent_id, {Purpose::teaching});
  teaching.recorded_on = day("2015-01-10");
  auto f = form(patient, {{Purpose::teaching, Grant::identifiable}});
  f.consented_on = day("2015-01-01");
  const std::string old_consent = *photo.add_consent(f);
  teaching.consent_id = old_consent;
  const auto old_a = store(photo, teaching, "old one");
  const auto old_b = store(photo, teaching, "old two");
  const auto recent = store(photo, hand_photo(patient, consent_id), "recent");

  Archive ig = open_as(kIg);
  EXPECT_EQ(photo.place_legal_hold(old_b.id, "litigation").error().code, Errc::permission_denied);
  ASSERT_TRUE(ig.place_legal_hold(old_b.id, "litigation: claim 2025/17"));
  auto held = ig.erase_recording(old_b.id, "tidy up");
  ASSERT_FALSE(held);
  EXPECT_NE(held.error().detail.find("legal-hold"), std::string::npos);

  // Dry run lists, changes nothing.
  auto due = ig.run_retention(day("2025-06-10"), false);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_TRUE(fs::exists(old_a.media_path));
  // Teaching is kept 5 years: both 2015 recordings are past it; the held one stays.
  auto run = ig.run_retention(day("2025-06-10"), true);
  ASSERT_TRUE(run);
  for (const auto& item : *run) {
    if (item.recording_id == old_a.id) {
      EXPECT_EQ(item.action, "erased");
    }
    if (item.recording_id == old_b.id) {
      EXPECT_EQ(item.action, "held (legal hold)");
    }
    EXPECT_NE(item.recording_id, recent.id);
    EXPECT_EQ(item.review_date, day("2020-01-10"));
  }
  EXPECT_FALSE(fs::exists(old_a.media_path));
  EXPECT_TRUE(fs::exists(old_b.media_path));
  EXPECT_TRUE(fs::exists(recent.media_path));
  std::optional<AuditEntry> row = last_row(audit_rows(), "retention_erase");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->target, old_a.id);
  ASSERT_TRUE(ig.release_legal_hold(old_b.id, "claim settled"));
  ASSERT_TRUE(ig.erase_recording(old_b.id, "retention, hold released"));
}

TEST_F(ArchiveTest, WithdrawalStopsUseAndFlagsDerivedFilms) {
  Archive photo = open_as("photo");
  const std::string patient = add_patient(photo);
  const std::string consent_id = add_consent(
      photo, patient,
      {{Purpose::clinical_record, Grant::identifiable}, {Purpose::teaching, Grant::identifiable}});
  const auto source =
      store(photo, hand_photo(patient, consent_id, {Purpose::clinical_record, Purpose::teaching}),
            "source");
  Archive edu = open_as("edu");
  auto film = hand_photo(patient, consent_id, {Purpose::teaching});
  film.kind = consent::RecordingKind::external_video;
  film.derived_from = {source.id};
  film.project = "hand-surgery-teaching";
  const auto derived = store(edu, film, "teaching film");
  ASSERT_TRUE(
      edu.export_recording(derived.id, Purpose::teaching, root_ / "t1", ExportForm::plaintext, {}));

  consent::Withdrawal w;
  w.withdrawn_on = today_utc();
  w.purposes = {Purpose::teaching};
  w.recorded_by = {"Grace Witnessworth-Photographer", "Clinical photographer"};
  auto flagged = photo.withdraw_consent(consent_id, w);
  ASSERT_TRUE(flagged) << flagged.error().message();
  ASSERT_EQ(flagged->size(), 1u);
  EXPECT_EQ((*flagged)[0].id, derived.id);
  EXPECT_TRUE(edu.get_recording(derived.id)->flagged);
  EXPECT_EQ(edu.get_recording(derived.id)->derived_from, std::vector<std::string>{source.id});
  auto refused =
      edu.export_recording(derived.id, Purpose::teaching, root_ / "t2", ExportForm::plaintext, {});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("consent-withdrawn"), std::string::npos);
  // The clinical record is unaffected.
  EXPECT_TRUE(photo.export_recording(source.id, Purpose::clinical_record, root_ / "c",
                                     ExportForm::plaintext, {}));
  auto withdrawn = photo.search([&] {
    SearchQuery q;
    q.text = "";
    q.purpose = Purpose::teaching;
    q.consent_state = consent::ConsentState::withdrawn;
    return q;
  }());
  ASSERT_TRUE(withdrawn);
  EXPECT_EQ(withdrawn->size(), 2u);
}

TEST_F(ArchiveTest, SearchTreatsHostileStringsAsData) {
  Archive a = open_as("photo");
  const std::string patient = add_patient(a);
  const std::string consent_id = add_consent(
      a, patient,
      {{Purpose::clinical_record, Grant::identifiable}, {Purpose::teaching, Grant::identifiable}});
  auto r1 = hand_photo(patient, consent_id);
  r1.notes = "Robert'); DROP TABLE recordings;-- \"quoted\" NEAR(x y) OR *";
  const auto hostile = store(a, r1, "1");
  auto r2 = hand_photo(patient, consent_id, {Purpose::teaching});
  r2.procedure = "Carpal tunnel release";
  r2.sites = {{"face", consent::Laterality::not_applicable}};
  r2.recorded_on = day("2025-07-01");
  const auto carpal = store(a, r2, "2");

  auto found = a.search([&] {
    SearchQuery q;
    q.text = "carpal";
    return q;
  }());
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].id, carpal.id);
  EXPECT_EQ(a.search([&] {
               SearchQuery q;
               q.text = "carp*";
               return q;
             }())
                ->size(),
            1u);
  EXPECT_EQ(a.search([&] {
               SearchQuery q;
               q.text = "basal";
               return q;
             }())
                ->size(),
            1u);
  EXPECT_EQ(a.search([&] {
               SearchQuery q;
               q.text = "hand";
               return q;
             }())
                ->size(),
            1u)
      << "body sites are indexed";
  EXPECT_EQ(a.search([&] {
               SearchQuery q;
               q.text = "";
               q.body_site = "face";
               return q;
             }())
                ->size(),
            1u);
  EXPECT_EQ(a.search([&] {
               SearchQuery q;
               q.text = "";
               q.from = day("2025-06-15");
               return q;
             }())
                ->size(),
            1u);
  EXPECT_EQ(a.search([&] {
               SearchQuery q;
               q.text = "";
               q.purpose = Purpose::teaching;
               return q;
             }())
                ->size(),
            1u);
  EXPECT_EQ(a.search([&] {
               SearchQuery q;
               q.text = "";
               q.patient_id = "P-nobody";
               return q;
             }())
                ->size(),
            0u);

  for (const char* evil : {"'; DROP TABLE recordings; --", "\" OR 1=1 --", "NEAR(", "notes:x", "*",
                           "\"", "a OR b", "(((", "^carpal", "carpal AND NOT basal", "\x01\x02",
                           "%_%", "' OR ''='", "DROP", "recordings_fts MATCH 'x'"}) {
    auto r = a.search([&] {
      SearchQuery q;
      q.text = evil;
      q.patient_id = std::string(evil);
      return q;
    }());
    ASSERT_TRUE(r) << evil << ": " << r.error().message();
    EXPECT_TRUE(r->empty()) << evil;
    auto r2only = a.search([&] {
      SearchQuery q;
      q.text = evil;
      return q;
    }());
    ASSERT_TRUE(r2only) << evil << ": " << r2only.error().message();
  }
  // The hostile note is found by its own words, as data.
  auto drop = a.search([&] {
    SearchQuery q;
    q.text = "DROP TABLE";
    return q;
  }());
  ASSERT_TRUE(drop);
  ASSERT_EQ(drop->size(), 1u);
  EXPECT_EQ((*drop)[0].id, hostile.id);
  EXPECT_EQ(a.search([&] {
               SearchQuery q;
               q.text = "";
               return q;
             }())
                ->size(),
            2u)
      << "nothing was dropped";
  EXPECT_TRUE(a.verify_audit().value().ok);
}

TEST_F(ArchiveTest, ProvenanceAndManifestFieldsAreCatalogued) {
  Archive a = open_as("photo");
  const std::string patient = add_patient(a);
  const std::string consent_id =
      add_consent(a, patient, {{Purpose::clinical_record, Grant::identifiable}});
  const auto rec = store(a, hand_photo(patient, consent_id), "abc");
  auto info = a.get_recording(rec.id);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->status, RecordingStatus::active);
  EXPECT_EQ(info->camera, "test-camera");
  EXPECT_EQ(info->calibration_profile, "profile-1");
  ASSERT_TRUE(info->delta_e00_mean);
  EXPECT_DOUBLE_EQ(*info->delta_e00_mean, 1.8);
  EXPECT_EQ(info->duration, "3/1");
  EXPECT_EQ(info->markers.size(), 1u);
  EXPECT_EQ(info->recipient, rec.recipient);
  EXPECT_EQ(info->sites.size(), 1u);
  // A manifest for an unregistered id, a non-object or a bad field is refused.
  EXPECT_FALSE(a.catalogue_manifest("00000000-0000-4000-8000-000000000000", Json::object()));
  EXPECT_FALSE(a.catalogue_manifest(rec.id, Json::object())) << "already catalogued";
  auto reg = a.register_recording(hand_photo(patient, consent_id));
  ASSERT_TRUE(reg);
  EXPECT_EQ(a.catalogue_manifest(reg->id, Json::object()).error().code, Errc::not_found)
      << "no media yet";
  ASSERT_TRUE(a.abandon_recording(reg->id));
  EXPECT_FALSE(a.get_recording(reg->id));
}

}  // namespace
}  // namespace clinvid::archive::testing
