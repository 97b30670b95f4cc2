#include "archive/demo.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include <fmt/format.h>

#include "consent/record.hpp"
#include "core/id.hpp"
#include "core/paths.hpp"

namespace clinvid::archive {

namespace {

consent::ConsentRecord demo_consent(const std::string& patient_id, const consent::Date& today) {
  consent::ConsentRecord form;
  form.id = Uuid::parse(kDemoConsentId).value();
  form.patient_ref = patient_id;
  form.case_ref = "DEMO-1";
  form.purposes = {{consent::Purpose::clinical_record, consent::Grant::identifiable},
                   {consent::Purpose::teaching, consent::Grant::identifiable},
                   {consent::Purpose::research, consent::Grant::identifiable}};
  form.body_sites = {"lower_limb"};
  form.storage_explained = "Encrypted in the clinvid archive on this workstation (demonstration)";
  form.giver = consent::ConsentGiver::patient;
  form.capacity.outcome = consent::Capacity::presumed;
  form.mode = consent::ConsentMode::verbal;
  form.witness = consent::Person{"Demo Witness (fictitious)", "Healthcare assistant"};
  form.taken_by = consent::Person{"Demo Photographer (fictitious)", "Clinical photographer"};
  form.consented_on = today;
  form.comments = "Demonstration archive: every person in it is made up.";
  return form;
}

Status write_passphrase(const std::filesystem::path& file, const crypto::SecretBytes& passphrase) {
  // O_EXCL: never overwrite the passphrase of an archive that exists.
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail(Errc::io, "cannot create " + file.string());
  std::string text(reinterpret_cast<const char*>(passphrase.data()), passphrase.size());
  text += '\n';
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  std::fill(text.begin(), text.end(), '\0');
  if (!written || !synced) return fail(Errc::io, "cannot write " + file.string());
  return {};
}

Result<crypto::SecretBytes> read_passphrase(const std::filesystem::path& dir) {
  const std::filesystem::path file = demo_passphrase_file(dir);
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty()) {
    return fail(Errc::not_found,
                fmt::format("cannot read the demo passphrase {}; to start afresh, remove the "
                            "demo archive {} (everyone in it is made up)",
                            file.string(), dir.string()));
  }
  auto secret = crypto::SecretBytes::copy_of(line);
  std::fill(line.begin(), line.end(), '\0');
  return secret;
}

}  // namespace

Result<std::pair<Archive, DemoArchive>> create_demo_archive(const std::filesystem::path& dir,
                                                            const crypto::SecretBytes& passphrase,
                                                            KdfStrength strength) {
  const std::string what = "creating the demo archive in " + dir.string();
  {  // the governance officer's session ends before the photographer's begins
    auto governance =
        Archive::create(dir, kDemoGovernanceUser, consent::Role::information_governance_officer,
                        passphrase, strength);
    if (!governance) return with_context(governance.error(), what);
    if (auto added =
            governance->add_user(kDemoUser, consent::Role::photographer, passphrase, strength);
        !added) {
      return with_context(added.error(), what);
    }
  }

  auto archive = Archive::open(dir);
  if (!archive) return with_context(archive.error(), what);
  if (auto unlocked = archive->unlock(kDemoUser, passphrase); !unlocked) {
    return with_context(unlocked.error(), what);
  }
  PatientIdentity identity;
  identity.name = kDemoPatientName;
  identity.date_of_birth = consent::Date::make(1970, 1, 1).value();  // an adult
  auto patient = archive->add_patient(identity);
  if (!patient) return with_context(patient.error(), what);
  auto consent = archive->add_consent(demo_consent(*patient, today_utc()));
  if (!consent) return with_context(consent.error(), what);
  DemoArchive people{*patient, *consent};
  return std::pair<Archive, DemoArchive>(std::move(*archive), std::move(people));
}

Result<DemoArchive> find_demo_people(Archive& archive) {
  PatientQuery query;
  query.name = kDemoPatientName;
  auto patients = archive.find_patients(query);
  if (!patients) return tl::unexpected(patients.error());
  if (patients->empty()) {
    return fail(Errc::not_found,
                fmt::format("{} is not a demo archive: it has no patient named \"{}\"",
                            archive.dir().string(), kDemoPatientName));
  }
  auto consent = archive.get_consent(kDemoConsentId);
  if (!consent) {
    return with_context(consent.error(), archive.dir().string() + ": the demo consent");
  }
  return DemoArchive{patients->front().id, kDemoConsentId};
}

crypto::SecretBytes random_demo_passphrase() {
  return crypto::SecretBytes::copy_of(Uuid::random().to_string());
}

std::filesystem::path default_demo_archive() {
  return paths::default_archive().parent_path() / "demo";
}

std::filesystem::path demo_passphrase_file(const std::filesystem::path& dir) {
  std::filesystem::path trimmed = dir;
  if (!trimmed.has_filename()) trimmed = trimmed.parent_path();  // "demo/" names "demo"
  return std::filesystem::path(trimmed.string() + ".passphrase");
}

Result<DemoSession> open_or_create_demo(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir / kCatalogueFile, ec)) {
    if (dir.has_parent_path()) {
      if (auto made = paths::ensure_directory(dir.parent_path()); !made) {
        return tl::unexpected(made.error());
      }
    }
    crypto::SecretBytes passphrase = random_demo_passphrase();
    auto created = create_demo_archive(dir, passphrase);
    if (!created) return tl::unexpected(created.error());
    if (auto kept = write_passphrase(demo_passphrase_file(dir), passphrase); !kept) {
      return tl::unexpected(kept.error());
    }
    return DemoSession{std::move(created->first), std::move(created->second), std::move(passphrase),
                       true};
  }
  auto passphrase = read_passphrase(dir);
  if (!passphrase) return tl::unexpected(passphrase.error());
  auto opened = Archive::open(dir);
  if (!opened) return tl::unexpected(opened.error());
  if (auto unlocked = opened->unlock(kDemoUser, *passphrase); !unlocked) {
    return with_context(unlocked.error(), "signing in to the demo archive " + dir.string());
  }
  auto people = find_demo_people(*opened);
  if (!people) return tl::unexpected(people.error());
  return DemoSession{std::move(*opened), std::move(*people), std::move(*passphrase), false};
}

}  // namespace clinvid::archive
