// A real archive in a temporary directory with one user per role, for the archive tests.
// Argon2id runs at its minimum cost here (CLINVID_ARCHIVE_KDF=fast), which only changes how
// long a passphrase takes to check.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "archive/archive.hpp"
#include "crypto/writer.hpp"

namespace clinvid::archive::testing {

namespace fs = std::filesystem;

inline crypto::SecretBytes secret(std::string_view text) {
  return crypto::SecretBytes::copy_of(text);
}

inline consent::Date day(std::string_view iso) {
  return consent::Date::parse(iso).value();
}

// A valid NHS number from nine digits (modulus 11; a nine-digit stem whose check would be 10
// is not valid, so the caller picks stems that work).
inline std::string nhs_number(std::string_view nine) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (nine[static_cast<std::size_t>(i)] - '0') * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  return std::string(nine) + static_cast<char>('0' + check);
}

// fread, not istreambuf_iterator: GCC 12 reports a false -Wnull-dereference in the latter.
inline std::vector<std::uint8_t> read_bytes(const fs::path& file) {
  std::vector<std::uint8_t> out;
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) return out;
  std::uint8_t buffer[65536];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) {
    out.insert(out.end(), buffer, buffer + n);
  }
  std::fclose(f);
  return out;
}

inline void write_bytes(const fs::path& file, std::span<const std::uint8_t> bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// True when `needle` occurs anywhere in any file under `dir` (database, WAL, media, head file).
inline std::vector<std::string> files_containing(const fs::path& dir, std::string_view needle) {
  std::vector<std::string> hits;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const auto bytes = read_bytes(entry.path());
    const std::string_view hay(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (hay.find(needle) != std::string_view::npos) hits.push_back(entry.path().string());
  }
  return hits;
}

class ArchiveTest : public ::testing::Test {
 protected:
  static constexpr std::string_view kIg = "ig.lead";
  void SetUp() override {
    ::setenv("CLINVID_ARCHIVE_KDF", "fast", 1);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() / (std::string("clinvid-archive-") + info->test_suite_name() +
                                         "-" + info->name() + "-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    dir_ = root_ / "archive";
    auto created = Archive::create(dir_, kIg, consent::Role::information_governance_officer,
                                   secret("ig-pass"));
    ASSERT_TRUE(created) << created.error().message();
    for (auto [name, role] :
         {std::pair{"photo", consent::Role::photographer},
          std::pair{"doc", consent::Role::clinician}, std::pair{"edu", consent::Role::educator},
          std::pair{"res", consent::Role::researcher}, std::pair{"aud", consent::Role::auditor},
          std::pair{"trainee", consent::Role::trainee}}) {
      ASSERT_TRUE(created->add_user(name, role, secret(std::string(name) + "-pass")));
    }
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  Archive open_as(std::string_view user) {
    auto a = Archive::open(dir_);
    EXPECT_TRUE(a) << a.error().message();
    const std::string pass = user == kIg ? "ig-pass" : std::string(user) + "-pass";
    auto ok = a->unlock(user, secret(pass));
    EXPECT_TRUE(ok) << ok.error().message();
    return std::move(*a);
  }

  std::string add_patient(Archive& a, std::string name = "Ada Lovelace-Testpatient",
                          std::string nhs = nhs_number("401023213"),
                          std::string dob = "1980-12-10") {
    PatientIdentity p{name, nhs, day(dob)};
    auto id = a.add_patient(p);
    EXPECT_TRUE(id) << id.error().message();
    return *id;
  }

  // Written adult consent taken on 2025-06-01 naming the hand and the face.
  consent::ConsentRecord form(const std::string& patient,
                              std::vector<consent::PurposeConsent> purposes) {
    consent::ConsentRecord r;
    r.patient_ref = patient;
    r.case_ref = "CASE-1";
    r.purposes = std::move(purposes);
    r.body_sites = {"hand", "face"};
    r.storage_explained = "Encrypted clinvid archive";
    r.giver = consent::ConsentGiver::patient;
    r.capacity = {consent::Capacity::presumed, std::nullopt, std::nullopt, ""};
    r.mode = consent::ConsentMode::written;
    r.signature = consent::SignatureRef{
        "sig-1", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"};
    r.taken_by = {"Grace Witnessworth-Photographer", "Clinical photographer"};
    r.consented_on = day("2025-06-01");
    return r;
  }

  std::string add_consent(Archive& a, const std::string& patient,
                          std::vector<consent::PurposeConsent> purposes) {
    auto id = a.add_consent(form(patient, std::move(purposes)));
    EXPECT_TRUE(id) << id.error().message();
    return *id;
  }

  NewRecording hand_photo(const std::string& patient, const std::string& consent_id,
                          std::vector<consent::Purpose> purposes = {
                              consent::Purpose::clinical_record}) {
    NewRecording r;
    r.patient_id = patient;
    r.consent_id = consent_id;
    r.kind = consent::RecordingKind::external_photo;
    r.sites = {{"hand", consent::Laterality::left}};
    r.purposes = std::move(purposes);
    r.recorded_on = day("2025-06-02");
    r.procedure = "Excision of basal cell carcinoma";
    r.notes = "pre-operative view";
    r.tags = {"dermatology"};
    return r;
  }

  // Registers a recording, writes `plaintext` encrypted to its recipient (as capture does) and
  // catalogues it from a manifest.
  RegisteredRecording store(Archive& a, const NewRecording& rec, std::string_view plaintext) {
    auto reg = a.register_recording(rec);
    EXPECT_TRUE(reg) << reg.error().message();
    if (!reg) return {};
    std::vector<crypto::Recipient> recipients;
    recipients.emplace_back(crypto::X25519Recipient::parse(reg->recipient).value());
    const fs::path plain = root_ / "plain.bin";
    write_bytes(plain, std::span(reinterpret_cast<const std::uint8_t*>(plaintext.data()),
                                 plaintext.size()));
    EXPECT_TRUE(crypto::encrypt_file(plain, reg->media_path, recipients));
    fs::remove(plain);
    const Json manifest = {{"camera", "test-camera"},
                           {"calibration_profile", "profile-1"},
                           {"delta_e00_mean", 1.8},
                           {"container", "matroska"},
                           {"codec", "h264"},
                           {"width", 640},
                           {"height", 480},
                           {"duration", "3/1"},
                           {"streams", Json::array({{{"camera", "cam0"}}})},
                           {"markers", Json::array({{{"at", "1/1"}, {"label", "incision"}}})}};
    auto ok = a.catalogue_manifest(reg->id, manifest);
    EXPECT_TRUE(ok) << ok.error().message();
    return *reg;
  }

  std::vector<AuditEntry> audit_rows() {
    // Read through a second connection, as an auditor's tool would.
    std::vector<AuditEntry> rows;
    auto ok = open_as("aud").export_audit([&](const std::string& line) {
      auto doc = parse_json(line).value();
      if (!doc.contains("seq")) return;
      AuditEntry e;
      e.seq = doc["seq"];
      e.user = doc["user"];
      e.action = doc["action"];
      e.target = doc["target"];
      e.outcome = doc["outcome"];
      e.rule = doc["rule"];
      e.reason = doc["reason"];
      e.detail = doc["detail"];
      rows.push_back(e);
    });
    EXPECT_TRUE(ok) << ok.error().message();
    return rows;
  }

  fs::path root_;
  fs::path dir_;
};

}  // namespace clinvid::archive::testing
